// The k-mer candidate index (kmer_index.cpp): every sample found again at its position, nothing
// found that was not added (but for shared keys), the same index whatever the order sequences
// came in, its KIDX section read back byte for byte, and every damaged section refused.
#include "ruvec/kmer_index.hpp"

#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/io.hpp"

#include "sequence_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

std::string encoded(const KmerIndex& index) {
    StringSink sink;
    index.encode(sink);
    return sink.bytes;
}

KmerIndex decoded(const std::string& bytes) {
    return KmerIndex::decode(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                             "x.rvx");
}

std::string damaged_message(const std::string& bytes) {
    try {
        decoded(bytes);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::corrupt);
        return e.what();
    }
    return "(accepted)";
}

struct Collection {
    std::vector<std::string> records;
    std::vector<uint64_t> starts; // in the concatenation
    uint64_t bases = 0;
};

Collection random_collection(uint32_t seed) {
    std::mt19937 rng(seed);
    Collection c;
    for (int r = 0; r < 6; ++r) {
        c.records.push_back(random_bases(500 + rng() % 3000, rng));
        c.starts.push_back(c.bases);
        c.bases += c.records.back().size();
    }
    return c;
}

KmerIndex index_of(const Collection& c, const SamplerParams& p, const std::vector<size_t>& order) {
    KmerIndex::Builder builder(p);
    for (size_t r : order) builder.add(c.records[r], c.starts[r]);
    return builder.finish(c.bases, 2);
}

} // namespace

TEST_CASE("kmer_index: every sample is found at its position, on its strand") {
    const Collection c = random_collection(3);
    for (SamplerKind kind : {SamplerKind::minimizer, SamplerKind::syncmer, SamplerKind::fracminhash}) {
        const std::string kind_name = sampler_kind_name(kind);
        CAPTURE(kind_name);
        SamplerParams p;
        p.kind = kind;
        const KmerIndex index = index_of(c, p, {0, 1, 2, 3, 4, 5});
        uint64_t samples = 0;
        bool all_found = true;
        for (size_t r = 0; r < c.records.size(); ++r) {
            std::vector<KmerSample> sampled;
            sample_kmers(c.records[r], p, sampled);
            samples += sampled.size();
            for (const KmerSample& s : sampled) {
                const PostingRange found = index.find(s.hash);
                const uint64_t want = (c.starts[r] + s.position) << 1 | uint64_t{s.reverse};
                all_found &= std::find(found.begin, found.end, want) != found.end;
            }
        }
        CHECK(all_found);
        CHECK(index.postings() == samples);
        CHECK(index.bases() == c.bases);
        // About four postings a bucket.
        CHECK(index.postings() <= (uint64_t{4} << index.bucket_bits()));
        CHECK(index.postings() > (uint64_t{1} << index.bucket_bits()));
    }
}

TEST_CASE("kmer_index: k-mers of other sequences find nothing") {
    const Collection c = random_collection(4);
    SamplerParams p;
    const KmerIndex index = index_of(c, p, {0, 1, 2, 3, 4, 5});
    std::mt19937 rng(99);
    const std::string other = random_bases(20000, rng);
    std::vector<KmerSample> sampled;
    sample_kmers(other, p, sampled);
    REQUIRE(sampled.size() > 1000);
    size_t found = 0;
    for (const KmerSample& s : sampled) found += index.find(s.hash).size();
    CHECK(found == 0);
    CHECK(index.find(0).empty());
    CHECK(index.find(UINT64_MAX).empty());
}

TEST_CASE("kmer_index: the same bytes whatever the order sequences were added in") {
    const Collection c = random_collection(5);
    SamplerParams p;
    p.kind = SamplerKind::minimizer;
    const std::string in_order = encoded(index_of(c, p, {0, 1, 2, 3, 4, 5}));
    CHECK(encoded(index_of(c, p, {5, 3, 1, 0, 2, 4})) == in_order);
    const KmerIndex back = decoded(in_order);
    CHECK(encoded(back) == in_order);
    CHECK(back.section_bytes() == in_order.size());
    CHECK(back.sampler().kind == SamplerKind::minimizer);
    CHECK(back.sampler().w == p.w);
    CHECK(back.sampler().seed == p.seed);
}

