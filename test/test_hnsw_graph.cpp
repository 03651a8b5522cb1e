// The HNSW graph alone (src/graph/), without the index above it: searches find the brute-force
// neighbours, by vectors and by a RowScorer alike; the graph's bytes do not depend on how rows
// were inserted (at once or in pieces, on one thread or several); no row is left unreachable;
// deleted rows are never returned; damaged sections are refused as corrupt.
#include "graph/hnsw_graph.hpp"

#include "ruvec/error.hpp"
#include "ruvec/splitmix.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace ruvec;

namespace {

using Hits = std::vector<std::pair<float, uint32_t>>;

// `rows` x `dims` floats, uniform in [-1, 1) from SplitMix64 (the same on every platform), unit
// vectors unless under l2.
std::vector<float> random_vectors(size_t rows, uint32_t dims, uint64_t seed, Metric metric) {
    SplitMix64 random(seed);
    std::vector<float> v(rows * dims);
    for (float& x : v) x = static_cast<float>(2 * random.uniform() - 1);
    if (metric != Metric::l2)
        for (size_t r = 0; r < rows; ++r) {
            double norm = 0;
            for (uint32_t d = 0; d < dims; ++d) norm += double{v[r * dims + d]} * v[r * dims + d];
            for (uint32_t d = 0; d < dims; ++d)
                v[r * dims + d] = static_cast<float>(v[r * dims + d] / std::sqrt(norm));
        }
    return v;
}

// `families` random vectors, each followed by copies at small distances: the near-duplicates
// (repeated sequences) whose pruning can leave rows without incoming links.
std::vector<float> families(size_t families, size_t copies, uint32_t dims, uint64_t seed) {
    const std::vector<float> centres = random_vectors(families, dims, seed, Metric::l2);
    SplitMix64 random(seed + 1);
    std::vector<float> v;
    for (size_t f = 0; f < families; ++f)
        for (size_t c = 0; c < copies; ++c)
            for (uint32_t d = 0; d < dims; ++d)
                v.push_back(centres[f * dims + d] +
                            static_cast<float>(0.01 * (2 * random.uniform() - 1)));
    return v;
}

GraphParams params(Metric metric, uint32_t M = 8, uint32_t ef_construction = 64) {
    GraphParams p;
    p.metric = metric;
    p.M = M;
    p.ef_construction = ef_construction;
    p.seed = 7;
    return p;
}

void insert_all(HnswGraph& graph, const std::vector<float>& v, uint32_t dims, int threads = 1) {
    const uint64_t rows = v.size() / dims;
    REQUIRE(graph.insert(v.data(), rows, threads, {}, false) == rows);
}

// The k nearest live rows by brute force, (distance, row) ordered as the graph orders them.
Hits brute_force(const HnswGraph& graph, const float* query, size_t k,
                 const std::set<uint32_t>& deleted = {}) {
    Hits all;
    for (uint32_t r = 0; r < graph.size(); ++r)
        if (!deleted.count(r)) all.emplace_back(graph.distance(query, graph.vector(r)), r);
    std::sort(all.begin(), all.end());
    if (all.size() > k) all.resize(k);
    return all;
}

Hits search(const HnswGraph& graph, const float* query, size_t k, size_t ef) {
    Hits found;
    graph.search(query, k, ef, found);
    return found;
}

// The distances search() computes, from float vectors given apart (a graph without vectors, or
// a check that search_scored walks as search does).
class VectorScorer final : public RowScorer {
public:
    VectorScorer(const HnswGraph& graph, const float* query, const float* vectors, uint32_t dims)
        : graph_(graph), query_(query), vectors_(vectors), dims_(dims) {}
    void score(const uint32_t* rows, size_t count, float* distances) const override {
        ++calls;
        for (size_t i = 0; i < count; ++i)
            distances[i] = graph_.distance(query_, vectors_ + size_t{rows[i]} * dims_);
    }
    mutable size_t calls = 0;

private:
    const HnswGraph& graph_;
    const float* query_;
    const float* vectors_;
    uint32_t dims_;
};

Hits search_scored(const HnswGraph& graph, const RowScorer& scorer, size_t k, size_t ef) {
    Hits found;
    graph.search_scored(scorer, k, ef, found);
    return found;
}

std::string graph_section(const HnswGraph& graph) {
    std::string bytes;
    graph.write_graph([&](const char* data, size_t size) { bytes.append(data, size); });
    return bytes;
}

std::string vectors_section(const HnswGraph& graph) {
    std::string bytes;
    graph.write_vectors([&](const char* data, size_t size) { bytes.append(data, size); });
    return bytes;
}

// Reads through a section's bytes as the index does, refusing reads past their end.
std::function<void(uint64_t, char*, size_t)> reader(const std::string& bytes) {
    return [&bytes](uint64_t offset, char* buffer, size_t size) {
        if (offset > bytes.size() || size > bytes.size() - offset)
            throw Error(ErrorKind::corrupt, "section is too short");
        std::memcpy(buffer, bytes.data() + offset, size);
    };
}

// A graph loaded from sections as the index loads one.
struct Sections {
    uint64_t rows;
    uint32_t max_level, entry_point;
    std::string graph, vectors;
};

Sections sections_of(const HnswGraph& graph) {
    return {graph.size(), graph.max_level(), graph.entry_point(), graph_section(graph),
            vectors_section(graph)};
}

void load(HnswGraph& graph, const Sections& s) {
    graph.load_vectors(s.rows, reader(s.vectors));
    graph.load_graph(s.graph.size(), s.max_level, s.entry_point, reader(s.graph));
}

// Whether loading `s` throws Error(corrupt) (anything else thrown fails the test).
bool refused_as_corrupt(uint32_t dims, const GraphParams& p, const Sections& s) {
    HnswGraph graph(dims, p, s.rows);
    try {
        load(graph, s);
    } catch (const Error& e) {
        return e.kind() == ErrorKind::corrupt;
    }
    return false;
}

} // namespace

