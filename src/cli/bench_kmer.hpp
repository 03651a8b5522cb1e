// The kmer suite of `ruvec bench`: k-mer embedding throughput (Mbp/s and records/s) per ISA and
// thread count, next to the parse-only floor of the same input measured in the same run.
#pragma once

#include "bench_figure.hpp"
#include "common.hpp"
#include "ruvec/embed.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ruvec::cli {

struct KmerBenchOptions {
    std::vector<std::string> inputs; // --input: FASTA/FASTQ; none: synthetic DNA families
    std::string tmpdir;              // --tmpdir: where the synthetic input goes (TempDir)
    EmbedParams params;              // how to embed (the embedding options)
    int max_threads = 1;             // embedding is timed at 1 to max_threads threads
    int repeats = 5;                 // timed repeats per figure, after a warm-up
    uint64_t synthetic_rows = 10000; // without inputs: sequences made (--rows)
    uint64_t seed = 42;              // and their seed (--seed)
};

// Appends the suite's figures ("parse", "parse records", "embed", "embed records"; the embed
// figures' ratio is their time over the parse time) and returns what was read: the inputs, or a
// description of the synthetic sequences (made in a temporary file, removed at the end).
std::string kmer_suite(const KmerBenchOptions& options, const Messages& quiet,
                       std::vector<Figure>& figures);

} // namespace ruvec::cli
