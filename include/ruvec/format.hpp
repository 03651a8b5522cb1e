// Little-endian field access and checksums shared by ruvec's on-disk formats. Every multi-byte
// field in a ruvec file is little-endian whatever the host; checksums are XXH64 (libxxhash).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ruvec {

// XXH64 of `size` bytes with `seed`: the checksum of every ruvec header, block and section.
uint64_t checksum64(const void* data, size_t size, uint64_t seed = 0);

// Whether a stored checksum equals the one computed from the bytes. Readers compare through
// this alone so that the fuzzing build (test/fuzz, FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, as
// OSS-Fuzz names it) can accept any checksum: a mutated file then reaches the checks behind them,
// as a hostile file with correct checksums would.
inline bool checksum_matches(uint64_t computed, uint64_t stored) {
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    (void)computed;
    (void)stored;
    return true;
#else
    return computed == stored;
#endif
}

// The same checksum over bytes that arrive in pieces (sections written or read in chunks).
class StreamingChecksum64 {
public:
    StreamingChecksum64();
    ~StreamingChecksum64();
    StreamingChecksum64(const StreamingChecksum64&) = delete;
    StreamingChecksum64& operator=(const StreamingChecksum64&) = delete;
    void update(const void* data, size_t size);
    uint64_t digest() const; // of everything so far; equals checksum64 of the concatenation

private:
    alignas(8) unsigned char state_[96]; // an XXH64_state_t (size checked in format.cpp)
};

inline void put_u8(unsigned char* p, uint8_t v) {
    p[0] = v;
}
inline void put_u32(unsigned char* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline void put_u64(unsigned char* p, uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline uint32_t get_u32(const unsigned char* p) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
    return v;
}
inline uint64_t get_u64(const unsigned char* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
    return v;
}
inline void put_f32(unsigned char* p, float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    put_u32(p, bits);
}
inline float get_f32(const unsigned char* p) {
    uint32_t bits = get_u32(p);
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
}

} // namespace ruvec
