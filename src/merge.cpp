#include "ruvec/merge.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace ruvec {

size_t merge_query_hits(const std::vector<const QueryHits*>& per_input, const MergeOptions& options,
                        std::string& out) {
    std::vector<const HitLine*> ranked;
    for (const QueryHits* hits : per_input)
        for (const HitLine& hit : hits->hits) ranked.push_back(&hit);
    // Stable: equal distances keep input order, then rank order, which is row order in the
    // index of all shards (see merge.hpp). Similarity second, as it keeps bits the printed
    // distance may have lost (1 - cosine clamped at 0, Euclidean distance after a square root).
    std::stable_sort(ranked.begin(), ranked.end(), [](const HitLine* a, const HitLine* b) {
        if (a->distance != b->distance) return a->distance < b->distance;
        return a->similarity > b->similarity;
    });
    std::unordered_set<std::string_view> targets_seen;
    size_t rank = 0;
    for (const HitLine* hit : ranked) {
        if (rank == options.top) break;
        if (options.per_target && !targets_seen.insert(hit->target).second) continue;
        if (hit->similarity < options.min_similarity) break; // later hits are weaker still
        append_hit_line(out, *hit, ++rank, options.full_precision);
    }
    return rank;
}

} // namespace ruvec
