// ruvec bench: measures the k-mer embedding against the parse-only floor of the same input in the
// same run, and the distance kernels of every ISA against the scalar reference. Figures are
// medians of repeats after a warm-up, with min and max, since machines are noisy.
#include "cli/batch_reader.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/embed_options.hpp"
#include "cli/embed_pipeline.hpp"
#include "cli/output.hpp"
#include "ruvec/error.hpp"
#include "ruvec/kernel_bench.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/version.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace ruvec::cli {

namespace {

constexpr unsigned bench_common = opt_threads | opt_output | opt_messages;

struct BenchOptions {
    std::vector<std::string> inputs;                   // --input: FASTA/FASTQ for the kmer suite
    int repeats = 5;                                   // -r: timed repetitions per figure
    std::vector<size_t> dims = {128, 384, 1024, 4096}; // --dim: vector sizes for distance
    size_t rows = 10000;                               // --rows: rows of the 1-vs-N batch kernels
    bool json = false;                                 // --json
};

// One measured figure.
struct Figure {
    std::string suite, name, isa;
    int threads;
    size_t dim;
    double median, min, max; // in `unit`
    std::string unit;
    double ratio; // embed/parse time for kmer; speed-up over scalar for distance
};

struct Spread {
    double median, min, max;
};

Spread spread(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return {median, values.front(), values.back()};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Reads and parses every record, as embedding does, and throws the records away.
uint64_t parse_only(const std::vector<std::string>& inputs, int threads) {
    BatchReader reader(inputs, 16'000'000, 65'536, threads);
    SeqBatch batch;
    uint64_t bases = 0;
    while (reader.next(batch)) bases += batch.bases;
    return bases;
}

void kmer_suite(const BenchOptions& options, const EmbedParams& params, int max_threads,
                const Messages& quiet, std::vector<Figure>& figures) {
    if (options.inputs.empty())
        throw Error(ErrorKind::usage, "the kmer suite needs --input FILE (FASTA/FASTQ)");
    float sink = 0;
    auto embed_run = [&](int threads) {
        return embed_inputs(options.inputs, params, threads - 1, quiet, false,
                            [&](const VecRow&, const float* v) { sink += v[0]; })
            .bases;
    };
    const uint64_t bases = parse_only(options.inputs, 0); // warm-up: the file into the page cache
    embed_run(1);
    std::vector<double> parse_seconds;
    for (int r = 0; r < options.repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        parse_only(options.inputs, 0);
        parse_seconds.push_back(seconds_since(start));
    }
    const Spread parse = spread(parse_seconds);
    const double mbp = static_cast<double>(bases) / 1e6;
    figures.push_back({"kmer", "parse", "-", 1, params.dims, mbp / parse.median, mbp / parse.max,
                       mbp / parse.min, "Mbp/s", 1.0});
    for (simd::Isa isa : simd::all_isas) {
        if (!simd::isa_supported(isa)) continue;
        simd::select_isa(isa);
        for (int threads = 1; threads <= max_threads; ++threads) {
            std::vector<double> seconds;
            for (int r = 0; r < options.repeats; ++r) {
                const auto start = std::chrono::steady_clock::now();
                embed_run(threads);
                seconds.push_back(seconds_since(start));
            }
            const Spread s = spread(seconds);
            figures.push_back({"kmer", "embed", simd::isa_name(isa), threads, params.dims,
                               mbp / s.median, mbp / s.max, mbp / s.min, "Mbp/s",
                               s.median / parse.median});
        }
    }
    simd::select_isa(simd::best_isa());
    if (sink == 12345.678f) std::fputc(' ', stderr); // keeps the work observable
}

void distance_suite(const BenchOptions& options, std::vector<Figure>& figures) {
    for (size_t dim : options.dims) {
        std::vector<KernelTiming> scalar;
        for (simd::Isa isa : simd::all_isas) {
            if (!simd::isa_supported(isa)) continue;
            const std::vector<KernelTiming> timings =
                time_kernels(isa, dim, options.rows, options.repeats, 42);
            if (isa == simd::Isa::scalar) scalar = timings;
            for (size_t i = 0; i < timings.size(); ++i) {
                const KernelTiming& t = timings[i];
                figures.push_back({"distance", t.kernel, simd::isa_name(isa), 1, dim,
                                   t.ns_per_call_median, t.ns_min, t.ns_max, "ns/call",
                                   scalar[i].ns_per_call_median / t.ns_per_call_median});
            }
        }
    }
}

std::string render(const std::vector<Figure>& figures, bool json) {
    std::ostringstream out;
    char line[256];
    if (json) {
        out << "{\"ruvec\": \"" << RUVEC_VERSION << "\", \"best_isa\": \""
            << simd::isa_name(simd::best_isa()) << "\", \"results\": [\n";
        for (size_t i = 0; i < figures.size(); ++i) {
            const Figure& f = figures[i];
            std::snprintf(
                line, sizeof line,
                "  {\"suite\": \"%s\", \"name\": \"%s\", \"isa\": \"%s\", \"threads\": %d, "
                "\"dim\": %zu, \"median\": %.6g, \"min\": %.6g, \"max\": %.6g, "
                "\"unit\": \"%s\", \"%s\": %.4g}%s\n",
                json_escape(f.suite).c_str(), json_escape(f.name).c_str(), f.isa.c_str(), f.threads,
                f.dim, f.median, f.min, f.max, f.unit.c_str(),
                f.suite == "kmer" ? "time_vs_parse" : "speedup_vs_scalar", f.ratio,
                i + 1 < figures.size() ? "," : "");
            out << line;
        }
        out << "]}\n";
        return out.str();
    }
    std::snprintf(line, sizeof line, "%-9s %-13s %-9s %7s %6s %12s %12s %12s %-8s %s\n", "suite",
                  "name", "isa", "threads", "dim", "median", "min", "max", "unit", "ratio");
    out << line;
    for (const Figure& f : figures) {
        std::snprintf(line, sizeof line,
                      "%-9s %-13s %-9s %7d %6zu %12.4g %12.4g %12.4g %-8s %.2f%s\n",
                      f.suite.c_str(), f.name.c_str(), f.isa.c_str(), f.threads, f.dim, f.median,
                      f.min, f.max, f.unit.c_str(), f.ratio,
                      f.suite == "kmer" ? (f.name == "parse" ? "" : "x parse time") : "x scalar");
        out << line;
    }
    return out.str();
}

} // namespace

void bench_usage(std::FILE* out) {
    const BenchOptions d;
    std::fprintf(
        out, "%s",
        ("\n"
         "Usage: ruvec bench [options] [kmer] [distance]\n"
         "\n"
         "Measures on this machine, each figure the median of -r repeats after a warm-up:\n"
         "  kmer      embedding throughput per ISA and thread count, next to the time to\n"
         "            merely read and parse the same --input (the floor of a streaming tool)\n"
         "  distance  ns per call of each SIMD kernel per ISA, and the speed-up over scalar\n"
         "With no suite named, both run.\n"
         "\n"
         "Bench options:\n"
         "      --input FILE   FASTA/FASTQ for the kmer suite (repeatable)\n"
         "  -r, --repeats INT  timed repeats per figure [" +
         std::to_string(d.repeats) +
         "]\n"
         "      --dim INT      vector size for the distance suite (repeatable) [128 384 1024 "
         "4096]\n"
         "      --rows INT     rows of the 1-vs-N batch kernels [" +
         std::to_string(d.rows) +
         "]\n"
         "      --json         JSON instead of a table\n"
         "\n" +
         embed_options_usage() +
         "\n"
         "General options:\n" +
         common_usage(bench_common) + "  (-@ N measures embedding at 1 to N+1 threads)\n\n")
            .c_str());
}

int bench_main(int argc, char** argv) {
    CLI::App app("ruvec bench");
    CommonOptions common;
    EmbedOptions embed_options;
    BenchOptions options;
    std::vector<size_t> dims;
    std::vector<std::string> suites;
    add_common_options(app, common, bench_common);
    add_embed_options(app, embed_options);
    app.add_option("--input", options.inputs)->allow_extra_args(false);
    app.add_option("-r,--repeats", options.repeats)->check(CLI::Range(1, 1000));
    app.add_option("--dim", dims)->check(CLI::Range(1, 1 << 20))->allow_extra_args(false);
    app.add_option("--rows", options.rows)->check(CLI::Range(1, 10'000'000));
    app.add_flag("--json", options.json);
    app.add_option("suites", suites);
    parse_arguments(app, argc, argv);
    if (common.help) {
        bench_usage(stdout);
        return 0;
    }
    if (!dims.empty()) options.dims = dims;
    if (suites.empty()) suites = {"kmer", "distance"};
    for (const std::string& s : suites)
        if (s != "kmer" && s != "distance")
            throw Error(ErrorKind::usage, "unknown suite '" + s + "' (kmer or distance)");
    if (std::find(suites.begin(), suites.end(), "kmer") != suites.end() && options.inputs.empty())
        throw Error(ErrorKind::usage, "the kmer suite needs --input FILE (FASTA/FASTQ)");
    const EmbedParams params = resolve_embed_options(embed_options);
    const Messages quiet("bench", 0);
    const Messages messages("bench", common.verbosity());

    std::vector<Figure> figures;
    for (const std::string& s : suites) {
        messages.info("running the " + s + " suite");
        if (s == "kmer") kmer_suite(options, params, common.threads + 1, quiet, figures);
        if (s == "distance") distance_suite(options, figures);
    }
    OutputFile output(common.output);
    output.write(render(figures, options.json));
    output.commit();
    return 0;
}

} // namespace ruvec::cli
