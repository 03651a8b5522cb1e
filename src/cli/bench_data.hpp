// Synthetic vectors for `ruvec bench hnsw` (and sequences for its kmer suite), the same on every
// machine for the same seed: independent Gaussian vectors (the hardest case for a graph: no
// structure), or k-mer vectors of random DNA in families of mutated copies (structure like real
// sequence collections, where a query's nearest neighbours are its relatives, so recall means
// something).
#pragma once

#include "ruvec/embed.hpp"
#include "ruvec/vecfile.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace ruvec::cli {

// A stream of rows: fill() replaces `out` with the next `rows` vectors.
class BenchRows {
public:
    virtual ~BenchRows() = default;
    virtual void fill(std::vector<float>& out, uint64_t rows) = 0;
    // The name of row `i` of the stream in an index: "v<i>" for synthetic rows.
    virtual VecRow name(uint64_t i) const { return {"v" + std::to_string(i), 0, 1}; }
};

// Standard normal values from std::mt19937_64(seed).
class GaussianRows final : public BenchRows {
public:
    GaussianRows(uint32_t dim, uint64_t seed) : dim_(dim), engine_(seed) {}
    void fill(std::vector<float>& out, uint64_t rows) override;

private:
    uint32_t dim_;
    std::mt19937_64 engine_;
    std::normal_distribution<float> normal_{0.0f, 1.0f};
};

// Random DNA in families: `family_size` members per family, each the family's random ancestor
// of `length` bases with substitutions at 0.5%, 1%, ... 5% (member m: 0.5% x (1 + m % 10)),
// embedded with `params`. Row i is member i % family_size of family i / family_size. As
// queries (`queries` true), row j is a new copy at 2% of the ancestor of a family drawn at
// random among `families`: its nearest rows are its family's members. Everything derives from
// the seed and the row number, so rows can be made in any chunks.
class DnaFamilyRows final : public BenchRows {
public:
    static constexpr uint32_t family_size = 10;
    static constexpr uint32_t length = 1000;
    DnaFamilyRows(const EmbedParams& params, uint64_t seed, uint64_t families, bool queries);
    void fill(std::vector<float>& out, uint64_t rows) override;
    // The family of row `row` of this stream.
    uint64_t family_of(uint64_t row) const;
    // The bases of row `row`, before embedding.
    std::string sequence(uint64_t row) const;

private:
    std::string ancestor(uint64_t family) const;

    Embedder embedder_;
    uint64_t seed_, families_;
    bool queries_;
    uint64_t next_ = 0; // rows made so far
};

// Vectors embedded from the user's sequences (--input), split as ann-benchmarks splits a dataset:
// every `stride`-th row (rows stride-1, 2 stride-1, ...) is held out as a query, the others are
// indexed, each in input order.
class HeldOutRows final : public BenchRows {
public:
    HeldOutRows(std::shared_ptr<const std::vector<float>> vectors,
                std::shared_ptr<const std::vector<VecRow>> names, uint32_t dims, uint64_t stride,
                bool queries);
    void fill(std::vector<float>& out, uint64_t rows) override;
    VecRow name(uint64_t i) const override;
    // How many of `total` rows are held out with `stride`, and the stride that holds out at most
    // `queries` of them, as many as it can (at least 2: half of the rows at most).
    static uint64_t held_out(uint64_t total, uint64_t stride) { return total / stride; }
    static uint64_t stride_for(uint64_t total, uint64_t queries) {
        const uint64_t q = std::max<uint64_t>(queries, 1);
        return std::max<uint64_t>(2, (total + q - 1) / q);
    }

private:
    // The input row of row `i` of this stream.
    uint64_t source_row(uint64_t i) const {
        return queries_ ? (i + 1) * stride_ - 1 : i + i / (stride_ - 1);
    }

    std::shared_ptr<const std::vector<float>> vectors_;
    std::shared_ptr<const std::vector<VecRow>> names_;
    uint32_t dims_;
    uint64_t stride_;
    bool queries_;
    uint64_t next_ = 0; // rows of this stream made so far
};

// "N(0,1) vectors ..." or "k-mer vectors of random DNA families ...": what a run measured.
std::string describe_bench_data(const std::string& kind, uint64_t seed);

} // namespace ruvec::cli
