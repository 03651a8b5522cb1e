// A private directory under --tmpdir, $TMPDIR or /tmp for files a command makes and throws away
// (the benchmarks' indexes and synthetic inputs); it and the files named through it go at the
// end, or on SIGINT, SIGTERM or SIGHUP (install_cleanup_signal_handlers).
#pragma once

#include "output.hpp"
#include "ruvec/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <unistd.h>
#include <vector>

namespace ruvec::cli {

class TempDir {
public:
    // Under `base`; empty: $TMPDIR, or /tmp without it.
    explicit TempDir(const std::string& base = {}) {
        const char* environment = std::getenv("TMPDIR");
        const std::string parent = !base.empty()                 ? base
                                   : environment && *environment ? environment
                                                                 : "/tmp";
        std::string pattern = parent + "/ruvec-bench-XXXXXX";
        if (!mkdtemp(pattern.data()))
            throw Error(ErrorKind::io, "scratch directory " + parent + ": " + std::strerror(errno));
        path_ = pattern;
        on_signal_.emplace_back(path_);
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
        on_signal_.emplace_back(files_.back());
        return files_.back();
    }

private:
    std::string path_;
    std::vector<std::string> files_;
    std::deque<RemoveOnSignal> on_signal_; // the directory, then each file
};

} // namespace ruvec::cli
