// Merging (merge.cpp): hits are ranked by distance with ties to the earlier input, and the hits
// of shard searches merged by merge_query_hits are the hits of one search over one index of all.
#include "index_test_support.hpp"
#include "ruvec/error.hpp"
#include "ruvec/hits.hpp"
#include "ruvec/merge.hpp"
#include "ruvec/shard.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

// Merges whole TSV texts query by query (they hold the same queries in the same order).
std::string merge_texts(const std::vector<std::string>& texts, const MergeOptions& options) {
    std::vector<std::vector<QueryHits>> inputs;
    for (const std::string& text : texts) inputs.push_back(read_all(text));
    std::string out = hits_tsv_header;
    for (size_t q = 0; q < inputs[0].size(); ++q) {
        std::vector<const QueryHits*> gathered;
        for (const auto& input : inputs) {
            REQUIRE(input.size() == inputs[0].size());
            gathered.push_back(&input[q]);
        }
        merge_query_hits(gathered, options, out);
    }
    return out;
}

// The TSV ruvec search prints for `queries` against `index`.
std::string search_tsv(const Index& index, const Data& queries, const SearchOptions& options,
                       bool full_precision) {
    std::string out = hits_tsv_header;
    for (size_t q = 0; q < queries.rows(); ++q) {
        std::vector<SearchHit> hits;
        index.search(queries.row(q), options, hits);
        const VecRow query{"q" + std::to_string(q), 0, 150};
        append_hits(out, query, hits, index, HitsFormat::tsv, full_precision);
    }
    return out;
}

} // namespace

TEST_CASE("merge: hits are ranked by distance, ties to the earlier input, then the earlier rank") {
    const std::string a = "r1\t1\t150\tgA\t1\t10\t1\t0.900000\t0.100000\t0.9900\n"
                          "r1\t1\t150\tgB\t1\t10\t2\t0.700000\t0.300000\t0.9700\n"
                          "r1\t1\t150\tgC\t1\t10\t3\t0.700000\t0.300000\t0.9700\n";
    const std::string b = "r1\t1\t150\tgD\t1\t10\t1\t0.800000004\t0.199999996\t0.9800\n"
                          "r1\t1\t150\tgE\t1\t10\t2\t0.7\t0.3\t0.9700\n";
    MergeOptions options;
    options.top = 4;
    CHECK(merge_texts({a, b}, options) ==
          std::string(hits_tsv_header) + "r1\t1\t150\tgA\t1\t10\t1\t0.900000\t0.100000\t0.9900\n"
                                         "r1\t1\t150\tgD\t1\t10\t2\t0.800000\t0.200000\t0.9800\n"
                                         "r1\t1\t150\tgB\t1\t10\t3\t0.700000\t0.300000\t0.9700\n"
                                         "r1\t1\t150\tgC\t1\t10\t4\t0.700000\t0.300000\t0.9700\n");
    // Inputs swapped: the tie at 0.3 now goes to gE, the earlier input's.
    options.top = 3;
    CHECK(merge_texts({b, a}, options).find("gE\t1\t10\t3\t0.700000\t0.300000") !=
          std::string::npos);
    options.full_precision = true;
    CHECK(merge_texts({b, a}, options).find("gD\t1\t10\t2\t0.800000004\t0.199999996") !=
          std::string::npos);
    options.full_precision = false;
    options.min_similarity = 0.75f;
    options.top = 10;
    const std::string kept = merge_texts({a, b}, options);
    CHECK(kept.find("gD") != std::string::npos);
    CHECK(kept.find("gB") == std::string::npos);
}

