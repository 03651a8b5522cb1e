// Exact shared k-mers between a query and a stretch of reference: the similarity the candidate
// search ranks by (the k-mers themselves, not hashed into a vector, so no noise), and the
// identity it reports: with c the fraction of the query's distinct k-mers found in the target,
// a base differs with probability d where a k-mer survives with (1 - d)^k, so identity = c^(1/k)
// (as estimate_identity derives from a vector similarity).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ruvec {

class QueryKmers {
public:
    // The distinct canonical k-mers (or, not canonical, forward k-mers) of `query`; bases other
    // than ACGT break k-mers. k in 1..31.
    QueryKmers(std::string_view query, uint32_t k, bool canonical);

    uint32_t k() const noexcept { return k_; }
    uint64_t distinct() const noexcept { return kmers_.size(); } // distinct k-mers of the query

    // How many of the query's distinct k-mers occur in `target`.
    uint64_t shared_with(std::string_view target);

    // c^(1/k) for c = shared / distinct(); 0 when the query has no k-mer.
    double identity(uint64_t shared) const;

private:
    uint32_t k_;
    bool canonical_;
    // Where k-mer `kmer` is in kmers_, or UINT32_MAX when the query lacks it.
    uint32_t find(uint64_t kmer) const noexcept;

    std::vector<uint64_t> kmers_;    // distinct, in the order they first occur in the query
    std::vector<uint8_t> found_;     // per k-mer of kmers_: seen in the current target
    std::vector<uint32_t> touched_;  // indexes set in found_, to clear them
    // An open-addressing table of kmers_ (at most half full), so that each k-mer of a target is
    // looked up in about one probe: slots hold k-mer + 1 (0: empty) and its index in kmers_.
    std::vector<uint64_t> slot_kmers_;
    std::vector<uint32_t> slot_index_;
    unsigned slot_shift_ = 63; // 64 - log2(slots)
};

} // namespace ruvec
