// The read search's core (sequence_search.cpp): reads and fragments placed on their record and
// strand, strains 99.9% alike told apart by the whole query, the same k-mer index at any thread
// count and however long records are cut for sampling, and a k-mer index of other sequences
// refused.
#include "ruvec/sequence_search.hpp"

#include "ruvec/error.hpp"
#include "ruvec/io.hpp"

#include "sequence_test_support.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

char other_base(char c) {
    return c == 'A' ? 'C' : 'A';
}

std::string kidx_bytes(const KmerIndex& index) {
    StringSink sink;
    index.encode(sink);
    return sink.bytes;
}

} // namespace

TEST_CASE("sequence_search: reads land on their record, strand and place") {
    std::mt19937 rng(41);
    SequenceSearch search{SamplerParams{}};
    std::vector<std::string> records;
    for (int r = 0; r < 8; ++r) {
        records.push_back(random_bases(30000, rng));
        CHECK(search.add(records.back()) == static_cast<uint32_t>(r));
    }
    CHECK(search.pending());
    search.index_records(2);
    CHECK_FALSE(search.pending());
    SequenceSearch::Scratch scratch;
    std::vector<SequenceHit> hits;
    int right = 0;
    for (int trial = 0; trial < 100; ++trial) {
        const uint32_t record = rng() % 8;
        const uint64_t at = rng() % (30000 - 150);
        std::string read = records[record].substr(at, 150);
        read[rng() % 150] = other_base(read[75]); // one error, anywhere
        const bool reverse = trial % 2 == 1;
        if (reverse) read = reverse_complement(read);
        search.search(read, {}, scratch, hits);
        if (hits.empty()) continue;
        const SequenceHit& best = hits.front();
        right += best.record == record && best.reverse == reverse && best.start <= at &&
                 best.end >= at + 150 && best.identity > 0.98;
    }
    CHECK(right >= 99);
    // Unrelated sequence finds nothing.
    search.search(random_bases(150, rng), {}, scratch, hits);
    CHECK(hits.empty());
}

TEST_CASE("sequence_search: strains 99.9% alike are told apart by the whole fragment") {
    std::mt19937 rng(42);
    const std::string strain_a = random_bases(50000, rng);
    std::string strain_b = strain_a;
    for (size_t i = 500; i < strain_b.size(); i += 1000) strain_b[i] = other_base(strain_b[i]);
    SequenceSearch search{SamplerParams{}};
    search.add(strain_a);
    search.add(strain_b);
    search.index_records(1);
    SequenceSearch::Scratch scratch;
    std::vector<SequenceHit> hits;
    for (uint64_t at : {1000u, 20000u, 43000u}) {
        CAPTURE(at);
        // 5 kbp of strain B with 2% more mutations of its own: 5 SNPs of B's in it.
        std::string fragment = strain_b.substr(at, 5000);
        for (size_t i = 37; i < fragment.size(); i += 50) fragment[i] = other_base(fragment[i]);
        search.search(fragment, {}, scratch, hits);
        REQUIRE(hits.size() >= 2);
        CHECK(hits[0].record == 1);
        CHECK(hits[1].record == 0);
        CHECK(hits[0].shared > hits[1].shared);
    }
    // A read where the strains agree: both, equally, the lower record first.
    const std::string read = strain_a.substr(10100, 150); // between B's SNPs at 10500 and 9500
    search.search(read, {}, scratch, hits);
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].record == 0);
    CHECK(hits[1].record == 1);
    CHECK(hits[0].shared == hits[1].shared);
    CHECK(hits[0].identity == 1.0);
    SequenceSearchOptions one;
    one.top = 1;
    search.search(read, one, scratch, hits);
    CHECK(hits.size() == 1);
}

TEST_CASE("sequence_search: a repeat's read goes to the record holding most copies of it") {
    // A 1 kbp element, once in record 0 and three times in record 1 (and on the reverse strand
    // of record 2, twice): a read from it shares as many k-mers with every copy.
    std::mt19937 rng(43);
    const std::string element = random_bases(1000, rng);
    std::vector<std::string> records(3);
    records[0] = random_bases(5000, rng) + element + random_bases(5000, rng);
    for (int copy = 0; copy < 3; ++copy) records[1] += random_bases(4000, rng) + element;
    records[1] += random_bases(4000, rng);
    for (int copy = 0; copy < 2; ++copy) records[2] += random_bases(4000, rng) + reverse_complement(element);
    records[2] += random_bases(4000, rng);
    SequenceSearch search{SamplerParams{}};
    for (const std::string& record : records) search.add(record);
    search.index_records(1);
    SequenceSearch::Scratch scratch;
    std::vector<SequenceHit> hits;
    SequenceSearchOptions options;
    options.top = 10;
    search.search(element.substr(300, 150), options, scratch, hits);
    REQUIRE(hits.size() == 6);
    for (const SequenceHit& hit : hits) CHECK(hit.shared == hits[0].shared);
    const uint32_t records_in_order[] = {1, 1, 1, 2, 2, 0};
    const uint32_t copies_in_order[] = {3, 3, 3, 2, 2, 1};
    for (size_t i = 0; i < hits.size(); ++i) {
        CAPTURE(i);
        CHECK(hits[i].record == records_in_order[i]);
        CHECK(hits[i].copies == copies_in_order[i]);
        CHECK(hits[i].reverse == (hits[i].record == 2));
        if (i > 0 && hits[i].record == hits[i - 1].record) CHECK(hits[i].start > hits[i - 1].start);
    }
}

TEST_CASE("sequence_search: the same k-mer index at any thread count and any cut of records") {
    std::mt19937 rng(43);
    std::vector<std::string> records = {random_bases(2'200'000, rng), random_bases(3000, rng),
                                        random_bases(300'000, rng)};
    records[0][1'048'576] = 'N'; // an N right at the first piece's end
    for (SamplerKind kind : {SamplerKind::syncmer, SamplerKind::fracminhash, SamplerKind::minimizer}) {
        const std::string kind_name = sampler_kind_name(kind);
        CAPTURE(kind_name);
        SamplerParams p;
        p.kind = kind;
        // Each record whole, in one builder.
        KmerIndex::Builder whole(p);
        uint64_t start = 0;
        for (const std::string& r : records) {
            whole.add(r, start);
            start += r.size();
        }
        const std::string expected = kidx_bytes(whole.finish(start, 1));
        for (int threads : {1, 3}) {
            CAPTURE(threads);
            SequenceSearch search(p);
            for (const std::string& r : records) search.add(r);
            search.index_records(threads);
            CHECK(kidx_bytes(search.kmers()) == expected);
        }
    }
}

TEST_CASE("sequence_search: a k-mer index of other sequences is refused") {
    std::mt19937 rng(44);
    SequenceSearch built{SamplerParams{}};
    built.add(random_bases(5000, rng));
    built.index_records(1);
    PackedSequences other;
    other.add(random_bases(4000, rng));
    try {
        SequenceSearch loaded(std::move(other), built.kmers(), "x.rvx");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::corrupt);
        CHECK(std::string(e.what()) ==
              "x.rvx: the k-mer index is of 5000 bases, the sequences hold 4000: the file is damaged");
    }
}
