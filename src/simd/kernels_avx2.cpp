// AVX2 + FMA kernels, 8 floats per register. Built with -mavx2 -mfma -mpopcnt.
#include "kernels.hpp"
#include "kernels_impl.hpp"

#include <immintrin.h>

namespace ruvec::simd {
namespace {

using Arch = xsimd::fma3<xsimd::avx2>;

inline int32_t sum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

// Bytes widen to int16 so that madd_epi16 sums pairs exactly in int32 (maddubs would saturate
// at -128 * -128 * 2).
template <> int32_t dot_i8<Arch>(const int8_t* a, const int8_t* b, size_t n) {
    auto widen = [](const int8_t* p) {
        return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    };
    __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(widen(a + i), widen(b + i)));
        acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(widen(a + i + 16), widen(b + i + 16)));
    }
    for (; i + 16 <= n; i += 16)
        acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(widen(a + i), widen(b + i)));
    return sum_epi32(_mm256_add_epi32(acc0, acc1)) + dot_i8_loop(a + i, b + i, n - i);
}

// Four lanes of kmer_hash and slot_of at once.
struct HashLanes {
    __m256i seed, c1_lo, c1_hi, c2_lo, c2_hi, dims, one, low_halves;

    HashLanes(uint64_t seed_, uint32_t dims_)
        : seed(_mm256_set1_epi64x(static_cast<long long>(seed_))),
          c1_lo(_mm256_set1_epi64x(0xed558ccdLL)), c1_hi(_mm256_set1_epi64x(0xff51afd7LL)),
          c2_lo(_mm256_set1_epi64x(0x1a85ec53LL)), c2_hi(_mm256_set1_epi64x(0xc4ceb9feLL)),
          dims(_mm256_set1_epi64x(dims_)), one(_mm256_set1_epi64x(1)),
          low_halves(_mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)) {}

    // x * c mod 2^64 from three 32x32->64 multiplies: AVX2 has no vpmullq.
    static __m256i mul64(__m256i x, __m256i c_lo, __m256i c_hi) {
        const __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(x, 32), c_lo),
                                               _mm256_mul_epu32(x, c_hi));
        return _mm256_add_epi64(_mm256_mul_epu32(x, c_lo), _mm256_slli_epi64(cross, 32));
    }
    static __m256i fold(__m256i h) { return _mm256_xor_si256(h, _mm256_srli_epi64(h, 33)); }

    __m128i slots(const uint64_t* kmers) const {
        __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kmers));
        h = fold(_mm256_xor_si256(h, seed));
        h = fold(mul64(h, c1_lo, c1_hi));
        h = fold(mul64(h, c2_lo, c2_hi));
        const __m256i bucket =
            _mm256_srli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(h, 32), dims), 32);
        const __m256i slot =
            _mm256_or_si256(_mm256_slli_epi64(bucket, 1), _mm256_and_si256(h, one));
        return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(slot, low_halves));
    }
};

template <>
void hash_kmers<Arch>(const uint64_t* kmers, size_t n, uint64_t seed, uint32_t dims,
                      uint32_t* slots) {
    const HashLanes lanes(seed, dims);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i s0 = lanes.slots(kmers + i), s1 = lanes.slots(kmers + i + 4);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(slots + i), s0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(slots + i + 4), s1);
    }
    hash_kmers_loop(kmers + i, n - i, seed, dims, slots + i);
}

constexpr Kernels table = make_kernels<Arch>(Isa::avx2);

} // namespace

const Kernels& kernels_avx2() {
    return table;
}

} // namespace ruvec::simd
