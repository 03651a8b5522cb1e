// How an HNSW graph is built: the parameters that both the graph layer (src/graph/) and the
// index above it know. The graph sees this header and never the index or its file format.
#pragma once

#include "ruvec/metric.hpp"

#include <cstdint>

namespace ruvec {

struct GraphParams {
    Metric metric = Metric::cosine; // distance between vectors
    uint32_t M = 16;                // links per node on upper levels, 2 M on level 0
    uint32_t ef_construction = 200; // candidates considered when linking a new node
    uint64_t seed = 100;            // seed of the random node levels
};
inline constexpr uint32_t min_M = 2, max_M = 512;
inline constexpr uint32_t max_ef = 1u << 20; // ef of construction or search

} // namespace ruvec
