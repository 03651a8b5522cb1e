#include "embed_pipeline.hpp"

#include "batch_reader.hpp"
#include "progress.hpp"

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

// With count weights a window longer than this is cut into pieces counted on several threads
// (integer counts add exactly, so the vector does not depend on the cut).
constexpr uint64_t piece_bases = 1'000'000;

struct RowTask {
    uint32_t record; // index in the batch
    Window window;
};

// One unit of parallel work: a whole row, or a piece of a long row counted into `counts`.
struct WorkItem {
    size_t row;    // index in the chunk
    Window span;   // the row's window, or the piece of it
    bool piece;    // counts into piece_counts instead of embedding
    size_t counts; // offset of this piece's counts in piece_counts
};

} // namespace

EmbedStats embed_inputs(const std::vector<std::string>& inputs, const EmbedParams& params,
                        int extra_threads, const Messages& messages, bool show_progress,
                        const RowConsumer& consume, const std::function<void()>& batch_done,
                        RecordRange range) {
    const int threads = extra_threads + 1;
    const size_t dims = params.dims;
    const size_t rows_per_chunk = std::max<size_t>(1, chunk_bytes / (dims * sizeof(float)));
    std::vector<Embedder> embedders(static_cast<size_t>(threads), Embedder(params));
    std::vector<float> vectors;
    std::vector<uint64_t> kmers;
    std::vector<RowTask> tasks;
    std::vector<WorkItem> work;
    std::vector<int32_t> piece_counts, row_counts;
    std::vector<uint64_t> piece_kmers;
    const bool split_long_rows = params.weight == Weight::count && threads > 1;
    EmbedStats stats;
    Progress progress(messages.command(), show_progress && messages.verbosity() >= 1);
    BatchReader reader(inputs, batch_bases, batch_records, extra_threads);
    SeqBatch batch;
    VecRow row;
    const std::string k_text = std::to_string(params.k) + "-mer";

    uint64_t records_read = 0;
    while (reader.next(batch)) {
        tasks.clear();
        uint64_t batch_records_in = 0, batch_bases_in = 0;
        for (uint32_t r = 0; r < batch.size; ++r) {
            if (!range.contains(records_read + r)) continue;
            ++batch_records_in;
            batch_bases_in += batch.records[r].seq.size();
            for (const Window& w : windows_of(batch.records[r].seq.size(), params))
                tasks.push_back({r, w});
        }
        records_read += batch.size;

        for (size_t first = 0; first < tasks.size(); first += rows_per_chunk) {
            const size_t count = std::min(rows_per_chunk, tasks.size() - first);
            vectors.resize(count * dims);
            kmers.assign(count, 0);
            work.clear();
            size_t n_pieces = 0;
            for (size_t i = 0; i < count; ++i) {
                const Window w = tasks[first + i].window;
                if (!split_long_rows || w.end - w.start <= piece_bases) {
                    work.push_back({i, w, false, 0});
                    continue;
                }
                // Pieces overlap by k-1 bases so each k-mer lies wholly inside exactly one.
                for (uint64_t start = w.start; start + params.k - 1 < w.end; start += piece_bases)
                    work.push_back({i,
                                    {start, std::min(w.end, start + piece_bases + params.k - 1)},
                                    true,
                                    dims * n_pieces++});
            }
            piece_counts.assign(n_pieces * dims, 0);
            piece_kmers.assign(work.size(), 0);
            std::exception_ptr failure;
            const int grain = static_cast<int>(
                std::max<size_t>(1, work.size() / (static_cast<size_t>(threads) * 16)));
#pragma omp parallel for num_threads(threads) schedule(dynamic, grain)
            for (size_t j = 0; j < work.size(); ++j) {
                try {
                    const WorkItem& item = work[j];
                    Embedder& embedder = embedders[static_cast<size_t>(omp_get_thread_num())];
                    const std::string& seq = batch.records[tasks[first + item.row].record].seq;
                    if (item.piece)
                        piece_kmers[j] =
                            embedder.count_kmers(seq, item.span, &piece_counts[item.counts]);
                    else
                        kmers[item.row] = embedder.embed(seq, item.span, &vectors[item.row * dims]);
                } catch (...) {
#pragma omp critical
                    if (!failure) failure = std::current_exception();
                }
            }
            if (failure) std::rethrow_exception(failure);
            // Sum the pieces of each long row (pieces of a row are adjacent in `work`).
            for (size_t j = 0; j < work.size();) {
                if (!work[j].piece) {
                    ++j;
                    continue;
                }
                const size_t row = work[j].row;
                std::vector<int32_t>& total = row_counts;
                total.assign(piece_counts.begin() + static_cast<std::ptrdiff_t>(work[j].counts),
                             piece_counts.begin() +
                                 static_cast<std::ptrdiff_t>(work[j].counts + dims));
                uint64_t row_kmers = piece_kmers[j];
                for (++j; j < work.size() && work[j].piece && work[j].row == row; ++j) {
                    for (size_t d = 0; d < dims; ++d) total[d] += piece_counts[work[j].counts + d];
                    row_kmers += piece_kmers[j];
                }
                kmers[row] = embedders[0].normalize_counts(total.data(), &vectors[row * dims])
                                 ? row_kmers
                                 : 0;
            }

            for (size_t i = 0; i < count; ++i) {
                const RowTask& task = tasks[first + i];
                const SeqRecord& record = batch.records[task.record];
                if (kmers[i] == 0) {
                    ++stats.skipped_rows;
                    if (stats.skipped_rows <= max_skip_warnings) {
                        std::string where = reader.input(batch.input_of[task.record]) + ":" +
                                            std::to_string(record.line) + ": record '" +
                                            record.name + "'";
                        if (params.window != 0)
                            where += " window " + std::to_string(task.window.start + 1) + "-" +
                                     std::to_string(task.window.end);
                        messages.warning(where + " (length " +
                                         std::to_string(task.window.end - task.window.start) +
                                         ") has no valid " + k_text + "; skipped");
                    } else if (stats.skipped_rows == max_skip_warnings + 1) {
                        messages.warning("more records or windows without a valid " + k_text +
                                         ": counted, not shown");
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
        stats.records += batch_records_in;
        stats.bases += batch_bases_in;
        stats.records_outside += batch.size - batch_records_in;
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
