// Timing of the SIMD kernels of one ISA, for `ruvec bench`: does the dispatched ISA pay off on
// this machine, and by how much. The core only measures; the CLI prints.
#pragma once

#include "ruvec/simd.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ruvec {

struct KernelTiming {
    std::string kernel;        // field name in simd::Kernels: "dot", "dot_batch", "hash_kmers", ...
    simd::Isa isa;             // whose kernels were timed
    size_t dim;                // elements per vector (bits for hamming, k-mers for hash_kmers)
    double ns_per_call_median; // median over the repeats of the time of one call
    double ns_min;             // fastest repeat, per call
    double ns_max;             // slowest repeat, per call
    double gb_per_s;           // bytes read and written by one call / median time
};

// Queries per call of the tile kernels' timing.
inline constexpr size_t kernel_bench_tile_queries = 16;

// Times dot, l2sq, cosine, l2_normalize, dot_batch and l2sq_batch (one query against n_rows
// rows), dot_tile and l2sq_tile (kernel_bench_tile_queries queries against the n_rows rows),
// hamming, dot_i8 and hash_kmers of `isa`, in that order. Inputs are pseudo-random from
// `seed` and start on 64-byte boundaries; each repeat runs enough calls to last about 0.2 ms, as
// found by a warm-up that doubles the calls.
// Throws Error(usage) if the ISA is not supported here, or dim, n_rows or repeats is below 1.
std::vector<KernelTiming> time_kernels(simd::Isa isa, size_t dim, size_t n_rows, int repeats,
                                       uint64_t seed);

} // namespace ruvec
