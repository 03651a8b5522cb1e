// The index's read search: each sequence's bases and the k-mer index of their samples
// (sequence_search.hpp) beside the rows, and a query searched by its bases: candidate regions
// ranked by exact shared k-mers, then the windows in them.
#include "ruvec/index.hpp"

#include "graph/hnsw_graph.hpp"
#include "ruvec/error.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/sequence_search.hpp"
#include "ruvec/shared_kmers.hpp"
#include "ruvec/simd.hpp"
#include "vector_store.hpp"

#include <algorithm>
#include <limits>

namespace ruvec {

void Index::keep_sequences(const SamplerParams& sampler) {
    if (!rows_.empty() || sequences_)
        throw Error(ErrorKind::usage, "sequences are kept from an index's first row only");
    sequences_ = std::make_unique<SequenceSearch>(sampler);
}

void Index::add_sequence(std::string_view bases) {
    if (!sequences_) throw Error(ErrorKind::usage, "this index keeps no sequences");
    for (uint64_t row = sequenced_rows_; row < rows_.size(); ++row) {
        if (rows_[row].name != rows_[sequenced_rows_].name)
            throw Error(ErrorKind::usage, "the rows given a sequence are of two names: '" +
                                              names_[rows_[sequenced_rows_].name] + "' and '" +
                                              names_[rows_[row].name] + "'");
        if (rows_[row].end > bases.size())
            throw Error(ErrorKind::input, "'" + names_[rows_[row].name] + "': a window ends at " +
                                              std::to_string(rows_[row].end) + ", past its " +
                                              std::to_string(bases.size()) + " bases");
    }
    sequences_->add(bases);
    record_first_row_.push_back(sequenced_rows_);
    sequenced_rows_ = rows_.size();
}

void Index::index_sequences(int threads) {
    if (sequences_ && sequences_->pending()) sequences_->index_records(threads);
}

void Index::search_bases(std::string_view bases, const float* query,
                         const SearchOptions& requested, std::vector<SearchHit>& hits) const {
    hits.clear();
    if (!sequences_) throw Error(ErrorKind::usage, "this index has no k-mer index to search");
    if (sequences_->pending())
        throw Error(ErrorKind::usage, "the index's k-mer index is not built (index_sequences)");
    const size_t top = static_cast<size_t>(std::min<uint64_t>(requested.top, live_rows()));
    if (top == 0) return;
    const size_t dims = embed_.dims;
    std::vector<float> normalized;
    if (graph_.metric == Metric::cosine) {
        normalized.assign(query, query + dims);
        simd::active().l2_normalize(normalized.data(), dims);
        query = normalized.data();
    }

    // Every candidate region, best first.
    SequenceSearchOptions options;
    options.top = options.candidates.max_regions;
    SequenceSearch::Scratch scratch;
    std::vector<SequenceHit> regions;
    sequences_->search(bases, options, scratch, regions);
    if (regions.empty()) return;

    // The live windows overlapping each region (each window once), by the k-mers each shares
    // with the query. A sequence's rows come with starts increasing and ends not decreasing
    // (windows_of), so the first overlapping one is found by binary search: the cost follows
    // the regions, not the length of their sequences.
    std::vector<std::pair<uint32_t, uint32_t>> overlapping; // (row, sequence)
    for (const SequenceHit& region : regions) {
        const uint64_t first = record_first_row_[region.record];
        const uint64_t last = region.record + 1 < record_first_row_.size()
                                  ? record_first_row_[region.record + 1]
                                  : sequenced_rows_;
        const auto begin = rows_.begin() + static_cast<std::ptrdiff_t>(first);
        const auto end = rows_.begin() + static_cast<std::ptrdiff_t>(last);
        auto row = std::partition_point(
            begin, end, [&](const RowInfo& info) { return info.end <= region.start; });
        for (; row != end && row->start < region.end; ++row)
            if (!(row->flags & rvx_row_deleted))
                overlapping.emplace_back(static_cast<uint32_t>(row - rows_.begin()), region.record);
    }
    std::sort(overlapping.begin(), overlapping.end());
    overlapping.erase(std::unique(overlapping.begin(), overlapping.end()), overlapping.end());
    struct Candidate {
        uint64_t shared;
        uint32_t row;
    };
    std::vector<Candidate> candidates; // in row order
    QueryKmers& kmers = *scratch.kmers; // the query's k-mers, from the regions' ranking
    const PackedSequences& sequences = sequences_->sequences();
    for (const auto& [row, sequence] : overlapping) {
        const RowInfo& info = rows_[row];
        sequences.extract(sequence, info.start, info.end, scratch.bases);
        const uint64_t shared = kmers.shared_with(scratch.bases);
        if (shared > 0) candidates.push_back({shared, row});
    }
    if (candidates.empty()) return;

    // Their distances by vector, as the vector search reports them.
    std::vector<uint32_t> rows(candidates.size());
    for (size_t i = 0; i < candidates.size(); ++i) rows[i] = candidates[i].row;
    std::vector<float> distances(candidates.size());
    const VectorStore* store = floats_ ? static_cast<const VectorStore*>(floats_.get())
                                       : static_cast<const VectorStore*>(codes_.get());
    store->distances_to(query, *graph_impl_, false)
        ->score(rows.data(), rows.size(), distances.data());
    std::vector<size_t> order(candidates.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (candidates[a].shared != candidates[b].shared)
            return candidates[a].shared > candidates[b].shared;
        if (distances[a] != distances[b]) return distances[a] < distances[b];
        return candidates[a].row < candidates[b].row;
    });
    // Hits as the vector search makes them (per target, top), from the windows above the
    // similarity floor: that search stops at the first hit below it, since its hits come in
    // order of distance; these come in order of shared k-mers.
    std::vector<std::pair<float, uint32_t>> found;
    found.reserve(order.size());
    for (size_t i : order) {
        const float d = distances[i];
        const float similarity = graph_.metric == Metric::l2 ? 1.0f - d / 2.0f : 1.0f - d;
        if (similarity >= requested.min_similarity) found.emplace_back(d, candidates[i].row);
    }
    SearchOptions options_for_hits = requested;
    options_for_hits.top = top;
    options_for_hits.min_similarity = -std::numeric_limits<float>::infinity();
    to_hits(found, options_for_hits, hits);
    for (SearchHit& hit : hits) {
        const auto at = std::lower_bound(
            candidates.begin(), candidates.end(), hit.row,
            [](const Candidate& c, uint32_t row) { return c.row < row; });
        hit.identity = static_cast<float>(kmers.identity(at->shared));
    }
}

} // namespace ruvec
