// The hnsw suite of `ruvec bench`: an HNSW index of seeded synthetic vectors or of the input's,
// built, saved, loaded and searched, with recall against exact search measured in the same run.
#pragma once

#include "bench_figure.hpp"
#include "common.hpp"
#include "ruvec/index.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ruvec::cli {

// Parameters of one run of the hnsw suite.
struct HnswBenchOptions {
    uint64_t rows = 10000;           // --rows: vectors in the index
    std::string tmpdir;              // --tmpdir: where unkept indexes go (TempDir)
    uint32_t dim = 128;              // --dim: floats per vector
    uint64_t queries = 1000;         // --queries: query vectors, drawn apart from the indexed ones
    int repeats = 3;                 // timed passes per figure (-r)
    int threads = 1;                 // all threads: -@ + 1; searches are also timed at 1
    GraphParams graph{Metric::l2};   // -M, --ef-construction, --metric
    std::string keep;                // --keep: where to save the index; empty: a temporary file
    std::vector<QuantKind> quantize; // --quantize: codes searched after the float vectors
    std::string existing;    // --index: measure this index (made by --keep) instead of building one
    uint64_t data_seed = 42; // seed of the indexed vectors; queries use data_seed + 1
    std::string data = "gaussian"; // --data: gaussian, dna (DnaFamilyRows); input: --input
    // --input: the embedded vectors (embed.dims each), every input_stride-th held out as a query
    std::shared_ptr<const std::vector<float>> input_vectors;
    std::shared_ptr<const std::vector<VecRow>> input_names;
    uint64_t input_stride = 0;
    std::string input_description;
    EmbedParams embed;                // dna: how the sequences are embedded (dims: --dim)
    static constexpr size_t top = 10; // recall@10
};

// The ef of search tried in turn; the sweep stops at the first reaching stop_recall, or at the
// first whose graph search is slower than exact search (no user would pick a larger one).
inline const std::vector<uint32_t> hnsw_bench_efs = {10,   16,   24,   32,   48,   64,  96,
                                                     128,  192,  256,  384,  512,  768, 1024,
                                                     1536, 2048, 3072, 4096, 6144, 8192};
inline constexpr double hnsw_bench_stop_recall = 0.995;
inline const std::vector<double> hnsw_bench_recall_targets = {0.90, 0.95, 0.99};

// What a run found besides its figures: the parameters, the file, and per recall target the
// smallest ef reaching it, as text lines and as one JSON object.
struct HnswBenchReport {
    std::string text; // lines for the table output
    std::string json; // one JSON object
    // One line per swept ef and way of searching, in the columns of ann-benchmarks'
    // data_export.py CSV (ann_benchmarks_csv_header), to plot beside published algorithms.
    std::string ann_benchmarks_csv;
};

inline constexpr const char* ann_benchmarks_csv_header =
    "algorithm,parameters,count,k-nn,qps,p50,p99,build,indexsize,dataset\n";

// Gives `options` the vectors of `inputs` embedded with `params` (every record or window), up to
// options.queries of them held out, evenly spread, as queries; the others are indexed.
void embed_hnsw_input(HnswBenchOptions& options, const std::vector<std::string>& inputs,
                      const EmbedParams& params, int threads, const Messages& quiet);

// Runs the suite, appending its figures; progress goes to `messages` (info, shown with -v).
HnswBenchReport hnsw_suite(const HnswBenchOptions& options, const Messages& messages,
                           std::vector<Figure>& figures);

} // namespace ruvec::cli
