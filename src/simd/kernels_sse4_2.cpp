// SSE4.2 kernels (with POPCNT), 4 floats per register. Built with -msse4.2 -mpopcnt; under
// emscripten with -msimd128 -msse4.2, where the same intrinsics become WebAssembly SIMD.
#include "kernels.hpp"
#include "kernels_impl.hpp"

#include <smmintrin.h>

namespace ruvec::simd {
namespace {

using Arch = xsimd::sse4_2;

inline int32_t sum_epi32(__m128i v) {
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(v);
}

// Bytes widen to int16 so that madd_epi16 sums pairs exactly in int32 (maddubs would saturate
// at -128 * -128 * 2).
template <> int32_t dot_i8<Arch>(const int8_t* a, const int8_t* b, size_t n) {
    __m128i acc = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
        const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
        const __m128i x_lo = _mm_cvtepi8_epi16(x), x_hi = _mm_cvtepi8_epi16(_mm_srli_si128(x, 8));
        const __m128i y_lo = _mm_cvtepi8_epi16(y), y_hi = _mm_cvtepi8_epi16(_mm_srli_si128(y, 8));
        acc = _mm_add_epi32(acc, _mm_madd_epi16(x_lo, y_lo));
        acc = _mm_add_epi32(acc, _mm_madd_epi16(x_hi, y_hi));
    }
    return sum_epi32(acc) + dot_i8_loop(a + i, b + i, n - i);
}

constexpr Kernels table = make_kernels<Arch>(Isa::sse4_2);

} // namespace

const Kernels& kernels_sse4_2() {
    return table;
}

} // namespace ruvec::simd
