// A check shared by the index and its file loader.
#pragma once

#include <cmath>
#include <cstddef>

namespace ruvec {

// True when no value is NaN or infinite.
inline bool all_finite(const float* v, size_t n) {
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i])) return false;
    return true;
}

} // namespace ruvec
