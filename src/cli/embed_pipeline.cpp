#include "cli/embed_pipeline.hpp"

#include "cli/batch_reader.hpp"
#include "cli/progress.hpp"

#include <algorithm>
#include <exception>
#include <omp.h>

namespace ruvec::cli {

namespace {

// A batch closes at this many bases or records: enough work to keep every thread busy, little
// enough memory to read the next batch meanwhile.
constexpr uint64_t batch_bases = 16'000'000;
constexpr size_t batch_records = 65'536;
// Vectors computed between two hand-overs to the consumer, in bytes of floats.
constexpr size_t chunk_bytes = size_t{32} << 20;
// Warnings about single skipped records stop after this many; a count follows at the end.
constexpr uint64_t max_skip_warnings = 5;

struct RowTask {
    uint32_t record; // index in the batch
    Window window;
};

} // namespace

EmbedStats embed_inputs(const std::vector<std::string>& inputs, const EmbedParams& params,
                        int extra_threads, const Messages& messages, bool show_progress,
                        const RowConsumer& consume) {
    const int threads = extra_threads + 1;
    const size_t dims = params.dims;
    const size_t rows_per_chunk = std::max<size_t>(1, chunk_bytes / (dims * sizeof(float)));
    std::vector<Embedder> embedders(static_cast<size_t>(threads), Embedder(params));
    std::vector<float> vectors;
    std::vector<uint64_t> kmers;
    std::vector<RowTask> tasks;
    EmbedStats stats;
    Progress progress(messages.command(), show_progress && messages.verbosity() >= 1);
    BatchReader reader(inputs, batch_bases, batch_records, extra_threads);
    SeqBatch batch;
    VecRow row;
    const std::string k_text = std::to_string(params.k) + "-mer";

    while (reader.next(batch)) {
        tasks.clear();
        for (uint32_t r = 0; r < batch.size; ++r)
            for (const Window& w : windows_of(batch.records[r].seq.size(), params))
                tasks.push_back({r, w});

        for (size_t first = 0; first < tasks.size(); first += rows_per_chunk) {
            const size_t count = std::min(rows_per_chunk, tasks.size() - first);
            vectors.resize(count * dims);
            kmers.assign(count, 0);
            std::exception_ptr failure;
            const int grain = static_cast<int>(std::max<size_t>(1, count / (static_cast<size_t>(threads) * 16)));
#pragma omp parallel for num_threads(threads) schedule(dynamic, grain)
            for (size_t i = 0; i < count; ++i) {
                try {
                    const RowTask& task = tasks[first + i];
                    kmers[i] = embedders[static_cast<size_t>(omp_get_thread_num())].embed(
                        batch.records[task.record].seq, task.window, &vectors[i * dims]);
                } catch (...) {
#pragma omp critical
                    if (!failure) failure = std::current_exception();
                }
            }
            if (failure) std::rethrow_exception(failure);

            for (size_t i = 0; i < count; ++i) {
                const RowTask& task = tasks[first + i];
                const SeqRecord& record = batch.records[task.record];
                if (kmers[i] == 0) {
                    if (++stats.skipped_rows <= max_skip_warnings) {
                        std::string where = reader.input(batch.input_of[task.record]) + ":" +
                                            std::to_string(record.line) + ": record '" + record.name + "'";
                        if (params.window != 0)
                            where += " window " + std::to_string(task.window.start + 1) + "-" +
                                     std::to_string(task.window.end);
                        messages.warning(where + " (length " + std::to_string(task.window.end - task.window.start) +
                                         ") has no valid " + k_text + "; skipped" +
                                         (stats.skipped_rows == max_skip_warnings ? " (further such warnings not shown)" : ""));
                    }
                    continue;
                }
                row.name = record.name;
                row.start = task.window.start;
                row.end = task.window.end;
                consume(row, &vectors[i * dims]);
                ++stats.rows;
            }
        }
        stats.records += batch.size;
        stats.bases += batch.bases;
        progress.update(stats.records, stats.bases);
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
        messages.warning("skipped " + std::to_string(stats.skipped_rows) + (params.window ? " windows" : " records") +
                         " without a valid " + k_text);
    return stats;
}

} // namespace ruvec::cli
