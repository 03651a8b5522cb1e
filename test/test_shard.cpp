// Shards (shard.cpp): window_count counts a record's vectors, and shard_bounds cuts records into
// balanced contiguous blocks.
#include "index_test_support.hpp"
#include "ruvec/embed.hpp"
#include "ruvec/error.hpp"
#include "ruvec/shard.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

TEST_CASE("shard: window_count counts the windows windows_of makes") {
    EmbedParams p = embed_params(64);
    CHECK(window_count(0, p) == 1); // one vector per record, however short
    p.window = 100;
    p.step = 30;
    finalize_params(p);
    for (uint64_t length : {0, 1, 99, 100, 101, 130, 131, 1000, 12345})
        CHECK(window_count(length, p) == windows_of(length, p).size());
}

TEST_CASE("shard: shard_bounds makes contiguous, non-empty shards of about equal weight") {
    CHECK(shard_bounds({5, 5, 5, 5}, 2) == std::vector<uint64_t>{0, 2, 4});
    CHECK(shard_bounds({5, 5, 5, 5}, 1) == std::vector<uint64_t>{0, 4});
    CHECK(shard_bounds({1, 1, 1}, 3) == std::vector<uint64_t>{0, 1, 2, 3});
    // One heavy record: every shard still gets a record.
    CHECK(shard_bounds({1000, 1, 1}, 3) == std::vector<uint64_t>{0, 1, 2, 3});
    CHECK(shard_bounds({1, 1, 1000}, 2) == std::vector<uint64_t>{0, 2, 3});
    // Weights decide, not record counts: 10 small records weigh as one large one.
    CHECK(shard_bounds({10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2) == std::vector<uint64_t>{0, 1, 11});
    // No record makes a vector: split by count.
    CHECK(shard_bounds({0, 0, 0, 0}, 2) == std::vector<uint64_t>{0, 2, 4});
    CHECK_THROWS_AS(shard_bounds({1, 2}, 3), Error);
    // Many records: shards within one record's weight of total / count.
    std::vector<uint64_t> weights;
    uint64_t total = 0;
    for (uint64_t i = 0; i < 10000; ++i) {
        weights.push_back(1 + (i * 2654435761u) % 97);
        total += weights.back();
    }
    for (uint32_t count : {2u, 7u, 64u}) {
        const std::vector<uint64_t> bounds = shard_bounds(weights, count);
        REQUIRE(bounds.size() == count + 1);
        for (uint32_t s = 0; s < count; ++s) {
            REQUIRE(bounds[s] < bounds[s + 1]);
            uint64_t weight = 0;
            for (uint64_t j = bounds[s]; j < bounds[s + 1]; ++j) weight += weights[j];
            CHECK(weight + 97 >= total / count);
            CHECK(weight <= total / count + 97);
        }
    }
}
