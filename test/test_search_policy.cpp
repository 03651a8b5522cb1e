// What search decides for the user (search_policy.hpp): --min-sim's three forms, and brute force
// in place of a graph that would compare each query with about every vector anyway.
#include "ruvec/search_policy.hpp"

#include "index_test_support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace ruvec;
using namespace ruvec::test;

TEST_CASE("search_policy: --min-sim is auto, none or a whole number") {
    MinSimilarity m;
    REQUIRE(parse_min_similarity("none", m));
    CHECK(m.kind == MinSimilarity::Kind::none);
    REQUIRE(parse_min_similarity("auto", m));
    CHECK(m.kind == MinSimilarity::Kind::automatic);
    REQUIRE(parse_min_similarity("0.25", m));
    CHECK(m.kind == MinSimilarity::Kind::value);
    CHECK(m.value == 0.25f);
    REQUIRE(parse_min_similarity("-1", m));
    CHECK(m.value == -1.0f);
    const MinSimilarity before = m;
    for (const char* bad : {"", "0.2x", "nan", "NaN", "Auto", "0.2 "}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_min_similarity(bad, m));
        CHECK(m.value == before.value); // untouched
    }
}

TEST_CASE("search_policy: plan_search sets the floor and chooses brute force") {
    const Data data = gaussian(300, 32, 5);
    const Index index = build(data, graph_params(Metric::cosine, 8, 50));
    SearchOptions requested;
    requested.ef = 64; // 64 x 2M = 1024 >= 300 rows: brute force is no more work

    bool brute = false;
    SearchOptions plan = plan_search(index, requested, MinSimilarity{}, false, &brute);
    CHECK(plan.min_similarity ==
          default_min_similarity(index.embed_params(), index.graph_params().metric));
    CHECK(brute);
    CHECK(plan.exact);
    CHECK(plan.ef == requested.ef);

    // An ef the caller chose is searched at, as given.
    plan = plan_search(index, requested, MinSimilarity{}, true, &brute);
    CHECK_FALSE(brute);
    CHECK_FALSE(plan.exact);

    // Already exact: not a choice the policy made.
    SearchOptions exact = requested;
    exact.exact = true;
    plan = plan_search(index, exact, {MinSimilarity::Kind::none, 0}, false, &brute);
    CHECK_FALSE(brute);
    CHECK(plan.exact);
    CHECK(plan.min_similarity == -std::numeric_limits<float>::infinity());

    // A small ef on a larger collection keeps the graph.
    const Data more = gaussian(3000, 32, 6);
    const Index large = build(more, graph_params(Metric::cosine, 8, 50));
    requested.ef = 16; // 16 x 16 = 256 < 3000
    plan = plan_search(large, requested, {MinSimilarity::Kind::value, 0.5f}, false, &brute);
    CHECK_FALSE(brute);
    CHECK_FALSE(plan.exact);
    CHECK(plan.min_similarity == 0.5f);
}
