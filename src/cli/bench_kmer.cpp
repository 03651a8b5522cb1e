// The kmer suite of `ruvec bench`. Its floor reads and parses the input through the same reader
// as embedding (decompression included) and throws the records away; without --input, the input
// is random DNA in families of mutated copies (bench_data.hpp), so k-mers repeat as in real
// collections.
#include "bench_kmer.hpp"

#include "batch_reader.hpp"
#include "bench_data.hpp"
#include "embed_pipeline.hpp"
#include "output.hpp"
#include "temp_dir.hpp"
#include "ruvec/simd.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

namespace ruvec::cli {

namespace {

struct ParseCount {
    uint64_t records = 0, bases = 0;
};

// Reads and parses every record, as embedding does, and throws the records away.
ParseCount parse_only(const std::vector<std::string>& inputs, int threads) {
    BatchReader reader(inputs, 16'000'000, 65'536, threads);
    SeqBatch batch;
    ParseCount count;
    while (reader.next(batch)) {
        count.records += batch.size;
        count.bases += batch.bases;
    }
    return count;
}

// A figure per unit of work: Mbp/s named `name`, records/s named `name records`.
void push_rates(std::vector<Figure>& figures, const std::string& name, const std::string& isa,
                int threads, size_t dims, const ParseCount& work, const Spread& seconds,
                double ratio) {
    const double mbp = static_cast<double>(work.bases) / 1e6;
    const double records = static_cast<double>(work.records);
    figures.push_back({"kmer", name, isa, threads, dims, mbp / seconds.median, mbp / seconds.max,
                       mbp / seconds.min, "Mbp/s", ratio});
    figures.push_back({"kmer", name + " records", isa, threads, dims, records / seconds.median,
                       records / seconds.max, records / seconds.min, "records/s", ratio});
}

// The kmer suite's input without --input: `rows` random sequences of DnaFamilyRows (families of
// mutated copies, so that the k-mer counts repeat as in real collections), as FASTA.
void write_synthetic_fasta(const std::string& path, const EmbedParams& params, uint64_t rows,
                           uint64_t seed) {
    const uint64_t families = (rows + DnaFamilyRows::family_size - 1) / DnaFamilyRows::family_size;
    const DnaFamilyRows dna(params, seed, families, false);
    OutputFile out(path);
    std::string record;
    for (uint64_t row = 0; row < rows; ++row) {
        record = ">family" + std::to_string(dna.family_of(row)) + "_copy" +
                 std::to_string(row % DnaFamilyRows::family_size) + "\n" + dna.sequence(row) + "\n";
        out.write(record);
    }
    out.commit();
}

void time_kmer_embedding(const std::vector<std::string>& inputs, const KmerBenchOptions& options,
                         const Messages& quiet, std::vector<Figure>& figures) {
    const EmbedParams& params = options.params;
    float sink = 0;
    auto embed_run = [&](int threads) {
        return embed_inputs(inputs, params, threads - 1, quiet, false,
                            [&](const VecRow&, const float* v) { sink += v[0]; })
            .bases;
    };
    const ParseCount work = parse_only(inputs, 0); // warm-up: the file into the page cache
    embed_run(1);
    std::vector<double> parse_seconds;
    for (int r = 0; r < options.repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        parse_only(inputs, 0);
        parse_seconds.push_back(seconds_since(start));
    }
    const Spread parse = spread(parse_seconds);
    push_rates(figures, "parse", "-", 1, params.dims, work, parse, 1.0);
    for (simd::Isa isa : simd::all_isas) {
        if (!simd::isa_supported(isa)) continue;
        simd::select_isa(isa);
        for (int threads = 1; threads <= options.max_threads; ++threads) {
            std::vector<double> seconds;
            for (int r = 0; r < options.repeats; ++r) {
                const auto start = std::chrono::steady_clock::now();
                embed_run(threads);
                seconds.push_back(seconds_since(start));
            }
            const Spread s = spread(seconds);
            push_rates(figures, "embed", simd::isa_name(isa), threads, params.dims, work, s,
                       s.median / parse.median);
        }
    }
    simd::select_isa(simd::best_isa());
    if (sink == 12345.678f) std::fputc(' ', stderr); // keeps the work observable
}

} // namespace

std::string kmer_suite(const KmerBenchOptions& options, const Messages& quiet,
                       std::vector<Figure>& figures) {
    std::optional<TempDir> synthetic;
    std::vector<std::string> inputs = options.inputs;
    std::string what;
    if (inputs.empty()) {
        synthetic.emplace(options.tmpdir);
        inputs = {synthetic->file("synthetic.fa")};
        write_synthetic_fasta(inputs[0], options.params, options.synthetic_rows, options.seed);
        what = std::to_string(options.synthetic_rows) + " random sequences in families of " +
               std::to_string(DnaFamilyRows::family_size) + " copies of a " +
               std::to_string(DnaFamilyRows::length) +
               " bp ancestor at 0.5-5% substitutions (SplitMix64 seed " +
               std::to_string(options.seed) + ")";
    } else {
        what = join_words(inputs);
    }
    time_kmer_embedding(inputs, options, quiet, figures);
    return what;
}

} // namespace ruvec::cli
