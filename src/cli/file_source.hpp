// Random access to a file with pread, for files read by sections (.rvx indexes).
#pragma once

#include "ruvec/io.hpp"

#include <string>

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

private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
};

} // namespace ruvec::cli
