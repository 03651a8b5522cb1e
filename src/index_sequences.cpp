// The index's read search: each sequence's bases and the k-mer index of their samples
// (sequence_search.hpp) beside the rows, and a query searched by its bases: candidate regions
// ranked by exact shared k-mers, then the windows in them.
#include "ruvec/index.hpp"

#include "graph/hnsw_graph.hpp"
#include "ruvec/embed.hpp"
#include "ruvec/error.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/sequence_search.hpp"
#include "ruvec/shared_kmers.hpp"
#include "ruvec/simd.hpp"
#include "vector_store.hpp"

#include <algorithm>
#include <limits>

namespace ruvec {

void Index::keep_sequences(const SamplerParams& sampler, bool keep_vectors) {
    if (!rows_.empty() || sequences_)
        throw Error(ErrorKind::usage, "sequences are kept from an index's first row only");
    sequences_ = std::make_unique<SequenceSearch>(sampler);
    if (!keep_vectors) {
        has_vectors_ = false;
        floats_.reset();
    }
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
        uint32_t sequence;
        float distance; // by vector; computed only where it decides the order (ties)
    };
    std::vector<Candidate> candidates;
    QueryKmers& kmers = *scratch.kmers; // the query's k-mers, from the regions' ranking
    const PackedSequences& sequences = sequences_->sequences();
    for (const auto& [row, sequence] : overlapping) {
        const RowInfo& info = rows_[row];
        sequences.extract(sequence, info.start, info.end, scratch.bases);
        const uint64_t shared = kmers.shared_with(scratch.bases);
        if (shared > 0 && kmers.identity(shared) >= requested.min_similarity)
            candidates.push_back({shared, row, sequence, 0.0f});
    }
    if (candidates.empty()) return;
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return a.shared != b.shared ? a.shared > b.shared : a.row < b.row;
    });

    // The distance of a window to the query by vector, the window's vector embedded again from
    // its bases (and normalised as add() normalises a row's), so that it is the number ruvec
    // embed's vectors give whether or not the index keeps them.
    Embedder embedder(embed_);
    std::vector<float> window_vector(dims);
    const auto vector_distance = [&](const Candidate& candidate) {
        const RowInfo& info = rows_[candidate.row];
        sequences.extract(candidate.sequence, info.start, info.end, scratch.bases);
        if (embedder.embed(scratch.bases, window_vector.data()) == 0)
            return std::numeric_limits<float>::infinity(); // k-mers that cancel: no direction
        if (graph_.metric == Metric::cosine)
            simd::active().l2_normalize(window_vector.data(), dims);
        return graph_impl_->distance(query, window_vector.data());
    };
    // Hits in order: by shared k-mers, a run of equal ones by distance (then row). Distances
    // are computed run by run until the runs so far hold `top` hits (per target: of distinct
    // names), since no later run can place a hit before them.
    std::vector<std::pair<float, uint32_t>> found;
    std::vector<char> name_seen(requested.per_target ? names_.size() : 0, 0);
    size_t hits_so_far = 0;
    for (size_t run = 0; run < candidates.size() && hits_so_far < top;) {
        size_t end = run;
        while (end < candidates.size() && candidates[end].shared == candidates[run].shared) ++end;
        for (size_t i = run; i < end; ++i) candidates[i].distance = vector_distance(candidates[i]);
        std::sort(candidates.begin() + static_cast<std::ptrdiff_t>(run),
                  candidates.begin() + static_cast<std::ptrdiff_t>(end),
                  [](const Candidate& a, const Candidate& b) {
                      return a.distance != b.distance ? a.distance < b.distance : a.row < b.row;
                  });
        for (size_t i = run; i < end; ++i) {
            found.emplace_back(candidates[i].distance, candidates[i].row);
            if (!requested.per_target) {
                ++hits_so_far;
            } else if (!name_seen[rows_[candidates[i].row].name]) {
                name_seen[rows_[candidates[i].row].name] = 1;
                ++hits_so_far;
            }
        }
        run = end;
    }
    // Hits as the vector search makes them (per target, top), in this order; the identity floor
    // was applied above.
    SearchOptions options_for_hits = requested;
    options_for_hits.top = top;
    options_for_hits.min_similarity = -std::numeric_limits<float>::infinity();
    to_hits(found, options_for_hits, hits);
    for (SearchHit& hit : hits) {
        const auto at = std::find_if(candidates.begin(), candidates.end(),
                                     [&](const Candidate& c) { return c.row == hit.row; });
        hit.identity = static_cast<float>(kmers.identity(at->shared));
    }
}

} // namespace ruvec