TEST_CASE("hnsw graph: searches find the brute-force neighbours") {
    for (const Metric metric : {Metric::cosine, Metric::l2}) {
        CAPTURE(metric_name(metric));
        const uint32_t dims = 16;
        const std::vector<float> v = random_vectors(1500, dims, 1, metric);
        const std::vector<float> queries = random_vectors(40, dims, 2, metric);
        HnswGraph graph(dims, params(metric), 0);
        insert_all(graph, v, dims);
        graph.connect_unreachable();
        REQUIRE(graph.unreachable_rows().empty());
        REQUIRE(graph.size() == 1500);
        CHECK(std::memcmp(graph.vector(1499), v.data() + 1499 * dims, dims * sizeof(float)) == 0);

        size_t found = 0;
        for (size_t q = 0; q < 40; ++q) {
            const float* query = queries.data() + q * dims;
            const Hits truth = brute_force(graph, query, 10);
            // ef as large as the graph: every row is visited, so the hits are exact, ties and all.
            CHECK(search(graph, query, 10, graph.size()) == truth);
            const Hits hits = search(graph, query, 10, 40);
            REQUIRE(hits.size() == 10);
            CHECK(std::is_sorted(hits.begin(), hits.end()));
            for (const auto& hit : hits) {
                CHECK(hit.first == graph.distance(query, graph.vector(hit.second)));
                found += std::count(truth.begin(), truth.end(), hit);
            }
        }
        CHECK(static_cast<double>(found) / (40 * 10) >= 0.9); // recall@10 at ef 40
        // A row's own vector finds the row itself first.
        CHECK(search(graph, v.data() + 321 * dims, 1, 40).at(0).second == 321);
    }
}

TEST_CASE("hnsw graph: empty graphs, k and ef, levels") {
    const uint32_t dims = 8;
    HnswGraph empty(dims, params(Metric::l2), 0);
    const std::vector<float> query(dims, 0.5f);
    CHECK(search(empty, query.data(), 5, 10).empty());
    CHECK(empty.unreachable_rows().empty());
    CHECK(empty.connect_unreachable() == 0);
    CHECK(empty.graph_bytes() == 0);
    CHECK(graph_section(empty).empty());
    CHECK(empty.max_level() == 0);

    const std::vector<float> v = random_vectors(300, dims, 3, Metric::l2);
    HnswGraph graph(dims, params(Metric::l2), 0);
    std::vector<uint64_t> progress;
    CHECK(graph.insert(
              v.data(), 300, 1, [&](uint64_t done) { progress.push_back(done); }, false) == 300);
    REQUIRE(!progress.empty());
    CHECK(std::is_sorted(progress.begin(), progress.end()));
    CHECK(progress.back() == 300);
    CHECK(search(graph, query.data(), 0, 10).empty());
    CHECK(search(graph, query.data(), 500, 10).size() == 300); // ef below k is raised to k
    CHECK(search(graph, query.data(), 7, 1) == search(graph, query.data(), 7, 7));

    CHECK(graph.max_level() <= hnsw_max_level);
    CHECK(graph.level(graph.entry_point()) == graph.max_level());
    for (uint32_t r = 0; r < graph.size(); ++r) {
        CHECK(graph.level(r) <= graph.max_level());
        CHECK(graph.links_level0(r) <= 2 * 8);
    }
    CHECK(graph.max_level() > 0); // with M 8, 300 rows reach level 1 (else the tests below
                                  // would not exercise upper levels)
}

