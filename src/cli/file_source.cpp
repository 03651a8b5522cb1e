#include "file_source.hpp"

#include "ruvec/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ruvec::cli {

FileSource::FileSource(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw Error(ErrorKind::io, path_ + ": " + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
        const int saved = S_ISREG(info.st_mode) ? errno : 0;
        ::close(fd_);
        fd_ = -1;
        throw Error(ErrorKind::io,
                    path_ + ": " + (saved ? std::strerror(saved) : "not a regular file"));
    }
    size_ = static_cast<uint64_t>(info.st_size);
    // The sections are read front to back in large pieces.
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

FileSource::~FileSource() {
    if (mapped_) ::munmap(mapped_, static_cast<size_t>(size_));
    if (fd_ >= 0) ::close(fd_);
}

const char* FileSource::map() const {
    if (!mapped_ && size_ > 0) {
        void* at = ::mmap(nullptr, static_cast<size_t>(size_), PROT_READ, MAP_SHARED, fd_, 0);
        if (at == MAP_FAILED) return nullptr; // the caller reads with pread instead
        mapped_ = at;
    }
    return static_cast<const char*>(mapped_);
}

void FileSource::read_at(uint64_t offset, char* buffer, size_t size) const {
    while (size > 0) {
        const ssize_t n = ::pread(fd_, buffer, size, static_cast<off_t>(offset));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(ErrorKind::io, path_ + ": " + std::strerror(errno));
        }
        if (n == 0) throw Error(ErrorKind::corrupt, path_ + ": file shrank while being read");
        buffer += n;
        size -= static_cast<size_t>(n);
        offset += static_cast<uint64_t>(n);
    }
}

std::shared_ptr<const RandomAccessSource> FileSource::share() const {
    const int fd = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    // Reads from here on are scattered rows: read-ahead would only fill the cache.
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    return std::shared_ptr<const RandomAccessSource>(new FileSource(fd, path_, size_));
}

} // namespace ruvec::cli
