// ruvec bench quantize: each code's costs on this machine, against the float scan of the same rows
// measured in the same run (its ratio is the speed-up of scanning codes instead of floats).
#include "bench_quantize.hpp"

#include "ruvec/quantize.hpp"
#include "ruvec/simd.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>

namespace ruvec::cli {

namespace {

// Unit vectors of Gaussian values: cosine, the metric of ruvec's k-mer indexes.
std::vector<float> unit_gaussian(size_t rows, size_t dim, uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> v(rows * dim);
    for (float& x : v) x = normal(engine);
    for (size_t r = 0; r < rows; ++r) simd::active().l2_normalize(&v[r * dim], dim);
    return v;
}

// Seconds of each of `repeats` runs of `work`, after one run to warm up.
Spread time_runs(int repeats, const std::function<void()>& work) {
    work();
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        work();
        seconds.push_back(seconds_since(start));
    }
    return spread(seconds);
}

// Units of work per second, from the seconds each run of `units` took.
Spread rate(const Spread& seconds, double units) {
    return {units / seconds.median, units / seconds.max, units / seconds.min};
}

// Time per unit of work, in seconds x `scale` (1e9: ns), from the seconds of runs of `units`.
Spread time_per(const Spread& seconds, double units, double scale) {
    return {seconds.median * scale / units, seconds.min * scale / units,
            seconds.max * scale / units};
}

} // namespace

void quantize_suite(const QuantizeBenchOptions& o, std::vector<Figure>& figures) {
    const std::string isa = simd::isa_name(simd::active_isa());
    const double no_ratio = std::nan("");
    float sink = 0;
    for (size_t dim : o.dims) {
        const std::vector<float> rows = unit_gaussian(o.rows, dim, 42);
        const std::vector<float> queries = unit_gaussian(o.queries, dim, 43);
        auto add = [&](const std::string& name, const Spread& s, const char* unit, double ratio) {
            figures.push_back({"quantize", name, isa, 1, dim, s.median, s.min, s.max, unit, ratio});
        };
        const double codes_scanned = static_cast<double>(o.rows) * static_cast<double>(o.queries);

        // The baseline: every query against every float row, as brute force does.
        std::vector<float> out(o.rows);
        const Spread float_scan =
            time_per(time_runs(o.repeats,
                               [&] {
                                   for (size_t q = 0; q < o.queries; ++q) {
                                       simd::active().dot_batch(&queries[q * dim], rows.data(),
                                                                o.rows, dim, out.data());
                                       sink += out[q % o.rows];
                                   }
                               }),
                     codes_scanned, 1e9);
        add("float scan", float_scan, "ns/code", 1.0);

        for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
            QuantParams params;
            params.kind = kind;
            params.iterations = o.iterations;
            const std::string name = quant_kind_name(kind);
            auto start = std::chrono::steady_clock::now();
            const Quantizer q = Quantizer::train(rows.data(), o.rows, static_cast<uint32_t>(dim),
                                                 Metric::cosine, params, 1);
            const double train = seconds_since(start);
            add(name + " train", {train, train, train}, "s", no_ratio);

            std::vector<uint8_t> codes(o.rows * q.code_bytes());
            add(name + " encode",
                rate(time_runs(o.repeats,
                               [&] { q.encode_many(rows.data(), o.rows, codes.data(), 1); }),
                     static_cast<double>(o.rows)),
                "vectors/s", no_ratio);

            // Binary codes also meet a binarised query (ruvec search --hamming).
            for (bool hamming : kind == QuantKind::binary ? std::vector<bool>{false, true}
                                                          : std::vector<bool>{false}) {
                const std::string label = hamming ? "binary-hamming" : name;
                std::vector<Quantizer::Query> prepared(o.queries);
                add(label + " prepare",
                    time_per(time_runs(o.repeats,
                                       [&] {
                                           for (size_t i = 0; i < o.queries; ++i)
                                               prepared[i] = q.prepare(&queries[i * dim], hamming);
                                       }),
                             static_cast<double>(o.queries), 1e6),
                    "us/query", no_ratio);
                const size_t bytes = q.code_bytes();
                const Spread scan =
                    time_per(time_runs(o.repeats,
                                       [&] {
                                           for (const auto& query : prepared)
                                               for (size_t r = 0; r < o.rows; ++r)
                                                   sink += q.distance(query, &codes[r * bytes]);
                                       }),
                             codes_scanned, 1e9);
                add(label + " scan", scan, "ns/code", float_scan.median / scan.median);
            }
        }
    }
    if (sink == 12345.678f) std::fputc(' ', stderr); // keeps the work observable
}

} // namespace ruvec::cli
