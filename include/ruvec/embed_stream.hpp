// Records to rows, as every front end embeds them: each record's windows (windows_of) embedded
// on `threads` threads and handed on in input order, the rows without a valid k-mer reported in
// their place, so rows and vectors never depend on the thread count. The CLI's pipeline reads
// batches of records (and says where each came from); the web page hands the records it parses.
#pragma once

#include "ruvec/embed.hpp"
#include "ruvec/seq.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace ruvec {

class RecordEmbedder {
public:
    // `params` must have passed finalize_params; threads >= 1 (1 in the browser build, which has
    // no OpenMP). Without `vectors` the windows are only checked for a valid k-mer
    // (has_valid_kmer) and handed on without a vector: the rows of an index that keeps no
    // vectors (the read search's), at the cost of a pass over the bases.
    RecordEmbedder(const EmbedParams& params, int threads, bool vectors = true);

    // A row made: records[record]'s window, its params.dims floats (nullptr without vectors).
    using RowSink = std::function<void(size_t record, const Window& window, const float* vector)>;
    // A row without a valid k-mer (it would be all zeros): never handed on as a vector.
    using SkipSink = std::function<void(size_t record, const Window& window)>;

    // Embeds the records numbered in `selected` (indices into `records`, increasing), calling
    // `row` or `skipped` for each window in input order. With count weights and more than one
    // thread, windows longer than 1 Mbp are counted in pieces on every thread (integer counts:
    // the vector does not depend on the cut). Throws the first error met.
    void embed(const SeqRecord* records, const std::vector<uint32_t>& selected,
               const RowSink& row, const SkipSink& skipped);

private:
    struct RowTask {
        uint32_t record; // index into the records
        Window window;
    };
    // One unit of parallel work: a whole row, or a piece of a long row counted into `counts`.
    struct WorkItem {
        size_t row;    // index in the chunk
        Window span;   // the row's window, or the piece of it
        bool piece;    // counts into piece_counts_ instead of embedding
        size_t counts; // offset of this piece's counts in piece_counts_
    };
    void embed_chunk(const SeqRecord* records, size_t first, size_t count);

    EmbedParams params_;
    int threads_;
    bool embeds_; // vectors made (false: windows checked for a valid k-mer only)
    std::vector<Embedder> embedders_; // one per thread
    std::vector<RowTask> tasks_;
    std::vector<WorkItem> work_;
    std::vector<float> vectors_;
    std::vector<uint64_t> kmers_;
    std::vector<int32_t> piece_counts_, row_counts_;
    std::vector<uint64_t> piece_kmers_;
};

} // namespace ruvec
