// Which k-mer sampler the read search's candidate index should use (issue 21): for each sampler
// given, builds the k-mer index of the reference records (kmer_index.hpp) beside their packed
// sequence, then for every query finds its candidate regions (candidate_regions.hpp) and ranks
// them by the exact k-mers they share with the query (shared_kmers.hpp), the path the read
// search takes. Writes, per sampler, one line of cost (postings, bytes, build and query time)
// to standard output, and each query's best record (or "*") to OUT_PREFIX.<sampler>.tsv, which
// scripts/sampler-choice.py scores against the truth.
//
// Usage: sampler-choice REFS.fa QUERIES.fq OUT_PREFIX SAMPLER...
//   SAMPLER  kind:k:param, e.g. minimizer:21:11 (w), syncmer:21:11:5 (s, t), fracminhash:21:8 (c)
#include "ruvec/candidate_regions.hpp"
#include "ruvec/error.hpp"
#include "ruvec/io.hpp"
#include "ruvec/kmer_index.hpp"
#include "ruvec/packed_sequences.hpp"
#include "ruvec/seq.hpp"
#include "ruvec/shared_kmers.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

class FileSource : public ByteSource {
public:
    explicit FileSource(const std::string& path) : in_(path, std::ios::binary) {
        if (!in_) throw Error(ErrorKind::io, path + ": cannot open");
    }
    size_t read(char* buffer, size_t capacity) override {
        in_.read(buffer, static_cast<std::streamsize>(capacity));
        return static_cast<size_t>(in_.gcount());
    }

private:
    std::ifstream in_;
};

std::vector<SeqRecord> read_all(const std::string& path) {
    FileSource source(path);
    SeqReader reader(source, path);
    std::vector<SeqRecord> records;
    SeqRecord r;
    while (reader.next(r)) records.push_back(r);
    return records;
}

SamplerParams parse_sampler(const std::string& text) {
    std::vector<std::string> f;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ':');) f.push_back(part);
    SamplerParams p;
    if (f.size() < 3 || !parse_sampler_kind(f[0], p.kind))
        throw Error(ErrorKind::usage, "bad sampler " + text);
    p.k = static_cast<uint32_t>(std::stoul(f[1]));
    const uint32_t param = static_cast<uint32_t>(std::stoul(f[2]));
    if (p.kind == SamplerKind::minimizer) p.w = param;
    if (p.kind == SamplerKind::fracminhash) p.c = param;
    if (p.kind == SamplerKind::syncmer) {
        p.s = param;
        p.t = f.size() > 3 ? static_cast<uint32_t>(std::stoul(f[3])) : (p.k - p.s) / 2;
    }
    check_sampler_params(p);
    return p;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr, "usage: sampler-choice REFS.fa QUERIES.fq OUT_PREFIX SAMPLER...\n");
        return 1;
    }
    try {
        const std::vector<SeqRecord> refs = read_all(argv[1]);
        const std::vector<SeqRecord> queries = read_all(argv[2]);
        PackedSequences sequences;
        for (const SeqRecord& r : refs) sequences.add(r.seq);
        std::printf("sampler\tpostings_per_kbp\tkidx_bytes\tseqs_bytes\tbuild_s\tqueries_per_s\t"
                    "samples_per_query\tregions_per_query\n");
        for (int a = 4; a < argc; ++a) {
            const SamplerParams p = parse_sampler(argv[a]);
            auto start = std::chrono::steady_clock::now();
            KmerIndex::Builder builder(p);
            for (uint32_t r = 0; r < refs.size(); ++r) builder.add(refs[r].seq, sequences.start(r));
            const KmerIndex index = builder.finish(sequences.total_bases(), 1);
            const double build = seconds_since(start);

            std::ofstream out(std::string(argv[3]) + "." + argv[a] + ".tsv");
            start = std::chrono::steady_clock::now();
            std::vector<KmerSample> samples;
            std::vector<CandidateRegion> regions;
            CandidateScratch scratch;
            CandidateOptions options;
            std::string bases;
            uint64_t total_samples = 0, total_regions = 0;
            for (const SeqRecord& q : queries) {
                samples.clear();
                sample_kmers(q.seq, p, samples);
                find_candidates(index, sequences, samples, q.seq.size(), options, scratch, regions);
                total_samples += samples.size();
                total_regions += regions.size();
                QueryKmers kmers(q.seq, p.k, true);
                uint64_t best_shared = 0;
                std::string best = "*";
                for (const CandidateRegion& region : regions) {
                    // The region and a margin for indels, within the record.
                    const uint64_t margin = 16;
                    const uint64_t from = region.start > margin ? region.start - margin : 0;
                    const uint64_t to = std::min(region.end + margin, sequences.length(region.record));
                    sequences.extract(region.record, from, to, bases);
                    const uint64_t shared = kmers.shared_with(bases);
                    if (shared > best_shared) {
                        best_shared = shared;
                        best = refs[region.record].name;
                    }
                }
                out << q.name << '\t' << best << '\n';
            }
            const double query_time = seconds_since(start);
            const double n = static_cast<double>(queries.size());
            std::printf("%s\t%.1f\t%llu\t%llu\t%.3f\t%.0f\t%.1f\t%.1f\n", argv[a],
                        1000.0 * static_cast<double>(index.postings()) /
                            static_cast<double>(sequences.total_bases()),
                        static_cast<unsigned long long>(index.section_bytes()),
                        static_cast<unsigned long long>(sequences.section_bytes()), build,
                        n / query_time, static_cast<double>(total_samples) / n,
                        static_cast<double>(total_regions) / n);
            std::fflush(stdout);
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "sampler-choice: %s\n", e.what());
        return 1;
    }
    return 0;
}
