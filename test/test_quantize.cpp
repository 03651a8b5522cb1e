// Quantizers: encode/decode error bounds, distances on codes equal to the float distances of the
// decoded vectors, training that does not depend on the thread count, serialised parameters that
// round-trip, and a parser that refuses damaged bytes with a typed error.
#include "ruvec/quantize.hpp"

#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

// Rows of Gaussian values from a fixed seed (compared only with themselves, never with numbers
// recorded elsewhere: std::normal_distribution differs between standard libraries).
std::vector<float> gaussian(size_t rows, uint32_t dims, uint32_t seed, bool unit) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(rows * dims);
    for (float& x : v) x = normal(engine);
    if (unit)
        for (size_t r = 0; r < rows; ++r) simd::active().l2_normalize(&v[r * dims], dims);
    return v;
}

QuantParams params_of(QuantKind kind) {
    QuantParams p;
    p.kind = kind;
    return p;
}

double dot(const float* a, const float* b, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += double{a[i]} * b[i];
    return s;
}

// The distance a quantizer's units stand for, between two float vectors, in double.
double graph_distance(Metric metric, const float* a, const float* b, size_t n) {
    if (metric != Metric::l2) return 1.0 - dot(a, b, n);
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
    return s;
}

constexpr Metric all_metrics[] = {Metric::cosine, Metric::l2, Metric::ip};

} // namespace

