// Random access to a file with pread, for files read by sections (.rvx indexes).
#pragma once

#include "ruvec/io.hpp"

#include <memory>
#include <string>
#include <utility>

namespace ruvec::cli {

class FileSource : public RandomAccessSource {
public:
    // Opens `path` for reading; throws Error(io) "path: No such file or directory".
    explicit FileSource(std::string path);
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    uint64_t size() const override { return size_; }
    void read_at(uint64_t offset, char* buffer, size_t size) const override;
    // The same open file (a duplicated descriptor), advised for random reads; so it is
    // unaffected if the path is renamed over or removed. Null if the system refuses.
    std::shared_ptr<const RandomAccessSource> share() const override;
    // mmap of the whole file, made on the first call and unmapped with this source. A file
    // truncated by another program while mapped raises SIGBUS where it is read (main.cpp turns
    // that into exit status 2); ruvec itself replaces files by renaming, which leaves it intact.
    const char* map() const override;

private:
    FileSource(int fd, std::string path, uint64_t size)
        : path_(std::move(path)), fd_(fd), size_(size) {}

    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
    mutable void* mapped_ = nullptr; // map()'s, or null
};

} // namespace ruvec::cli
