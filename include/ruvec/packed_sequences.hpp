// The reference sequences of an index, 2 bits per base: what the k-mer candidate search ranks
// its candidates against (a window's exact k-mers and its vector are recomputed from them), at a
// quarter of a byte per base, as minimap2 keeps its index's sequence beside its k-mer table.
//
// A, C, G and T (either case; U as T) pack to 2 bits; every other byte is kept as N, in a list
// of runs. Nothing is lost that ruvec uses: embedding and k-mer sampling treat every base other
// than ACGT alike, as a break between k-mers (Embedder::embed), so a record's k-mers and vector
// from its packed bases are those from its original bases. Case is not kept.
//
// The SEQS section of an .rvx index (format 4) holds them; all integers little-endian:
//     off          size       field
//       0             8       records R (at least 1)
//       8             8       bases B in all the records
//      16             8       N runs U
//      24             8       zero
//      32       8 (R + 1)     record starts: s_0 = 0 <= s_1 <= ... <= s_R = B; record r holds the
//                             bases [s_r, s_r+1) of the concatenation of all the records
//       .          16 U       N runs, (start, length) in concatenation coordinates: sorted, each
//                             at least 1 base and inside one record, runs within a record
//                             separated by at least one base
//       .    ceil(B / 4)      the bases, base p in byte p / 4 at bits 2 (p % 4) and up: A 0, C 1,
//                             G 2, T 3; an N is stored as 0; the bits past B are 0
// The section is exactly that long. Every count is checked against its length before anything is
// allocated, and every field is validated before it is trusted (PackedSequences::decode).
#pragma once

#include "ruvec/io.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ruvec {

// Records of at most this many bases in all (2^40, 1 Tbp): coordinates then fit in 40 bits.
inline constexpr uint64_t packed_max_bases = uint64_t{1} << 40;

class PackedSequences {
public:
    // Appends a record; returns its number (0-based, in the order added). Throws Error(resource)
    // past packed_max_bases or 2^32 - 1 records.
    uint32_t add(std::string_view bases);

    uint32_t records() const noexcept { return static_cast<uint32_t>(starts_.size() - 1); }
    uint64_t total_bases() const noexcept { return starts_.back(); }
    uint64_t start(uint32_t record) const { return starts_[record]; } // in the concatenation
    uint64_t length(uint32_t record) const { return starts_[record + 1] - starts_[record]; }
    uint64_t n_runs() const noexcept { return runs_.size(); }

    // The record holding concatenation coordinate `position` (< total_bases()).
    uint32_t record_at(uint64_t position) const;

    // Bases [begin, end) of `record` (end <= length(record)) as upper-case A, C, G, T and N,
    // replacing what `out` held.
    void extract(uint32_t record, uint64_t begin, uint64_t end, std::string& out) const;

    // Memory held, in bytes: about B / 4 plus 8 per record and 16 per N run.
    uint64_t memory_bytes() const noexcept;

    // The SEQS section: its length in bytes, and its bytes written to `out`.
    uint64_t section_bytes() const noexcept;
    void encode(ByteSink& out) const;
    // Reads and validates a SEQS section, the bases read straight into place (the section is
    // never held twice). Throws Error(corrupt) naming `where` (the file) and what is wrong (the
    // reader's mismatch error when its checksum differs); Error(resource) if it cannot be held
    // in memory.
    static PackedSequences decode(SectionReader& reader, const std::string& where);
    // The same, of `length` bytes in memory.
    static PackedSequences decode(const unsigned char* bytes, uint64_t length,
                                  const std::string& where);

private:
    struct NRun {
        uint64_t start;  // in the concatenation
        uint64_t length; // at least 1
    };
    void append_code(uint8_t code);

    std::vector<uint64_t> starts_{0}; // R + 1 record starts, the last one B
    std::vector<NRun> runs_;          // sorted
    std::vector<uint8_t> packed_;     // ceil(B / 4) bytes
};

} // namespace ruvec
