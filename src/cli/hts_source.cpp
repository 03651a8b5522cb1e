#include "hts_source.hpp"

#include "ruvec/error.hpp"

#include <htslib/bgzf.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <sys/stat.h>

namespace ruvec::cli {

HtsSource::HtsSource(const std::string& path, int threads) : path_(path) {
    struct stat info;
    if (path != "-" && stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        throw Error(ErrorKind::io, path + ": is a directory");
    errno = 0;
    file_ = bgzf_open(path.c_str(), "r");
    if (file_ == nullptr) {
        const int saved = errno;
        throw Error(ErrorKind::io, path + ": " + (saved ? std::strerror(saved) : "cannot open"));
    }
    // Only BGZF splits into independent blocks; plain gzip decompresses on one thread.
    if (threads > 0 && file_->is_compressed && file_->is_gzip == 0) bgzf_mt(file_, threads, 64);
}

HtsSource::~HtsSource() {
    if (file_ != nullptr) bgzf_close(file_);
}

size_t HtsSource::read(char* buffer, size_t capacity) {
    if (capacity > INT_MAX) capacity = INT_MAX;
    errno = 0;
    const ssize_t n = bgzf_read(file_, buffer, capacity);
    if (n >= 0) return static_cast<size_t>(n);
    if (file_->errcode & (BGZF_ERR_ZLIB | BGZF_ERR_HEADER | BGZF_ERR_CRC))
        throw Error(ErrorKind::input, path_ + ": corrupt or truncated compressed data");
    const int saved = errno;
    throw Error(ErrorKind::io,
                path_ + ": read error" + (saved ? std::string(": ") + std::strerror(saved) : ""));
}

} // namespace ruvec::cli
