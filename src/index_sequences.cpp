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

    // Vectors, embedded when a tie in shared k-mers needs them: the query's once, each
    // window's from its bases (normalised as add() and search() normalise theirs).
    const size_t dims = embed_.dims;
    Embedder embedder(embed_);
    std::vector<float> query_vector, window_vector(dims);
    bool query_embedded = false;
    const auto normalize = [&](std::vector<float>& v) {
        if (graph_.metric == Metric::cosine) simd::active().l2_normalize(v.data(), dims);
    };
    struct Candidate {
        uint64_t shared; // k-mers the window shares with the query, within its region
        uint32_t row;
        uint32_t region; // the best region of the run it overlaps, an index into `regions`
        float distance;  // by vector; computed only where it decides the order (ties)
    };
    const auto vector_distance = [&](const Candidate& candidate) {
        if (!query_embedded) {
            query_vector.assign(dims, 0.0f);
            if (embedder.embed(bases, query_vector.data()) == 0) query_vector.assign(dims, 0.0f);
            normalize(query_vector);
            query_embedded = true;
        }
        const RowInfo& info = rows_[candidate.row];
        sequences.extract(regions[candidate.region].record, info.start, info.end, scratch.bases);
        if (embedder.embed(scratch.bases, window_vector.data()) == 0)
            return std::numeric_limits<float>::infinity(); // k-mers that cancel: no direction
        normalize(window_vector);
        return graph_impl_->distance(query_vector.data(), window_vector.data());
    };

    // Runs of regions sharing as many k-mers, best first; each run's windows (those not hits of
    // a better region) ranked by the k-mers each shares, then by distance. Runs are taken until
    // they hold `top` hits (per target: of distinct names): no later run can place a hit before
    // them, so the windows of weaker regions are never compared.
    std::vector<std::pair<float, uint32_t>> found; // (distance, row), in hit order
    std::vector<float> identities;                 // of each found row
    std::vector<uint32_t> taken;                   // rows in `found`, sorted
    std::vector<char> name_seen(requested.per_target ? names_.size() : 0, 0);
    std::vector<Candidate> run_windows;
    size_t hits_so_far = 0;
    for (size_t run = 0; run < regions.size() && hits_so_far < top;) {
        const uint64_t region_shared = regions[run].shared;
        const double identity = kmers.identity(region_shared);
        if (identity < requested.min_similarity) break; // weaker runs are lower still
        size_t end = run;
        while (end < regions.size() && regions[end].shared == region_shared) ++end;
        // The live windows overlapping the run's regions. A sequence's rows come with starts
        // increasing and ends not decreasing (windows_of), so the first overlapping one is
        // found by binary search: the cost follows the regions, not the sequences' length.
        run_windows.clear();
        for (size_t r = run; r < end; ++r) {
            const SequenceHit& region = regions[r];
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
                if (!(row->flags & rvx_row_deleted) &&
                    !std::binary_search(taken.begin(), taken.end(), number))
                    run_windows.push_back({0, number, static_cast<uint32_t>(r), 0.0f});
            }
        }
        // Each window once, with the first region of the run it overlaps.
        std::sort(run_windows.begin(), run_windows.end(),
                  [](const Candidate& a, const Candidate& b) {
                      return a.row != b.row ? a.row < b.row : a.region < b.region;
                  });
        run_windows.erase(std::unique(run_windows.begin(), run_windows.end(),
                                      [](const Candidate& a, const Candidate& b) {
                                          return a.row == b.row;
                                      }),
                          run_windows.end());
        // The k-mers a window shares with the query where it overlaps the region: all of the
        // region's when the window holds it (a read inside a window, read from the sequence
        // no further), fewer for a window holding part of it.
        size_t kept = 0;
        for (Candidate& candidate : run_windows) {
            const RowInfo& info = rows_[candidate.row];
            const SequenceHit& region = regions[candidate.region];
            const uint64_t from = std::max(info.start, region.start);
            const uint64_t to = std::min(info.end, region.end);
            if (from == region.start && to == region.end) {
                candidate.shared = region.shared;
            } else {
                sequences.extract(region.record, from, to, scratch.bases);
                candidate.shared = kmers.shared_with(scratch.bases);
            }
            if (candidate.shared > 0) run_windows[kept++] = candidate;
        }
        run_windows.resize(kept);
        std::sort(run_windows.begin(), run_windows.end(),
                  [](const Candidate& a, const Candidate& b) {
                      return a.shared != b.shared ? a.shared > b.shared : a.row < b.row;
                  });
        // Windows sharing as many k-mers go by distance. Vectors are embedded only for the
        // windows of a tie that can still give a hit (a window's vector costs as much as the
        // rest of its search), and only ties of more than one need them to be ordered.
        for (size_t tie = 0; tie < run_windows.size() && hits_so_far < top;) {
            size_t tie_end = tie + 1;
            while (tie_end < run_windows.size() &&
                   run_windows[tie_end].shared == run_windows[tie].shared)
                ++tie_end;
            bool gives_hit = !requested.per_target;
            for (size_t i = tie; i < tie_end && !gives_hit; ++i)
                gives_hit = !name_seen[rows_[run_windows[i].row].name];
            if (gives_hit) {
                for (size_t i = tie; i < tie_end; ++i)
                    run_windows[i].distance = vector_distance(run_windows[i]);
                std::sort(run_windows.begin() + static_cast<std::ptrdiff_t>(tie),
                          run_windows.begin() + static_cast<std::ptrdiff_t>(tie_end),
                          [](const Candidate& a, const Candidate& b) {
                              return a.distance != b.distance ? a.distance < b.distance
                                                              : a.row < b.row;
                          });
                for (size_t i = tie; i < tie_end && hits_so_far < top; ++i) {
                    const Candidate& candidate = run_windows[i];
                    found.emplace_back(candidate.distance, candidate.row);
                    identities.push_back(static_cast<float>(identity));
                    if (!requested.per_target) {
                        ++hits_so_far;
                    } else if (!name_seen[rows_[candidate.row].name]) {
                        name_seen[rows_[candidate.row].name] = 1;
                        ++hits_so_far;
                    }
                }
            }
            tie = tie_end;
        }
        // Every window of the run is spoken for: a weaker region overlapping it does not
        // offer it again.
        for (const Candidate& candidate : run_windows) taken.push_back(candidate.row);
        std::sort(taken.begin(), taken.end());
        run = end;
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
        hit.identity = identities[i];
    }
}

} // namespace ruvec
