// Embeds every record (or window) of a list of inputs with threads, handing the vectors to a
// consumer in input order, so output is byte-identical whatever the thread count: read a batch
// (background thread), embed it in parallel (OpenMP), consume it in order.
#pragma once

#include "common.hpp"
#include "ruvec/embed.hpp"
#include "ruvec/seq.hpp"
#include "ruvec/vecfile.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ruvec::cli {

// Records numbered from 0 in input order: [first, end) are embedded, the others only read (one
// shard of the inputs, ruvec index --shard).
struct RecordRange {
    uint64_t first = 0;
    uint64_t end = UINT64_MAX;
    bool contains(uint64_t record) const { return record >= first && record < end; }
    // The same records numbered from `offset` on (clamped at 0).
    RecordRange after(uint64_t offset) const {
        return {first > offset ? first - offset : 0, end > offset ? end - offset : 0};
    }
};

struct EmbedStats {
    uint64_t records = 0;         // records embedded
    uint64_t bases = 0;           // bases in them
    uint64_t records_outside = 0; // records read but outside the RecordRange
    uint64_t rows = 0;            // vectors handed to the consumer
    uint64_t skipped_rows = 0;    // records or windows without a valid k-mer
    uint64_t empty_inputs = 0;    // inputs with no record at all
};

// Called once per vector, in input order; `vector` holds params.dims floats.
using RowConsumer = std::function<void(const VecRow& row, const float* vector)>;
// Called once per embedded record, after its rows (it may have none: every window lacked a valid
// k-mer) and before the next record's: for consumers that keep the bases (the read search).
using RecordDone = std::function<void(const SeqRecord& record)>;

// Runs the pipeline; warnings (skipped records, empty inputs) go through `messages`, progress is
// shown when `show_progress` and stderr is a terminal. `batch_done`, if set, is called after the
// rows of each batch of records (streaming consumers flush there). Only the records in `range`
// are embedded; `record_done`, if set, follows the rows of each. Without `embed_vectors` the rows
// come with a null vector (RecordEmbedder). Throws the first error met.
EmbedStats embed_inputs(const std::vector<std::string>& inputs, const EmbedParams& params,
                        int extra_threads, const Messages& messages, bool show_progress,
                        const RowConsumer& consume, const std::function<void()>& batch_done = {},
                        RecordRange range = {}, const RecordDone& record_done = {},
                        bool embed_vectors = true);

} // namespace ruvec::cli