TEST_CASE("quantize: kind names round-trip and bad parameters are refused") {
    for (QuantKind kind : {QuantKind::none, QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        QuantKind back = QuantKind::none;
        CHECK(parse_quant_kind(quant_kind_name(kind), back));
        CHECK(back == kind);
    }
    QuantKind unused;
    CHECK_FALSE(parse_quant_kind("int4", unused));
    QuantParams p = params_of(QuantKind::pq);
    p.pq_subspaces = 7;
    CHECK_THROWS_AS(check_quant_params(p, 64), Error);
    p.pq_subspaces = 16;
    CHECK_NOTHROW(check_quant_params(p, 64));
    p.iterations = 0;
    CHECK_THROWS_AS(check_quant_params(p, 64), Error);
    CHECK_THROWS_AS(check_quant_params(params_of(QuantKind::none), 64), Error);
    CHECK(default_pq_subspaces(384) == 48);
    CHECK(default_pq_subspaces(100) == 25);
    CHECK(default_pq_subspaces(17) == 17);
}

TEST_CASE("quantize: sq8 decodes within half a step and its distances are the decoded ones") {
    const uint32_t dims = 100; // not a multiple of any register width
    for (Metric metric : all_metrics) {
        const std::string metric_text = metric_name(metric);
        CAPTURE(metric_text);
        const std::vector<float> data = gaussian(200, dims, 1, metric == Metric::cosine);
        const Quantizer q =
            Quantizer::train(data.data(), 200, dims, metric, params_of(QuantKind::sq8), 1);
        CHECK(q.code_bytes() == dims + (metric == Metric::l2 ? 8 : 4));
        std::vector<uint8_t> codes(200 * q.code_bytes());
        q.encode_many(data.data(), 200, codes.data(), 2);
        std::vector<float> decoded(dims), other(dims);
        for (size_t r = 0; r < 200; ++r) {
            const float* x = &data[r * dims];
            float largest = 0;
            for (uint32_t i = 0; i < dims; ++i) largest = std::max(largest, std::fabs(x[i]));
            q.decode(&codes[r * q.code_bytes()], decoded.data());
            for (uint32_t i = 0; i < dims; ++i)
                // Half a step of rounding; under cosine up to a step, the code's length being
                // made 1 exactly.
                REQUIRE(std::fabs(decoded[i] - x[i]) <=
                        largest / 127 * (metric == Metric::cosine ? 1.0f : 0.5001f) + 1e-7f);
        }
        // A query is encoded as the rows are: its distance to a code is the float distance of
        // the two decoded vectors (the int8 dot product is exact).
        const std::vector<float> queries = gaussian(5, dims, 2, metric == Metric::cosine);
        for (size_t i = 0; i < 5; ++i) {
            const Quantizer::Query query = q.prepare(&queries[i * dims]);
            std::vector<uint8_t> query_code(q.code_bytes());
            q.encode(&queries[i * dims], query_code.data());
            q.decode(query_code.data(), other.data());
            for (size_t r = 0; r < 200; ++r) {
                const uint8_t* code = &codes[r * q.code_bytes()];
                q.decode(code, decoded.data());
                double expected = graph_distance(metric, other.data(), decoded.data(), dims);
                if (metric == Metric::l2) // the query's own length is exact, not decoded
                    expected += dot(&queries[i * dims], &queries[i * dims], dims) -
                                dot(other.data(), other.data(), dims);
                REQUIRE(q.distance(query, code) == doctest::Approx(expected).epsilon(1e-4));
                REQUIRE(q.code_distance(query_code.data(), code) ==
                        doctest::Approx(graph_distance(metric, other.data(), decoded.data(), dims))
                            .epsilon(1e-4));
            }
        }
    }
}

TEST_CASE("quantize: sq8 of a zero vector and of extreme values stays finite") {
    const uint32_t dims = 16;
    std::vector<float> data(2 * dims, 0.0f);
    for (uint32_t i = 0; i < dims; ++i) data[dims + i] = i % 2 ? 3e38f : -3e38f;
    const Quantizer q =
        Quantizer::train(data.data(), 2, dims, Metric::ip, params_of(QuantKind::sq8), 1);
    std::vector<uint8_t> code(q.code_bytes());
    std::vector<float> decoded(dims);
    for (size_t r = 0; r < 2; ++r) {
        q.encode(&data[r * dims], code.data());
        q.decode(code.data(), decoded.data());
        for (uint32_t i = 0; i < dims; ++i)
            CHECK(decoded[i] == doctest::Approx(data[r * dims + i]));
    }
}

TEST_CASE("quantize: pq distances are the exact distances to the decoded vectors") {
    const uint32_t dims = 64;
    for (Metric metric : all_metrics) {
        const std::string metric_text = metric_name(metric);
        CAPTURE(metric_text);
        const std::vector<float> data = gaussian(3000, dims, 3, metric == Metric::cosine);
        QuantParams p = params_of(QuantKind::pq);
        p.pq_subspaces = 16;
        p.iterations = 8;
        const Quantizer q = Quantizer::train(data.data(), 3000, dims, metric, p, 2);
        CHECK(q.code_bytes() == 16);
        CHECK(q.params().train_rows == 3000);
        std::vector<uint8_t> codes(3000 * 16);
        q.encode_many(data.data(), 3000, codes.data(), 2);
        const std::vector<float> queries = gaussian(4, dims, 4, metric == Metric::cosine);
        std::vector<float> decoded(dims), other(dims);
        for (size_t i = 0; i < 4; ++i) {
            const float* query_vector = &queries[i * dims];
            const Quantizer::Query query = q.prepare(query_vector);
            for (size_t r = 0; r < 3000; r += 7) {
                q.decode(&codes[r * 16], decoded.data());
                REQUIRE(q.distance(query, &codes[r * 16]) ==
                        doctest::Approx(graph_distance(metric, query_vector, decoded.data(), dims))
                            .epsilon(1e-4)
                            .scale(1));
                q.decode(&codes[((r + 1) % 3000) * 16], other.data());
                REQUIRE(q.code_distance(&codes[r * 16], &codes[((r + 1) % 3000) * 16]) ==
                        doctest::Approx(graph_distance(metric, other.data(), decoded.data(), dims))
                            .epsilon(1e-4)
                            .scale(1));
            }
        }
        // Each code is the nearest centroid per sub-space: decoding then encoding is stable.
        std::vector<uint8_t> again(16);
        for (size_t r = 0; r < 3000; r += 11) {
            q.decode(&codes[r * 16], decoded.data());
            q.encode(decoded.data(), again.data());
            REQUIRE(std::equal(again.begin(), again.end(), codes.begin() + r * 16));
        }
    }
}

TEST_CASE("quantize: pq training lowers the error well below one centroid per sub-space") {
    const uint32_t dims = 32;
    const std::vector<float> data = gaussian(4000, dims, 5, false);
    QuantParams p = params_of(QuantKind::pq);
    p.pq_subspaces = 8;
    p.iterations = 15;
    const Quantizer q = Quantizer::train(data.data(), 4000, dims, Metric::l2, p, 2);
    std::vector<uint8_t> code(q.code_bytes());
    std::vector<float> decoded(dims);
    double error = 0, energy = 0;
    for (size_t r = 0; r < 4000; ++r) {
        q.encode(&data[r * dims], code.data());
        q.decode(code.data(), decoded.data());
        error += graph_distance(Metric::l2, &data[r * dims], decoded.data(), dims);
        energy += dot(&data[r * dims], &data[r * dims], dims);
    }
    // 256 centroids in 4 Gaussian dimensions keep about 1 - 256^(-2/4) = 94% of the energy; a
    // single centroid (the mean) would keep none.
    CHECK(error / energy < 0.2);
}

TEST_CASE("quantize: training does not depend on the thread count") {
    const uint32_t dims = 48;
    const std::vector<float> data = gaussian(1500, dims, 6, true);
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        QuantParams p = params_of(kind);
        p.iterations = 5;
        p.train_rows = 1000;
        const Quantizer one = Quantizer::train(data.data(), 1500, dims, Metric::cosine, p, 1);
        const Quantizer four = Quantizer::train(data.data(), 1500, dims, Metric::cosine, p, 4);
        CHECK(one.serialize() == four.serialize());
        std::vector<uint8_t> a(1500 * one.code_bytes()), b(a.size());
        one.encode_many(data.data(), 1500, a.data(), 1);
        four.encode_many(data.data(), 1500, b.data(), 3);
        CHECK(a == b);
        p.seed = 7; // another sample gives other centroids and centres
        if (kind != QuantKind::sq8)
            CHECK(Quantizer::train(data.data(), 1500, dims, Metric::cosine, p, 1).serialize() !=
                  one.serialize());
    }
}