TEST_CASE("hnsw graph: inserting in pieces or on more threads builds the same bytes") {
    const uint32_t dims = 12;
    const size_t rows = 1200;
    const std::vector<float> v = random_vectors(rows, dims, 4, Metric::cosine);
    HnswGraph at_once(dims, params(Metric::cosine), rows);
    insert_all(at_once, v, dims);
    const std::string bytes = graph_section(at_once);
    CHECK(bytes.size() == at_once.graph_bytes());
    CHECK(vectors_section(at_once).size() == rows * dims * sizeof(float));
    CHECK(std::memcmp(vectors_section(at_once).data(), v.data(), v.size() * sizeof(float)) == 0);

    // Rows arriving 37 at a time, capacity grown as they come; a last incomplete batch waits.
    HnswGraph pieces(dims, params(Metric::cosine), 1);
    uint64_t inserted = 0;
    for (size_t arrived = 37; arrived < rows; arrived += 37) {
        const uint64_t n =
            pieces.insert(v.data() + inserted * dims, arrived - inserted, 1, {}, true);
        CHECK(n <= arrived - inserted);
        inserted += n;
        CHECK(pieces.size() == inserted);
    }
    CHECK(inserted < rows);
    CHECK(pieces.insert(v.data() + inserted * dims, rows - inserted, 1, {}, false) ==
          rows - inserted);
    CHECK(graph_section(pieces) == bytes);
    CHECK(vectors_section(pieces) == vectors_section(at_once));

    for (const int threads : {2, 4}) {
        CAPTURE(threads);
        HnswGraph threaded(dims, params(Metric::cosine), rows);
        insert_all(threaded, v, dims, threads);
        CHECK(graph_section(threaded) == bytes);
        CHECK(threaded.entry_point() == at_once.entry_point());
        CHECK(threaded.max_level() == at_once.max_level());
    }
}

TEST_CASE("hnsw graph: search_scored with the graph's own distances is search") {
    const uint32_t dims = 24;
    const std::vector<float> v = random_vectors(2000, dims, 5, Metric::cosine);
    const std::vector<float> queries = random_vectors(30, dims, 6, Metric::cosine);
    HnswGraph graph(dims, params(Metric::cosine, 6, 40), 0);
    insert_all(graph, v, dims, 2);
    // Deleted rows, the entry point among them, are walked through by both alike.
    for (uint32_t r = 0; r < graph.size(); r += 5) graph.mark_deleted(r);
    graph.mark_deleted(graph.entry_point());

    // The same links without vectors, as an index searched by codes holds them.
    HnswGraph links_only(dims, params(Metric::cosine, 6, 40), graph.size(), false);
    load(links_only, sections_of(graph));
    CHECK(!links_only.holds_vectors());
    CHECK(links_only.vector(0) == nullptr);
    for (uint32_t r = 0; r < graph.size(); r += 5) links_only.mark_deleted(r);
    links_only.mark_deleted(graph.entry_point());

    for (size_t q = 0; q < 30; ++q) {
        const float* query = queries.data() + q * dims;
        const VectorScorer scorer(graph, query, v.data(), dims);
        for (const auto& k_ef : {std::pair<size_t, size_t>{1, 1}, {5, 16}, {10, 64}, {50, 20}}) {
            const size_t k = k_ef.first, ef = k_ef.second;
            CAPTURE(k);
            CAPTURE(ef);
            const Hits hits = search(graph, query, k, ef);
            CHECK(search_scored(graph, scorer, k, ef) == hits);
            CHECK(search_scored(links_only, scorer, k, ef) == hits);
        }
        CHECK(scorer.calls > 0);
    }
}

