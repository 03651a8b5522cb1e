#include "ruvec/merge.hpp"

#include "ruvec/error.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace ruvec {

size_t merge_query_hits(const std::vector<const QueryHits*>& per_input, const MergeOptions& options,
                        std::string& out) {
    std::vector<const HitLine*> ranked;
    const HitLine* unmatched = nullptr; // an input's line saying the query has no hit there
    bool read_search = false;
    for (const QueryHits* hits : per_input)
        for (const HitLine& hit : hits->hits) {
            if (!unmatched && ranked.empty()) read_search = hit.shared_kmers >= 0;
            if ((hit.shared_kmers >= 0) != read_search)
                throw Error(ErrorKind::input, "query '" + hit.query +
                                                  "': hits of the read search (12 columns) and "
                                                  "of the vector search (10) do not merge: "
                                                  "search every shard alike");
            if (hit.rank == 0)
                unmatched = unmatched ? unmatched : &hit;
            else
                ranked.push_back(&hit);
        }
    // Stable: equal keys keep input order, then rank order (see merge.hpp). The vector search:
    // by distance, similarity second, as it keeps bits the printed distance may have lost
    // (1 - cosine clamped at 0, Euclidean distance after a square root). The read search: by
    // the k-mers the query shares with each hit's region, then the region's copies, as
    // SequenceSearch ranks them.
    if (read_search)
        std::stable_sort(ranked.begin(), ranked.end(), [](const HitLine* a, const HitLine* b) {
            if (a->shared_kmers != b->shared_kmers) return a->shared_kmers > b->shared_kmers;
            return a->copies > b->copies;
        });
    else
        std::stable_sort(ranked.begin(), ranked.end(), [](const HitLine* a, const HitLine* b) {
            if (a->distance != b->distance) return a->distance < b->distance;
            return a->similarity > b->similarity;
        });
    std::unordered_set<std::string_view> targets_seen;
    size_t rank = 0;
    for (const HitLine* hit : ranked) {
        if (rank == options.top) break;
        // The floor is on the similarity, or on the read search's identity (as search applies
        // it); either falls as the hits go on.
        if ((read_search ? hit->identity_value : hit->similarity) < options.min_similarity) break;
        if (options.per_target && !targets_seen.insert(hit->target).second) continue;
        append_hit_line(out, *hit, ++rank, options.full_precision);
    }
    // No hit left: the query's unmatched line, as one search with --unmatched prints it.
    if (rank == 0 && options.unmatched) {
        const HitLine& query = unmatched ? *unmatched : *ranked[0];
        HitLine line;
        line.query = query.query;
        line.query_range = query.query_range;
        line.shared_kmers = read_search ? 0 : -1;
        append_hit_line(out, line, 0, options.full_precision);
    }
    return rank;
}

} // namespace ruvec
