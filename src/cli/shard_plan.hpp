// Which records of the inputs make shard i of n (ruvec index --shard i/n): the inputs are read
// once to weigh every record by the vectors it becomes, then cut into contiguous blocks of about
// equal weight (ruvec/shard.hpp).
#pragma once

#include "embed_pipeline.hpp"
#include "ruvec/index.hpp"

#include <string>
#include <vector>

namespace ruvec::cli {

// Parses "i/n" (1 <= i <= n); throws Error(usage).
void parse_shard_spec(const std::string& text, uint32_t& shard, uint32_t& count);

// Reads every input (sequences parsed, .rvec rows read; '-' is refused, it cannot be read
// twice) and returns shard `shard` of `count`. Errors as the inputs' readers throw them.
ShardInfo plan_shard(const std::vector<std::string>& inputs, const EmbedParams& params,
                     uint32_t shard, uint32_t count, int extra_threads);

inline RecordRange record_range(const ShardInfo& shard) {
    return {shard.first_record, shard.first_record + shard.records};
}

} // namespace ruvec::cli
