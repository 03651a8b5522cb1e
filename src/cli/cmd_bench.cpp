// ruvec bench: options, the order of the suites (bench_kmer, bench_distance, bench_quantize,
// bench_hnsw .cpp) and their figures as a table or JSON. Figures are medians of repeats after a
// warm-up, with min and max, since machines are noisy.
#include "bench_distance.hpp"
#include "bench_hnsw.hpp"
#include "bench_kmer.hpp"
#include "bench_quantize.hpp"
#include "commands.hpp"
#include "common.hpp"
#include "embed_options.hpp"
#include "file_source.hpp"
#include "output.hpp"
#include "ruvec/error.hpp"
#include "ruvec/index.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/version.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
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
    size_t rows = 10000;                               // --rows: batch rows; vectors in the index
    bool json = false;                                 // --json
    HnswBenchOptions index;                            // the hnsw suite's own (repeats: fewer)
};

// The JSON key of a figure's ratio and its note in the table; a null key: no ratio.
const char* ratio_key(const Figure& f) {
    if (std::isnan(f.ratio)) return nullptr;
    if (f.suite == "kmer") return "time_vs_parse";
    if (f.suite == "quantize") return "speedup_vs_float";
    return f.suite == "distance" ? "speedup_vs_scalar" : "speedup_vs_exact";
}

const char* ratio_note(const Figure& f) {
    if (f.suite == "kmer") return f.name.compare(0, 5, "parse") == 0 ? "" : "x parse time";
    if (f.suite == "quantize") return "x float";
    return f.suite == "distance" ? "x scalar" : "x exact";
}

std::string render(const std::vector<Figure>& figures, const std::vector<HnswBenchReport>& runs,
                   const std::string& kmer_input, bool json) {
    std::ostringstream out;
    char line[320];
    if (json) {
        out << "{\"ruvec\": \"" << RUVEC_VERSION << "\", \"best_isa\": \""
            << simd::isa_name(simd::best_isa()) << "\"";
        if (!kmer_input.empty()) out << ", \"kmer_input\": \"" << json_escape(kmer_input) << "\"";
        out << ", \"results\": [\n";
        for (size_t i = 0; i < figures.size(); ++i) {
            const Figure& f = figures[i];
            const char* key = ratio_key(f);
            std::string extra;
            if (f.ef) extra += ", \"ef\": " + std::to_string(f.ef);
            if (key) {
                char ratio[64];
                std::snprintf(ratio, sizeof ratio, ", \"%s\": %.4g", key, f.ratio);
                extra += ratio;
            }
            std::snprintf(line, sizeof line,
                          "  {\"suite\": \"%s\", \"name\": \"%s\", \"isa\": \"%s\", "
                          "\"threads\": %d, \"dim\": %zu, \"median\": %.6g, \"min\": %.6g, "
                          "\"max\": %.6g, \"unit\": \"%s\"%s}%s\n",
                          json_escape(f.suite).c_str(), json_escape(f.name).c_str(), f.isa.c_str(),
                          f.threads, f.dim, f.median, f.min, f.max, f.unit.c_str(), extra.c_str(),
                          i + 1 < figures.size() ? "," : "");
            out << line;
        }
        out << "]";
        if (!runs.empty()) {
            out << ",\n\"hnsw_runs\": [\n";
            for (size_t i = 0; i < runs.size(); ++i)
                out << "  " << runs[i].json << (i + 1 < runs.size() ? ",\n" : "\n");
            out << "]";
        }
        out << "}\n";
        return out.str();
    }
    std::snprintf(line, sizeof line, "%-9s %-17s %-9s %7s %6s %12s %12s %12s %-9s %s\n", "suite",
                  "name", "isa", "threads", "dim", "median", "min", "max", "unit", "ratio");
    out << line;
    for (const Figure& f : figures) {
        const std::string name = f.ef ? f.name + " ef=" + std::to_string(f.ef) : f.name;
        char ratio[64] = "-";
        if (ratio_key(f)) std::snprintf(ratio, sizeof ratio, "%.2f%s", f.ratio, ratio_note(f));
        std::snprintf(line, sizeof line, "%-9s %-17s %-9s %7d %6zu %12.4g %12.4g %12.4g %-9s %s\n",
                      f.suite.c_str(), name.c_str(), f.isa.c_str(), f.threads, f.dim, f.median,
                      f.min, f.max, f.unit.c_str(), ratio);
        out << line;
    }
    for (const HnswBenchReport& run : runs) out << "\n" << run.text;
    return out.str();
}

