// recall, recall_at_1 and hits_without_rows (ruvec/recall.hpp) on hand-made hit lists.
#include "ruvec/recall.hpp"

#include <doctest/doctest.h>

using namespace ruvec;

namespace {

HitLists lists(const std::vector<std::vector<uint32_t>>& rows) {
    HitLists out(rows.size());
    for (size_t q = 0; q < rows.size(); ++q)
        for (uint32_t row : rows[q]) out[q].push_back({row, 0.0f, 1.0f});
    return out;
}

} // namespace

TEST_CASE("recall: found true neighbours over all of them, in any order") {
    const HitLists truth = lists({{1, 2, 3, 4}, {5, 6, 7, 8}});
    CHECK(recall(truth, truth) == 1.0);
    CHECK(recall(lists({{4, 3, 2, 1}, {8, 7, 6, 5}}), truth) == 1.0);
    CHECK(recall(lists({{1, 9, 10, 11}, {5, 6, 12, 13}}), truth) == doctest::Approx(3.0 / 8));
    CHECK(recall(lists({{}, {}}), truth) == 0.0);
    CHECK(recall({}, {}) == 0.0);
    // Counted in integers: 99 of 100 is exactly the double nearest 0.99.
    std::vector<std::vector<uint32_t>> want(100, {7}), got(100, {7});
    got[0] = {8};
    CHECK(recall(lists(got), lists(want)) == 0.99);
}

TEST_CASE("recall_at_1: the first hit is the first true neighbour") {
    const HitLists truth = lists({{1, 2}, {3, 4}, {5, 6}, {7}});
    CHECK(recall_at_1(lists({{1, 9}, {4, 3}, {}, {7}}), truth) == 0.5);
    CHECK(recall_at_1({}, {}) == 0.0);
}

TEST_CASE("hits_without_rows: a query's own row is left out, then k are kept") {
    const HitLists hits = lists({{3, 1, 2, 4}, {5, 6, 7, 8}});
    const HitLists out = hits_without_rows(hits, {3, 7}, 2);
    REQUIRE(out.size() == 2);
    REQUIRE(out[0].size() == 2);
    CHECK(out[0][0].row == 1);
    CHECK(out[0][1].row == 2);
    REQUIRE(out[1].size() == 2);
    CHECK(out[1][0].row == 5);
    CHECK(out[1][1].row == 6);
}
