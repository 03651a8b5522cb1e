#include "ruvec/search_policy.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace ruvec {

bool parse_min_similarity(std::string_view text, MinSimilarity& min_similarity) {
    if (text == "auto") {
        min_similarity = {MinSimilarity::Kind::automatic, 0};
        return true;
    }
    if (text == "none") {
        min_similarity = {MinSimilarity::Kind::none, 0};
        return true;
    }
    if (text.empty()) return false;
    const std::string whole(text);
    char* end = nullptr;
    const double parsed = std::strtod(whole.c_str(), &end);
    if (*end != '\0' || std::isnan(parsed)) return false;
    min_similarity = {MinSimilarity::Kind::value, static_cast<float>(parsed)};
    return true;
}

SearchOptions plan_search(const Index& index, SearchOptions requested,
                          const MinSimilarity& min_similarity, bool ef_given,
                          bool* chose_brute_force, bool by_bases) {
    switch (min_similarity.kind) {
    case MinSimilarity::Kind::automatic:
        requested.min_similarity =
            by_bases ? -std::numeric_limits<float>::infinity()
                     : default_min_similarity(index.embed_params(), index.graph_params().metric);
        break;
    case MinSimilarity::Kind::none:
        requested.min_similarity = -std::numeric_limits<float>::infinity();
        break;
    case MinSimilarity::Kind::value:
        requested.min_similarity = min_similarity.value;
        break;
    }
    const bool brute_force =
        !requested.exact && !ef_given &&
        brute_force_is_no_more_work(index.live_rows(), index.graph_params(), requested.ef);
    if (brute_force) requested.exact = true;
    if (chose_brute_force != nullptr) *chose_brute_force = brute_force;
    return requested;
}

} // namespace ruvec
