// The quantize suite of `ruvec bench`: what each code costs and gains, per vector size, on
// seeded unit Gaussian vectors: training time, encoding throughput, the per-query preparation
// (pq and binary lookup tables, the sq8 query code) and the scan of a query against every code,
// next to the float dot-product scan of the same rows in the same run.
#pragma once

#include "bench_figure.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ruvec::cli {

struct QuantizeBenchOptions {
    std::vector<size_t> dims; // vector sizes
    size_t rows = 10000;      // vectors trained on, encoded and scanned
    size_t queries = 64;      // queries prepared and scanned per repeat
    int repeats = 5;          // timed repeats per figure, after a warm-up
    uint32_t iterations = 8;  // pq k-means iterations (fewer than ruvec quantize's 20: a bench)
};

// Appends the suite's figures: per dim and code, "<code> train" (s, timed once), "<code> encode"
// (vectors/s), "<code> prepare" (us/query) and "<code> scan" (ns/code, with the speed-up over
// "float scan"); "binary-hamming" is the binary code met by a binarised query (search --hamming).
void quantize_suite(const QuantizeBenchOptions& options, std::vector<Figure>& figures);

} // namespace ruvec::cli
