// Splitting a collection of records into shards (ruvec index --shard): contiguous blocks in input
// order, so that the rows of one index over all the shards are the shards' rows in shard order,
// and merged searches can break ties as that one index would (ruvec/merge.hpp).
#pragma once

#include "ruvec/embed.hpp"

#include <cstdint>
#include <vector>

namespace ruvec {

// Vectors a record of `length` bases becomes: its windows, or 1 without windows.
uint64_t window_count(uint64_t length, const EmbedParams& params);

// Where `count` contiguous shards of records weighing `weights` (in input order) begin: shard i
// (0-based) holds records [bounds[i], bounds[i + 1]), bounds[0] = 0, bounds[count] = the number
// of records. A record goes to the shard its middle falls in when the total weight is cut into
// `count` equal parts, so shards weigh about the same; every shard gets at least one record.
// Throws Error(usage) when there are fewer records than shards.
std::vector<uint64_t> shard_bounds(const std::vector<uint64_t>& weights, uint32_t count);

} // namespace ruvec