TEST_CASE("merge: the read search's hits rank by shared k-mers, then copies; unmatched lines hold no hit") {
    // Shard a found r1 in two windows of one region (31 shared k-mers) and nothing for r2;
    // shard b found r1 in a region sharing more, and in one sharing 31 too, of a sequence that
    // holds 3 such copies (it goes before shard a's single copy), and r2.
    const std::string a = "r1\t1\t72\tgA\t1\t10\t1\t0.300000\t0.700000\t0.9757\t31\t1\n"
                          "r1\t1\t72\tgA\t5\t15\t2\t0.400000\t0.600000\t0.9757\t31\t1\n"
                          "r2\t1\t72\t*\t*\t*\t0\t*\t*\t*\t*\t*\n";
    const std::string b = "r1\t1\t72\tgB\t1\t10\t1\t0.100000\t0.900000\t0.9900\t40\t1\n"
                          "r1\t1\t72\tgD\t5\t15\t2\t0.050000\t0.950000\t0.9757\t31\t3\n"
                          "r2\t1\t72\tgC\t1\t10\t1\t0.200000\t0.800000\t0.9200\t9\t1\n";
    MergeOptions options;
    options.top = 3;
    std::string merged = merge_texts({a, b}, options);
    CHECK(merged == std::string(hits_tsv_header) +
                        "r1\t1\t72\tgB\t1\t10\t1\t0.100000\t0.900000\t0.9900\t40\t1\n"
                        "r1\t1\t72\tgD\t5\t15\t2\t0.050000\t0.950000\t0.9757\t31\t3\n"
                        "r1\t1\t72\tgA\t1\t10\t3\t0.300000\t0.700000\t0.9757\t31\t1\n"
                        "r2\t1\t72\tgC\t1\t10\t1\t0.200000\t0.800000\t0.9200\t9\t1\n");
    // The floor is on the identity; a query left without hits gets its unmatched line when
    // asked for.
    options.min_similarity = 0.95f;
    options.unmatched = true;
    merged = merge_texts({a, b}, options);
    CHECK(merged.substr(merged.find("r2")) == "r2\t1\t72\t*\t*\t*\t0\t*\t*\t*\t*\t*\n");
    options.unmatched = false;
    CHECK(merge_texts({a, b}, options).find("r2") == std::string::npos);
    // Hits of the two searches do not mix.
    const std::string vectors = "r1\t1\t72\tgA\t1\t10\t1\t0.3\t0.7\t0.97\n"
                                "r2\t1\t72\tgA\t1\t10\t1\t0.3\t0.7\t0.97\n";
    CHECK_THROWS_AS(merge_texts({a, vectors}, options), Error);
}

TEST_CASE("merge: searches of contiguous shards merge into the search of the whole index") {
    // 400 rows in 100 names of 4 windows, some copied across shard borders, so that distances
    // tie between shards and only the tie rule decides.
    Data data = gaussian(400, 16, 11);
    for (size_t r = 0; r < 40; ++r)
        std::copy(data.row(r), data.row(r) + data.dims, data.values.begin() + (r + 200) * 16);
    Data queries = gaussian(30, 16, 12);
    for (size_t q = 0; q < 10; ++q) // queries equal to copied rows: ties at distance 0
        std::copy(data.row(q * 3), data.row(q * 3) + 16, queries.values.begin() + q * 16);
    constexpr size_t windows = 4;
    for (Metric metric : {Metric::cosine, Metric::l2, Metric::ip}) {
        CAPTURE(metric_name(metric));
        const GraphParams graph = graph_params(metric, 8, 64);
        Index whole = build(data, graph, windows);
        const std::vector<uint64_t> bounds =
            shard_bounds(std::vector<uint64_t>(data.rows() / windows, windows), 3);
        std::vector<Index> shards;
        for (size_t s = 0; s < 3; ++s) {
            shards.emplace_back(embed_params(data.dims), graph);
            add_rows(shards.back(), data, bounds[s] * windows, bounds[s + 1] * windows, windows);
            shards.back().insert_pending(1);
        }
        for (bool per_target : {false, true}) {
            CAPTURE(per_target);
            SearchOptions search = options(7, /*exact=*/true);
            search.per_target = per_target;
            std::vector<std::string> shard_tsv;
            for (const Index& shard : shards)
                shard_tsv.push_back(search_tsv(shard, queries, search, true));
            MergeOptions merge;
            merge.top = 7;
            merge.per_target = per_target;
            const std::string expected = search_tsv(whole, queries, search, false);
            CHECK(merge_texts(shard_tsv, merge) == expected);
            merge.full_precision = true;
            CHECK(merge_texts(shard_tsv, merge) == search_tsv(whole, queries, search, true));
            // --min-sim given to merge instead of the shard searches.
            search.min_similarity = 0.2f;
            merge.min_similarity = 0.2f;
            merge.full_precision = false;
            CHECK(merge_texts(shard_tsv, merge) == search_tsv(whole, queries, search, false));
        }
    }
}