TEST_CASE("kmer_index: the same bytes at any thread count, its sort split into parts") {
    // Enough postings (more than 65,536) that finish() deals them into parts sorted on threads.
    std::mt19937 rng(8);
    const std::string bases = random_bases(1'200'000, rng);
    SamplerParams p;
    p.kind = SamplerKind::fracminhash;
    p.c = 8; // about 1 k-mer in 8: 150,000 postings
    std::string first;
    for (int threads : {1, 2, 3}) {
        KmerIndex::Builder builder(p);
        builder.add(bases.substr(600'000), 600'000); // the second half first
        builder.add(bases.substr(0, 600'000 + p.k - 1), 0);
        const KmerIndex index = builder.finish(bases.size(), threads);
        REQUIRE(index.postings() > 65'536);
        if (threads == 1)
            first = encoded(index);
        else
            CHECK(encoded(index) == first);
    }
}

TEST_CASE("kmer_index: an empty index has empty buckets and finds nothing") {
    SamplerParams p;
    KmerIndex::Builder builder(p);
    builder.add("ACGT", 0); // shorter than k: no sample
    const KmerIndex index = builder.finish(4, 1);
    CHECK(index.postings() == 0);
    CHECK(index.find(12345).empty());
    CHECK(encoded(decoded(encoded(index))) == encoded(index));
}

TEST_CASE("kmer_index: a damaged section is refused, saying what is wrong") {
    const Collection c = random_collection(6);
    SamplerParams p;
    const KmerIndex index = index_of(c, p, {0, 1, 2, 3, 4, 5});
    const std::string good = encoded(index);
    REQUIRE(damaged_message(good) == "(accepted)");
    const uint64_t buckets = uint64_t{1} << index.bucket_bits();
    const size_t keys_at = 64 + 8 * (buckets + 1);
    const size_t postings_at = keys_at + 4 * index.postings() + (4 * index.postings()) % 8;
    const std::string prefix = "x.rvx: k-mer index section: ";
    const std::string suffix = ": the file is damaged";
    auto edited32 = [&](size_t at, uint32_t v) {
        std::string bytes = good;
        put_u32(reinterpret_cast<unsigned char*>(&bytes[at]), v);
        return damaged_message(bytes);
    };
    auto edited64 = [&](size_t at, uint64_t v) {
        std::string bytes = good;
        put_u64(reinterpret_cast<unsigned char*>(&bytes[at]), v);
        return damaged_message(bytes);
    };
    CHECK(damaged_message(good.substr(0, 63)) == prefix + "shorter than its header" + suffix);
    CHECK(edited32(0, 3) == prefix + "unknown sampler 3" + suffix);
    CHECK(edited32(4, 40) == prefix + "k-mer length 40 is not in 1..31" + suffix);
    CHECK(edited32(16, 30) == prefix + "syncmer offset 30 is not in 0..10" + suffix);
    CHECK(edited32(32, 0) == prefix + "bucket bits 0 not in 1..32" + suffix);
    CHECK(edited32(32, 40) == prefix + "bucket bits 40 not in 1..32" + suffix);
    CHECK(edited32(32, 31) == prefix + "shorter than its bucket table" + suffix);
    CHECK(edited32(36, 1) == prefix + "reserved bytes are not zero" + suffix);
    CHECK(edited64(40, uint64_t{1} << 62) == prefix + "shorter than its postings" + suffix);
    CHECK(edited64(40, index.postings() - 2) ==
          prefix + "length does not match its " + std::to_string(index.postings() - 2) +
              " postings" + suffix);
    CHECK(damaged_message(good.substr(0, good.size() - 8)) ==
          prefix + "shorter than its postings" + suffix);
    CHECK(edited64(64, 1) == prefix + "bucket table does not span the postings" + suffix);
    CHECK(edited64(64 + 8 * buckets, index.postings() + 1) ==
          prefix + "bucket table does not span the postings" + suffix);
    CHECK(edited64(64 + 8, index.postings() + 1) == prefix + "bucket table out of order" + suffix);
    // The first bucket holding two postings: swap their keys' order, or repeat a posting.
    size_t pair = 0;
    for (uint64_t j = 0; j < buckets && pair == 0; ++j) {
        uint64_t first, last;
        std::memcpy(&first, good.data() + 64 + 8 * j, 8);
        std::memcpy(&last, good.data() + 64 + 8 * (j + 1), 8);
        if (last - first >= 2) pair = first;
    }
    REQUIRE(pair > 0);
    CHECK(edited32(keys_at + 4 * (pair + 1), 0).find("postings out of order in bucket") !=
          std::string::npos);
    {
        std::string bytes = good;
        std::memcpy(&bytes[keys_at + 4 * (pair + 1)], &bytes[keys_at + 4 * pair], 4);
        std::memcpy(&bytes[postings_at + 8 * (pair + 1)], &bytes[postings_at + 8 * pair], 8);
        CHECK(damaged_message(bytes).find("postings out of order in bucket") != std::string::npos);
    }
    CHECK(edited64(postings_at, (c.bases - p.k + 1) << 1) ==
          prefix + "a posting lies past the end of the sequences" + suffix);
    CHECK(edited64(48, 10) == prefix + "a posting lies past the end of the sequences" + suffix);

    // Read from a file (SectionReader), a damaged section is first of all a checksum mismatch,
    // whatever its damage looks like; with its checksum right, the damage is named.
    auto read_from_file = [&](const std::string& bytes, uint64_t checksum) {
        const std::string file = "head" + bytes + "tail";
        MemoryRandomSource source(file);
        SectionReader reader(source, 4, bytes.size(), checksum, "x.rvx: checksum mismatch");
        try {
            const KmerIndex read = KmerIndex::decode(reader, "x.rvx");
            CHECK(encoded(read) == good);
            return std::string("(accepted)");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::corrupt);
            return std::string(e.what());
        }
    };
    const uint64_t good_sum = checksum64(good.data(), good.size());
    CHECK(read_from_file(good, good_sum) == "(accepted)");
    std::string bad_bits = good;
    put_u32(reinterpret_cast<unsigned char*>(&bad_bits[32]), 40);
    CHECK(read_from_file(bad_bits, good_sum) == "x.rvx: checksum mismatch");
    CHECK(read_from_file(bad_bits, checksum64(bad_bits.data(), bad_bits.size())) ==
          prefix + "bucket bits 40 not in 1..32" + suffix);
    std::string bad_posting = good;
    put_u64(reinterpret_cast<unsigned char*>(&bad_posting[postings_at]), (c.bases - p.k + 1) << 1);
    CHECK(read_from_file(bad_posting, good_sum) == "x.rvx: checksum mismatch");
    CHECK(read_from_file(good.substr(0, 63), good_sum) == "x.rvx: checksum mismatch");
}
