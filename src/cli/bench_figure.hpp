// What the suites of `ruvec bench` share: a measured figure, and the spread of repeats.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ruvec::cli {

// One measured figure of `ruvec bench`.
struct Figure {
    std::string suite, name, isa;
    int threads;
    size_t dim;
    double median, min, max; // in `unit`
    std::string unit;
    // embed/parse time for kmer; speed-up over scalar for distance; speed-up over exact search at
    // the same thread count for index queries/s; NaN where no ratio applies
    double ratio;
    uint32_t ef = 0; // hnsw suite: the ef of search of a per-ef figure, 0 otherwise
};

// Median, fastest and slowest of repeats.
struct Spread {
    double median, min, max;
};

inline Spread spread(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return {median, values.front(), values.back()};
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace ruvec::cli
