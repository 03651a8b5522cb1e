#include "shard_plan.hpp"

#include "batch_reader.hpp"
#include "vector_inputs.hpp"
#include "ruvec/error.hpp"
#include "ruvec/shard.hpp"

#include <cstdlib>

namespace ruvec::cli {

namespace {

constexpr uint32_t max_shards = 1'000'000;

// Records per batch while weighing: only lengths are kept.
constexpr uint64_t weigh_batch_bases = 16'000'000;
constexpr size_t weigh_batch_records = 65'536;

} // namespace

void parse_shard_spec(const std::string& text, uint32_t& shard, uint32_t& count) {
    const size_t slash = text.find('/');
    auto number = [&](const std::string& digits, uint32_t& value) {
        if (digits.empty() || digits.size() > 7 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            return false;
        value = static_cast<uint32_t>(std::strtoul(digits.c_str(), nullptr, 10));
        return true;
    };
    if (slash == std::string::npos || !number(text.substr(0, slash), shard) ||
        !number(text.substr(slash + 1), count) || shard == 0 || count == 0 || shard > count ||
        count > max_shards)
        throw Error(ErrorKind::usage, "--shard '" + text + "': give i/n with 1 <= i <= n <= " +
                                          std::to_string(max_shards) + ", e.g. 2/8");
}

ShardInfo plan_shard(const std::vector<std::string>& inputs, const EmbedParams& params,
                     uint32_t shard, uint32_t count, int extra_threads) {
    for (const std::string& input : inputs)
        if (input == "-")
            throw Error(ErrorKind::usage, "--shard reads the inputs twice (to weigh the records, "
                                          "then to index one block): give files, not '-'");
    std::vector<uint64_t> weights; // per record, in input order
    std::vector<VecRow> rows;
    std::vector<float> vectors;
    for_each_input_run(
        inputs,
        [&](const std::vector<std::string>& sequences) {
            BatchReader reader(sequences, weigh_batch_bases, weigh_batch_records, extra_threads);
            SeqBatch batch;
            while (reader.next(batch))
                for (size_t r = 0; r < batch.size; ++r)
                    weights.push_back(window_count(batch.records[r].seq.size(), params));
        },
        [&](const std::string&, RvecReader& reader) {
            RvecRecords records;
            while (reader.next_block(rows, vectors))
                for (const VecRow& row : rows) {
                    if (records.starts_record(row)) weights.push_back(0);
                    ++weights.back(); // a record of an .rvec weighs its rows
                }
        });
    std::vector<uint64_t> bounds;
    try {
        bounds = shard_bounds(weights, count);
    } catch (const Error& e) {
        throw Error(ErrorKind::usage, "--shard " + std::to_string(shard) + "/" +
                                          std::to_string(count) + ": " + e.what());
    }
    ShardInfo info;
    info.shard = shard;
    info.count = count;
    info.first_record = bounds[shard - 1];
    info.records = bounds[shard] - bounds[shard - 1];
    info.total_records = weights.size();
    return info;
}

} // namespace ruvec::cli
