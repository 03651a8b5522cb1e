// Deterministic samples of a sequence's canonical k-mers: the keys of the k-mer candidate index.
// A query and a reference that share a stretch of sequence share the samples inside it, and
// they agree on a diagonal (reference position - query position) where the stretch lies.
//
// Three samplers, each a function of the k-mers alone (never of the thread count or of where
// a sequence was cut into batches):
// - minimizers (minimap2, Roberts et al. 2004): the k-mer of smallest hash in every window of w
//   consecutive k-mers; at least one sample in every w k-mers, about 2 / (w + 1) of them;
// - open syncmers (Edgar 2021): the k-mers whose smallest s-mer (by hash, canonical) starts at
//   offset t; about 1 / (k - s + 1) of them. Whether a k-mer is sampled depends on its bases
//   alone, so a sequencing error changes only the samples of the k-mers it lies in;
// - FracMinHash (Irber et al. 2022, as sourmash scaled): the k-mers whose hash is below 2^64 / c;
//   1 / c of them, also decided by the k-mer alone, with no bound on the gap between samples.
//
// Hashes are ruvec::simd::kmer_hash of the canonical k-mer (a bijection: distinct k-mers never
// share a hash), seeded, so a key identifies its k-mer exactly.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ruvec {

enum class SamplerKind : uint8_t {
    minimizer = 0,
    syncmer = 1,
    fracminhash = 2,
};
const char* sampler_kind_name(SamplerKind kind); // "minimizer", "syncmer", "fracminhash"
bool parse_sampler_kind(std::string_view name, SamplerKind& kind);

// The defaults: open syncmers of k 21, s 11, t 5, about 1 k-mer in 11. scripts/sampler-choice.py
// measured every sampler on ../shared/data (31 Mbp) and a 5.6 Mbp subset, 150 bp reads with 1%
// errors, candidates ranked by exact shared k-mers: at 1 in 11 all three gave the same reads'
// species top-1 (0.9988-0.9990 of 5,200, minimap2 -x sr 0.9898); at 1 in 16 syncmers kept it
// where minimizers fell to 0.9965 and FracMinHash to 0.9948 (0.4% of reads without a sample).
// Syncmers are decided by the k-mer alone, so an error costs only the k-mers it lies in (a
// minimizer also moves in the windows around it), and they are spread out, where FracMinHash
// leaves gaps that swallow a whole read. 1 in 11 rather than 16: on 50,000 reads of the same
// collection (scripts/bench-scale.sh --reads 50000) 1 in 16 left 0.09% of the reads without a
// hit and put 0.9987 in the right species, 1 in 11 none and 0.9996, minimap2 -x sr's, for an
// index 1.4 times larger (0.58 of minimap2's). README, "Choosing the k-mer sampler".
struct SamplerParams {
    SamplerKind kind = SamplerKind::syncmer;
    uint32_t k = 21;         // k-mer length, 1..31 (odd k: no k-mer is its own reverse complement)
    uint32_t w = 10;         // minimizer: k-mers per window, 1..256
    uint32_t s = 11;         // syncmer: s-mer length, 1..k
    uint32_t t = 5;          // syncmer: offset of the smallest s-mer, 0..k - s (in the canonical
                             // k-mer; near the middle, (k - s) / 2, conserves most: Shaw & Yu 2022)
    uint32_t c = 16;         // fracminhash: keep 1 k-mer in c, 1..2^31
    uint64_t seed = 0x7275766563000001ULL; // of the k-mer (and s-mer) hash
};

// Throws Error(usage) naming the parameter out of range.
void check_sampler_params(const SamplerParams& params);

// The default sampler for k-mers of length k (1..31): open syncmers keeping about 1 k-mer in 11
// (s = k - 10, t in the middle), the defaults above at k 21; for k below 11, s is 1.
SamplerParams default_sampler(uint32_t k);

// One sampled k-mer.
struct KmerSample {
    uint64_t hash;     // kmer_hash of the canonical k-mer
    uint64_t position; // of the k-mer's first base in the sequence
    bool reverse;      // the canonical k-mer is the reverse complement of the bases there
};

// Appends the samples of `seq` to `out`, positions increasing. Bases other than ACGT break
// k-mers (base_codes.hpp); a minimizer window or a syncmer never spans such a base. The samples
// of the reverse complement of `seq` are the same k-mers, at mirrored positions, the other
// strand: for syncmers and FracMinHash always, for minimizers unless a window's smallest
// hash is that of a k-mer occurring twice in it (each strand then keeps its leftmost copy).
void sample_kmers(std::string_view seq, const SamplerParams& params, std::vector<KmerSample>& out);

} // namespace ruvec
