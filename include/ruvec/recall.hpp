// Recall of a search against the true neighbours (exact search), as `ruvec quantize` and
// `ruvec bench hnsw` report it.
#pragma once

#include "ruvec/index.hpp"

#include <cstdint>
#include <vector>

namespace ruvec {

using HitLists = std::vector<std::vector<SearchHit>>; // hits per query

// Found true neighbours over all true neighbours (rows of `truth[q]` that `found[q]` holds).
// When every query has as many true neighbours this is the mean per-query recall; counted in
// integers, so that 9900 of 10000 compares equal to a target of 0.99. 0 without any.
double recall(const HitLists& found, const HitLists& truth);

// Queries whose first hit is their first true neighbour, over all queries (0 without any).
double recall_at_1(const HitLists& found, const HitLists& truth);

// The first `k` hits of each query but those of row `excluded[q]`: the neighbours of a query
// that is a row of the index, other than itself.
HitLists hits_without_rows(const HitLists& hits, const std::vector<uint32_t>& excluded, size_t k);

} // namespace ruvec
