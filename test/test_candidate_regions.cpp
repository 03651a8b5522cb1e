// Candidate regions from sampled k-mers (candidate_regions.cpp): a read finds the record, strand
// and place it was cut from, with errors and an indel; a read from elsewhere finds nothing;
// repeats past max_occurrences are skipped.
#include "ruvec/candidate_regions.hpp"

#include "sequence_test_support.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

struct Fixture {
    PackedSequences sequences;
    KmerIndex index;
    std::vector<std::string> records;
};

Fixture fixture(const SamplerParams& p, const std::vector<std::string>& records) {
    Fixture f;
    f.records = records;
    KmerIndex::Builder builder(p);
    for (const std::string& r : records) {
        const uint32_t n = f.sequences.add(r);
        builder.add(r, f.sequences.start(n));
    }
    f.index = builder.finish(f.sequences.total_bases(), 1);
    return f;
}

std::vector<CandidateRegion> candidates(const Fixture& f, const std::string& query,
                                        const CandidateOptions& options = {}) {
    std::vector<KmerSample> samples;
    sample_kmers(query, f.index.sampler(), samples);
    CandidateScratch scratch;
    std::vector<CandidateRegion> regions;
    find_candidates(f.index, f.sequences, samples, query.size(), options, scratch, regions);
    return regions;
}

} // namespace

TEST_CASE("candidate_regions: a read finds where it was cut from, on either strand") {
    std::mt19937 rng(8);
    std::vector<std::string> records;
    for (int r = 0; r < 5; ++r) records.push_back(random_bases(20000, rng));
    for (SamplerKind kind : {SamplerKind::minimizer, SamplerKind::syncmer, SamplerKind::fracminhash}) {
        const std::string kind_name = sampler_kind_name(kind);
        CAPTURE(kind_name);
        SamplerParams p;
        p.kind = kind;
        // About 1 k-mer in 8 to 11 each: the test is of regions, not of density (four errors in
        // 150 bases leave about 66 k-mers to sample).
        p.c = 8;
        p.s = 11;
        p.t = 5;
        const Fixture f = fixture(p, records);
        int found = 0, trials = 0;
        for (int trial = 0; trial < 40; ++trial) {
            const uint32_t record = rng() % 5;
            const uint64_t at = rng() % (20000 - 200);
            std::string read = records[record].substr(at, 150);
            // A substitution every 50 bases, and a deleted base at 75.
            for (size_t i = 25; i < read.size(); i += 50) read[i] = read[i] == 'A' ? 'C' : 'A';
            read.erase(75, 1);
            const bool reverse = trial % 2 == 1;
            if (reverse) read = reverse_complement(read);
            const std::vector<CandidateRegion> regions = candidates(f, read);
            ++trials;
            if (regions.empty()) continue;
            const CandidateRegion& best = regions.front();
            CAPTURE(trial);
            found += best.record == record && best.reverse == reverse && best.start + 2 >= at &&
                     best.start <= at + 2 && best.samples >= 2;
        }
        // Every read, but for one whose surviving k-mers were not sampled (FracMinHash has no
        // window guarantee).
        CHECK(found >= trials - 1);
    }
}

TEST_CASE("candidate_regions: a read from elsewhere finds nothing; repeats are skipped") {
    std::mt19937 rng(9);
    const std::string unit = random_bases(300, rng);
    std::string repeat;
    for (int i = 0; i < 20; ++i) repeat += unit;
    const std::vector<std::string> records = {random_bases(10000, rng), repeat};
    SamplerParams p;
    const Fixture f = fixture(p, records);
    CHECK(candidates(f, random_bases(150, rng)).empty());
    // The repeat unit's samples have 20 postings each, on 20 diagonals.
    const std::string read = unit.substr(50, 150);
    const std::vector<CandidateRegion> all = candidates(f, read);
    REQUIRE(!all.empty());
    CHECK(all.size() == 20);
    for (const CandidateRegion& r : all) CHECK(r.record == 1);
    // Regions of equal samples come in record, strand and start order.
    for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].start < all[i].start);
    CandidateOptions capped;
    capped.max_regions = 3;
    CHECK(candidates(f, read, capped).size() == 3);
    CandidateOptions skip_repeats;
    skip_repeats.max_occurrences = 19;
    CHECK(candidates(f, read, skip_repeats).empty());
}

TEST_CASE("candidate_regions: a region's span is clipped to its record") {
    std::mt19937 rng(10);
    const std::vector<std::string> records = {random_bases(1000, rng), random_bases(1000, rng)};
    SamplerParams p;
    p.kind = SamplerKind::minimizer;
    const Fixture f = fixture(p, records);
    // A read hanging 50 bases off the start of record 1.
    const std::string read = random_bases(50, rng) + records[1].substr(0, 100);
    const std::vector<CandidateRegion> regions = candidates(f, read);
    REQUIRE(!regions.empty());
    CHECK(regions.front().record == 1);
    CHECK(regions.front().start == 0);
    CHECK(regions.front().end == 100);
}
