// A ByteSource over htslib's BGZF reader, which reads plain, gzip and BGZF files and '-' (stdin).
#pragma once

#include "ruvec/io.hpp"

#include <string>

struct BGZF;

namespace ruvec::cli {

class HtsSource : public ByteSource {
public:
    // Opens `path` ("-": standard input); throws Error(io) naming it. With threads > 0, BGZF
    // input is decompressed by that many extra threads.
    explicit HtsSource(const std::string& path, int threads = 0);
    ~HtsSource() override;
    HtsSource(const HtsSource&) = delete;
    HtsSource& operator=(const HtsSource&) = delete;

    size_t read(char* buffer, size_t capacity) override;

private:
    std::string path_;
    BGZF* file_ = nullptr;
};

} // namespace ruvec::cli
