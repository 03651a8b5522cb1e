// Where a query may come from, by its sampled k-mers: each sample looked up in the k-mer index
// (kmer_index.hpp) gives anchors, pairs of a query position and a reference position; anchors of
// one region agree on their diagonal (reference position - query position, on the query's
// strand), give or take the indels between them. Counting the query samples each diagonal band
// holds is a sparse dot product of the query's sampled k-mers with every region of the
// collection at once, in time proportional to the postings touched.
//
// The regions found are candidates only: exact ranking against the stored sequence
// (packed_sequences.hpp) decides what is reported.
#pragma once

#include "ruvec/kmer_index.hpp"
#include "ruvec/kmer_sampler.hpp"
#include "ruvec/packed_sequences.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ruvec {

struct CandidateOptions {
    // Samples with more postings than this are repeats (rRNA operons, transposons, low
    // complexity): they are skipped, as minimap2 skips its most frequent minimizers.
    uint32_t max_occurrences = 1000;
    // Anchors whose diagonals differ by at most band bases, plus band_per_kbp for every 1000
    // bases of query (indels add up along long queries), count for one region.
    uint32_t band = 16;
    uint32_t band_per_kbp = 50;
    uint32_t min_samples = 1;      // a region needs at least this many distinct query samples
    double keep_fraction = 0.5;    // and at least this fraction of the best region's samples
    size_t max_regions = 64;       // the best ones only, by samples
};

// A region of one reference record, on one strand, that shares samples with a query.
struct CandidateRegion {
    uint32_t record;  // in the packed sequences
    bool reverse;     // the query matches the reverse complement of the record here
    uint64_t start;   // where the query would start in the record on the region's lowest
                      // diagonal, clipped to the record (0-based)
    uint64_t end;     // one past where it would end on the highest, clipped
    uint32_t samples; // distinct query samples with an anchor in the region
};

// Reusable scratch space for find_candidates: one per thread.
struct CandidateScratch {
    struct Anchor {
        uint64_t key;      // record << 1 | reverse, for sorting
        int64_t diagonal;  // reference position - query position, in the record, on its strand
        uint32_t sample;   // index of the query sample
    };
    std::vector<Anchor> anchors;
    std::vector<uint32_t> seen; // per query sample: the last region that counted it (+1)
};

// The candidate regions of a query of `query_length` bases from its `samples` (sample_kmers of
// the query with the index's sampler), best first: most samples, then record, strand and start.
// Deterministic.
void find_candidates(const KmerIndex& index, const PackedSequences& sequences,
                     const std::vector<KmerSample>& samples, uint64_t query_length,
                     const CandidateOptions& options, CandidateScratch& scratch,
                     std::vector<CandidateRegion>& regions);

} // namespace ruvec
