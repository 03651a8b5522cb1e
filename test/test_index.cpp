// The HNSW index (index.cpp): round trips through memory, builds that do not depend on the
// thread count, search against brute force in every metric, per-target search, deletion and
// re-adding. The identity estimate is tested in test_identity.cpp; the .rvx file itself, and the loader's refusal of damaged
// or crafted files, are tested in test_index_file.cpp.
#include "ruvec/index.hpp"

#include "index_test_support.hpp"
#include "ruvec/embed.hpp"
#include "ruvec/error.hpp"
#include "ruvec/io.hpp"
#include "ruvec/vecfile.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

std::set<uint32_t> rows_of(const std::vector<SearchHit>& hits) {
    std::set<uint32_t> rows;
    for (const SearchHit& h : hits) rows.insert(h.row);
    return rows;
}

double dot(const float* a, const float* b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

std::vector<float> unit(const float* v, size_t n) {
    const double norm = std::sqrt(dot(v, v, n));
    std::vector<float> u(v, v + n);
    for (float& x : u) x = static_cast<float>(x / norm);
    return u;
}

} // namespace

// ------------------------------------------------------------------------------------------
// Building, saving and loading

TEST_CASE("index: index round trip keeps rows, vectors, answers and bytes") {
    const Data data = gaussian(200, 16, 1);
    Index index = build(data, graph_params(Metric::cosine, 6, 48), 2);
    index.add_provenance("ruvec 0.1.0\tindex x.rvec");
    const std::string file = save(index);

    Index back = load(file);
    CHECK(back.rows() == index.rows());
    CHECK(back.names() == index.names());
    CHECK(back.names() == 100);
    CHECK(back.live_rows() == index.live_rows());
    CHECK(back.deleted_rows() == 0);
    CHECK(back.pending_rows() == 0);
    CHECK(back.provenance() == "ruvec 0.1.0\tindex x.rvec\n");
    CHECK(embed_params_difference(back.embed_params(), index.embed_params()).empty());
    CHECK(back.graph_params().metric == Metric::cosine);
    CHECK(back.graph_params().M == 6);
    CHECK(back.graph_params().ef_construction == 48);
    CHECK(back.graph_params().seed == index.graph_params().seed);
    for (uint32_t r = 0; r < back.rows(); ++r) {
        CAPTURE(r);
        CHECK(back.row_name(r) == row_of(r, 2).name);
        CHECK(back.row_window(r).start == row_of(r, 2).start);
        CHECK(back.row_window(r).end == row_of(r, 2).end);
        CHECK(!back.row_deleted(r));
        CHECK(std::memcmp(back.row_vector(r), index.row_vector(r), 4 * data.dims) == 0);
        // Stored as unit vectors under cosine.
        const std::vector<float> u = unit(data.row(r), data.dims);
        for (uint32_t d = 0; d < data.dims; ++d)
            CHECK(back.row_vector(r)[d] == doctest::Approx(u[d]));
    }
    const GraphStats a = index.graph_stats(), b = back.graph_stats();
    CHECK(a.nodes_per_level == b.nodes_per_level);
    CHECK(a.mean_links_level0 == b.mean_links_level0);

    // The same graph and the same vectors give the same answers, bit for bit.
    const Data queries = gaussian(100, 16, 2);
    for (size_t q = 0; q < queries.rows(); ++q) {
        CAPTURE(q);
        for (bool exact : {false, true}) {
            CHECK(same_hits(search(index, queries.row(q), options(10, exact)),
                            search(back, queries.row(q), options(10, exact))));
            CHECK(same_hits(search(index, data.row(q), options(3, exact, 16)),
                            search(back, data.row(q), options(3, exact, 16))));
        }
    }
    // Nothing in the file depends on memory addresses or on having been loaded.
    CHECK(same_file(save(back), file));
    CHECK(same_file(save(index), file));
}

TEST_CASE("index: the saved graph does not depend on the thread count") {
    const Data data = gaussian(700, 16, 3);
    const GraphParams g = graph_params(Metric::l2, 6, 40);
    Index one = build(data, g, 1, 1);
    const std::string file = save(one);
    for (int threads : {2, 4}) {
        CAPTURE(threads);
        Index many = build(data, g, 1, threads);
        CHECK(same_file(save(many), file));
    }
    // save() links pending rows itself, with the same result.
    Index pending(embed_params(16), g);
    add_rows(pending, data, 0, data.rows());
    CHECK(pending.pending_rows() == 700);
    CHECK(same_file(save(pending), file));
}

