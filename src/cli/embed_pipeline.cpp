#include "embed_pipeline.hpp"

#include "batch_reader.hpp"
#include "progress.hpp"
#include "ruvec/embed_stream.hpp"

namespace ruvec::cli {

namespace {

// A batch closes at this many bases or records: enough work to keep every thread busy, little
// enough memory to read the next batch meanwhile.
constexpr uint64_t batch_bases = 16'000'000;
constexpr size_t batch_records = 65'536;
// Warnings about single skipped records stop after this many; a count follows at the end.
constexpr uint64_t max_skip_warnings = 5;

} // namespace

EmbedStats embed_inputs(const std::vector<std::string>& inputs, const EmbedParams& params,
                        int extra_threads, const Messages& messages, bool show_progress,
                        const RowConsumer& consume, const std::function<void()>& batch_done,
                        RecordRange range, const RecordDone& record_done, bool embed_vectors) {
    RecordEmbedder embedder(params, extra_threads + 1, embed_vectors);
    EmbedStats stats;
    Progress progress(messages.command(), show_progress && messages.verbosity() >= 1);
    BatchReader reader(inputs, batch_bases, batch_records, extra_threads);
    SeqBatch batch;
    VecRow row;
    std::vector<uint32_t> selected;
    const std::string k_text = std::to_string(params.k) + "-mer";
    // record_done for the selected records before `record` not yet done (all: SIZE_MAX); rows
    // come in record order, so a record is done when a later one's first row or skip comes.
    size_t next_done = 0; // into `selected`
    const auto records_done_before = [&](size_t record) {
        if (!record_done) return;
        while (next_done < selected.size() && selected[next_done] < record)
            record_done(batch.records[selected[next_done++]]);
    };
    const auto made = [&](size_t record, const Window& window, const float* vector) {
        records_done_before(record);
        row.name = batch.records[record].name;
        row.start = window.start;
        row.end = window.end;
        consume(row, vector);
        ++stats.rows;
    };
    const auto skipped = [&](size_t r, const Window& window) {
        records_done_before(r);
        ++stats.skipped_rows;
        if (stats.skipped_rows <= max_skip_warnings) {
            const SeqRecord& record = batch.records[r];
            std::string where = reader.input(batch.input_of[r]) + ":" +
                                std::to_string(record.line) + ": record '" + record.name + "'";
            if (params.window != 0)
                where += " window " + std::to_string(window.start + 1) + "-" +
                         std::to_string(window.end);
            messages.warning(where + " (length " + std::to_string(window.end - window.start) +
                             ") has no valid " + k_text + "; skipped");
        } else if (stats.skipped_rows == max_skip_warnings + 1) {
            messages.warning("more records or windows without a valid " + k_text +
                             ": counted, not shown");
        }
    };

    uint64_t records_read = 0;
    while (reader.next(batch)) {
        selected.clear();
        uint64_t batch_bases_in = 0;
        for (uint32_t r = 0; r < batch.size; ++r) {
            if (!range.contains(records_read + r)) continue;
            selected.push_back(r);
            batch_bases_in += batch.records[r].seq.size();
        }
        records_read += batch.size;
        next_done = 0;
        embedder.embed(batch.records.data(), selected, made, skipped);
        records_done_before(SIZE_MAX);
        stats.records += selected.size();
        stats.bases += batch_bases_in;
        stats.records_outside += batch.size - selected.size();
        progress.update(stats.records, stats.bases);
        if (batch_done) batch_done();
    }
    progress.finish();

    const std::vector<uint64_t> per_input = reader.records_per_input();
    for (size_t i = 0; i < per_input.size(); ++i) {
        if (per_input[i] == 0) {
            messages.warning(inputs[i] + ": no records");
            ++stats.empty_inputs;
        }
    }
    if (stats.skipped_rows > max_skip_warnings)
        messages.warning("skipped " + std::to_string(stats.skipped_rows) +
                         (params.window ? " windows" : " records") + " without a valid " + k_text);
    return stats;
}

} // namespace ruvec::cli
