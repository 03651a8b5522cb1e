// A ByteSource over the fuzzer's bytes that hands them out in pieces of a size the input chooses,
// so that records, lines and blocks split across reads are fuzzed too (the readers refill their
// buffers at every piece, as they do from a pipe).
#pragma once

#include "ruvec/io.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ruvec::fuzz {

class ChunkedSource : public ByteSource {
public:
    // The first byte of the input sets the piece size (1 to 256 bytes); the rest is the stream.
    ChunkedSource(const uint8_t* data, size_t size)
        : data_(data + std::min<size_t>(size, 1)), size_(size ? size - 1 : 0),
          piece_(size ? size_t{data[0]} + 1 : 1) {}

    size_t read(char* buffer, size_t capacity) override {
        const size_t n = std::min({capacity, piece_, size_ - position_});
        std::memcpy(buffer, data_ + position_, n);
        position_ += n;
        return n;
    }

private:
    const uint8_t* data_;
    size_t size_;
    size_t piece_;
    size_t position_ = 0;
};

} // namespace ruvec::fuzz
