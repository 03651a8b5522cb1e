// Rows for index and search from inputs that are either sequences (FASTA/FASTQ, embedded on the
// fly) or .rvec files (vectors read as stored), told apart by the file's first bytes.
#pragma once

#include "cli/common.hpp"
#include "cli/embed_pipeline.hpp"
#include "ruvec/embed.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ruvec::cli {

// True for a regular file that starts with the .rvec magic ('-' is always read as sequences).
bool is_rvec_file(const std::string& path);

// The embedding parameters of the first .rvec among `inputs`; false when there is none.
bool first_rvec_params(const std::vector<std::string>& inputs, EmbedParams& params);

struct InputRowStats {
    EmbedStats embedded;    // from sequence inputs
    uint64_t rvec_rows = 0; // read from .rvec inputs
};

// Hands every row of `inputs` to `consume`, in input order. Sequences are embedded with
// `params`; an .rvec made with other parameters is refused (Error(format)) naming the first
// difference against `params_owner` (e.g. "db.rvx"). `batch_done` follows each batch of rows.
// Only the records in `range` are handed over, numbered over all inputs in order (a record of
// an .rvec is a run of rows with one name).
InputRowStats read_input_rows(const std::vector<std::string>& inputs, const EmbedParams& params,
                              const std::string& params_owner, int extra_threads,
                              const Messages& messages, bool show_progress,
                              const RowConsumer& consume,
                              const std::function<void()>& batch_done = {}, RecordRange range = {});

} // namespace ruvec::cli
