// Output files that appear complete or not at all: bytes go to a temporary file beside the target
// and are renamed over it only by commit(). An output abandoned by an error, or by SIGINT, SIGTERM
// or SIGHUP, is removed. "-" writes to standard output instead.
#pragma once

#include "ruvec/io.hpp"

#include <string>
#include <vector>

namespace ruvec::cli {

class OutputFile : public ByteSink {
public:
    // Creates the temporary file (or takes standard output for "-"); throws Error(io) naming
    // `path` if its directory is missing or not writable.
    explicit OutputFile(std::string path);
    ~OutputFile() override; // removes the temporary file unless committed
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(const char* data, size_t size) override;
    using ByteSink::write;
    bool can_rewrite() const override { return !is_stdout_; }
    void write_at(uint64_t offset, const char* data, size_t size) override;
    void flush() override;

    // Flushes, syncs and renames the temporary file to its final path (or flushes stdout).
    void commit();

    bool is_stdout() const { return is_stdout_; }
    const std::string& path() const { return path_; }

private:
    [[noreturn]] void fail(const char* what) const;

    std::string path_;      // final path, or "-"
    std::string temp_path_; // where bytes go until commit()
    int fd_ = -1;
    int temp_slot_ = -1; // its slot in the signal handler's list of files to remove
    bool is_stdout_ = false;
    bool committed_ = false;
    std::vector<char> buffer_; // bytes not yet written to fd_
};

// While it lives, `path` (a file, or an empty directory) is removed if the process gets SIGINT,
// SIGTERM or SIGHUP: for scratch files that are not outputs (TempDir).
class RemoveOnSignal {
public:
    explicit RemoveOnSignal(const std::string& path);
    ~RemoveOnSignal();
    RemoveOnSignal(const RemoveOnSignal&) = delete;
    RemoveOnSignal& operator=(const RemoveOnSignal&) = delete;

private:
    int slot_; // -1 when every slot was taken (then only the normal clean-up removes it)
};

// Removes every uncommitted temporary file, and every path held by a RemoveOnSignal, when the
// process gets SIGINT, SIGTERM or SIGHUP.
void install_cleanup_signal_handlers();

// SIGBUS, raised when a memory-mapped index file shrinks while in use, becomes a one-line
// message and exit status 2 (temporary outputs removed) instead of a crash.
void install_mapped_file_handler();

} // namespace ruvec::cli