TEST_CASE("index: rows linked as they arrive give the one-call file") {
    const Data data = gaussian(700, 16, 3);
    const GraphParams g = graph_params(Metric::l2, 6, 40);
    Index whole = build(data, g);
    const std::string file = save(whole);

    // With complete_batches_only, rows linked in arbitrary chunks wait for their batch to be
    // complete, so the batches (and the graph) are those of the one-call build.
    const std::vector<size_t> cuts = {1, 17, 101, 333, 334, 650, data.rows()};
    for (int threads : {1, 3}) {
        CAPTURE(threads);
        Index chunked(embed_params(16), g);
        size_t first = 0;
        for (size_t cut : cuts) {
            add_rows(chunked, data, first, cut);
            chunked.insert_pending(threads, {}, true);
            CHECK(chunked.pending_rows() < 1024);
            CHECK(chunked.rows() == cut);
            first = cut;
        }
        CHECK(chunked.pending_rows() > 0); // 700 rows do not end on a batch boundary
        CHECK(same_file(save(chunked), file));
    }

    // Without it each call links everything queued (101 rows end inside a batch), which may give
    // another graph, but the same one for the same calls at any thread count.
    std::string previous;
    for (int threads : {1, 2, 4}) {
        Index chunked(embed_params(16), g);
        add_rows(chunked, data, 0, 101);
        chunked.insert_pending(threads);
        CHECK(chunked.pending_rows() == 0);
        add_rows(chunked, data, 101, data.rows());
        chunked.insert_pending(threads);
        const std::string bytes = save(chunked);
        if (!previous.empty()) CHECK(same_file(bytes, previous));
        previous = bytes;
    }

    // Adding to a loaded index continues exactly as adding to the one in memory would.
    Index part(embed_params(16), g);
    add_rows(part, data, 0, 333);
    Index loaded = load(save(part));
    add_rows(loaded, data, 333, data.rows());
    loaded.insert_pending(2);
    Index in_memory(embed_params(16), g);
    add_rows(in_memory, data, 0, 333);
    in_memory.insert_pending(1);
    add_rows(in_memory, data, 333, data.rows());
    CHECK(same_file(save(loaded), save(in_memory)));
}

// ------------------------------------------------------------------------------------------
// Searching

TEST_CASE("index: HNSW with a large ef finds what exact search finds, in every metric") {
    for (Metric metric : {Metric::cosine, Metric::l2, Metric::ip}) {
        CAPTURE(std::string(metric_name(metric)));
        const Data data = gaussian(300, 16, 4);
        Index index = build(data, graph_params(metric, 8, 100));
        const Data queries = gaussian(50, 16, 5);
        for (size_t q = 0; q < queries.rows(); ++q) {
            CAPTURE(q);
            const auto exact = search(index, queries.row(q), options(10, true));
            const auto graph = search(index, queries.row(q), options(10, false, 200));
            REQUIRE(exact.size() == 10);
            // The same distance function on the same stored vectors: equal bits, not just close.
            CHECK(same_hits(exact, graph));
            for (size_t i = 1; i < exact.size(); ++i) {
                CHECK(exact[i - 1].distance <= exact[i].distance);
                if (exact[i - 1].distance == exact[i].distance)
                    CHECK(exact[i - 1].row < exact[i].row);
            }
        }
    }
}

