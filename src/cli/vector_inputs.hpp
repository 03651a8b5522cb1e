// Rows for index and search from inputs that are either sequences (FASTA/FASTQ, embedded on the
// fly) or .rvec files (vectors read as stored), told apart by the file's first bytes.
#pragma once

#include "common.hpp"
#include "embed_pipeline.hpp"
#include "ruvec/embed.hpp"
#include "ruvec/vecfile.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ruvec::cli {

// True for a regular file that starts with the .rvec magic ('-' is always read as sequences).
bool is_rvec_file(const std::string& path);

// The embedding parameters of the first .rvec among `inputs`; false when there is none.
bool first_rvec_params(const std::vector<std::string>& inputs, EmbedParams& params);

// Walks `inputs` in order: each run of consecutive sequence inputs goes to `sequences` at once
// (so that they are embedded in one pipeline), each .rvec to `rvec` with its open reader.
void for_each_input_run(
    const std::vector<std::string>& inputs,
    const std::function<void(const std::vector<std::string>& paths)>& sequences,
    const std::function<void(const std::string& path, RvecReader& reader)>& rvec);

// The records of an .rvec: runs of consecutive rows with one name (the windows of a sequence).
class RvecRecords {
public:
    // True when `row` starts a record (the first row, or another name than the row before).
    bool starts_record(const VecRow& row) {
        if (open_ && row.name == name_) return false;
        name_ = row.name;
        open_ = true;
        return true;
    }

private:
    std::string name_; // of the current record
    bool open_ = false;
};

struct InputRowStats {
    EmbedStats embedded;    // from sequence inputs
    uint64_t rvec_rows = 0; // read from .rvec inputs
};

// Hands every row of `inputs` to `consume`, in input order. Sequences are embedded with
// `params`; an .rvec made with other parameters is refused (Error(format)) naming the first
// difference against `params_owner` (e.g. "db.rvx"). `batch_done` follows each batch of rows.
// Only the records in `range` are handed over, numbered over all inputs in order (a record of
// an .rvec is a run of rows with one name). `record_done`, if set, follows the rows of each
// sequence record (embed_inputs); .rvec inputs are then refused (Error(usage)): they hold no
// bases. Without `embed_vectors` sequences are not embedded: their rows come with a null vector
// (RecordEmbedder), and .rvec inputs are refused.
InputRowStats read_input_rows(const std::vector<std::string>& inputs, const EmbedParams& params,
                              const std::string& params_owner, int extra_threads,
                              const Messages& messages, bool show_progress,
                              const RowConsumer& consume,
                              const std::function<void()>& batch_done = {}, RecordRange range = {},
                              const RecordDone& record_done = {}, bool embed_vectors = true);

} // namespace ruvec::cli
