#include "ruvec/embed_stream.hpp"

#include "thread_index.hpp"

#include <algorithm>
#include <exception>

namespace ruvec {

namespace {

// Vectors computed between two hand-overs, in bytes of floats.
constexpr size_t chunk_bytes = size_t{32} << 20;

// With count weights a window longer than this is cut into pieces counted on several threads
// (integer counts add exactly, so the vector does not depend on the cut).
constexpr uint64_t piece_bases = 1'000'000;

} // namespace

RecordEmbedder::RecordEmbedder(const EmbedParams& params, int threads, bool vectors)
    : params_(params), threads_(std::max(1, threads)), embeds_(vectors),
      embedders_(vectors ? static_cast<size_t>(threads_) : 0, Embedder(params)) {}

void RecordEmbedder::embed(const SeqRecord* records, const std::vector<uint32_t>& selected,
                           const RowSink& row, const SkipSink& skipped) {
    tasks_.clear();
    for (uint32_t r : selected)
        for (const Window& w : windows_of(records[r].seq.size(), params_)) tasks_.push_back({r, w});
    if (!embeds_) {
        for (const RowTask& task : tasks_) {
            if (has_valid_kmer(records[task.record].seq, task.window, params_.k))
                row(task.record, task.window, nullptr);
            else
                skipped(task.record, task.window);
        }
        return;
    }
    const size_t dims = params_.dims;
    const size_t rows_per_chunk = std::max<size_t>(1, chunk_bytes / (dims * sizeof(float)));
    for (size_t first = 0; first < tasks_.size(); first += rows_per_chunk) {
        const size_t count = std::min(rows_per_chunk, tasks_.size() - first);
        embed_chunk(records, first, count);
        for (size_t i = 0; i < count; ++i) {
            const RowTask& task = tasks_[first + i];
            if (kmers_[i] == 0)
                skipped(task.record, task.window);
            else
                row(task.record, task.window, &vectors_[i * dims]);
        }
    }
}

void RecordEmbedder::embed_chunk(const SeqRecord* records, size_t first, size_t count) {
    const size_t dims = params_.dims;
    const bool split_long_rows = params_.weight == Weight::count && threads_ > 1;
    vectors_.resize(count * dims);
    kmers_.assign(count, 0);
    work_.clear();
    size_t n_pieces = 0;
    for (size_t i = 0; i < count; ++i) {
        const Window w = tasks_[first + i].window;
        if (!split_long_rows || w.end - w.start <= piece_bases) {
            work_.push_back({i, w, false, 0});
            continue;
        }
        // Pieces overlap by k-1 bases so each k-mer lies wholly inside exactly one.
        for (uint64_t start = w.start; start + params_.k - 1 < w.end; start += piece_bases)
            work_.push_back(
                {i, {start, std::min(w.end, start + piece_bases + params_.k - 1)}, true,
                 dims * n_pieces++});
    }
    piece_counts_.assign(n_pieces * dims, 0);
    piece_kmers_.assign(work_.size(), 0);
    std::exception_ptr failure;
    const int grain = static_cast<int>(
        std::max<size_t>(1, work_.size() / (static_cast<size_t>(threads_) * 16)));
#pragma omp parallel for num_threads(threads_) schedule(dynamic, grain)
    for (size_t j = 0; j < work_.size(); ++j) {
        try {
            const WorkItem& item = work_[j];
            Embedder& embedder = embedders_[static_cast<size_t>(thread_index())];
            const std::string& seq = records[tasks_[first + item.row].record].seq;
            if (item.piece)
                piece_kmers_[j] = embedder.count_kmers(seq, item.span, &piece_counts_[item.counts]);
            else
                kmers_[item.row] = embedder.embed(seq, item.span, &vectors_[item.row * dims]);
        } catch (...) {
#pragma omp critical
            if (!failure) failure = std::current_exception();
        }
    }
    (void)grain; // unused without OpenMP
    if (failure) std::rethrow_exception(failure);
    // Sum the pieces of each long row (pieces of a row are adjacent in work_).
    for (size_t j = 0; j < work_.size();) {
        if (!work_[j].piece) {
            ++j;
            continue;
        }
        const size_t row = work_[j].row;
        row_counts_.assign(piece_counts_.begin() + static_cast<std::ptrdiff_t>(work_[j].counts),
                           piece_counts_.begin() +
                               static_cast<std::ptrdiff_t>(work_[j].counts + dims));
        uint64_t row_kmers = piece_kmers_[j];
        for (++j; j < work_.size() && work_[j].piece && work_[j].row == row; ++j) {
            for (size_t d = 0; d < dims; ++d) row_counts_[d] += piece_counts_[work_[j].counts + d];
            row_kmers += piece_kmers_[j];
        }
        kmers_[row] =
            embedders_[0].normalize_counts(row_counts_.data(), &vectors_[row * dims]) ? row_kmers
                                                                                       : 0;
    }
}

} // namespace ruvec
