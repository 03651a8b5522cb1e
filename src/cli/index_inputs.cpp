#include "cli/index_inputs.hpp"

#include "cli/progress.hpp"

#include <algorithm>

namespace ruvec::cli {

InputRowStats add_inputs_to_index(Index& index, const std::vector<std::string>& inputs,
                                  const std::string& params_owner, int extra_threads,
                                  const Messages& messages, RecordRange range) {
    const EmbedParams params = index.embed_params();
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
    const InputRowStats stats = read_input_rows(
        inputs, params, params_owner, extra_threads, messages,
        /*show_progress=*/true,
        [&](const VecRow& row, const float* vector) {
            index.add(row, vector);
            if (index.pending_rows() >= link_every_rows) link(true);
        },
        {}, range);
    link(false);
    link_progress.finish();
    return stats;
}

} // namespace ruvec::cli