TEST_CASE("quantize: binary codes are the signs; queries in floats meet their decoded vectors") {
    const uint32_t dims = 130; // three words, the last one partly used
    for (Metric metric : all_metrics) {
        const std::string metric_text = metric_name(metric);
        CAPTURE(metric_text);
        std::vector<float> data = gaussian(300, dims, 8, metric == Metric::cosine);
        for (bool centre : {false, true}) {
            QuantParams p = params_of(QuantKind::binary);
            p.binary_centre = centre;
            const Quantizer q = Quantizer::train(data.data(), 300, dims, metric, p, 1);
            CHECK(q.code_bytes() == 24 + (metric == Metric::cosine ? 0 : 8));
            std::vector<uint8_t> codes(300 * q.code_bytes());
            q.encode_many(data.data(), 300, codes.data(), 1);
            std::vector<float> decoded(dims);
            q.decode(codes.data(), decoded.data());
            std::vector<float> mean(dims, 0.0f);
            if (centre) {
                for (size_t r = 0; r < 300; ++r)
                    for (uint32_t i = 0; i < dims; ++i) mean[i] += data[r * dims + i] / 300;
            }
            for (uint32_t i = 0; i < dims; ++i)
                if (std::fabs(data[i] - mean[i]) > 1e-3f)
                    REQUIRE((decoded[i] > mean[i]) == (data[i] > mean[i]));
            // A query that is row 17 with a little noise: row 17's code is nearest, the query in
            // floats or in bits.
            std::vector<float> query(data.begin() + 17 * dims, data.begin() + 18 * dims);
            for (uint32_t i = 0; i < dims; i += 9) query[i] += 0.01f;
            for (bool hamming : {false, true}) {
                CAPTURE(hamming);
                const Quantizer::Query prepared = q.prepare(query.data(), hamming);
                size_t best = 0;
                for (size_t r = 1; r < 300; ++r)
                    if (q.distance(prepared, &codes[r * q.code_bytes()]) <
                        q.distance(prepared, &codes[best * q.code_bytes()]))
                        best = r;
                CHECK(best == 17);
            }
            // In floats, the query meets the vector a code decodes to, exactly.
            const Quantizer::Query in_floats = q.prepare(query.data());
            for (size_t r = 0; r < 300; r += 7) {
                q.decode(&codes[r * q.code_bytes()], decoded.data());
                REQUIRE(q.distance(in_floats, &codes[r * q.code_bytes()]) ==
                        doctest::Approx(graph_distance(metric, query.data(), decoded.data(), dims))
                            .epsilon(1e-4)
                            .scale(1));
            }
            // In bits, the angle is pi h / dims: the query's own code is at distance 0 under
            // cosine.
            if (metric == Metric::cosine) {
                std::vector<uint8_t> own(q.code_bytes());
                q.encode(query.data(), own.data());
                CHECK(q.distance(q.prepare(query.data(), true), own.data()) ==
                      doctest::Approx(0.0).scale(1));
            }
            // A code is at the distance of its vector from itself (1 - |x|^2 under ip).
            const float* x = &data[5 * dims];
            CHECK(q.code_distance(&codes[5 * q.code_bytes()], &codes[5 * q.code_bytes()]) ==
                  doctest::Approx(graph_distance(metric, x, x, dims)).epsilon(1e-5).scale(1));
        }
    }
}