TEST_CASE("index: exact search ranks as brute force in double precision") {
    const Data data = gaussian(250, 24, 6);
    const Data queries = gaussian(20, 24, 7);
    for (Metric metric : {Metric::cosine, Metric::l2, Metric::ip}) {
        CAPTURE(std::string(metric_name(metric)));
        Index index = build(data, graph_params(metric, 6, 32));
        for (size_t q = 0; q < queries.rows(); ++q) {
            const float* query = queries.row(q);
            std::vector<double> expected;
            for (size_t r = 0; r < data.rows(); ++r) {
                const float* v = data.row(r);
                double d = 0;
                if (metric == Metric::cosine) {
                    d = 1 - dot(unit(query, 24).data(), unit(v, 24).data(), 24);
                } else if (metric == Metric::l2) {
                    for (size_t i = 0; i < 24; ++i) d += (query[i] - v[i]) * (query[i] - v[i]);
                    d = std::sqrt(d);
                } else {
                    d = 1 - dot(query, v, 24);
                }
                expected.push_back(d);
            }
            std::vector<double> sorted = expected;
            std::sort(sorted.begin(), sorted.end());
            const auto hits = search(index, query, options(10, true));
            REQUIRE(hits.size() == 10);
            for (size_t i = 0; i < hits.size(); ++i) {
                CAPTURE(i);
                // Within float rounding of the brute-force distance at each rank, and of that
                // row's own distance.
                CHECK(hits[i].distance == doctest::Approx(sorted[i]).epsilon(1e-4).scale(1));
                CHECK(hits[i].distance ==
                      doctest::Approx(expected[hits[i].row]).epsilon(1e-4).scale(1));
                if (metric == Metric::l2) {
                    CHECK(hits[i].similarity ==
                          doctest::Approx(1 - sorted[i] * sorted[i] / 2).epsilon(1e-4).scale(1));
                } else {
                    CHECK(hits[i].similarity == 1.0f - hits[i].distance);
                }
            }
        }
    }
}

TEST_CASE("index: a stored vector finds itself first in every metric") {
    const Data data = gaussian(300, 32, 8);
    Index cosine = build(data, graph_params(Metric::cosine, 8, 64));
    Index l2 = build(data, graph_params(Metric::l2, 8, 64));
    for (size_t r = 0; r < data.rows(); r += 7) {
        CAPTURE(r);
        // Cosine ignores length: three times a row is that row, similarity 1.
        std::vector<float> scaled(data.row(r), data.row(r) + 32);
        for (float& x : scaled) x *= 3.0f;
        for (bool exact : {true, false}) {
            const auto hits = search(cosine, scaled.data(), options(5, exact));
            REQUIRE(!hits.empty());
            CHECK(hits[0].row == r);
            CHECK(hits[0].similarity == doctest::Approx(1.0).epsilon(1e-5));
            CHECK(std::fabs(hits[0].distance) < 1e-5f);

            // Under l2 a row is at distance 0 from itself, and the second hit is at the
            // Euclidean (not squared) distance.
            const auto near = search(l2, data.row(r), options(2, exact));
            REQUIRE(near.size() == 2);
            CHECK(near[0].row == r);
            CHECK(near[0].distance == 0.0f);
            CHECK(near[0].similarity == 1.0f);
            double sq = 0;
            for (size_t i = 0; i < 32; ++i) {
                const double diff = data.row(r)[i] - data.row(near[1].row)[i];
                sq += diff * diff;
            }
            CHECK(near[1].distance == doctest::Approx(std::sqrt(sq)).epsilon(1e-5));
            CHECK(near[1].similarity == doctest::Approx(1 - sq / 2).epsilon(1e-4));
        }
    }
    // Inner product uses vectors as given: the winner is the largest dot product, not the
    // nearest direction, and the distance is 1 - that dot product.
    Index ip = build(data, graph_params(Metric::ip, 8, 64));
    const Data queries = gaussian(10, 32, 9);
    for (size_t q = 0; q < queries.rows(); ++q) {
        size_t best = 0;
        for (size_t r = 1; r < data.rows(); ++r)
            if (dot(queries.row(q), data.row(r), 32) > dot(queries.row(q), data.row(best), 32))
                best = r;
        const auto hits = search(ip, queries.row(q), options(1, true));
        REQUIRE(hits.size() == 1);
        CHECK(hits[0].row == best);
        const double d = dot(queries.row(q), data.row(best), 32);
        CHECK(hits[0].similarity == doctest::Approx(d).epsilon(1e-5));
        CHECK(hits[0].distance == doctest::Approx(1 - d).epsilon(1e-5));
    }
}

TEST_CASE("index: ties in distance go to the lower row") {
    Data data = gaussian(200, 16, 10);
    // Five copies of one vector, in rows far apart and side by side.
    const std::vector<size_t> copies = {15, 40, 41, 120, 199};
    for (size_t i = 1; i < copies.size(); ++i)
        std::copy(data.row(copies[0]), data.row(copies[0]) + 16, &data.values[copies[i] * 16]);
    for (Metric metric : {Metric::cosine, Metric::l2}) {
        CAPTURE(std::string(metric_name(metric)));
        Index index = build(data, graph_params(metric, 6, 48), 1, 2);
        for (bool exact : {true, false}) {
            CAPTURE(exact);
            const auto all = search(index, data.row(15), options(5, exact));
            REQUIRE(all.size() == 5);
            for (size_t i = 0; i < 5; ++i) CHECK(all[i].row == copies[i]);
            // Cut inside the tie: the lowest rows survive the cut.
            const auto three = search(index, data.row(15), options(3, exact));
            REQUIRE(three.size() == 3);
            CHECK(three[0].row == 15);
            CHECK(three[1].row == 40);
            CHECK(three[2].row == 41);
        }
    }
}

