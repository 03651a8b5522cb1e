// Merging the hits that searches of several shards printed into the top n per query that one
// search over one index of all the shards would print: what `ruvec merge` does.
//
// Shards hold disjoint, contiguous blocks of the input records (ruvec index --shard), so the rows
// of one index over all of them are the shards' rows in shard order. A search ranks hits by
// distance and breaks ties by row; ranking the shards' hits by distance and breaking ties by
// input order (shard) and then by rank within the shard is therefore the same ranking. Distances
// printed to 6 decimals can make unequal distances equal, so `ruvec search --full-precision`
// prints them with 9 significant digits, from which the float is recovered exactly.
#pragma once

#include "ruvec/hits.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ruvec {

struct MergeOptions {
    size_t top = 5;              // hits per query
    bool per_target = false;     // keep the best hit per target name
    bool full_precision = false; // print similarity and distance with 9 significant digits
    bool unmatched = false;      // a query left without hits gets its unmatched line (rank 0)
    float min_similarity = -std::numeric_limits<float>::infinity();
};

// Ranks the hits of one query gathered from every input (`per_input[i]` from input i; an
// input's unmatched line, rank 0, holds no hit) and appends the merged lines, ranks renumbered,
// to `out`. The read search's hits (12 columns) rank by shared_kmers then copies, the vector
// search's by distance; the two do not mix (Error(input)). Similarity and distance are printed as
// `ruvec search` prints them: "%.6f", or "%.9g" with full_precision. Returns the lines appended.
size_t merge_query_hits(const std::vector<const QueryHits*>& per_input, const MergeOptions& options,
                        std::string& out);

} // namespace ruvec
