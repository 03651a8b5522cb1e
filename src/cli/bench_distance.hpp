// The distance suite of `ruvec bench`: every SIMD kernel per ISA and vector size, in ns per call,
// GB/s and (batches and tiles) ns per pair, with the speed-up over the scalar reference.
#pragma once

#include "bench_figure.hpp"

#include <cstddef>
#include <vector>

namespace ruvec::cli {

struct DistanceBenchOptions {
    std::vector<size_t> dims; // vector sizes (--dim)
    size_t rows = 10000;      // rows of the 1-vs-N batches and of the tiles (--rows)
    int repeats = 5;          // timed repeats per figure, after a warm-up
};

void distance_suite(const DistanceBenchOptions& options, std::vector<Figure>& figures);

} // namespace ruvec::cli
