// The vector stores (src/vector_store.hpp) alone: every float store - in the graph, held in
// memory, mapped, left in the file - gives the same bits for a row, a block of rows, a scan and
// the graph's walk; the code store's scan and batched scores are the quantizer's distances; and
// the index's one search path: brute force over codes re-ranked by floats (exact_by_codes) is
// what ranking every code and then the best by float distance gives.
#include "vector_store.hpp"

#include "index_test_support.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/splitmix.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <memory>
#include <numeric>
#include <vector>

using namespace ruvec;

namespace {

using Hits = std::vector<std::pair<float, uint32_t>>;

std::vector<float> unit_vectors(size_t rows, uint32_t dims, uint64_t seed) {
    SplitMix64 random(seed);
    std::vector<float> v(rows * dims);
    for (float& x : v) x = static_cast<float>(2 * random.uniform() - 1);
    for (size_t r = 0; r < rows; ++r) simd::active().l2_normalize(&v[r * dims], dims);
    return v;
}

// A source that can be shared (as the CLI's files are), over bytes in memory.
class SharedMemorySource final : public RandomAccessSource {
public:
    explicit SharedMemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
    uint64_t size() const override { return bytes_.size(); }
    void read_at(uint64_t offset, char* buffer, size_t size) const override {
        std::memcpy(buffer, bytes_.data() + offset, size);
    }

private:
    std::string bytes_;
};

} // namespace

TEST_CASE("vector stores: every float store gives the same rows, scans, scores and walk") {
    const uint32_t dims = 24;
    const size_t rows = 3000; // more than one scan block: 2730 rows of 24 floats in 256 KiB
    const std::vector<float> vectors = unit_vectors(rows, dims, 11);
    GraphParams params;
    params.metric = Metric::cosine;
    params.M = 8;
    params.ef_construction = 60;
    HnswGraph graph(dims, params, rows);
    REQUIRE(graph.insert(vectors.data(), rows, 2, {}, false) == rows);
    graph.connect_unreachable();

    // The VECT bytes at an offset inside a larger file, as an index holds them.
    const uint64_t offset = 192;
    std::string file(offset, '\x7f');
    file.append(reinterpret_cast<const char*>(vectors.data()), vectors.size() * sizeof(float));
    auto source = std::make_shared<SharedMemorySource>(file);

    std::vector<std::unique_ptr<FloatStore>> stores;
    stores.push_back(graph_float_store(graph, dims));
    stores.push_back(held_float_store(vectors, dims));
    stores.push_back(mapped_float_store(nullptr, vectors.data(), rows, dims));
    stores.push_back(file_float_store(source, offset, dims));
    CHECK(stores[0]->place() == FloatPlace::graph);
    CHECK(stores[1]->place() == FloatPlace::memory);
    CHECK(stores[2]->place() == FloatPlace::mapped);
    CHECK(stores[3]->place() == FloatPlace::file);
    CHECK(stores[1]->memory_bytes() == rows * dims * 4);
    CHECK(stores[2]->memory_bytes() == rows * dims * 4);
    CHECK(stores[3]->row_in_memory(5) == nullptr);
    CHECK(stores[3]->block_rows() < rows); // the scan crosses a block boundary

    const std::vector<float> query = unit_vectors(1, dims, 99);
    std::vector<uint32_t> some = {2999, 0, 17, 1500, 17, 2730, 2729};
    std::vector<float> want_scores(some.size()), want_scan(rows);
    for (size_t i = 0; i < some.size(); ++i)
        want_scores[i] = graph.distance(query.data(), &vectors[size_t{some[i]} * dims]);
    for (size_t r = 0; r < rows; ++r)
        want_scan[r] = graph.distance(query.data(), &vectors[r * dims]);
    Hits want_walk;
    graph.search(query.data(), 10, 64, want_walk);

    for (const auto& store : stores) {
        CAPTURE(static_cast<int>(store->place()));
        std::vector<float> scratch(dims);
        const float* row = store->row(1234, scratch.data());
        CHECK(std::memcmp(row, &vectors[1234 * dims], dims * 4) == 0);
        std::vector<char> bytes(1000);
        store->read_bytes(4 * dims * 7 + 10, bytes.data(), bytes.size()); // across rows
        CHECK(std::memcmp(bytes.data(), reinterpret_cast<const char*>(vectors.data()) +
                                            4 * dims * 7 + 10,
                          bytes.size()) == 0);
        std::vector<float> block_scratch;
        std::vector<const float*> pointers(10);
        store->rows(2725, 2735, block_scratch, pointers.data());
        for (size_t i = 0; i < 10; ++i)
            CHECK(std::memcmp(pointers[i], &vectors[(2725 + i) * dims], dims * 4) == 0);

        const auto distances = store->distances_to(query.data(), graph, false);
        std::vector<float> scores(some.size()), scan(rows);
        distances->score(some.data(), some.size(), scores.data());
        CHECK(std::memcmp(scores.data(), want_scores.data(), scores.size() * 4) == 0);
        distances->scan(0, rows, scan.data());
        CHECK(std::memcmp(scan.data(), want_scan.data(), rows * 4) == 0);
        std::vector<float> middle(100);
        distances->scan(2700, 2800, middle.data());
        CHECK(std::memcmp(middle.data(), &want_scan[2700], 100 * 4) == 0);
        Hits walk;
        distances->walk(graph, 10, 64, walk);
        CHECK(walk == want_walk);
    }
}

