// The scalar reference kernels: plain loops, built without ISA flags. Every other ISA is tested
// against these, so they stay obvious rather than fast (dot and l2sq keep 32 running sums, the
// order every ISA adds in).
#include "kernels.hpp"

#include <cmath>

namespace ruvec::simd {
namespace {

// dot and l2sq add in the fixed order every ISA uses (see kernels_impl.hpp): element i into
// lane i % 32, products rounded before adding, then the lanes pairwise.
constexpr size_t sum_lanes = 32;

float fold_lanes(float* lanes) {
    for (size_t width = sum_lanes / 2; width > 0; width /= 2)
        for (size_t j = 0; j < width; ++j) lanes[j] += lanes[j + width];
    return lanes[0];
}

float dot(const float* a, const float* b, size_t n) {
    float lanes[sum_lanes] = {};
    for (size_t i = 0; i < n; ++i) lanes[i % sum_lanes] += a[i] * b[i];
    return fold_lanes(lanes);
}

float l2sq(const float* a, const float* b, size_t n) {
    float lanes[sum_lanes] = {};
    for (size_t i = 0; i < n; ++i) {
        const float d = a[i] - b[i];
        lanes[i % sum_lanes] += d * d;
    }
    return fold_lanes(lanes);
}

float cosine(const float* a, const float* b, size_t n) {
    float ab = 0.0f, aa = 0.0f, bb = 0.0f;
    for (size_t i = 0; i < n; ++i) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    // Also catches norms that underflow to zero, which would otherwise give inf or NaN.
    if (aa == 0.0f || bb == 0.0f) return 0.0f;
    return ab / (std::sqrt(aa) * std::sqrt(bb));
}

void l2_normalize(float* v, size_t n) {
    const float ss = dot(v, v, n);
    if (ss == 0.0f) return;
    const float inv = 1.0f / std::sqrt(ss);
    for (size_t i = 0; i < n; ++i) v[i] *= inv;
}

void dot_batch(const float* query, const float* rows, size_t n_rows, size_t dim, float* out) {
    for (size_t r = 0; r < n_rows; ++r) out[r] = dot(query, rows + r * dim, dim);
}

void l2sq_batch(const float* query, const float* rows, size_t n_rows, size_t dim, float* out) {
    for (size_t r = 0; r < n_rows; ++r) out[r] = l2sq(query, rows + r * dim, dim);
}

void dot_tile(const float* queries, size_t n_queries, const float* const* rows, size_t n_rows,
              size_t dim, float* out) {
    for (size_t q = 0; q < n_queries; ++q)
        for (size_t r = 0; r < n_rows; ++r)
            out[q * n_rows + r] = dot(queries + q * dim, rows[r], dim);
}

void l2sq_tile(const float* queries, size_t n_queries, const float* const* rows, size_t n_rows,
               size_t dim, float* out) {
    for (size_t q = 0; q < n_queries; ++q)
        for (size_t r = 0; r < n_rows; ++r)
            out[q * n_rows + r] = l2sq(queries + q * dim, rows[r], dim);
}

uint64_t hamming(const uint64_t* a, const uint64_t* b, size_t n_words) {
    uint64_t bits = 0;
    // Without -mpopcnt this is libgcc's portable routine, so the reference runs on any CPU.
    for (size_t i = 0; i < n_words; ++i)
        bits += static_cast<uint64_t>(__builtin_popcountll(a[i] ^ b[i]));
    return bits;
}

int32_t dot_i8(const int8_t* a, const int8_t* b, size_t n) {
    int32_t sum = 0;
    for (size_t i = 0; i < n; ++i) sum += int32_t{a[i]} * int32_t{b[i]};
    return sum;
}

void hash_kmers(const uint64_t* kmers, size_t n, uint64_t seed, uint32_t dims, uint32_t* slots) {
    for (size_t i = 0; i < n; ++i) {
        const uint64_t h = kmer_hash(kmers[i], seed);
        const auto bucket = static_cast<uint32_t>(((h >> 32) * dims) >> 32);
        slots[i] = (bucket << 1) | static_cast<uint32_t>(h & 1);
    }
}

constexpr Kernels make_table() {
    Kernels k{};
    k.isa = Isa::scalar;
    k.dot = dot;
    k.l2sq = l2sq;
    k.cosine = cosine;
    k.l2_normalize = l2_normalize;
    k.dot_batch = dot_batch;
    k.l2sq_batch = l2sq_batch;
    k.dot_tile = dot_tile;
    k.l2sq_tile = l2sq_tile;
    k.hamming = hamming;
    k.dot_i8 = dot_i8;
    k.hash_kmers = hash_kmers;
    return k;
}

constexpr Kernels table = make_table();

} // namespace

const Kernels& kernels_scalar() {
    return table;
}

} // namespace ruvec::simd
