// A private directory under $TMPDIR (or /tmp) for files a command makes and throws away (the
// benchmarks' indexes and synthetic inputs); it and the files named through it go at the end.
#pragma once

#include "ruvec/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

namespace ruvec::cli {

class TempDir {
public:
    TempDir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/ruvec-bench-XXXXXX";
        if (!mkdtemp(pattern.data()))
            throw Error(ErrorKind::io, pattern + ": " + std::strerror(errno));
        path_ = pattern;
    }
    ~TempDir() {
        for (const std::string& f : files_) std::remove(f.c_str());
        rmdir(path_.c_str());
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    // A path inside, removed by the destructor.
    std::string file(const std::string& name) {
        files_.push_back(path_ + "/" + name);
        return files_.back();
    }

private:
    std::string path_;
    std::vector<std::string> files_;
};

} // namespace ruvec::cli
