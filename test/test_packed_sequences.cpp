// 2-bit packed sequences and their SEQS section (packed_sequences.cpp): bases and N runs back as
// they went in, records found by coordinate, and every damaged section refused before use.
#include "ruvec/packed_sequences.hpp"

#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/io.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

// What extract gives back for `bases`: upper case, U as T, every other byte N.
std::string normalised(const std::string& bases) {
    std::string out = bases;
    for (char& c : out) {
        switch (c) {
        case 'a': case 'A': c = 'A'; break;
        case 'c': case 'C': c = 'C'; break;
        case 'g': case 'G': c = 'G'; break;
        case 't': case 'T': case 'u': case 'U': c = 'T'; break;
        default: c = 'N';
        }
    }
    return out;
}

std::string encoded(const PackedSequences& seqs) {
    StringSink sink;
    seqs.encode(sink);
    return sink.bytes;
}

PackedSequences decoded(const std::string& bytes) {
    return PackedSequences::decode(reinterpret_cast<const unsigned char*>(bytes.data()),
                                   bytes.size(), "x.rvx");
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

void set_u64(std::string& bytes, size_t at, uint64_t v) {
    put_u64(reinterpret_cast<unsigned char*>(&bytes[at]), v);
}

} // namespace

TEST_CASE("packed_sequences: records come back base for base, N runs included") {
    const std::vector<std::string> records = {
        "ACGT", "acgtNNNNacgu", "N", "", "RYKMacgtSWBDHVN-.*x", "GATTACA", std::string(1001, 'C'),
        "NNACNNNNNNNNNNNNTTNN"};
    PackedSequences seqs;
    for (size_t r = 0; r < records.size(); ++r) CHECK(seqs.add(records[r]) == r);
    REQUIRE(seqs.records() == records.size());
    uint64_t total = 0;
    std::string out;
    for (uint32_t r = 0; r < records.size(); ++r) {
        CAPTURE(r);
        CHECK(seqs.start(r) == total);
        CHECK(seqs.length(r) == records[r].size());
        total += records[r].size();
        seqs.extract(r, 0, records[r].size(), out);
        CHECK(out == normalised(records[r]));
        // Every sub-range, for the short records.
        if (records[r].size() < 30)
            for (uint64_t a = 0; a <= records[r].size(); ++a)
                for (uint64_t b = a; b <= records[r].size(); ++b) {
                    seqs.extract(r, a, b, out);
                    CHECK(out == normalised(records[r]).substr(a, b - a));
                }
    }
    CHECK(seqs.total_bases() == total);
    // Runs never cross records: the run of "N" and the one starting the record after the empty
    // record touch in the concatenation but stay two.
    CHECK(seqs.n_runs() == 7);
    const std::string again = encoded(seqs);
    CHECK(again.size() == seqs.section_bytes());
    const PackedSequences back = decoded(again);
    CHECK(encoded(back) == again);
    for (uint32_t r = 0; r < records.size(); ++r) {
        back.extract(r, 0, records[r].size(), out);
        CHECK(out == normalised(records[r]));
    }
}

TEST_CASE("packed_sequences: record_at finds the record of a coordinate, skipping empty ones") {
    PackedSequences seqs;
    seqs.add("ACG");  // 0..3
    seqs.add("");     // empty, starts at 3
    seqs.add("");     // empty, starts at 3
    seqs.add("TTTT"); // 3..7
    seqs.add("A");    // 7..8
    const uint32_t want[] = {0, 0, 0, 3, 3, 3, 3, 4};
    for (uint64_t p = 0; p < 8; ++p) {
        CAPTURE(p);
        CHECK(seqs.record_at(p) == want[p]);
    }
}

TEST_CASE("packed_sequences: random records survive the section at every length mod 4") {
    std::mt19937 rng(5);
    for (int trial = 0; trial < 20; ++trial) {
        PackedSequences seqs;
        std::vector<std::string> records(1 + rng() % 5);
        for (std::string& r : records) {
            r.resize(rng() % 300);
            for (char& c : r) c = "ACGTacgtN"[rng() % (rng() % 4 == 0 ? 9 : 4)];
            seqs.add(r);
        }
        const PackedSequences back = decoded(encoded(seqs));
        std::string out;
        for (uint32_t i = 0; i < records.size(); ++i) {
            back.extract(i, 0, records[i].size(), out);
            CHECK(out == normalised(records[i]));
        }
        CHECK(back.section_bytes() == seqs.section_bytes());
    }
}

