// Kernel templates over the xsimd architecture, shared by the per-ISA translation units
// (kernels_<isa>.cpp), each compiled with its own ISA flags. Include it from nowhere else.
//
// Everything here lives in an anonymous namespace, so each ISA's translation unit gets its own
// internal copy. An inline function with external linkage compiled with -mavx512f would become a
// weak symbol that the linker may keep for the whole program, which then dies with SIGILL on a CPU
// without AVX-512. For the same reason nothing here calls inline functions of the standard library
// (std::sqrt, std::min, std::vector, ...) nor simd.hpp's kmer_hash: use __builtin_* and local
// copies. Templates on Arch are safe too, as their symbols differ per ISA.
//
// A per-ISA file may replace a default below by an explicit specialisation on its Arch, written
// before it calls make_kernels; xsimd 8.1 has no widening integer multiply nor 64-bit multiply.
#pragma once

#include "ruvec/simd.hpp"

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>

namespace ruvec::simd {
namespace { // NOLINT(cert-dcl59-cpp): one copy per ISA translation unit on purpose, see above

template <class Arch> using fbatch = xsimd::batch<float, Arch>;

// Sum of the lanes (hadd: xsimd 8.1 has no reduce_add). The avx512bw file specialises it.
template <class Arch> float lane_sum(const fbatch<Arch>& v) {
    return xsimd::hadd(v);
}

// ---------------------------------------------------------------------------------------------
// Float kernels.
//
// dot and l2sq (the distances of the index) add in one fixed order on every ISA: element i goes
// to lane i % sum_lanes, each product is rounded before it is added (no FMA), and the lanes are
// then added pairwise (lane j += lane j + 16, then + 8, + 4, + 2, + 1). The scalar reference
// does the same, so every ISA gives the same bits and an index built on one CPU is the same file
// on another. 32 lanes are 2 AVX-512, 4 AVX2 or 8 SSE registers: enough independent additions
// to hide their latency.
constexpr size_t sum_lanes = 32;

float fold_lanes(float* lanes) {
    for (size_t width = sum_lanes / 2; width > 0; width /= 2)
        for (size_t j = 0; j < width; ++j) lanes[j] += lanes[j + width];
    return lanes[0];
}

template <class Arch> float dot(const float* a, const float* b, size_t n) {
    using B = fbatch<Arch>;
    constexpr size_t w = B::size;
    constexpr size_t registers = sum_lanes / w;
    static_assert(sum_lanes % w == 0, "lanes fill whole registers");
    B acc[registers];
    for (B& r : acc) r = B(0.0f);
    size_t i = 0;
    for (; i + sum_lanes <= n; i += sum_lanes)
        for (size_t r = 0; r < registers; ++r)
            acc[r] = acc[r] + B::load_unaligned(a + i + r * w) * B::load_unaligned(b + i + r * w);
    alignas(64) float lanes[sum_lanes];
    for (size_t r = 0; r < registers; ++r) acc[r].store_aligned(lanes + r * w);
    for (size_t j = 0; i + j < n; ++j) lanes[j] += a[i + j] * b[i + j];
    return fold_lanes(lanes);
}

template <class Arch> float l2sq(const float* a, const float* b, size_t n) {
    using B = fbatch<Arch>;
    constexpr size_t w = B::size;
    constexpr size_t registers = sum_lanes / w;
    static_assert(sum_lanes % w == 0, "lanes fill whole registers");
    B acc[registers];
    for (B& r : acc) r = B(0.0f);
    size_t i = 0;
    for (; i + sum_lanes <= n; i += sum_lanes)
        for (size_t r = 0; r < registers; ++r) {
            const B d = B::load_unaligned(a + i + r * w) - B::load_unaligned(b + i + r * w);
            acc[r] = acc[r] + d * d;
        }
    alignas(64) float lanes[sum_lanes];
    for (size_t r = 0; r < registers; ++r) acc[r].store_aligned(lanes + r * w);
    for (size_t j = 0; i + j < n; ++j) {
        const float d = a[i + j] - b[i + j];
        lanes[j] += d * d;
    }
    return fold_lanes(lanes);
}

template <class Arch> float cosine(const float* a, const float* b, size_t n) {
    using B = fbatch<Arch>;
    constexpr size_t w = B::size;
    B ab0(0.0f), ab1(0.0f), aa0(0.0f), aa1(0.0f), bb0(0.0f), bb1(0.0f);
    size_t i = 0;
    for (; i + 2 * w <= n; i += 2 * w) {
        const B x0 = B::load_unaligned(a + i), y0 = B::load_unaligned(b + i);
        const B x1 = B::load_unaligned(a + i + w), y1 = B::load_unaligned(b + i + w);
        ab0 = xsimd::fma(x0, y0, ab0);
        aa0 = xsimd::fma(x0, x0, aa0);
        bb0 = xsimd::fma(y0, y0, bb0);
        ab1 = xsimd::fma(x1, y1, ab1);
        aa1 = xsimd::fma(x1, x1, aa1);
        bb1 = xsimd::fma(y1, y1, bb1);
    }
    for (; i + w <= n; i += w) {
        const B x = B::load_unaligned(a + i), y = B::load_unaligned(b + i);
        ab0 = xsimd::fma(x, y, ab0);
        aa0 = xsimd::fma(x, x, aa0);
        bb0 = xsimd::fma(y, y, bb0);
    }
    float ab = lane_sum<Arch>(ab0 + ab1), aa = lane_sum<Arch>(aa0 + aa1),
          bb = lane_sum<Arch>(bb0 + bb1);
    for (; i < n; ++i) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    // As in the reference: zero (or underflowed) norms give 0, not inf or NaN.
    if (aa == 0.0f || bb == 0.0f) return 0.0f;
    return ab / (__builtin_sqrtf(aa) * __builtin_sqrtf(bb));
}

template <class Arch> void l2_normalize(float* v, size_t n) {
    using B = fbatch<Arch>;
    constexpr size_t w = B::size;
    const float ss = dot<Arch>(v, v, n);
    if (ss == 0.0f) return;
    const float inv = 1.0f / __builtin_sqrtf(ss);
    const B scale(inv);
    size_t i = 0;
    for (; i + w <= n; i += w) (B::load_unaligned(v + i) * scale).store_unaligned(v + i);
    for (; i < n; ++i) v[i] *= inv;
}

// Row by row with the same code as dot/l2sq, so a batch gives bit-identical scores to single calls
// of the same ISA (a brute-force search and a re-ranking agree).
template <class Arch>
void dot_batch(const float* query, const float* rows, size_t n_rows, size_t dim, float* out) {
    for (size_t r = 0; r < n_rows; ++r) out[r] = dot<Arch>(query, rows + r * dim, dim);
}

template <class Arch>
void l2sq_batch(const float* query, const float* rows, size_t n_rows, size_t dim, float* out) {
    for (size_t r = 0; r < n_rows; ++r) out[r] = l2sq<Arch>(query, rows + r * dim, dim);
}

// Tiles of queries against rows, for brute-force search. dot_batch loads two values per product;
// here each loaded register serves a whole row or column of a tile of pairs, so the time goes to
// arithmetic. The sums stay dot's and l2sq's, to the bit: the 32 lanes are independent sums, so a
// tile fills them one register-wide group at a time (every lane still adds its elements in
// increasing order), then adds the tail and folds the lanes as they do. Tiles of 4 x 4 pairs
// keep 16 sums in registers with AVX-512 (32 registers); 2 x 4 fit the 16 of SSE and AVX2.
template <class Arch, bool squared_l2>
void tile(const float* queries, size_t n_queries, const float* const* rows, size_t n_rows,
          size_t dim, float* out) {
    using B = fbatch<Arch>;
    constexpr size_t w = B::size;
    constexpr size_t tile_queries = w >= 16 ? 4 : 2;
    constexpr size_t tile_rows = 4;
    const size_t whole = dim - dim % sum_lanes; // elements in whole 32-lane steps
    auto single = [dim](const float* a, const float* b) {
        return squared_l2 ? l2sq<Arch>(a, b, dim) : dot<Arch>(a, b, dim);
    };
    // Rows outside, queries inside: a tile's rows stay in L1 while every query passes them.
    size_t r0 = 0;
    for (; r0 + tile_rows <= n_rows; r0 += tile_rows) {
        const float* row[tile_rows];
        for (size_t b = 0; b < tile_rows; ++b) row[b] = rows[r0 + b];
        size_t q0 = 0;
        for (; q0 + tile_queries <= n_queries; q0 += tile_queries) {
            const float* query[tile_queries];
            for (size_t a = 0; a < tile_queries; ++a) query[a] = queries + (q0 + a) * dim;
            alignas(64) float lanes[tile_queries][tile_rows][sum_lanes];
            for (size_t group = 0; group < sum_lanes; group += w) {
                B acc[tile_queries][tile_rows];
                for (auto& sums : acc)
                    for (B& sum : sums) sum = B(0.0f);
                for (size_t i = group; i < whole; i += sum_lanes) {
                    B x[tile_queries];
                    for (size_t a = 0; a < tile_queries; ++a)
                        x[a] = B::load_unaligned(query[a] + i);
                    for (size_t b = 0; b < tile_rows; ++b) {
                        const B y = B::load_unaligned(row[b] + i);
                        for (size_t a = 0; a < tile_queries; ++a) {
                            if constexpr (squared_l2) {
                                const B d = x[a] - y;
                                acc[a][b] = acc[a][b] + d * d;
                            } else {
                                acc[a][b] = acc[a][b] + x[a] * y;
                            }
                        }
                    }
                }
                for (size_t a = 0; a < tile_queries; ++a)
                    for (size_t b = 0; b < tile_rows; ++b)
                        acc[a][b].store_aligned(&lanes[a][b][group]);
            }
            for (size_t a = 0; a < tile_queries; ++a)
                for (size_t b = 0; b < tile_rows; ++b) {
                    float* sums = lanes[a][b];
                    for (size_t j = 0; whole + j < dim; ++j) {
                        const float x = query[a][whole + j], y = row[b][whole + j];
                        if constexpr (squared_l2) {
                            const float d = x - y;
                            sums[j] += d * d;
                        } else {
                            sums[j] += x * y;
                        }
                    }
                    out[(q0 + a) * n_rows + r0 + b] = fold_lanes(sums);
                }
        }
        for (; q0 < n_queries; ++q0)
            for (size_t b = 0; b < tile_rows; ++b)
                out[q0 * n_rows + r0 + b] = single(queries + q0 * dim, row[b]);
    }
    for (; r0 < n_rows; ++r0)
        for (size_t q = 0; q < n_queries; ++q)
            out[q * n_rows + r0] = single(queries + q * dim, rows[r0]);
}

template <class Arch>
void dot_tile(const float* queries, size_t n_queries, const float* const* rows, size_t n_rows,
              size_t dim, float* out) {
    tile<Arch, false>(queries, n_queries, rows, n_rows, dim, out);
}

template <class Arch>
void l2sq_tile(const float* queries, size_t n_queries, const float* const* rows, size_t n_rows,
               size_t dim, float* out) {
    tile<Arch, true>(queries, n_queries, rows, n_rows, dim, out);
}

// ---------------------------------------------------------------------------------------------
// Integer kernels: portable loops, used as the default and for the tails of specialisations.

inline uint64_t hamming_loop(const uint64_t* a, const uint64_t* b, size_t n_words) {
    uint64_t bits = 0;
    // One popcnt per word where the ISA flags include -mpopcnt (sse4_2 and up).
    for (size_t i = 0; i < n_words; ++i)
        bits += static_cast<uint64_t>(__builtin_popcountll(a[i] ^ b[i]));
    return bits;
}

inline int32_t dot_i8_loop(const int8_t* a, const int8_t* b, size_t n) {
    int32_t sum = 0;
    for (size_t i = 0; i < n; ++i) sum += int32_t{a[i]} * int32_t{b[i]};
    return sum;
}

// simd.hpp's kmer_hash, copied so that no ISA translation unit emits that inline function.
inline uint64_t hash_one(uint64_t kmer, uint64_t seed) {
    uint64_t h = kmer ^ seed;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

inline uint32_t slot_of(uint64_t h, uint32_t dims) {
    const auto bucket = static_cast<uint32_t>(((h >> 32) * dims) >> 32);
    return (bucket << 1) | static_cast<uint32_t>(h & 1);
}

// Also what sse2 and sse4_2 use: their 2-lane 64-bit multiply from three pmuludq measured 0.8x
// of this loop.
inline void hash_kmers_loop(const uint64_t* kmers, size_t n, uint64_t seed, uint32_t dims,
                            uint32_t* slots) {
    for (size_t i = 0; i < n; ++i) slots[i] = slot_of(hash_one(kmers[i], seed), dims);
}

template <class Arch> uint64_t hamming(const uint64_t* a, const uint64_t* b, size_t n_words) {
    return hamming_loop(a, b, n_words);
}

template <class Arch> int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n) {
    return dot_i8_loop(a, b, n);
}

template <class Arch>
void hash_kmers(const uint64_t* kmers, size_t n, uint64_t seed, uint32_t dims, uint32_t* slots) {
    hash_kmers_loop(kmers, n, seed, dims, slots);
}

// The kernel table of Arch, built at compile time (no static initialisation order to worry about).
template <class Arch> constexpr Kernels make_kernels(Isa isa) {
    Kernels k{};
    k.isa = isa;
    k.dot = dot<Arch>;
    k.l2sq = l2sq<Arch>;
    k.cosine = cosine<Arch>;
    k.l2_normalize = l2_normalize<Arch>;
    k.dot_batch = dot_batch<Arch>;
    k.l2sq_batch = l2sq_batch<Arch>;
    k.dot_tile = dot_tile<Arch>;
    k.l2sq_tile = l2sq_tile<Arch>;
    k.hamming = hamming<Arch>;
    k.dot_i8 = dot_i8<Arch>;
    k.hash_kmers = hash_kmers<Arch>;
    return k;
}

} // namespace
} // namespace ruvec::simd