TEST_CASE("hnsw graph: connect_unreachable leaves no row unreachable") {
    const uint32_t dims = 8;
    // 52 of 1000 rows unreachable. (With 20 copies per family, M 2 leaves some rows unreachable
    // whatever connect_unreachable does: each row it links strands another.)
    const std::vector<float> v = families(100, 10, dims, 8);
    HnswGraph graph(dims, params(Metric::l2, 2, 16), 0);
    insert_all(graph, v, dims);
    const std::vector<uint32_t> stranded = graph.unreachable_rows();
    REQUIRE(!stranded.empty()); // else this data no longer tests anything
    CHECK(std::is_sorted(stranded.begin(), stranded.end()));
    const std::string before = graph_section(graph);
    const uint64_t linked = graph.connect_unreachable();
    CHECK(linked > 0);
    CHECK(linked <= stranded.size());
    CHECK(graph.unreachable_rows().empty());
    CHECK(graph.connect_unreachable() == 0);
    CHECK(graph_section(graph) != before);

    // Deterministic: the same graph again links the same rows the same way.
    HnswGraph again(dims, params(Metric::l2, 2, 16), 0);
    insert_all(again, v, dims, 3);
    CHECK(graph_section(again) == before);
    CHECK(again.connect_unreachable() == linked);
    CHECK(graph_section(again) == graph_section(graph));

    // Every row is now found with ef as large as the graph.
    for (uint32_t r : stranded) {
        const Hits hits = search(graph, graph.vector(r), 1, graph.size());
        CHECK(hits.at(0).first == 0.0f);
    }
}

TEST_CASE("hnsw graph: deleted rows are never returned, nor written") {
    const uint32_t dims = 16;
    const std::vector<float> v = random_vectors(1000, dims, 9, Metric::l2);
    const std::vector<float> queries = random_vectors(20, dims, 10, Metric::l2);
    HnswGraph graph(dims, params(Metric::l2), 0);
    insert_all(graph, v, dims);
    graph.connect_unreachable();
    const std::string bytes = graph_section(graph);

    std::set<uint32_t> deleted{graph.entry_point()};
    for (uint32_t r = 0; r < graph.size(); r += 3) deleted.insert(r);
    for (uint32_t r : deleted) graph.mark_deleted(r);
    graph.mark_deleted(0);                // twice is once
    CHECK(graph_section(graph) == bytes); // deletions are the index's to record

    for (size_t q = 0; q < 20; ++q) {
        const float* query = queries.data() + q * dims;
        CHECK(search(graph, query, 10, graph.size()) == brute_force(graph, query, 10, deleted));
        for (const size_t ef : {10, 50}) {
            const Hits hits = search(graph, query, 10, ef);
            CHECK(hits.size() == 10);
            for (const auto& hit : hits) CHECK(deleted.count(hit.second) == 0);
        }
    }
    // A deleted row's own vector finds its nearest live neighbour, not itself.
    CHECK(search(graph, graph.vector(3), 1, 100).at(0).second != 3);

    // Everything deleted: nothing found.
    HnswGraph gone(dims, params(Metric::l2), 0);
    insert_all(gone, std::vector<float>(v.begin(), v.begin() + 50 * dims), dims);
    for (uint32_t r = 0; r < 50; ++r) gone.mark_deleted(r);
    CHECK(search(gone, queries.data(), 5, 50).empty());
}

