#include "index_inputs.hpp"

#include "progress.hpp"
#include "ruvec/error.hpp"

#include <algorithm>

namespace ruvec::cli {

InputRowStats add_inputs_to_index(Index& index, const std::vector<std::string>& inputs,
                                  const std::string& params_owner, int extra_threads,
                                  const Messages& messages, const MemoryLimit& limit,
                                  RecordRange range) {
    const EmbedParams params = index.embed_params();
    // Checked at every row (a few multiplications), before the row's memory is taken.
    const auto check_memory = [&](uint64_t rows) {
        const uint64_t needed = index_build_bytes(params, index.graph_params(), rows);
        if (needed <= limit.bytes) return;
        throw Error(ErrorKind::resource,
                    "the index outgrows " + limit.described + " at " + std::to_string(rows) +
                        " vectors (about " +
                        human_bytes(static_cast<double>(needed) / static_cast<double>(rows)) +
                        " each at " + std::to_string(params.dims) +
                        " dims): build it in shards (--shard I/N), use fewer dims (-d), or "
                        "raise --max-memory");
    };
    Progress link_progress(messages.command(), messages.verbosity() >= 1);
    uint64_t linked = 0;
    const auto report = [&](uint64_t done) {
        link_progress.update_items(linked + done, "vectors linked");
    };
    const uint64_t link_every_rows = std::max<uint64_t>(1, link_every_bytes / (params.dims * 4));
    auto link = [&](bool complete_batches_only) {
        const uint64_t pending = index.pending_rows();
        index.insert_pending(extra_threads + 1, report, complete_batches_only);
        linked += pending - index.pending_rows();
    };
    // An index that keeps its sequences (the read search) takes each record's bases after its
    // rows; one without vectors takes rows without embedding them.
    const bool vectors = index.has_vectors();
    uint64_t bases = 0; // kept so far
    RecordDone record_done;
    if (index.sequence_search())
        record_done = [&](const SeqRecord& record) {
            bases += record.seq.size();
            if (!vectors) {
                const uint64_t needed = sequence_index_build_bytes(index.rows(), bases);
                if (needed > limit.bytes)
                    throw Error(ErrorKind::resource,
                                "the index outgrows " + limit.described + " at " +
                                    std::to_string(bases) + " bases (" + record.name +
                                    "): build it in shards (--shard I/N), or raise --max-memory");
            }
            index.add_sequence(record.seq);
        };
    const InputRowStats stats = read_input_rows(
        inputs, params, params_owner, extra_threads, messages,
        /*show_progress=*/true,
        [&](const VecRow& row, const float* vector) {
            if (vectors) check_memory(index.rows() + 1);
            index.add(row, vector);
            if (vectors && index.pending_rows() >= link_every_rows) link(true);
        },
        {}, range, record_done, vectors);
    link(false);
    link_progress.finish();
    index.index_sequences(extra_threads + 1);
    return stats;
}

} // namespace ruvec::cli