struct BenchCli {
    CommonOptions common;
    EmbedOptions embed;
    BenchOptions options;
    std::vector<size_t> dims;                                            // --dim, as typed
    std::vector<std::string> suites;                                     // the operands
    std::string metric = metric_name(BenchOptions{}.index.graph.metric); // --metric, as typed
    std::string ann_benchmarks;                                          // --ann-benchmarks
    std::vector<std::string> quantize;                                   // --quantize
    bool repeats_given = false, rows_given = false, data_given = false;
};

CommandSpec bench_spec(BenchCli& cli) {
    const BenchOptions d;
    BenchOptions& o = cli.options;
    HnswBenchOptions& h = o.index;
    std::vector<std::string> default_dims;
    for (size_t dim : d.dims) default_dims.push_back(std::to_string(dim));
    OptionGroup embedding = embedding_options(cli.embed);
    embedding.title = "Embedding options of the kmer suite (and hnsw on --input or --data dna):";
    OptionGroup general = general_options(cli.common, bench_common);
    general.note = "  (-@ N measures embedding at 1 to N+1 threads, builds the index with N+1\n"
                   "  threads and searches it with 1 and with N+1)\n";
    const std::string description =
        "Measures on this machine, each figure the median of -r repeats after a warm-up:\n"
        "  kmer      embedding throughput (Mbp/s, records/s) per ISA and thread count,\n"
        "            next to merely reading and parsing the same input (the floor of a\n"
        "            streaming tool):\n"
        "            --input, or --rows random 1 kbp sequences in families of 10 copies\n"
        "            at 0.5-5% substitutions (--seed)\n"
        "  distance  ns per call of each SIMD kernel per ISA, and the speed-up over scalar\n"
        "  quantize  per --dim, for sq8, pq and binary codes of --rows unit Gaussian vectors:\n"
        "            training time (pq: " +
        std::to_string(QuantizeBenchOptions().iterations) +
        " k-means iterations), encoding rate, query preparation\n"
        "            (lookup tables) and the scan of every code, next to the float scan\n"
        "  hnsw      (or index) an HNSW index of --rows seeded vectors (--data) per --dim,\n"
        "            built once (build rate, peak RSS, file size), loaded (warm page cache)\n"
        "            and searched: exact QPS, then recall@1, recall@10, QPS and latency\n"
        "            per ef until recall@10 >= " +
        std::to_string(hnsw_bench_stop_recall).substr(0, 5) +
        "\n"
        "With no suite named, kmer and distance run.\n";
    return {"bench",
            {"[options] [kmer] [distance] [quantize] [hnsw]"},
            description,
            {{"Bench options:",
              {option("--input", "FILE", o.inputs,
                      "FASTA/FASTQ (repeatable): the kmer suite's input; the hnsw\n"
                      "suite indexes its vectors (embedding options below), up to\n"
                      "--queries of them held out, evenly spread, as queries"),
               option("-r,--repeats", "INT", o.repeats,
                      "timed repeats per figure [" + std::to_string(d.repeats) +
                          "; hnsw: " + std::to_string(d.index.repeats) + "]")
                   .check(range(1, 1000))
                   .given(&cli.repeats_given),
               option("--dim", "INT", cli.dims,
                      "vector size (repeatable) [distance, quantize: " + join_words(default_dims) +
                          ";\nhnsw: " + std::to_string(d.index.dim) + "]")
                   .check(range(1, 1 << 20)),
               option("--rows,--n", "INT", o.rows,
                      "rows of the 1-vs-N batch kernels; vectors quantized; vectors in\n"
                      "the index; sequences of the kmer suite without --input [" +
                          std::to_string(d.rows) + "]")
                   .check(range(1, 10'000'000))
                   .given(&cli.rows_given),
               flag("--json", o.json, "JSON instead of a table"),
               option("--tmpdir", "DIR", h.tmpdir,
                      "scratch files (the synthetic input, indexes not kept) go in a\n"
                      "directory made and removed under DIR [$TMPDIR, or /tmp]")},
              ""},
             {"hnsw suite options:",
              {option("--queries", "INT", h.queries,
                      "query vectors, drawn apart from the indexed ones [" +
                          std::to_string(d.index.queries) + "]")
                   .check(range(1, 10'000'000)),
               option("--metric", "STR", cli.metric,
                      std::string("l2, cosine or ip (inner product) [") +
                          metric_name(d.index.graph.metric) + "]"),
               option("-M", "INT", h.graph.M,
                      "links per node, 2 M on the bottom level [" +
                          std::to_string(d.index.graph.M) + "]")
                   .check(not_negative()),
               option("--ef-construction", "INT", h.graph.ef_construction,
                      "\ncandidates considered when linking a vector [" +
                          std::to_string(d.index.graph.ef_construction) + "]")
                   .check(not_negative()),
               option("--keep", "FILE", h.keep,
                      "save the index as FILE and keep it [a temporary file, removed]"),
               option("--index", "FILE", h.existing,
                      "measure FILE (an index kept with --keep) instead of building one"),
               option("--ann-benchmarks", "FILE", cli.ann_benchmarks,
                      "also write recall@10, QPS, latency, build time and\n"
                      "memory per ef as the CSV of ann-benchmarks' data_export.py"),
               option("--seed", "INT", h.data_seed,
                      "seed of the synthetic rows and sequences; queries use seed + 1 [" +
                          std::to_string(d.index.data_seed) + "]")
                   .check(not_negative()),
               option("--data", "STR", h.data,
                      "gaussian: N(0,1) vectors; dna: k-mer vectors (-k, --weight) of\n"
                      "random 1 kbp sequences in families of 10 copies at 0.5-5%\n"
                      "substitutions, queried by new 2% copies [" +
                          d.index.data + "]")
                   .given(&cli.data_given),
               option("--quantize", "LIST", cli.quantize,
                      "then quantize it (sq8,pq,binary, comma-separated) and measure\n"
                      "the graph walked by codes, without and with re-ranking")
                   .split_on(',')},
              ""},
             embedding,
             general},
            "suites",
            &cli.suites};
}

} // namespace