TEST_CASE("index: HNSW recall@10 with the default ef") {
    const Data data = gaussian(2000, 32, 11);
    GraphParams g; // the defaults users get: M 16, ef_construction 200
    Index index = build(data, g, 1, 2);
    const Data queries = gaussian(200, 32, 12);
    size_t found = 0, wanted = 0;
    for (size_t q = 0; q < queries.rows(); ++q) {
        const auto exact = rows_of(search(index, queries.row(q), options(10, true)));
        for (uint32_t row : rows_of(search(index, queries.row(q), options(10, false))))
            found += exact.count(row);
        wanted += exact.size();
    }
    const double recall = static_cast<double>(found) / static_cast<double>(wanted);
    MESSAGE("recall@10 at ef " << default_search_ef << ": " << recall);
    CHECK(recall >= 0.9);
}

// 300 rows of 16 dims: `clusters` centres, each repeated with `noise` times Gaussian noise.
Data clustered(size_t clusters, float noise) {
    const Data centres = gaussian(clusters, 16, 30);
    const Data offsets = gaussian(300, 16, 31);
    Data data{16, {}};
    for (size_t r = 0; r < 300; ++r)
        for (size_t d = 0; d < 16; ++d)
            data.values.push_back(centres.row(r * clusters / 300)[d] + noise * offsets.row(r)[d]);
    return data;
}

// Rows that a search with ef and top covering every row returns: exactly the reachable ones.
size_t reachable_rows(const Index& index) {
    return search(index, index.row_vector(0), options(index.rows(), false, index.rows())).size();
}

TEST_CASE("index: every row stays reachable among near-duplicates") {
    // Clusters of near-identical or identical vectors (windows of repeated sequence) make
    // hnswlib's pruning leave rows that no link points to: before the index repaired that (commit
    // 0df7194), these graphs lost 8-39, 0-30 and 87-96 of their 300 rows (cosine-l2).
    struct Case {
        size_t clusters;
        float noise;
        uint32_t M;
    };
    for (const Case& c : {Case{30, 1e-3f, 2}, Case{10, 0.0f, 4}, Case{5, 0.0f, 8}}) {
        const Data data = clustered(c.clusters, c.noise);
        for (Metric metric : {Metric::cosine, Metric::l2}) {
            CAPTURE(c.clusters);
            CAPTURE(c.M);
            CAPTURE(std::string(metric_name(metric)));
            Index index = build(data, graph_params(metric, c.M, 32), 300 / c.clusters);
            CHECK(index.graph_stats().unreachable_rows == 0);
            CHECK(reachable_rows(index) == 300);
            Index back = load(save(index));
            CHECK(back.graph_stats().unreachable_rows == 0);
            CHECK(reachable_rows(back) == 300);
        }
    }
}

// Identical rows are the hard case for the repair: every distance is 0, so a careless choice
// of which link to give up strands the row linked just before (as an earlier version did).
TEST_CASE("index: every row stays reachable among many identical vectors") {
    struct Case {
        size_t clusters;
        uint32_t M;
        Metric metric;
    };
    for (const Case& c :
         {Case{1, 16, Metric::cosine}, Case{3, 16, Metric::cosine}, Case{5, 4, Metric::l2}}) {
        const Data data = clustered(c.clusters, 0.0f);
        CAPTURE(c.clusters);
        CAPTURE(c.M);
        Index index = build(data, graph_params(c.metric, c.M, 32), 1);
        CHECK(index.graph_stats().unreachable_rows == 0);
        CHECK(reachable_rows(index) == 300);
        // Identical sequences under distinct names: per target, every name should come back.
        SearchOptions o = options(300, false, 300);
        o.per_target = true;
        CHECK(search(index, data.row(0), o).size() == 300);
    }
}

