#include "ruvec/shard.hpp"

#include "ruvec/error.hpp"

#include <algorithm>
#include <string>

namespace ruvec {

uint64_t window_count(uint64_t length, const EmbedParams& params) {
    if (params.window == 0) return 1;
    if (length == 0) return 0;
    if (length <= params.window) return 1;
    return (length - params.window + params.step - 1) / params.step + 1;
}

std::vector<uint64_t> shard_bounds(const std::vector<uint64_t>& weights, uint32_t count) {
    const uint64_t records = weights.size();
    if (count == 0) throw Error(ErrorKind::usage, "at least one shard");
    if (records < count)
        throw Error(ErrorKind::usage, "the inputs hold " + std::to_string(records) +
                                          " records, fewer than " + std::to_string(count) +
                                          " shards");
    unsigned __int128 total = 0;
    for (uint64_t w : weights) total += w;
    const bool unweighted = total == 0; // no record makes a vector: split by record count
    if (unweighted) total = records;
    std::vector<uint64_t> bounds(count + 1, records);
    bounds[0] = 0;
    // Record j's middle, doubled to stay in integers: 2 x (weight before it) + its weight.
    unsigned __int128 before = 0;
    uint32_t shard = 1;
    for (uint64_t j = 0; j < records && shard < count; ++j) {
        const uint64_t w = unweighted ? 1 : weights[j];
        const unsigned __int128 middle = 2 * before + w;
        // The middle lies at or past cut `shard` (of count): shards up to it begin here.
        while (shard < count && middle * count >= 2 * total * shard) bounds[shard++] = j;
        before += w;
    }
    // At least one record per shard: push starts forward past the previous shard's, then back
    // to leave one record for each later shard.
    for (uint32_t i = 1; i < count; ++i) bounds[i] = std::max(bounds[i], bounds[i - 1] + 1);
    for (uint32_t i = count - 1; i >= 1; --i) bounds[i] = std::min(bounds[i], bounds[i + 1] - 1);
    return bounds;
}

} // namespace ruvec
