// Shards and merging: shard_bounds cuts records into balanced contiguous blocks, and the hits of
// shard searches merged by merge_query_hits are the hits of one search over one index of all.
#include "index_test_support.hpp"
#include "ruvec/hits.hpp"
#include "ruvec/merge.hpp"
#include "ruvec/shard.hpp"

#include <cstdlib>

using namespace ruvec;
using namespace ruvec::test;

namespace {

// Reads every query of a TSV text.
std::vector<QueryHits> read_all(const std::string& tsv, const std::string& name = "hits.tsv") {
    MemorySource source(tsv);
    HitsTsvReader reader(source, name);
    std::vector<QueryHits> queries;
    QueryHits q;
    while (reader.next(q)) queries.push_back(q);
    return queries;
}

std::string read_error(const std::string& tsv) {
    try {
        read_all(tsv);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::input);
        return e.what();
    }
    FAIL("bad TSV was read without an error");
    return {};
}

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

TEST_CASE("merge: window_count counts the windows windows_of makes") {
    EmbedParams p = embed_params(64);
    CHECK(window_count(0, p) == 1); // one vector per record, however short
    p.window = 100;
    p.step = 30;
    finalize_params(p);
    for (uint64_t length : {0, 1, 99, 100, 101, 130, 131, 1000, 12345})
        CHECK(window_count(length, p) == windows_of(length, p).size());
}

TEST_CASE("merge: shard_bounds makes contiguous, non-empty shards of about equal weight") {
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

TEST_CASE("merge: the TSV reader checks every line") {
    const std::string header = hits_tsv_header;
    const std::string good = "r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n"
                             "r1\t1\t150\tg2\t1\t5000\t2\t0.25\t0.75\t0.95\n"
                             "r2\t1\t150\tg2\t1\t5000\t1\t0.5\t0.5\t0.97\n";
    std::vector<QueryHits> q = read_all(header + good);
    REQUIRE(q.size() == 2);
    CHECK(q[0].hits.size() == 2);
    CHECK(q[0].first_line == 2);
    CHECK(q[1].first_line == 4);
    CHECK(q[0].hits[1].distance == 0.75f);
    CHECK(read_all(good).size() == 2); // without the header
    CHECK(read_all("").empty());
    CHECK(read_all(header).empty());

    CHECK(read_error(header + good.substr(0, good.size() - 1)) ==
          "hits.tsv:4: last line has no newline (truncated?)");
    CHECK(read_error(header + good + header) ==
          "hits.tsv:5: a second header line: give each shard's output as its own file");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t2\t0.5\t0.5\t0.97\n") ==
          "hits.tsv:1: rank 2 where a query's hits start at rank 1");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n"
                     "r1\t1\t150\tg1\t1\t5000\t3\t0.5\t0.5\t0.97\n")
              .find("rank 3 of query 'r1' follows rank 1") != std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n"
                     "r9\t1\t150\tg1\t1\t5000\t2\t0.5\t0.5\t0.97\n")
              .find("of 'r1'") != std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\n").find("fewer than the 10") !=
          std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\tx\n").find("more than") !=
          std::string::npos);
    CHECK(read_error("r1\tone\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n") ==
          "hits.tsv:1: column 2 is 'one', not a whole number");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t0\t0.5\t0.5\t0.97\n").find("rank 0") !=
          std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\tnan\t0.5\t0.97\n") ==
          "hits.tsv:1: similarity 'nan' is not a number");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5x\t0.97\n") ==
          "hits.tsv:1: distance '0.5x' is not a number");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\r\n").find("identity") !=
          std::string::npos);
    CHECK(read_error("\n").find("empty line") != std::string::npos);
    CHECK(read_error("{\"query\":\"r1\"}\n").find("JSON") != std::string::npos);
    CHECK(read_error(std::string(2 << 20, 'x')).find("longer than 1 MiB") != std::string::npos);
}

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

TEST_CASE("merge: %.9g gives back the float that search printed") {
    for (float value : {0.0f, 1e-9f, 0.123456789f, 0.99999994f, 1.0f, 1.00000012f, 2.5e-5f,
                        123.456001f, -0.5f, 3.40282347e38f}) {
        std::string text;
        append_float_full(text, value);
        CHECK(std::strtof(text.c_str(), nullptr) == value);
    }
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
