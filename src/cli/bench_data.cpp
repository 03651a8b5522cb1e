// Synthetic rows for ruvec bench hnsw and sequences for its kmer suite. The DNA families use
// SplitMix64 keyed by the seed and the row (or family) number, so that any row is made alone,
// identically everywhere.
#include "bench_data.hpp"

#include "ruvec/error.hpp"
#include "ruvec/splitmix.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

namespace ruvec::cli {

namespace {

constexpr char bases[] = "ACGT";

} // namespace

void GaussianRows::fill(std::vector<float>& out, uint64_t rows) {
    out.resize(rows * dim_);
    for (float& x : out) x = normal_(engine_);
}

DnaFamilyRows::DnaFamilyRows(const EmbedParams& params, uint64_t seed, uint64_t families,
                             bool queries)
    : embedder_(params), seed_(seed), families_(families), queries_(queries) {
    if (families == 0) throw Error(ErrorKind::usage, "DNA families need at least one family");
}

std::string DnaFamilyRows::ancestor(uint64_t family) const {
    SplitMix64 random(mix64(seed_ ^ mix64(family)));
    std::string seq(length, 'A');
    for (uint32_t i = 0; i < length; i += 32) {
        uint64_t draw = random.next();
        for (uint32_t j = i; j < std::min(length, i + 32); ++j, draw >>= 2)
            seq[j] = bases[draw & 3];
    }
    return seq;
}

uint64_t DnaFamilyRows::family_of(uint64_t row) const {
    if (!queries_) return row / family_size;
    return mix64(mix64(seed_ + 1) ^ row) % families_;
}

std::string DnaFamilyRows::sequence(uint64_t row) const {
    std::string seq = ancestor(family_of(row));
    const double rate = queries_ ? 0.02 : 0.005 * static_cast<double>(1 + row % family_size);
    SplitMix64 random(mix64(mix64(seed_ + (queries_ ? 2 : 3)) ^ row));
    for (char& base : seq)
        if (random.uniform() < rate) {
            // One of the three other bases.
            const uint32_t now = static_cast<uint32_t>(std::string_view(bases).find(base));
            base = bases[(now + 1 + random.next() % 3) & 3];
        }
    return seq;
}

void DnaFamilyRows::fill(std::vector<float>& out, uint64_t rows) {
    const uint32_t dims = embedder_.params().dims;
    out.resize(rows * dims);
    for (uint64_t i = 0; i < rows; ++i, ++next_)
        if (embedder_.embed(sequence(next_), &out[i * dims]) == 0)
            throw Error(ErrorKind::input, "a random sequence gave no k-mer vector");
}

HeldOutRows::HeldOutRows(std::shared_ptr<const std::vector<float>> vectors,
                         std::shared_ptr<const std::vector<VecRow>> names, uint32_t dims,
                         uint64_t stride, bool queries)
    : vectors_(std::move(vectors)), names_(std::move(names)), dims_(dims), stride_(stride),
      queries_(queries) {}

void HeldOutRows::fill(std::vector<float>& out, uint64_t rows) {
    out.resize(rows * dims_);
    for (uint64_t i = 0; i < rows; ++i, ++next_) {
        const uint64_t source = source_row(next_);
        if (source >= names_->size())
            throw Error(ErrorKind::usage, "more rows asked of the input than it has");
        std::copy_n(vectors_->data() + source * dims_, dims_, out.data() + i * dims_);
    }
}

VecRow HeldOutRows::name(uint64_t i) const {
    return (*names_)[source_row(i)];
}

std::string describe_bench_data(const std::string& kind, uint64_t seed) {
    if (kind == "dna")
        return "k-mer vectors of random DNA, families of " +
               std::to_string(DnaFamilyRows::family_size) + " copies of a " +
               std::to_string(DnaFamilyRows::length) +
               " bp ancestor at 0.5-5% substitutions, queries new 2% copies (SplitMix64 seed " +
               std::to_string(seed) + ")";
    return "N(0,1) vectors from std::mt19937_64 seeds " + std::to_string(seed) + " (rows) and " +
           std::to_string(seed + 1) + " (queries)";
}

} // namespace ruvec::cli
