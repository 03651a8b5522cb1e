// Records to rows (embed_stream.hpp): every window of the selected records, in input order, the
// rows without a valid k-mer reported in their place, and the same bits on any thread count,
// long windows counted in pieces included.
#include "ruvec/embed_stream.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

std::string random_bases(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(n, 'A');
    for (char& c : s) c = "ACGT"[rng() & 3];
    return s;
}

struct Row {
    size_t record;
    Window window;
    std::vector<float> vector; // empty: skipped
};

std::vector<Row> stream(const std::vector<SeqRecord>& records, const std::vector<uint32_t>& selected,
                        const EmbedParams& params, int threads) {
    std::vector<Row> rows;
    RecordEmbedder embedder(params, threads);
    embedder.embed(
        records.data(), selected,
        [&](size_t record, const Window& w, const float* v) {
            rows.push_back({record, w, std::vector<float>(v, v + params.dims)});
        },
        [&](size_t record, const Window& w) { rows.push_back({record, w, {}}); });
    return rows;
}

} // namespace

TEST_CASE("embed_stream: the windows of the selected records, in order, as Embedder makes them") {
    EmbedParams params;
    params.k = 11;
    params.dims = 64;
    params.window = 500;
    params.step = 250;
    finalize_params(params);
    std::vector<SeqRecord> records(4);
    records[0].seq = random_bases(1200, 1);
    records[1].seq = "ACGTNNNNACGT"; // no valid 11-mer: skipped
    records[2].seq = random_bases(300, 2);
    records[3].seq = random_bases(800, 3);
    const std::vector<uint32_t> selected = {0, 1, 3}; // record 2 lies outside (another shard)
    const std::vector<Row> rows = stream(records, selected, params, 1);

    Embedder embedder(params);
    std::vector<Row> expected;
    for (uint32_t r : selected)
        for (const Window& w : windows_of(records[r].seq.size(), params)) {
            std::vector<float> v(params.dims);
            if (embedder.embed(records[r].seq, w, v.data()) == 0) v.clear();
            expected.push_back({r, w, v});
        }
    REQUIRE(rows.size() == expected.size());
    size_t skipped = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        CAPTURE(i);
        CHECK(rows[i].record == expected[i].record);
        CHECK(rows[i].window.start == expected[i].window.start);
        CHECK(rows[i].window.end == expected[i].window.end);
        CHECK(rows[i].vector == expected[i].vector);
        skipped += rows[i].vector.empty();
    }
    CHECK(skipped == 1);
    CHECK(rows.front().record == 0);
    CHECK(rows.back().record == 3);
}

TEST_CASE("embed_stream: any thread count gives the same bits, long windows in pieces too") {
    EmbedParams params;
    params.k = 15;
    params.dims = 128;
    finalize_params(params); // one vector per record: the 2.5 Mbp record is cut into pieces
    std::vector<SeqRecord> records(3);
    records[0].seq = random_bases(2'500'000, 4);
    records[1].seq = random_bases(5'000, 5);
    records[2].seq = "NNNN";
    const std::vector<uint32_t> all = {0, 1, 2};
    const std::vector<Row> one = stream(records, all, params, 1);
    for (int threads : {2, 4}) {
        CAPTURE(threads);
        const std::vector<Row> many = stream(records, all, params, threads);
        REQUIRE(many.size() == one.size());
        for (size_t i = 0; i < one.size(); ++i) {
            CHECK(many[i].record == one[i].record);
            REQUIRE(many[i].vector.size() == one[i].vector.size());
            if (!one[i].vector.empty()) // a skipped row has no bytes to compare
                CHECK(std::memcmp(many[i].vector.data(), one[i].vector.data(),
                                  one[i].vector.size() * sizeof(float)) == 0);
        }
    }
    CHECK(one[2].vector.empty());
}
