// The read search over an index's reference records: their sequence packed 2 bits a base
// (packed_sequences.hpp) and the k-mer index of their samples (kmer_index.hpp). A query's
// candidate regions (candidate_regions.hpp) are ranked by the exact k-mers each shares with the
// whole query (shared_kmers.hpp), so strains that differ in a few k-mers are told apart and no
// float vector is needed. Costs grow with the postings a query touches, not with the collection.
#pragma once

#include "ruvec/candidate_regions.hpp"
#include "ruvec/kmer_index.hpp"
#include "ruvec/packed_sequences.hpp"
#include "ruvec/shared_kmers.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ruvec {

struct SequenceSearchOptions {
    CandidateOptions candidates;
    size_t top = 5;          // hits per query
    uint64_t min_shared = 1; // hits share at least this many distinct k-mers with the query
    uint64_t margin = 16;    // bases either side of a region also compared (indels)
};

// Where a query matches a reference record.
struct SequenceHit {
    uint32_t record;  // in the packed sequences
    bool reverse;     // the query matches the record's reverse complement
    uint64_t start;   // the region compared, 0-based, half-open, within the record
    uint64_t end;
    uint64_t shared;  // distinct k-mers of the query found in the region
    uint32_t copies;  // regions of the record sharing as many k-mers, this one included
    double identity;  // (shared / the query's distinct k-mers)^(1/k)
};

class SequenceSearch {
public:
    // An empty one, to add records to; check_sampler_params first.
    explicit SequenceSearch(const SamplerParams& sampler);
    // A loaded one: the k-mer index must be of these sequences (Error(corrupt) otherwise,
    // naming `where`).
    SequenceSearch(PackedSequences sequences, KmerIndex kmers, const std::string& where);

    // Appends a record; its k-mers are indexed by index_records. Returns its number.
    uint32_t add(std::string_view bases);
    // Builds the k-mer index of every record, on `threads` threads: the same index at any count.
    void index_records(int threads);
    // Whether records were added since index_records (the k-mer index does not hold them).
    bool pending() const noexcept { return kmers_.bases() != sequences_.total_bases(); }

    const SamplerParams& sampler() const noexcept { return sampler_; }
    const PackedSequences& sequences() const noexcept { return sequences_; }
    const KmerIndex& kmers() const noexcept { return kmers_; }

    // Scratch space for search: one per thread.
    struct Scratch {
        std::vector<KmerSample> samples;
        CandidateScratch candidates;
        std::vector<CandidateRegion> regions;
        std::string bases;
        // The query's k-mers, once it has candidate regions: callers that compare it with more
        // of the sequence (the index's windows) use them again.
        std::optional<QueryKmers> kmers;
    };
    // The best hits of `query`, most shared k-mers first, then most copies (a read from a
    // repeat goes to the sequence holding most copies of it, the likeliest source of a read
    // drawn from the collection at random; minimap2 picks one of its equal alignments by
    // chance), then record, strand and start: deterministic. A record's copies count only the
    // candidate regions found (CandidateOptions::max_regions). Needs index_records since the last add.
    void search(std::string_view query, const SequenceSearchOptions& options, Scratch& scratch,
                std::vector<SequenceHit>& hits) const;

private:
    SamplerParams sampler_;
    PackedSequences sequences_;
    KmerIndex kmers_;
};

} // namespace ruvec