TEST_CASE("index: search_many answers each query exactly as search does") {
    // Several windows per name, a few deleted rows and ties (duplicated rows), in every mode the
    // blocked brute force has: top-k, per target, min_similarity; and HNSW.
    Data data = gaussian(400, 24, 31);
    for (size_t d = 0; d < 24; ++d) data.values[7 * 24 + d] = data.values[3 * 24 + d];
    Index index = build(data, graph_params(Metric::cosine, 8, 64), /*windows=*/4);
    std::vector<std::string> missing;
    index.remove({"seq5", "seq17"}, &missing);
    const Data queries = gaussian(150, 24, 32);
    for (bool exact : {true, false})
        for (bool per_target : {false, true})
            for (float min_similarity : {-2.0f, 0.2f})
                for (int threads : {1, 3}) {
                    CAPTURE(exact);
                    CAPTURE(per_target);
                    CAPTURE(min_similarity);
                    CAPTURE(threads);
                    SearchOptions o = options(7, exact, 40);
                    o.per_target = per_target;
                    o.min_similarity = min_similarity;
                    std::vector<std::vector<SearchHit>> many;
                    index.search_many(queries.values.data(), queries.rows(), o, threads, many);
                    REQUIRE(many.size() == queries.rows());
                    for (size_t q = 0; q < queries.rows(); ++q)
                        CHECK(same_hits(many[q], search(index, queries.row(q), o)));
                }
}

TEST_CASE("index: per_target returns the best row of each name, once") {
    const size_t windows = 4;
    const Data data = gaussian(240, 16, 13);
    Index index = build(data, graph_params(Metric::cosine, 6, 64), windows);
    REQUIRE(index.names() == 60);
    const Data queries = gaussian(30, 16, 14);
    for (size_t q = 0; q < queries.rows(); ++q) {
        CAPTURE(q);
        // Reference: every row ranked, then the first (best) row of each name.
        const auto ranked = search(index, queries.row(q), options(240, true));
        REQUIRE(ranked.size() == 240);
        std::vector<SearchHit> best;
        std::set<std::string> seen;
        for (const SearchHit& h : ranked)
            if (seen.insert(index.row_name(h.row)).second && best.size() < 10) best.push_back(h);

        SearchOptions o = options(10, true);
        o.per_target = true;
        const auto exact = search(index, queries.row(q), o);
        CHECK(same_hits(exact, best));
        // With ef covering every row, the graph finds the same.
        o.exact = false;
        o.ef = 240;
        CHECK(same_hits(search(index, queries.row(q), o), best));
        // With the default ef, still one hit per name.
        o.ef = default_search_ef;
        const auto graph = search(index, queries.row(q), o);
        CHECK(graph.size() <= 10);
        CHECK(!graph.empty());
        std::set<std::string> names;
        for (const SearchHit& h : graph) CHECK(names.insert(index.row_name(h.row)).second);
    }
}

TEST_CASE("index: top limits the count and min_similarity drops weaker hits") {
    const Data data = gaussian(150, 16, 15);
    Index index = build(data, graph_params(Metric::cosine, 6, 48));
    const Data queries = gaussian(10, 16, 16);
    for (size_t q = 0; q < queries.rows(); ++q) {
        CAPTURE(q);
        for (bool exact : {true, false}) {
            const auto ten = search(index, queries.row(q), options(10, exact));
            REQUIRE(ten.size() == 10);
            const auto three = search(index, queries.row(q), options(3, exact));
            CHECK(same_hits(three, std::vector<SearchHit>(ten.begin(), ten.begin() + 3)));
            CHECK(search(index, queries.row(q), options(0, exact)).empty());

            // A threshold between the 7th and 8th similarities keeps exactly seven.
            SearchOptions o = options(10, exact);
            o.min_similarity = (ten[6].similarity + ten[7].similarity) / 2;
            REQUIRE(ten[6].similarity > ten[7].similarity);
            const auto seven = search(index, queries.row(q), o);
            CHECK(same_hits(seven, std::vector<SearchHit>(ten.begin(), ten.begin() + 7)));
            for (const SearchHit& h : seven) CHECK(h.similarity >= o.min_similarity);
            o.min_similarity = 1.5f;
            CHECK(search(index, queries.row(q), o).empty());
        }
        // More than there are rows: every live row, once.
        const auto all = search(index, queries.row(q), options(1000, true));
        CHECK(all.size() == 150);
        CHECK(rows_of(all).size() == 150);
    }
}