TEST_CASE("packed_sequences: a damaged section is refused, saying what is wrong") {
    PackedSequences seqs;
    seqs.add("ACGTNNA"); // record 0: 0..7, N run 4..6
    seqs.add("NCGTA");   // record 1: 7..12, N run 7..8
    const std::string good = encoded(seqs);
    REQUIRE(good.size() == 32 + 8 * 3 + 16 * 2 + 3);
    CHECK(damaged_message(good) == "(accepted)");
    auto edited = [&](size_t at, uint64_t v) {
        std::string bytes = good;
        set_u64(bytes, at, v);
        return damaged_message(bytes);
    };
    const std::string prefix = "x.rvx: sequence section: ";
    const std::string suffix = ": the file is damaged";
    CHECK(damaged_message(good.substr(0, 31)) == prefix + "shorter than its header" + suffix);
    CHECK(damaged_message(good.substr(0, good.size() - 1)) ==
          prefix + "holds 2 bytes of bases where 12 bases need 3" + suffix);
    CHECK(damaged_message(good + '\0') ==
          prefix + "holds 4 bytes of bases where 12 bases need 3" + suffix);
    CHECK(edited(0, 0) == prefix + "record count out of range" + suffix);
    CHECK(edited(0, uint64_t{1} << 62) == prefix + "record count out of range" + suffix);
    CHECK(edited(0, 1u << 30) == prefix + "shorter than its record table" + suffix);
    CHECK(edited(8, uint64_t{1} << 41) == prefix + "base count out of range" + suffix);
    CHECK(edited(16, uint64_t{1} << 60) == prefix + "shorter than its N runs" + suffix);
    CHECK(edited(24, 1) == prefix + "reserved bytes are not zero" + suffix);
    CHECK(edited(32, 1) == prefix + "record starts are not in order from 0" + suffix);
    CHECK(edited(40, 13) == prefix + "record starts are not in order from 0" + suffix);
    CHECK(edited(48, 11) == prefix + "the records do not end at the last base" + suffix);
    // The N runs: at 56 (4, 2) and 72 (7, 1).
    CHECK(edited(64, 0) == prefix + "N run 1 lies outside the bases" + suffix);
    CHECK(edited(56, 12) == prefix + "N run 1 lies outside the bases" + suffix);
    CHECK(edited(64, 4) == prefix + "N run 1 crosses the end of its record" + suffix);
    CHECK(edited(72, 5) == prefix + "N runs out of order or touching" + suffix);
    CHECK(edited(56, 2) == prefix + "an N is not stored as 0" + suffix); // run (2, 2): G and T
    {
        // Touching runs in one record: (4, 2) then (6, 1), record 0 ending at 7.
        PackedSequences touching;
        touching.add("ACGTNNNA");
        std::string bytes = encoded(touching); // one run (4, 3)
        REQUIRE(touching.n_runs() == 1);
        // Split it into two runs: make room by rebuilding the section with U = 2.
        std::string split = bytes.substr(0, 32 + 16);
        set_u64(split, 16, 2);
        std::string run(32, '\0');
        set_u64(run, 0, 4);
        set_u64(run, 8, 2);
        set_u64(run, 16, 6);
        set_u64(run, 24, 1);
        split += run + bytes.substr(32 + 16 + 16);
        CHECK(damaged_message(split) == prefix + "N runs out of order or touching" + suffix);
    }
    {
        PackedSequences five;
        five.add("ACGTA"); // the second byte holds base 4 in bits 0-1
        std::string bytes = encoded(five);
        bytes.back() = static_cast<char>(0x40); // bits 6-7: base 7, past the last base
        CHECK(damaged_message(bytes) == prefix + "bits past the last base are not zero" + suffix);
    }
}