TEST_CASE("vector stores: the code store's scores and scan are the quantizer's distances") {
    const uint32_t dims = 32;
    const size_t rows = 500;
    const std::vector<float> vectors = unit_vectors(rows, dims, 5);
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        CAPTURE(quant_kind_name(kind));
        QuantParams params;
        params.kind = kind;
        params.train_rows = rows;
        CodeStore store(Quantizer::train(vectors.data(), rows, dims, Metric::cosine, params, 1));
        const auto floats = held_float_store(vectors, dims);
        store.encode_rows(0, rows, *floats, 2);
        REQUIRE(store.codes().size() == rows * store.quantizer().code_bytes());
        std::vector<uint8_t> code(store.quantizer().code_bytes());
        store.quantizer().encode(&vectors[77 * dims], code.data());
        CHECK(std::memcmp(code.data(), store.code(77), code.size()) == 0);

        GraphParams graph_params;
        HnswGraph graph(dims, graph_params, 0);
        const std::vector<float> query = unit_vectors(1, dims, 6);
        for (bool hamming : {false, true}) {
            if (hamming && kind != QuantKind::binary) continue;
            const Quantizer::Query prepared = store.quantizer().prepare(query.data(), hamming);
            const auto distances = store.distances_to(query.data(), graph, hamming);
            std::vector<float> scan(rows), scores(rows);
            std::vector<uint32_t> order(rows);
            std::iota(order.rbegin(), order.rend(), 0u); // last row first
            distances->scan(0, rows, scan.data());
            distances->score(order.data(), rows, scores.data());
            for (uint32_t r = 0; r < rows; ++r) {
                const float want = store.quantizer().distance(prepared, store.code(r));
                CHECK(scan[r] == want);
                CHECK(scores[rows - 1 - r] == want);
            }
        }
    }
}

TEST_CASE("index search: exact_by_codes is every code ranked, the best re-ranked by floats") {
    using namespace ruvec::test;
    const uint32_t dims = 32;
    const Data data = gaussian(600, dims, 3);
    Index index(embed_params(dims), graph_params(Metric::l2, 8, 60));
    for (size_t i = 0; i < data.rows(); ++i) index.add(row_of(i), data.row(i));
    index.insert_pending(2);
    QuantParams params;
    params.kind = QuantKind::pq;
    params.train_rows = data.rows();
    index.quantize(params, 2);
    const Quantizer& quantizer = *index.quantizer();
    const Data queries = gaussian(20, dims, 4);
    for (size_t rerank : {size_t{0}, size_t{5}, size_t{40}}) {
        CAPTURE(rerank);
        SearchOptions options;
        options.top = 10;
        options.exact = true;
        options.exact_by_codes = true;
        options.rerank = rerank;
        for (size_t q = 0; q < queries.rows(); ++q) {
            std::vector<std::pair<float, uint32_t>> ranked;
            const Quantizer::Query prepared = quantizer.prepare(queries.row(q));
            for (uint32_t r = 0; r < index.rows(); ++r)
                ranked.emplace_back(quantizer.distance(prepared, index.row_code(r)), r);
            std::sort(ranked.begin(), ranked.end());
            ranked.resize(std::max<size_t>(10, rerank));
            if (rerank > 0) {
                for (auto& [distance, row] : ranked) {
                    const float* v = index.row_vector(row);
                    distance = simd::active().l2sq(queries.row(q), v, dims);
                }
                std::sort(ranked.begin(), ranked.end());
            }
            std::vector<SearchHit> hits;
            index.search(queries.row(q), options, hits);
            REQUIRE(hits.size() == 10);
            for (size_t i = 0; i < 10; ++i) {
                CHECK(hits[i].row == ranked[i].second);
                CHECK(hits[i].distance == doctest::Approx(std::sqrt(ranked[i].first)));
            }
        }
        // Without exact_by_codes, exact search of an index keeping its floats is by floats.
        options.exact_by_codes = false;
        std::vector<SearchHit> by_floats;
        index.search(queries.row(0), options, by_floats);
        float best = std::numeric_limits<float>::infinity();
        for (uint32_t r = 0; r < index.rows(); ++r)
            best = std::min(best, simd::active().l2sq(queries.row(0), index.row_vector(r), dims));
        CHECK(by_floats[0].distance == doctest::Approx(std::sqrt(best)));
    }
}
