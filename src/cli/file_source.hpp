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

private:
    FileSource(int fd, std::string path, uint64_t size)
        : path_(std::move(path)), fd_(fd), size_(size) {}

    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
};

} // namespace ruvec::cli
