// SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator whose draws are the same on every
// platform, unlike the std:: distributions, for seeded choices that files and figures depend on.
#pragma once

#include <cstdint>

namespace ruvec {

inline constexpr uint64_t splitmix_step = 0x9e3779b97f4a7c15ULL;

// The draw SplitMix64 makes from state `x`: a well-mixed function of one 64-bit word.
inline uint64_t mix64(uint64_t x) {
    x += splitmix_step;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class SplitMix64 {
public:
    explicit SplitMix64(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        const uint64_t draw = mix64(state_);
        state_ += splitmix_step;
        return draw;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0, 1)

private:
    uint64_t state_;
};

} // namespace ruvec
