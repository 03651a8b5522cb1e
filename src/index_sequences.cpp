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

void Index::search_bases(std::string_view bases, const SearchOptions& requested,
                         std::vector<SearchHit>& hits) const {
    hits.clear();
    if (!sequences_) throw Error(ErrorKind::usage, "this index has no k-mer index to search");
    if (sequences_->pending())
        throw Error(ErrorKind::usage, "the index's k-mer index is not built (index_sequences)");
    const size_t top = static_cast<size_t>(std::min<uint64_t>(requested.top, live_rows()));
    if (top == 0) return;

    // Every candidate region, best first: by the k-mers the whole query shares with it.
    SequenceSearchOptions options;
    options.top = options.candidates.max_regions;
    SequenceSearch::Scratch scratch;
    std::vector<SequenceHit> regions;
    sequences_->search(bases, options, scratch, regions);
    if (regions.empty()) return;
    QueryKmers& kmers = *scratch.kmers; // the query's k-mers, from the regions' ranking
    const PackedSequences& sequences = sequences_->sequences();

    // Vectors, embedded only for windows that may be hits (their similarity is reported, and
    // breaks ties in shared k-mers): the query's once, each window's from its bases, normalised
    // as add() and search() normalise theirs. A vector whose k-mers cancel (Embedder::embed)
    // has no direction: its distances are infinite.
    const size_t dims = embed_.dims;
    Embedder embedder(embed_);
    std::vector<float> query_vector, window_vector(dims);
    bool query_embedded = false, query_has_direction = false;
    const auto normalize = [&](std::vector<float>& v) {
        if (graph_.metric == Metric::cosine) simd::active().l2_normalize(v.data(), dims);
    };
    struct Candidate {
        uint64_t shared; // k-mers the window shares with the query, within its region
        uint32_t row;
        uint32_t region; // the region it is a hit of, an index into `regions`
        float distance;  // by vector; computed only where it decides the order (ties)
    };
    const auto vector_distance = [&](const Candidate& candidate) {
        if (!query_embedded) {
            query_vector.assign(dims, 0.0f);
            query_has_direction = embedder.embed(bases, query_vector.data()) > 0;
            if (query_has_direction) normalize(query_vector);
            query_embedded = true;
        }
        const RowInfo& info = rows_[candidate.row];
        sequences.extract(regions[candidate.region].record, info.start, info.end, scratch.bases);
        if (!query_has_direction || embedder.embed(scratch.bases, window_vector.data()) == 0)
            return std::numeric_limits<float>::infinity();
        normalize(window_vector);
        return graph_impl_->distance(query_vector.data(), window_vector.data());
    };

    // Region by region, in the order SequenceSearch ranks them (most shared k-mers first, then
    // most copies, then by sequence, strand and start, so the order of regions of two shards is that of one index
    // of both, which is what lets ruvec merge join their hits exactly); each region's windows
    // (those not hits of a better region) ranked by the k-mers each shares with the query
    // within the region, then by distance, then by row. Regions are taken until they hold
    // `top` hits (per target: of distinct names): no later region can place a hit before them,
    // so the windows of weaker regions are never compared.
    std::vector<std::pair<float, uint32_t>> found; // (distance, row), in hit order
    std::vector<uint64_t> found_shared;            // the region's shared k-mers, per found
    std::vector<uint32_t> found_copies;            // and its copies
    std::vector<uint32_t> taken;                   // rows of better regions, sorted
    std::vector<char> name_seen(requested.per_target ? names_.size() : 0, 0);
    std::vector<Candidate> windows;
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
                sequences.extract(region.record, from, to, scratch.bases);
                shared = kmers.shared_with(scratch.bases);
            }
            if (shared > 0) windows.push_back({shared, number, static_cast<uint32_t>(r), 0.0f});
        }
        std::sort(windows.begin(), windows.end(), [](const Candidate& a, const Candidate& b) {
            return a.shared != b.shared ? a.shared > b.shared : a.row < b.row;
        });
        // Windows sharing as many k-mers go by distance. Vectors are embedded only for the
        // windows of a tie that can still give a hit (a window's vector costs as much as the
        // rest of its search), and only ties of more than one need them to be ordered.
        for (size_t tie = 0; tie < windows.size() && hits_so_far < top;) {
            size_t tie_end = tie + 1;
            while (tie_end < windows.size() && windows[tie_end].shared == windows[tie].shared)
                ++tie_end;
            bool gives_hit = !requested.per_target;
            for (size_t i = tie; i < tie_end && !gives_hit; ++i)
                gives_hit = !name_seen[rows_[windows[i].row].name];
            if (gives_hit) {
                for (size_t i = tie; i < tie_end; ++i)
                    windows[i].distance = vector_distance(windows[i]);
                std::sort(windows.begin() + static_cast<std::ptrdiff_t>(tie),
                          windows.begin() + static_cast<std::ptrdiff_t>(tie_end),
                          [](const Candidate& a, const Candidate& b) {
                              return a.distance != b.distance ? a.distance < b.distance
                                                              : a.row < b.row;
                          });
                for (size_t i = tie; i < tie_end && hits_so_far < top; ++i) {
                    found.emplace_back(windows[i].distance, windows[i].row);
                    found_shared.push_back(region.shared);
                    found_copies.push_back(region.copies);
                    const uint32_t name = rows_[windows[i].row].name;
                    if (!requested.per_target) {
                        ++hits_so_far;
                    } else if (!name_seen[name]) {
                        name_seen[name] = 1;
                        ++hits_so_far;
                    }
                }
            }
            tie = tie_end;
        }
        // The region's windows are spoken for: a weaker region overlapping them does not offer
        // them again.
        for (const Candidate& window : windows) taken.push_back(window.row);
        std::sort(taken.begin(), taken.end());
    }
    // Hits as the vector search makes them (per target, top), in this order; the identity floor
    // was applied above.
    SearchOptions options_for_hits = requested;
    options_for_hits.top = top;
    options_for_hits.min_similarity = -std::numeric_limits<float>::infinity();
    to_hits(found, options_for_hits, hits);
    for (SearchHit& hit : hits) {
        size_t i = 0;
        while (found[i].second != hit.row) ++i;
        hit.shared_kmers = found_shared[i];
        hit.copies = found_copies[i];
        hit.identity = static_cast<float>(kmers.identity(hit.shared_kmers));
    }
}

} // namespace ruvec
