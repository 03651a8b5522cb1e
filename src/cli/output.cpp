#include "output.hpp"

#include "ruvec/error.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

namespace ruvec::cli {

namespace {

constexpr size_t buffer_size = size_t{1} << 20;

// Temporary files (and directories) a signal handler must remove. Fixed slots of plain char
// arrays, because a handler may only call async-signal-safe functions (unlink, rmdir) and must not
// take locks.
constexpr int max_temp_files = 16;
constexpr size_t max_temp_path = 4096;
char temp_slots[max_temp_files][max_temp_path];
std::atomic<bool> temp_slot_used[max_temp_files];

int register_temp(const std::string& path) {
    if (path.size() >= max_temp_path) return -1;
    for (int i = 0; i < max_temp_files; ++i) {
        bool expected = false;
        if (temp_slot_used[i].compare_exchange_strong(expected, true)) {
            std::memcpy(temp_slots[i], path.c_str(), path.size() + 1);
            return i;
        }
    }
    return -1;
}

void unregister_temp(int slot) {
    if (slot >= 0) temp_slot_used[slot].store(false);
}

extern "C" void remove_temps_and_reraise(int signal_number) {
    // Files first, then the directories they were in (unlink fails on a directory, rmdir on a
    // file, harmlessly).
    for (int i = 0; i < max_temp_files; ++i)
        if (temp_slot_used[i].load()) unlink(temp_slots[i]);
    for (int i = 0; i < max_temp_files; ++i)
        if (temp_slot_used[i].load()) rmdir(temp_slots[i]);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

// SIGBUS: a mapped index file shrank under the process (another program truncated or rewrote it
// in place). The read cannot be completed or retried: remove temporary outputs, say what
// happened, and exit with the I/O status.
extern "C" void mapped_file_failed(int) {
    for (int i = 0; i < max_temp_files; ++i)
        if (temp_slot_used[i].load()) unlink(temp_slots[i]);
    for (int i = 0; i < max_temp_files; ++i)
        if (temp_slot_used[i].load()) rmdir(temp_slots[i]);
    static const char message[] =
        "ruvec: an index file in use was truncated or rewritten in place by another program "
        "(bus error reading its mapped vectors); replace index files by renaming new ones over "
        "them, as ruvec does\n";
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message, sizeof message - 1);
    _exit(2);
}

void write_all(int fd, const char* data, size_t size, const std::function<void()>& on_error) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            on_error();
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

} // namespace

RemoveOnSignal::RemoveOnSignal(const std::string& path) : slot_(register_temp(path)) {}

RemoveOnSignal::~RemoveOnSignal() {
    unregister_temp(slot_);
}

void install_cleanup_signal_handlers() {
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP})
        std::signal(signal_number, remove_temps_and_reraise);
    // Past a file size limit (ulimit -f) the write fails with EFBIG instead of the signal
    // killing the process: the error is reported and the temporary output removed, as for a
    // full disk.
    std::signal(SIGXFSZ, SIG_IGN);
}

void install_mapped_file_handler() {
    std::signal(SIGBUS, mapped_file_failed);
}

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
    buffer_.reserve(buffer_size);
    if (path_ == "-") {
        is_stdout_ = true;
        fd_ = STDOUT_FILENO;
        return;
    }
    std::string pattern = path_ + ".tmp.XXXXXX";
    fd_ = mkstemp(pattern.data());
    if (fd_ < 0) fail("cannot create");
    temp_path_ = pattern;
    temp_slot_ = register_temp(temp_path_);
    // mkstemp creates mode 0600; give the output the usual 0666 less the umask.
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(fd_, 0666 & ~mask);
}

OutputFile::~OutputFile() {
    if (is_stdout_ || committed_) return;
    if (fd_ >= 0) close(fd_);
    unlink(temp_path_.c_str());
    unregister_temp(temp_slot_);
}

void OutputFile::fail(const char* what) const {
    const std::string name = is_stdout_ ? std::string("standard output") : path_;
    throw Error(ErrorKind::io, std::string(what) + " " + name + ": " + std::strerror(errno));
}

void OutputFile::write(const char* data, size_t size) {
    if (buffer_.size() + size > buffer_size) {
        flush();
        if (size >= buffer_size) {
            write_all(fd_, data, size, [this] { fail("cannot write"); });
            return;
        }
    }
    buffer_.insert(buffer_.end(), data, data + size);
}

void OutputFile::write_at(uint64_t offset, const char* data, size_t size) {
    if (is_stdout_) ByteSink::write_at(offset, data, size);
    flush();
    while (size > 0) {
        const ssize_t n = pwrite(fd_, data, size, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write");
        }
        data += n;
        size -= static_cast<size_t>(n);
        offset += static_cast<uint64_t>(n);
    }
}

void OutputFile::flush() {
    if (buffer_.empty()) return;
    write_all(fd_, buffer_.data(), buffer_.size(), [this] { fail("cannot write"); });
    buffer_.clear();
}

void OutputFile::commit() {
    flush();
    if (is_stdout_) {
        committed_ = true;
        return;
    }
    if (fsync(fd_) != 0 && errno != EINVAL) fail("cannot write");
    if (close(fd_) != 0) {
        fd_ = -1;
        fail("cannot write");
    }
    fd_ = -1;
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) fail("cannot rename the output to");
    committed_ = true;
    unregister_temp(temp_slot_);
}

} // namespace ruvec::cli
