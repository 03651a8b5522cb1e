// What a search decides for the user, decided once in the core for `ruvec search` and the web
// page alike: which hits are too weak to report when no --min-sim is given, and when brute force
// takes the place of the graph.
#pragma once

#include "ruvec/index.hpp"

#include <string_view>

namespace ruvec {

// --min-sim as a user gives it: the hashing noise floor (auto, the default), every hit (none),
// or a similarity.
struct MinSimilarity {
    enum class Kind { automatic, none, value };
    Kind kind = Kind::automatic;
    float value = 0; // with Kind::value
};

// "auto", "none" or a whole number (not NaN); false for anything else.
bool parse_min_similarity(std::string_view text, MinSimilarity& min_similarity);

// The search to run for `requested`: its min_similarity set from `min_similarity` (auto:
// default_min_similarity of the index), and brute force instead of the graph when the caller
// chose no ef (`ef_given` false) and a graph search at the default would compare each query with
// about as many vectors anyway (brute_force_is_no_more_work): exact, and faster, as it reads
// memory in order. `*chose_brute_force` (if given) says whether that last rule applied.
// `by_bases`: the queries are searched by their bases through the index's k-mer index
// (Index::search_bases), whose hits share k-mers exactly, so auto sets no similarity floor: the
// hashing noise the floor is there for does not make such a hit.
SearchOptions plan_search(const Index& index, SearchOptions requested,
                          const MinSimilarity& min_similarity, bool ef_given,
                          bool* chose_brute_force = nullptr, bool by_bases = false);

} // namespace ruvec
