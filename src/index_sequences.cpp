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
#include "thread_index.hpp"
#include "vector_store.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <memory>

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

// What one query of the read search needs allocated, kept from query to query by a thread.
struct Index::BasesScratch {
    explicit BasesScratch(const EmbedParams& params)
        : embedder(params), query_vector(params.dims), window_vector(params.dims) {}
    SequenceSearch::Scratch sequence;
    std::vector<SequenceHit> regions;
    Embedder embedder;
    std::vector<float> query_vector, window_vector;
    struct Window {
        uint64_t shared;    // k-mers the window shares with the query, within its region
        uint64_t off_centre; // |window centre - region centre|, in half bases
        uint32_t row;
    };
    std::vector<Window> windows;
    std::vector<std::pair<float, uint32_t>> found; // (distance, row), in hit order
    std::vector<uint32_t> found_region;            // the region of each, an index into regions
    std::vector<uint32_t> taken;                   // rows of better regions, sorted
    std::vector<char> name_seen;
};

void Index::search_bases(std::string_view bases, const SearchOptions& options,
                         std::vector<SearchHit>& hits) const {
    BasesScratch scratch(embed_);
    search_bases_with(bases, options, hits, scratch);
}

void Index::search_bases_many(const std::vector<std::string>& queries, const SearchOptions& options,
                              int threads, std::vector<std::vector<SearchHit>>& results) const {
    results.resize(queries.size());
    threads = std::max(threads, 1);
    std::vector<std::unique_ptr<BasesScratch>> scratch(static_cast<size_t>(threads));
    std::exception_ptr failure;
    const auto count = static_cast<int64_t>(queries.size());
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
    for (int64_t i = 0; i < count; ++i) {
        try {
            std::unique_ptr<BasesScratch>& mine = scratch[static_cast<size_t>(thread_index())];
            if (!mine) mine = std::make_unique<BasesScratch>(embed_);
            search_bases_with(queries[static_cast<size_t>(i)], options,
                              results[static_cast<size_t>(i)], *mine);
        } catch (...) {
#pragma omp critical(ruvec_search_bases_failure)
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
}

void Index::search_bases_with(std::string_view bases, const SearchOptions& requested,
                              std::vector<SearchHit>& hits, BasesScratch& scratch) const {
    hits.clear();
    if (!sequences_) throw Error(ErrorKind::usage, "this index has no k-mer index to search");
    if (sequences_->pending())
        throw Error(ErrorKind::usage, "the index's k-mer index is not built (index_sequences)");
    const size_t top = static_cast<size_t>(std::min<uint64_t>(requested.top, live_rows()));
    if (top == 0) return;

    // Every candidate region, best first: by the k-mers the whole query shares with it, then by
    // its copies.
    SequenceSearchOptions options;
    options.top = options.candidates.max_regions;
    std::vector<SequenceHit>& regions = scratch.regions;
    sequences_->search(bases, options, scratch.sequence, regions);
    if (regions.empty()) return;
    QueryKmers& kmers = *scratch.sequence.kmers; // the query's k-mers, from the regions' ranking
    const PackedSequences& sequences = sequences_->sequences();
    std::string& window_bases = scratch.sequence.bases;

    // Region by region, in the order SequenceSearch ranks them (most shared k-mers first, then
    // most copies, then by sequence, strand and start, so the order of regions of two shards is
    // that of one index of both, which is what lets ruvec merge join their hits exactly); each
    // region's windows (those not hits of a better region) ranked by the k-mers each shares
    // with the query within the region, then by how near the window's centre is to the
    // region's (the window the match lies in the middle of), then by row. Regions are taken
    // until they hold `top` hits (per target: of distinct names): no later region can place a
    // hit before them, so the windows of weaker regions are never compared.
    std::vector<std::pair<float, uint32_t>>& found = scratch.found;
    std::vector<uint32_t>& found_region = scratch.found_region;
    std::vector<uint32_t>& taken = scratch.taken;
    std::vector<char>& name_seen = scratch.name_seen;
    found.clear();
    found_region.clear();
    taken.clear();
    if (requested.per_target) name_seen.assign(names_.size(), 0);
    size_t hits_so_far = 0;
    for (size_t r = 0; r < regions.size() && hits_so_far < top; ++r) {
        const SequenceHit& region = regions[r];
        if (kmers.identity(region.shared) < requested.min_similarity)
            break; // weaker regions are lower still
        // The live windows overlapping the region. A sequence's rows come with starts
        // increasing and ends not decreasing (windows_of), so the first overlapping one is
        // found by binary search: the cost follows the regions, not the sequences' length.
        // The k-mers a window shares with the query where it overlaps the region: all of the
        // region's when the window holds it (a read inside a window, read from the sequence no
        // further), fewer for a window holding part of it.
        std::vector<BasesScratch::Window>& windows = scratch.windows;
        windows.clear();
        const uint64_t first = record_first_row_[region.record];
        const uint64_t last = region.record + 1 < record_first_row_.size()
                                  ? record_first_row_[region.record + 1]
                                  : sequenced_rows_;
        const auto begin = rows_.begin() + static_cast<std::ptrdiff_t>(first);
        const auto stop = rows_.begin() + static_cast<std::ptrdiff_t>(last);
        auto row = std::partition_point(
            begin, stop, [&](const RowInfo& info) { return info.end <= region.start; });
        for (; row != stop && row->start < region.end; ++row) {
            const auto number = static_cast<uint32_t>(row - rows_.begin());
            if ((row->flags & rvx_row_deleted) ||
                std::binary_search(taken.begin(), taken.end(), number))
                continue;
            const uint64_t from = std::max(row->start, region.start);
            const uint64_t to = std::min(row->end, region.end);
            uint64_t shared = region.shared;
            if (from != region.start || to != region.end) {
                sequences.extract(region.record, from, to, window_bases);
                shared = kmers.shared_with(window_bases);
            }
            const uint64_t window_centre = row->start + row->end;
            const uint64_t region_centre = region.start + region.end;
            const uint64_t off_centre = window_centre > region_centre
                                            ? window_centre - region_centre
                                            : region_centre - window_centre;
            if (shared > 0) windows.push_back({shared, off_centre, number});
        }
        std::sort(windows.begin(), windows.end(),
                  [](const BasesScratch::Window& a, const BasesScratch::Window& b) {
                      if (a.shared != b.shared) return a.shared > b.shared;
                      if (a.off_centre != b.off_centre) return a.off_centre < b.off_centre;
                      return a.row < b.row;
                  });
        for (const BasesScratch::Window& window : windows) {
            if (hits_so_far == top) break;
            if (requested.per_target) {
                char& seen = name_seen[rows_[window.row].name];
                if (seen) continue;
                seen = 1;
            }
            found.emplace_back(0.0f, window.row);
            found_region.push_back(static_cast<uint32_t>(r));
            ++hits_so_far;
        }
        // The region's windows are spoken for: a weaker region overlapping them does not offer
        // them again.
        for (const BasesScratch::Window& window : windows) taken.push_back(window.row);
        std::sort(taken.begin(), taken.end());
    }

    // The similarity and distance of each hit: the query's vector to the window's, both
    // embedded here from their bases and normalised as add() and search() normalise theirs,
    // only for the windows reported. A vector whose k-mers cancel (Embedder::embed) has no
    // direction: its distances are infinite.
    const size_t dims = embed_.dims;
    const auto normalize = [&](std::vector<float>& v) {
        if (graph_.metric == Metric::cosine) simd::active().l2_normalize(v.data(), dims);
    };
    std::vector<float>& query_vector = scratch.query_vector;
    std::vector<float>& window_vector = scratch.window_vector;
    const bool query_has_direction = scratch.embedder.embed(bases, query_vector.data()) > 0;
    if (query_has_direction) normalize(query_vector);
    for (size_t i = 0; i < found.size(); ++i) {
        const RowInfo& info = rows_[found[i].second];
        sequences.extract(regions[found_region[i]].record, info.start, info.end, window_bases);
        if (!query_has_direction || scratch.embedder.embed(window_bases, window_vector.data()) == 0) {
            found[i].first = std::numeric_limits<float>::infinity();
            continue;
        }
        normalize(window_vector);
        found[i].first = graph_impl_->distance(query_vector.data(), window_vector.data());
    }

    // Hits as the vector search makes them (per target, top), in this order; the identity floor
    // was applied above.
    SearchOptions options_for_hits = requested;
    options_for_hits.top = top;
    options_for_hits.per_target = false; // applied above
    options_for_hits.min_similarity = -std::numeric_limits<float>::infinity();
    to_hits(found, options_for_hits, hits);
    for (size_t i = 0; i < hits.size(); ++i) {
        const SequenceHit& region = regions[found_region[i]];
        hits[i].shared_kmers = region.shared;
        hits[i].copies = region.copies;
        hits[i].identity = static_cast<float>(kmers.identity(region.shared));
    }
}

} // namespace ruvec
