#include "ruvec/recall.hpp"

namespace ruvec {

double recall(const HitLists& found, const HitLists& truth) {
    uint64_t shared = 0, wanted = 0;
    for (size_t q = 0; q < truth.size(); ++q) {
        wanted += truth[q].size();
        for (const SearchHit& t : truth[q])
            for (const SearchHit& f : found[q])
                if (f.row == t.row) {
                    ++shared;
                    break;
                }
    }
    return wanted ? static_cast<double>(shared) / static_cast<double>(wanted) : 0.0;
}

double recall_at_1(const HitLists& found, const HitLists& truth) {
    uint64_t hits = 0;
    for (size_t q = 0; q < truth.size(); ++q)
        hits += !truth[q].empty() && !found[q].empty() && found[q][0].row == truth[q][0].row;
    return truth.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(truth.size());
}

HitLists hits_without_rows(const HitLists& hits, const std::vector<uint32_t>& excluded, size_t k) {
    HitLists out(hits.size());
    for (size_t q = 0; q < hits.size(); ++q)
        for (const SearchHit& hit : hits[q])
            if (hit.row != excluded[q] && out[q].size() < k) out[q].push_back(hit);
    return out;
}

} // namespace ruvec