void bench_usage(std::FILE* out) {
    BenchCli cli;
    print_usage(out, bench_spec(cli));
}

int bench_main(int argc, char** argv) {
    BenchCli cli;
    parse_arguments(bench_spec(cli), argc, argv);
    const CommonOptions& common = cli.common;
    BenchOptions& options = cli.options;
    const std::vector<size_t>& dims = cli.dims;
    std::vector<std::string>& suites = cli.suites;
    const std::string& ann_benchmarks = cli.ann_benchmarks;
    if (common.help) {
        bench_usage(stdout);
        return 0;
    }
    if (suites.empty()) suites = {"kmer", "distance"};
    for (std::string& s : suites) {
        if (s == "index") s = "hnsw"; // what it measures, by the command's name
        if (s != "kmer" && s != "distance" && s != "quantize" && s != "hnsw")
            throw Error(ErrorKind::usage,
                        "unknown suite '" + s + "' (kmer, distance, quantize or hnsw)");
    }
    const bool hnsw = std::find(suites.begin(), suites.end(), "hnsw") != suites.end();
    const EmbedParams params = resolve_embed_options(cli.embed);
    if (!ann_benchmarks.empty() && !hnsw)
        throw Error(ErrorKind::usage, "--ann-benchmarks writes the hnsw suite's results: run it");
    if (options.index.data != "gaussian" && options.index.data != "dna")
        throw Error(ErrorKind::usage,
                    "unknown --data '" + options.index.data + "' (gaussian or dna)");
    options.index.embed = params; // dna: -k, --weight, --no-canonical; dims from --dim
    std::vector<size_t> index_dims = {options.index.dim};
    if (!dims.empty()) options.dims = index_dims = dims;
    if (!parse_metric(cli.metric, options.index.graph.metric))
        throw Error(ErrorKind::usage, "unknown --metric '" + cli.metric + "' (l2, cosine or ip)");
    check_graph_params(options.index.graph);
    for (const std::string& type : cli.quantize) {
        QuantKind kind;
        if (!parse_quant_kind(type, kind) || kind == QuantKind::none)
            throw Error(ErrorKind::usage, "unknown --quantize '" + type + "' (sq8, pq or binary)");
        options.index.quantize.push_back(kind);
    }
    for (size_t dim : index_dims)
        if (hnsw && (dim < min_dims || dim > max_dims))
            throw Error(ErrorKind::usage, "--dim of the hnsw suite must be " +
                                              std::to_string(min_dims) + ".." +
                                              std::to_string(max_dims));
    if (hnsw && !options.index.keep.empty() && index_dims.size() > 1)
        throw Error(ErrorKind::usage, "--keep saves one index: give one --dim");
    options.index.rows = options.rows;
    if (!options.index.existing.empty()) {
        // Its rows, dims and graph parameters are the file's.
        if (!options.index.keep.empty() || dims.size() > 0 || cli.rows_given)
            throw Error(ErrorKind::usage, "--index measures that file: leave out --keep, --dim "
                                          "and --rows");
        const Index probe = Index::load(FileSource(options.index.existing), options.index.existing);
        if (probe.quantizer())
            throw Error(ErrorKind::usage, options.index.existing +
                                              " is quantized: give the float index (--quantize "
                                              "quantizes it here)");
        options.index.rows = probe.rows();
        options.index.embed = probe.embed_params();
        options.index.graph = probe.graph_params();
        index_dims = {probe.embed_params().dims};
    }
    const bool hnsw_on_input = hnsw && !options.inputs.empty();
    if (hnsw_on_input) {
        // The input's own vectors, of the embedding options' size; some held out as queries.
        if (!options.index.existing.empty() || cli.data_given || cli.rows_given)
            throw Error(ErrorKind::usage, "--input gives the hnsw suite its rows and queries: "
                                          "leave out --index, --data and --rows");
        index_dims = {params.dims};
        options.index.data = "input";
    }
    options.index.threads = common.threads + 1;
    if (cli.repeats_given) options.index.repeats = options.repeats;
    const Messages quiet("bench", 0);
    const Messages messages("bench", common.verbosity());
    install_cleanup_signal_handlers(); // the hnsw suite's index file, if interrupted

    std::vector<Figure> figures;
    std::vector<HnswBenchReport> index_runs;
    std::string kmer_input;           // what the kmer suite read
    OutputFile output(common.output); // fails now, not after the work, if it cannot be written
    std::optional<OutputFile> ann_output;
    if (!ann_benchmarks.empty()) ann_output.emplace(ann_benchmarks);
    for (const std::string& s : suites) {
        messages.info("running the " + s + " suite");
        if (s == "kmer") {
            KmerBenchOptions run;
            run.inputs = options.inputs;
            run.tmpdir = options.index.tmpdir;
            run.params = params;
            run.max_threads = common.threads + 1;
            run.repeats = options.repeats;
            run.synthetic_rows = options.rows;
            run.seed = options.index.data_seed;
            kmer_input = kmer_suite(run, quiet, figures);
            messages.info("kmer suite input: " + kmer_input);
        }
        if (s == "distance") distance_suite({options.dims, options.rows, options.repeats}, figures);
        if (s == "quantize") {
            QuantizeBenchOptions run;
            run.dims = options.dims;
            run.rows = options.rows;
            run.repeats = options.repeats;
            quantize_suite(run, figures);
        }
        if (s == "hnsw" && hnsw_on_input)
            embed_hnsw_input(options.index, options.inputs, params, common.threads, quiet);
        if (s == "hnsw")
            for (size_t dim : index_dims) {
                HnswBenchOptions run = options.index;
                run.dim = static_cast<uint32_t>(dim);
                index_runs.push_back(hnsw_suite(run, messages, figures));
            }
    }
    output.write(render(figures, index_runs, kmer_input, options.json));
    output.commit();
    if (ann_output) {
        ann_output->write(ann_benchmarks_csv_header);
        for (const HnswBenchReport& run : index_runs) ann_output->write(run.ann_benchmarks_csv);
        ann_output->commit();
    }
    return 0;
}

} // namespace ruvec::cli