TEST_CASE("hnsw graph: sections round-trip, damaged links are refused as corrupt") {
    const uint32_t dims = 8, M = 4;
    const GraphParams p = params(Metric::cosine, M, 32);
    const std::vector<float> v = random_vectors(400, dims, 11, Metric::cosine);
    HnswGraph graph(dims, p, 0);
    insert_all(graph, v, dims);
    graph.connect_unreachable();
    const Sections good = sections_of(graph);
    REQUIRE(good.max_level > 0);

    HnswGraph loaded(dims, p, good.rows);
    load(loaded, good);
    CHECK(loaded.size() == good.rows);
    CHECK(graph_section(loaded) == good.graph);
    CHECK(vectors_section(loaded) == good.vectors);
    CHECK(loaded.unreachable_rows().empty());
    CHECK(search(loaded, v.data() + 17 * dims, 5, 20) ==
          search(graph, v.data() + 17 * dims, 5, 20));
    // Loading into a smaller graph grows it.
    HnswGraph grown(dims, p, 1);
    load(grown, good);
    CHECK(graph_section(grown) == good.graph);

    // The layout of GRPH (hnsw_sections.hpp): level-0 lists of a u32 header (count u16, delete
    // mark u8, 0 u8) and 2 M u32 links per row, then a level byte per row, then upper lists of
    // M links per level of each row above level 0.
    const size_t list0 = 4 + 4 * 2 * M, upper = 4 + 4 * M, levels_at = good.rows * list0;
    auto level_of = [&](uint32_t r) { return static_cast<uint32_t>(good.graph[levels_at + r]); };
    uint32_t low = 0, high = 0; // a row on level 0 with links, one above level 0 with links
    while (level_of(low) != 0 || graph.links_level0(low) == 0) ++low;
    while (level_of(high) == 0 || high == graph.entry_point()) ++high;
    size_t high_upper = good.rows * (list0 + 1); // where row high's level-1 list starts
    for (uint32_t r = 0; r < high; ++r) high_upper += level_of(r) * upper;
    REQUIRE(good.graph[high_upper] != 0);
    auto put_u32 = [](std::string& bytes, size_t at, uint32_t value) {
        std::memcpy(&bytes[at], &value, 4);
    };

    CHECK(!refused_as_corrupt(dims, p, good));
    auto damaged = [&](const std::function<void(Sections&)>& damage) {
        Sections s = good;
        damage(s);
        return refused_as_corrupt(dims, p, s);
    };
    const size_t link0 = low * list0 + 4; // row low's first level-0 link
    CHECK(damaged([&](Sections& s) { put_u32(s.graph, link0, uint32_t(good.rows)); }));
    CHECK(damaged([&](Sections& s) { put_u32(s.graph, link0, 0xFFFFFFFFu); }));
    CHECK(damaged([&](Sections& s) { put_u32(s.graph, link0, low); }));           // to itself
    CHECK(damaged([&](Sections& s) { s.graph[low * list0] = char(2 * M + 1); })); // count
    CHECK(damaged([&](Sections& s) { s.graph[low * list0 + 1] = 1; }));           // count
    CHECK(damaged([&](Sections& s) { s.graph[low * list0 + 2] = 1; }));           // delete mark
    CHECK(damaged([&](Sections& s) { s.graph[low * list0 + 3] = 1; }));
    // Levels: above the top, or an upper link to a row that is not on that level.
    CHECK(damaged([&](Sections& s) { s.graph[levels_at + low] = char(good.max_level + 1); }));
    CHECK(damaged([&](Sections& s) { s.max_level = good.max_level - 1; }));
    CHECK(damaged([&](Sections& s) { put_u32(s.graph, high_upper + 4, low); }));
    CHECK(damaged([&](Sections& s) { s.graph[high_upper] = char(M + 1); })); // upper count
    // The entry point and the section's length.
    CHECK(damaged([&](Sections& s) { s.entry_point = uint32_t(good.rows); }));
    CHECK(damaged([&](Sections& s) { s.entry_point = low; })); // not on the top level
    CHECK(damaged([&](Sections& s) { s.graph.push_back(0); }));
    CHECK(damaged([&](Sections& s) { s.graph.pop_back(); }));
    CHECK(damaged([&](Sections& s) { s.graph.resize(levels_at); }));
    CHECK(damaged([&](Sections& s) { s.graph.clear(); }));
    // A row's level raised, with bytes for its list so that the lengths agree: the upper lists
    // no longer line up, and the last one read is those bytes.
    CHECK(damaged([&](Sections& s) {
        s.graph[levels_at + low] = 1;
        s.graph.insert(s.graph.size(), upper, '\xff');
    }));
}

TEST_CASE("hnsw graph: capacity and what a graph without vectors can do") {
    const uint32_t dims = 8;
    const std::vector<float> v = random_vectors(500, dims, 12, Metric::l2);
    HnswGraph graph(dims, params(Metric::l2), 1); // grows as rows come
    const uint64_t small = graph.memory_bytes();
    insert_all(graph, v, dims);
    CHECK(graph.size() == 500);
    CHECK(graph.memory_bytes() > small);

    auto kind_of = [](const std::function<void()>& f) {
        try {
            f();
        } catch (const Error& e) {
            return static_cast<int>(e.kind());
        }
        return -1;
    };
    // Beyond what hnswlib can number: refused before anything is read or allocated.
    CHECK(kind_of([&] { graph.insert(v.data(), hnsw_max_rows - 500 + 1, 1, {}, false); }) ==
          static_cast<int>(ErrorKind::resource));
    CHECK(kind_of([&] { graph.insert(v.data(), ~uint64_t{0}, 1, {}, false); }) ==
          static_cast<int>(ErrorKind::resource));
    CHECK(graph.size() == 500);

    HnswGraph links_only(dims, params(Metric::l2), 0, false);
    CHECK(kind_of([&] { links_only.insert(v.data(), 10, 1, {}, false); }) ==
          static_cast<int>(ErrorKind::usage));
    load(links_only, sections_of(graph));
    CHECK(vectors_section(links_only).empty());
    CHECK(graph_section(links_only) == graph_section(graph));
    CHECK(links_only.connect_unreachable() == 0); // it has no vectors to choose links by
}
