// Vector kernels with run-time ISA dispatch.
//
// Each ISA's kernels live in their own translation unit compiled with that ISA's flags
// (src/simd/kernels_<isa>.cpp, templates over the xsimd architecture); the scalar reference is
// always built and every other ISA is tested against it. The default build stays portable: the
// best ISA the CPU supports is picked at run time, and select_isa() can force a lower one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace ruvec::simd {

// Instruction sets with a kernel table, lowest first.
enum class Isa : uint8_t { scalar = 0, sse2 = 1, sse4_2 = 2, avx2 = 3, avx512bw = 4 };

inline constexpr Isa all_isas[] = {Isa::scalar, Isa::sse2, Isa::sse4_2, Isa::avx2, Isa::avx512bw};

// One ISA's kernels. dot, l2sq, their batches and l2_normalize add in one fixed order on every
// ISA (32 running sums, then pairwise), so they give the scalar reference's bits exactly: an
// index is the same file whatever CPU built it. cosine accumulates in an ISA-specific order and
// may differ in the last bits; integer kernels are exact.
struct Kernels {
    Isa isa; // which instruction set these kernels use

    // sum a[i] * b[i]
    float (*dot)(const float* a, const float* b, size_t n);
    // sum (a[i] - b[i])^2
    float (*l2sq)(const float* a, const float* b, size_t n);
    // dot(a, b) / (|a| |b|); 0 when either vector is all zeros
    float (*cosine)(const float* a, const float* b, size_t n);
    // scales v to unit length in place; a zero vector is left unchanged
    void (*l2_normalize)(float* v, size_t n);
    // out[r] = dot(query, rows + r * dim) for r < n_rows (rows stored back to back)
    void (*dot_batch)(const float* query, const float* rows, size_t n_rows, size_t dim, float* out);
    // out[r] = l2sq(query, rows + r * dim) for r < n_rows
    void (*l2sq_batch)(const float* query, const float* rows, size_t n_rows, size_t dim,
                       float* out);
    // out[q * n_rows + r] = dot(queries + q * dim, rows[r], dim) for q < n_queries, r < n_rows:
    // queries stored back to back against rows anywhere (brute-force search), the same bits as
    // dot, with each value loaded once for several pairs
    void (*dot_tile)(const float* queries, size_t n_queries, const float* const* rows,
                     size_t n_rows, size_t dim, float* out);
    // out[q * n_rows + r] = l2sq(queries + q * dim, rows[r], dim), as dot_tile
    void (*l2sq_tile)(const float* queries, size_t n_queries, const float* const* rows,
                      size_t n_rows, size_t dim, float* out);
    // number of differing bits between two packed bit vectors of n_words 64-bit words
    uint64_t (*hamming)(const uint64_t* a, const uint64_t* b, size_t n_words);
    // sum a[i] * b[i] over signed bytes, exact in 32-bit for n < 2^17
    int32_t (*dot_i8)(const int8_t* a, const int8_t* b, size_t n);
    // Feature hashing of 2-bit-packed k-mers: for each kmers[i], h = kmer_hash(kmers[i], seed),
    // slots[i] = (bucket << 1) | sign with bucket = ((h >> 32) * dims) >> 32 and sign = h & 1
    // (1 means subtract). Exact: every ISA gives the scalar reference's slots.
    void (*hash_kmers)(const uint64_t* kmers, size_t n, uint64_t seed, uint32_t dims,
                       uint32_t* slots);
};

// The k-mer hash, version 1 (hash id 1 in file headers): MurmurHash3's 64-bit finaliser of
// (kmer XOR seed). It is a bijection, so distinct k-mers never collide before bucketing. Indexes
// depend on it: never change it; add a new hash id instead.
inline uint64_t kmer_hash(uint64_t kmer, uint64_t seed) noexcept {
    uint64_t h = kmer ^ seed;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

// Thrown by kernels_for and select_isa for an ISA this binary or CPU cannot run. The simd layer
// depends on nothing of the core: the caller turns it into its own error (a usage error in ruvec).
class IsaUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

const char* isa_name(Isa isa);                   // "scalar", "sse2", "sse4_2", ...
bool parse_isa(std::string_view name, Isa& isa); // inverse of isa_name; false if unknown
bool isa_compiled(Isa isa);                      // this binary has kernels for it
bool isa_supported(Isa isa);                     // compiled, and this CPU can run it
Isa best_isa();                                  // highest supported ISA
const Kernels& kernels_for(Isa isa);             // throws IsaUnavailable if not supported
void select_isa(Isa isa);                        // make `isa` active; throws like kernels_for
Isa active_isa();                                // best_isa() unless select_isa was called
const Kernels& active();                         // kernels of active_isa()

} // namespace ruvec::simd