// ------------------------------------------------------------------------------------------
// Adding and removing

TEST_CASE("index: removed names are never returned, stay removed, and can be added again") {
    const size_t windows = 2;
    const Data data = gaussian(60, 16, 17);
    Index index = build(data, graph_params(Metric::cosine, 6, 48), windows);
    REQUIRE(index.names() == 30);

    std::vector<std::string> missing;
    const auto removed = index.remove({"seq3", "nope", "seq7"}, &missing);
    CHECK(removed == std::vector<uint64_t>{2, 0, 2});
    CHECK(missing == std::vector<std::string>{"nope"});
    CHECK(index.rows() == 60);
    CHECK(index.deleted_rows() == 4);
    CHECK(index.live_rows() == 56);
    CHECK(index.names() == 30);
    const std::vector<uint32_t> deleted = {6, 7, 14, 15};
    for (uint32_t r = 0; r < index.rows(); ++r)
        CHECK(index.row_deleted(r) == (std::count(deleted.begin(), deleted.end(), r) > 0));
    // Removing again deletes nothing more, and the name is not missing.
    missing.clear();
    CHECK(index.remove({"seq3"}, &missing) == std::vector<uint64_t>{0});
    CHECK(missing.empty());
    CHECK(index.remove({"nope"}, nullptr) == std::vector<uint64_t>{0});

    auto check_never_found = [&](const Index& idx) {
        for (uint32_t r : deleted) {
            CAPTURE(r);
            for (bool exact : {true, false}) {
                const auto hits = search(idx, data.row(r), options(exact ? 1000 : 20, exact, 64));
                CHECK(!hits.empty());
                for (const SearchHit& h : hits) CHECK(!idx.row_deleted(h.row));
                if (exact) CHECK(hits.size() == idx.live_rows());
            }
        }
    };
    check_never_found(index);

    // Deletion is in the file.
    const std::string file = save(index);
    Index back = load(file);
    CHECK(back.deleted_rows() == 4);
    CHECK(back.live_rows() == 56);
    for (uint32_t r : deleted) CHECK(back.row_deleted(r));
    check_never_found(back);
    CHECK(same_file(save(back), file));

    // A removed name can come back as new rows; a name with live rows cannot, unless it is the
    // next window of the sequence just added.
    const Data fresh = gaussian(3, 16, 18);
    for (Index* idx : {&index, &back}) {
        idx->add({"seq3", 0, 150}, fresh.row(0));
        idx->add({"seq3", 100, 250}, fresh.row(1));
        try {
            idx->add({"seq5", 0, 150}, fresh.row(2));
            FAIL("a second sequence named seq5 was accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::input);
            CHECK(std::string(e.what()).find("seq5") != std::string::npos);
        }
        // The same window again is not "the next window".
        CHECK_THROWS_AS(idx->add({"seq3", 100, 250}, fresh.row(2)), Error);
        CHECK_THROWS_AS(idx->add({"seq3", 0, 150}, fresh.row(2)), Error);
        idx->insert_pending(2);
        CHECK(idx->rows() == 62);
        CHECK(idx->names() == 30);
        CHECK(idx->live_rows() == 58);
        CHECK(idx->row_name(60) == "seq3");
        for (bool exact : {true, false}) {
            const auto hits = search(*idx, fresh.row(1), options(1, exact));
            REQUIRE(hits.size() == 1);
            CHECK(hits[0].row == 61);
        }
    }
    CHECK(same_file(save(index), save(back)));
}

TEST_CASE("index: rows added to a loaded index are found after saving and loading again") {
    const Data data = gaussian(120, 16, 19);
    Index first = build(data, graph_params(Metric::l2, 6, 48));
    Index loaded = load(save(first));
    // After loading, the last sequence is closed: another window of it is a second sequence.
    CHECK_THROWS_AS(loaded.add({"seq119", 500, 650}, data.row(0)), Error);
    const Data more = gaussian(40, 16, 20);
    for (size_t i = 0; i < more.rows(); ++i)
        loaded.add({"new" + std::to_string(i), 0, 150}, more.row(i));
    CHECK(loaded.pending_rows() == 40);
    loaded.insert_pending(2);
    Index again = load(save(loaded));
    CHECK(again.rows() == 160);
    CHECK(again.names() == 160);
    for (size_t i = 0; i < more.rows(); ++i) {
        CAPTURE(i);
        const auto hits = search(again, more.row(i), options(1, false));
        REQUIRE(hits.size() == 1);
        CHECK(hits[0].row == 120 + i);
        CHECK(again.row_name(hits[0].row) == "new" + std::to_string(i));
    }
    for (size_t i = 0; i < data.rows(); i += 11)
        CHECK(search(again, data.row(i), options(1, false)).at(0).row == i);
}

// A source that maps as the CLI's files do: the index keeps the vectors in it.
class MappableSource : public SharedSource {
public:
    using SharedSource::SharedSource;
    std::shared_ptr<const RandomAccessSource> share() const override {
        return std::make_shared<MappableSource>(*this);
    }
    const char* map() const override { return bytes().data(); }
};

TEST_CASE("index: an index whose vectors stay in its mapped file answers, grows and saves alike") {
    const Data data = gaussian(300, 16, 23);
    const Data queries = gaussian(20, 16, 24);
    for (Metric metric : {Metric::cosine, Metric::l2, Metric::ip}) {
        CAPTURE(metric_name(metric));
        Index built = build(data, graph_params(metric, 8, 64), 3);
        const std::string file = save(built);
        Index in_memory = load(file);
        Index mapped = Index::load(MappableSource(file), "test.rvx");
        CHECK(mapped.memory().float_vectors_mapped);
        CHECK(!in_memory.memory().float_vectors_mapped);
        CHECK(mapped.memory().float_bytes == 300 * 16 * 4);
        CHECK(mapped.memory().graph_bytes < in_memory.memory().graph_bytes);
        CHECK(std::memcmp(mapped.row_vector(7), in_memory.row_vector(7), 16 * 4) == 0);
        for (size_t q = 0; q < queries.rows(); ++q)
            for (bool exact : {false, true})
                for (bool per_target : {false, true}) {
                    SearchOptions o = options(10, exact, 16);
                    o.per_target = per_target;
                    CHECK(same_hits(search(mapped, queries.row(q), o),
                                    search(in_memory, queries.row(q), o)));
                }
        std::vector<std::vector<SearchHit>> many_mapped, many_memory;
        mapped.search_many(queries.values.data(), queries.rows(), options(5, true), 2, many_mapped);
        in_memory.search_many(queries.values.data(), queries.rows(), options(5, true), 2,
                              many_memory);
        for (size_t q = 0; q < queries.rows(); ++q)
            CHECK(same_hits(many_mapped[q], many_memory[q]));
        CHECK(same_file(save(mapped), file));
        // Adding rows takes the vectors into the graph: the same file as adding in memory.
        const Data more = gaussian(30, 16, 25);
        for (Index* index : {&mapped, &in_memory}) {
            for (size_t i = 0; i < more.rows(); ++i)
                index->add({"more" + std::to_string(i), 0, 150}, more.row(i));
            index->insert_pending(1);
        }
        CHECK(!mapped.memory().float_vectors_mapped);
        CHECK(same_file(save(mapped), save(in_memory)));
    }
}

TEST_CASE("index: add refuses vectors that cannot be indexed") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (Metric metric : {Metric::cosine, Metric::l2, Metric::ip}) {
        CAPTURE(std::string(metric_name(metric)));
        Index index(embed_params(8), graph_params(metric, 4, 16));
        for (float bad : {nan, inf, -inf}) {
            std::vector<float> v(8, 0.5f);
            v[5] = bad;
            try {
                index.add({"bad", 0, 10}, v.data());
                FAIL("a non-finite vector was accepted");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::input);
            }
        }
        const std::vector<float> zeros(8, 0.0f);
        if (metric == Metric::cosine) {
            try {
                index.add({"zero", 0, 10}, zeros.data());
                FAIL("an all-zero vector was accepted under cosine");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::input);
            }
        } else {
            index.add({"zero", 0, 10}, zeros.data()); // a point like any other
        }
        CHECK(index.pending_rows() == (metric == Metric::cosine ? 0 : 1));
        CHECK_THROWS_AS(index.add({"", 0, 10}, zeros.data()), Error);
    }
    // An empty index has nothing to save.
    Index empty(embed_params(8), graph_params(Metric::cosine, 4, 16));
    StringSink sink;
    try {
        empty.save(sink);
        FAIL("an empty index was saved");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::input);
    }
    // One whose every row was removed still holds them, deleted: it saves, loads, finds nothing.
    Index gone = build(gaussian(5, 8, 21), graph_params(Metric::cosine, 4, 16));
    gone.remove({"seq0", "seq1", "seq2", "seq3", "seq4"}, nullptr);
    Index back = load(save(gone));
    CHECK(back.live_rows() == 0);
    CHECK(search(back, gaussian(1, 8, 22).row(0), options(5, false)).empty());
    CHECK(search(back, gaussian(1, 8, 22).row(0), options(5, true)).empty());
}

