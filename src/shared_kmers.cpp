#include "ruvec/shared_kmers.hpp"

#include "ruvec/base_codes.hpp"

#include <algorithm>
#include <cmath>

namespace ruvec {

namespace {

// Calls emit(k-mer) for every whole k-mer of seq, canonical or forward.
template <class Emit> void for_each_kmer(std::string_view seq, uint32_t k, bool canonical, Emit&& emit) {
    const uint64_t mask = (uint64_t{1} << (2 * k)) - 1;
    const unsigned rc_shift = 2 * (k - 1);
    uint64_t forward = 0, reverse = 0;
    uint32_t run = 0;
    for (char base : seq) {
        const uint64_t code = base_code(base);
        if (code > 3) {
            run = 0;
            continue;
        }
        forward = ((forward << 2) | code) & mask;
        reverse = (reverse >> 2) | ((3 - code) << rc_shift);
        run += run < k;
        if (run == k) emit(canonical ? std::min(forward, reverse) : forward);
    }
}

} // namespace

QueryKmers::QueryKmers(std::string_view query, uint32_t k, bool canonical)
    : k_(k), canonical_(canonical) {
    // Every k-mer first (their count sizes the table), then each kept once, in the order they
    // first occur: a table at most half full, without sorting (this runs for every query).
    for_each_kmer(query, k, canonical, [&](uint64_t kmer) { kmers_.push_back(kmer); });
    unsigned bits = 1;
    while ((size_t{1} << bits) < 2 * kmers_.size()) ++bits;
    slot_shift_ = 64 - bits;
    slot_kmers_.assign(size_t{1} << bits, 0);
    slot_index_.assign(size_t{1} << bits, 0);
    const size_t mask = slot_kmers_.size() - 1;
    size_t distinct = 0;
    for (size_t i = 0; i < kmers_.size(); ++i) {
        const uint64_t kmer = kmers_[i];
        size_t slot = (kmer * 0x9E3779B97F4A7C15ull) >> slot_shift_;
        while (slot_kmers_[slot] != 0 && slot_kmers_[slot] != kmer + 1) slot = (slot + 1) & mask;
        if (slot_kmers_[slot] != 0) continue; // seen before
        slot_kmers_[slot] = kmer + 1;
        slot_index_[slot] = static_cast<uint32_t>(distinct);
        kmers_[distinct++] = kmer;
    }
    kmers_.resize(distinct);
    found_.assign(distinct, 0);
}

uint32_t QueryKmers::find(uint64_t kmer) const noexcept {
    const size_t mask = slot_kmers_.size() - 1;
    for (size_t slot = (kmer * 0x9E3779B97F4A7C15ull) >> slot_shift_;; slot = (slot + 1) & mask) {
        if (slot_kmers_[slot] == kmer + 1) return slot_index_[slot];
        if (slot_kmers_[slot] == 0) return UINT32_MAX;
    }
}

uint64_t QueryKmers::shared_with(std::string_view target) {
    uint64_t shared = 0;
    for_each_kmer(target, k_, canonical_, [&](uint64_t kmer) {
        const uint32_t i = find(kmer);
        if (i == UINT32_MAX || found_[i]) return;
        found_[i] = 1;
        touched_.push_back(i);
        ++shared;
    });
    for (uint32_t i : touched_) found_[i] = 0;
    touched_.clear();
    return shared;
}

double QueryKmers::identity(uint64_t shared) const {
    if (kmers_.empty()) return 0.0;
    const double contained = static_cast<double>(shared) / static_cast<double>(kmers_.size());
    return std::pow(contained, 1.0 / k_);
}

} // namespace ruvec
