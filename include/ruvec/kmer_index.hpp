// The k-mer candidate index: every sampled canonical k-mer of an index's reference sequences
// (kmer_sampler.hpp) with where it lies, looked up by hash. A query's samples found here, with
// positions that agree on a diagonal, name the regions it may come from, in time proportional
// to the postings touched, not to the collection.
//
// Postings are sorted by hash and held in buckets picked by the hash's top bits (about four
// postings a bucket); in a bucket each posting keeps the next 32 bits of its hash beside its
// position. Two k-mers agreeing on those bits (about 1 in 2^32 of those in a bucket) share a
// key: a posting may then name a region the query does not share, which exact ranking against
// the stored sequence (packed_sequences.hpp) drops; no posting is ever missed.
//
// The KIDX section of an .rvx index (format 4) holds it; all integers little-endian:
//     off            size     field
//       0               4     sampler kind (0 minimizer, 1 syncmer, 2 fracminhash)
//       4              20     k, w, s, t, c (u32 each; see SamplerParams)
//      24               8     seed of the hash
//      32               4     bucket bits b, 1..32
//      36               4     zero
//      40               8     postings P
//      48               8     bases B of the sequences the positions are in (the SEQS section's)
//      56               8     zero
//      64   8 (2^b + 1)       bucket starts: 0 = d_0 <= d_1 <= ... <= d_2^b = P; bucket j holds
//                             postings [d_j, d_j+1), the hashes whose top b bits are j
//       .           4 P       keys: bits 63 - b .. 32 - b of each posting's hash (the 32 bits
//                             after the bucket's), non-decreasing within a bucket
//       .      0 or 4         zero padding to a multiple of 8
//       .           8 P       postings: position << 1 | reverse, position the k-mer's first base
//                             in the concatenation of the sequences (position + k <= B),
//                             reverse 1 when the canonical k-mer is the reverse complement there;
//                             increasing within a key
// The section is exactly that long; every field is validated before it is trusted.
#pragma once

#include "ruvec/io.hpp"
#include "ruvec/kmer_sampler.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ruvec {

// The postings of one key, as a range of the index's posting array.
struct PostingRange {
    const uint64_t* begin = nullptr;
    const uint64_t* end = nullptr;
    size_t size() const noexcept { return static_cast<size_t>(end - begin); }
    bool empty() const noexcept { return begin == end; }
};

inline uint64_t posting_position(uint64_t posting) noexcept {
    return posting >> 1;
}
inline bool posting_reverse(uint64_t posting) noexcept {
    return posting & 1;
}

class KmerIndex {
public:
    // Collects the samples of sequences, then sorts them into an index.
    class Builder {
    public:
        explicit Builder(const SamplerParams& params); // check_sampler_params first
        // Samples `bases`, which start at concatenation coordinate `start`.
        void add(std::string_view bases, uint64_t start);
        // Takes the samples another builder of the same sampler collected.
        void absorb(Builder&& other);
        uint64_t samples() const noexcept { return samples_; }
        // The index of everything added; `bases` is the length of the concatenation. The
        // result does not depend on `threads` nor on the order of the add calls.
        KmerIndex finish(uint64_t bases, int threads);

    private:
        SamplerParams params_;
        std::vector<KmerSample> scratch_;
        // (hash, posting) of what was added, in blocks filled in turn (never grown)
        std::vector<std::vector<std::pair<uint64_t, uint64_t>>> blocks_;
        uint64_t samples_ = 0; // in all the blocks
    };

    const SamplerParams& sampler() const noexcept { return sampler_; }
    uint64_t postings() const noexcept { return postings_.size(); }
    uint64_t bases() const noexcept { return bases_; }
    uint32_t bucket_bits() const noexcept { return bucket_bits_; }

    // The postings of the k-mer of `hash` (and of any other sharing its key).
    PostingRange find(uint64_t hash) const;

    uint64_t memory_bytes() const noexcept;

    // The KIDX section: its length in bytes, and its bytes written to `out`.
    uint64_t section_bytes() const noexcept;
    void encode(ByteSink& out) const;
    // Reads and validates a KIDX section, its arrays read straight into place (the section is
    // never held twice). Throws Error(corrupt) naming `where` and what is wrong (the reader's
    // mismatch error when its checksum differs); Error(resource) if it cannot be held in memory.
    static KmerIndex decode(SectionReader& reader, const std::string& where);
    // The same, of `length` bytes in memory.
    static KmerIndex decode(const unsigned char* bytes, uint64_t length, const std::string& where);

private:
    uint32_t key_of(uint64_t hash) const noexcept {
        return static_cast<uint32_t>((hash << bucket_bits_) >> 32);
    }
    uint64_t bucket_of(uint64_t hash) const noexcept { return hash >> (64 - bucket_bits_); }

    SamplerParams sampler_;
    uint64_t bases_ = 0;
    uint32_t bucket_bits_ = 1;
    std::vector<uint64_t> bucket_starts_{0, 0}; // 2^b + 1
    std::vector<uint32_t> keys_;                // one per posting
    std::vector<uint64_t> postings_;
};

} // namespace ruvec