// A row refused for its vector must not leave its name behind (a file with more names than
// rows would then be refused as damaged).
TEST_CASE("index: a refused add leaves the index as it was") {
    Index index(embed_params(8), graph_params(Metric::cosine, 4, 16));
    const std::vector<float> v(8, 0.5f), zeros(8, 0.0f);
    index.add({"a", 0, 10}, v.data());
    CHECK_THROWS_AS(index.add({"zero", 0, 10}, zeros.data()), Error);
    CHECK(index.names() == 1);
    CHECK(index.rows() == 1);
    const std::string file = save(index);
    Index back = load(file); // throws Error(corrupt) while the bug is there
    CHECK(back.names() == 1);
}

// ------------------------------------------------------------------------------------------
// Identity from similarity

TEST_CASE("index: the default --min-sim is the noise floor of cosine k-mer indexes only") {
    EmbedParams params;
    CHECK(default_min_similarity(params, Metric::cosine) ==
          static_cast<float>(identity_noise_floor(params.dims)));
    CHECK(default_min_similarity(params, Metric::cosine) == doctest::Approx(0.1104854));
    const float none = -std::numeric_limits<float>::infinity();
    CHECK(default_min_similarity(params, Metric::l2) == none);
    CHECK(default_min_similarity(params, Metric::ip) == none);
    params.dims = 26; // 5/sqrt(26) = 0.98: the smallest dims with a floor below 1
    CHECK(default_min_similarity(params, Metric::cosine) == doctest::Approx(0.98058));
    params.dims = 25;
    CHECK(default_min_similarity(params, Metric::cosine) == none);
    params.dims = 136;
    params.exact = true; // an exact profile (-k 4 --exact) is not hashed: no hashing noise
    CHECK(default_min_similarity(params, Metric::cosine) == none);

    // search_many with it: hits below the floor are dropped, and a query related to nothing
    // in the index gets none.
    Index index(embed_params(64), GraphParams{});
    std::vector<float> rows(3 * 64, 0.0f);
    rows[0] = 1.0f;                           // row 0: e0
    rows[64 + 0] = 0.8f, rows[64 + 1] = 0.6f; // row 1: similarity 0.8 to e0
    rows[128 + 2] = 1.0f;                     // row 2: unrelated to e0
    index.add({"a", 0, 10}, rows.data());
    index.add({"b", 0, 10}, rows.data() + 64);
    index.add({"c", 0, 10}, rows.data() + 128);
    index.insert_pending(1);
    std::vector<float> queries(2 * 64, 0.0f);
    queries[0] = 1.0f;      // near rows 0 and 1
    queries[64 + 3] = 1.0f; // related to nothing
    SearchOptions options;
    options.exact = true;
    options.min_similarity = default_min_similarity(index.embed_params(), Metric::cosine);
    REQUIRE(options.min_similarity == doctest::Approx(0.625));
    std::vector<std::vector<SearchHit>> hits;
    index.search_many(queries.data(), 2, options, 1, hits);
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].size() == 2); // rows 0 and 1; row 2 (similarity 0) is below the floor
    CHECK(hits[1].empty());
}

TEST_CASE("index: index_build_bytes is what a built index holds, within 10%") {
    for (uint32_t M : {4u, 16u}) {
        for (uint32_t dims : {16u, 256u}) {
            CAPTURE(M);
            CAPTURE(dims);
            const Data data = gaussian(3000, dims, 31);
            const Index index = build(data, graph_params(Metric::l2, M, 32));
            const double held = static_cast<double>(index.memory().graph_bytes + 3000 * 24);
            const double estimate = static_cast<double>(
                index_build_bytes(index.embed_params(), index.graph_params(), 3000));
            CHECK(estimate > 0.9 * held);
            CHECK(estimate < 1.1 * held);
        }
    }
}
