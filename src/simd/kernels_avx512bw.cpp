// AVX-512 kernels (F, CD, DQ, BW, VL), 16 floats per register. Built with -mavx512f -mavx512cd
// -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma -mpopcnt.

// GCC 12.2 warns that the _mm*_undefined_* helpers inside its own AVX-512 intrinsics are
// uninitialised (GCC bug 105593, fixed in 12.3); the pragma must precede the headers.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "kernels.hpp"
#include "kernels_impl.hpp"

#include <immintrin.h>

namespace ruvec::simd {
namespace {

using Arch = xsimd::avx512bw;

// xsimd's hadd for AVX-512 calls its avx2 instantiation, a weak symbol that the avx2 translation
// unit also emits; whichever copy the linker kept would be wrong for one of the two tables.
template <> float lane_sum<Arch>(const fbatch<Arch>& v) {
    return _mm512_reduce_add_ps(v);
}

// Bytes widen to int16 so that madd_epi16 sums pairs exactly in int32 (maddubs would saturate
// at -128 * -128 * 2).
template <> int32_t dot_i8<Arch>(const int8_t* a, const int8_t* b, size_t n) {
    auto widen = [](const int8_t* p) {
        return _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    };
    __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(widen(a + i), widen(b + i)));
        acc1 = _mm512_add_epi32(acc1, _mm512_madd_epi16(widen(a + i + 32), widen(b + i + 32)));
    }
    for (; i + 32 <= n; i += 32)
        acc0 = _mm512_add_epi32(acc0, _mm512_madd_epi16(widen(a + i), widen(b + i)));
    return _mm512_reduce_add_epi32(_mm512_add_epi32(acc0, acc1)) + dot_i8_loop(a + i, b + i, n - i);
}

// Eight lanes of kmer_hash and slot_of at once; AVX512DQ has the 64-bit multiply.
struct HashLanes {
    __m512i seed, c1, c2, dims, one;

    HashLanes(uint64_t seed_, uint32_t dims_)
        : seed(_mm512_set1_epi64(static_cast<long long>(seed_))),
          c1(_mm512_set1_epi64(static_cast<long long>(0xff51afd7ed558ccdULL))),
          c2(_mm512_set1_epi64(static_cast<long long>(0xc4ceb9fe1a85ec53ULL))),
          dims(_mm512_set1_epi64(dims_)), one(_mm512_set1_epi64(1)) {}

    static __m512i fold(__m512i h) { return _mm512_xor_si512(h, _mm512_srli_epi64(h, 33)); }

    __m256i slots(__m512i kmers) const {
        __m512i h = fold(_mm512_xor_si512(kmers, seed));
        h = fold(_mm512_mullo_epi64(h, c1));
        h = fold(_mm512_mullo_epi64(h, c2));
        const __m512i bucket =
            _mm512_srli_epi64(_mm512_mul_epu32(_mm512_srli_epi64(h, 32), dims), 32);
        return _mm512_cvtepi64_epi32(
            _mm512_or_si512(_mm512_slli_epi64(bucket, 1), _mm512_and_si512(h, one)));
    }
};

template <>
void hash_kmers<Arch>(const uint64_t* kmers, size_t n, uint64_t seed, uint32_t dims,
                      uint32_t* slots) {
    const HashLanes lanes(seed, dims);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i s = lanes.slots(_mm512_loadu_si512(kmers + i));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(slots + i), s);
    }
    if (i < n) { // masked loads and stores do not touch memory past the end
        const auto mask = static_cast<__mmask8>((1u << (n - i)) - 1);
        const __m256i s = lanes.slots(_mm512_maskz_loadu_epi64(mask, kmers + i));
        _mm256_mask_storeu_epi32(slots + i, mask, s);
    }
}

constexpr Kernels table = make_kernels<Arch>(Isa::avx512bw);

} // namespace

const Kernels& kernels_avx512bw() {
    return table;
}

} // namespace ruvec::simd