TEST_CASE("quantize: serialised quantizers round-trip, damaged bytes are refused") {
    const uint32_t dims = 32;
    const std::vector<float> data = gaussian(600, dims, 9, true);
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        const std::string kind_text = quant_kind_name(kind);
        CAPTURE(kind_text);
        QuantParams p = params_of(kind);
        p.iterations = 4;
        const Quantizer q = Quantizer::train(data.data(), 600, dims, Metric::cosine, p, 1);
        const std::string bytes = q.serialize();
        const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
        const Quantizer back = Quantizer::parse(raw, bytes.size(), dims, Metric::cosine);
        CHECK(back.serialize() == bytes);
        CHECK(back.code_bytes() == q.code_bytes());
        std::vector<uint8_t> a(q.code_bytes()), b(q.code_bytes());
        for (size_t r = 0; r < 600; r += 13) {
            q.encode(&data[r * dims], a.data());
            back.encode(&data[r * dims], b.data());
            REQUIRE(a == b);
        }
        CHECK_THROWS_AS(Quantizer::parse(raw, bytes.size(), dims + 1, Metric::cosine), Error);
        // Every truncation, and every byte of the fixed part changed, is refused or parses into
        // a quantizer whose bytes are the changed ones (a flip in a value that stays valid).
        for (size_t size = 0; size < bytes.size(); size += std::max<size_t>(1, size / 7))
            CHECK_THROWS_AS(Quantizer::parse(raw, size, dims, Metric::cosine), Error);
        for (size_t at = 0; at < 40; ++at) {
            std::string bad = bytes;
            bad[at] = static_cast<char>(bad[at] ^ 0x41);
            try {
                const Quantizer parsed =
                    Quantizer::parse(reinterpret_cast<const unsigned char*>(bad.data()), bad.size(),
                                     dims, Metric::cosine);
                CHECK(parsed.serialize() == bad);
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::corrupt);
            }
        }
        if (kind != QuantKind::sq8) { // a trained value that is not a number
            std::string bad = bytes;
            const float nan = std::nanf("");
            std::memcpy(&bad[bad.size() - 4], &nan, 4);
            CHECK_THROWS_AS(Quantizer::parse(reinterpret_cast<const unsigned char*>(bad.data()),
                                             bad.size(), dims, Metric::cosine),
                            Error);
        }
    }
}
