// The hits TSV (hits.cpp): what append_hits and append_hit_line print, HitsTsvReader's checks of
// every line it reads back, and "%.9g", which gives back the float that was printed.
#include "index_test_support.hpp"
#include "ruvec/error.hpp"
#include "ruvec/hits.hpp"
#include "ruvec/index.hpp"
#include "ruvec/io.hpp"
#include "ruvec/vecfile.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

std::string read_error(const std::string& tsv) {
    try {
        read_all(tsv);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::input);
        return e.what();
    }
    FAIL("bad TSV was read without an error");
    return {};
}

} // namespace

TEST_CASE("hits: the TSV reader checks every line") {
    const std::string header = hits_tsv_header;
    const std::string good = "r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n"
                             "r1\t1\t150\tg2\t1\t5000\t2\t0.25\t0.75\t0.95\n"
                             "r2\t1\t150\tg2\t1\t5000\t1\t0.5\t0.5\t0.97\n";
    std::vector<QueryHits> q = read_all(header + good);
    REQUIRE(q.size() == 2);
    CHECK(q[0].hits.size() == 2);
    CHECK(q[0].first_line == 2);
    CHECK(q[1].first_line == 4);
    CHECK(q[0].hits[1].distance == 0.75f);
    CHECK(read_all(good).size() == 2); // without the header
    CHECK(read_all("").empty());
    CHECK(read_all(header).empty());

    CHECK(read_error(header + good.substr(0, good.size() - 1)) ==
          "hits.tsv:4: last line has no newline (truncated?)");
    CHECK(read_error(header + good + header) ==
          "hits.tsv:5: a second header line: give each shard's output as its own file");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t2\t0.5\t0.5\t0.97\n") ==
          "hits.tsv:1: rank 2 where a query's hits start at rank 1");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n"
                     "r1\t1\t150\tg1\t1\t5000\t3\t0.5\t0.5\t0.97\n")
              .find("rank 3 of query 'r1' follows rank 1") != std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n"
                     "r9\t1\t150\tg1\t1\t5000\t2\t0.5\t0.5\t0.97\n")
              .find("of 'r1'") != std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\n").find("fewer than the 10") !=
          std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\t7\t1\tx\n")
              .find("more than the 12") != std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\t7\n")
              .find("11 columns, not the 10 or the 12") != std::string::npos);
    // The read search's 11th column, shared_kmers, is a whole number; its 12th, copies, counts
    // from 1 (a hit is a copy of itself).
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\tx\t1\n") ==
          "hits.tsv:1: column 11 (shared_kmers) is 'x', not a whole number");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\t7\t0\n") ==
          "hits.tsv:1: column 12 (copies) is '0', not a count from 1");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\t7\t-2\n") ==
          "hits.tsv:1: column 12 (copies) is '-2', not a count from 1");
    const std::vector<QueryHits> read_search =
        read_all(std::string(hits_tsv_read_search_header) +
                 "r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\t42\t3\n");
    REQUIRE(read_search.size() == 1);
    CHECK(read_search[0].hits[0].shared_kmers == 42);
    CHECK(read_search[0].hits[0].copies == 3);
    CHECK(read_search[0].hits[0].identity_value == 0.9f);
    // Unmatched lines (rank 0): alone for their query, '*' where the hits' numbers are.
    const std::vector<QueryHits> unmatched =
        read_all("r1\t1\t150\t*\t*\t*\t0\t*\t*\t*\n"
                 "r2\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.9\n"
                 "r3\t1\t72\t*\t*\t*\t0\t*\t*\t*\n");
    REQUIRE(unmatched.size() == 3);
    CHECK(unmatched[0].hits.size() == 1);
    CHECK(unmatched[0].hits[0].rank == 0);
    CHECK(unmatched[2].hits[0].query == "r3");
    CHECK(read_error("r1\t1\t150\t*\t*\t*\t0\t*\t*\t*\n"
                     "r1\t1\t150\tg1\t1\t5000\t2\t0.5\t0.5\t0.9\n")
              .find("rank 2 of query 'r1' follows rank 0") != std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t0\t*\t*\t*\n") ==
          "hits.tsv:1: rank 0 (a query without hits) with 'g1' in column 4, not '*'");
    CHECK(read_error("r1\tone\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\n") ==
          "hits.tsv:1: column 2 is 'one', not a whole number");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t0\t0.5\t0.5\t0.97\n").find("rank 0") !=
          std::string::npos);
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t00\t0.5\t0.5\t0.97\n") ==
          "hits.tsv:1: rank 0 written as '00'");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\tnan\t0.5\t0.97\n") ==
          "hits.tsv:1: similarity 'nan' is not a number");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5x\t0.97\n") ==
          "hits.tsv:1: distance '0.5x' is not a number");
    CHECK(read_error("r1\t1\t150\tg1\t1\t5000\t1\t0.5\t0.5\t0.97\r\n").find("identity") !=
          std::string::npos);
    CHECK(read_error("\n").find("empty line") != std::string::npos);
    CHECK(read_error("{\"query\":\"r1\"}\n").find("JSON") != std::string::npos);
    CHECK(read_error(std::string(2 << 20, 'x')).find("longer than 1 MiB") != std::string::npos);
}

TEST_CASE("hits: %.9g gives back the float that search printed") {
    for (float value : {0.0f, 1e-9f, 0.123456789f, 0.99999994f, 1.0f, 1.00000012f, 2.5e-5f,
                        123.456001f, -0.5f, 3.40282347e38f}) {
        std::string text;
        append_float_full(text, value);
        CHECK(std::strtof(text.c_str(), nullptr) == value);
    }
}

TEST_CASE("hits: the lines append_hits prints read back as the same fields and print again alike") {
    // Two windows per name (row r is window r % 2 of seq<r / 2>), and hits with chosen numbers:
    // one that needs 9 significant digits, one exact in binary, one within an ulp of 1, a
    // negative similarity, and one above the noise floor of 64 dims (0.625) for an identity.
    const Index index = build(gaussian(20, 64, 40), graph_params(Metric::cosine, 4, 16), 2);
    const VecRow query{"read/1", 99, 249};
    const std::vector<SearchHit> hits = {{3, 0.876543212f, 0.123456789f},
                                         {10, 0.5f, 0.5f},
                                         {0, 5.96046448e-08f, 0.99999994f},
                                         {19, 1.25f, -0.25f},
                                         {6, 0.1f, 0.9f}};
    const std::vector<std::string> targets = {"seq1\t101\t250", "seq5\t1\t150", "seq0\t1\t150",
                                              "seq9\t101\t250", "seq3\t1\t150"};
    const std::vector<std::string> six_similarity = {"0.123457", "0.500000", "1.000000",
                                                     "-0.250000", "0.900000"};
    const std::vector<std::string> six_distance = {"0.876543", "0.500000", "0.000000", "1.250000",
                                                   "0.100000"};
    // %.9g: 9 significant digits, fewer only where the rest are zeros.
    const std::vector<std::string> full_similarity = {"0.123456791", "0.5", "0.99999994", "-0.25",
                                                      "0.899999976"};
    const std::vector<std::string> full_distance = {"0.876543224", "0.5", "5.96046448e-08", "1.25",
                                                    "0.100000001"};
    for (bool full_precision : {false, true}) {
        CAPTURE(full_precision);
        std::string out = hits_tsv_header;
        append_hits(out, query, hits, index, HitsFormat::tsv, full_precision);
        const std::vector<QueryHits> back = read_all(out);
        REQUIRE(back.size() == 1);
        REQUIRE(back[0].hits.size() == hits.size());
        CHECK(back[0].first_line == 2);
        std::string again = hits_tsv_header;
        for (size_t i = 0; i < hits.size(); ++i) {
            CAPTURE(i);
            const HitLine& line = back[0].hits[i];
            CHECK(line.query == "read/1");
            CHECK(line.query_range == "100\t249"); // 1-based, inclusive
            CHECK(line.target + "\t" + line.target_range == targets[i]);
            CHECK(line.rank == i + 1);
            CHECK(line.similarity_text == (full_precision ? full_similarity : six_similarity)[i]);
            CHECK(line.distance_text == (full_precision ? full_distance : six_distance)[i]);
            if (full_precision) {
                // The floats that were printed, bit for bit.
                CHECK(line.similarity == hits[i].similarity);
                CHECK(line.distance == hits[i].distance);
            }
            const Window target = index.row_window(hits[i].row);
            char identity[32];
            std::snprintf(identity, sizeof identity, "%.4f",
                          estimate_identity(hits[i].similarity, 150, target.end - target.start,
                                            index.embed_params().k, index.embed_params().dims));
            CHECK(line.identity == identity);
            append_hit_line(again, line, line.rank, full_precision);
        }
        CHECK(back[0].hits[4].identity != "0.0000");
        // Text in the form it is printed in is copied: the same bytes again.
        CHECK(again == out);
    }
}

TEST_CASE("hits: append_hit_line copies %.6f text and reformats other text") {
    HitLine hit;
    hit.query = "r1";
    hit.query_range = "1\t150";
    hit.target = "g1";
    hit.target_range = "1\t5000";
    hit.rank = 1;
    hit.identity = "0.9700";
    const auto line = [&](const std::string& similarity, float similarity_value,
                          const std::string& distance, float distance_value, uint64_t rank,
                          bool full_precision) {
        hit.similarity_text = similarity;
        hit.similarity = similarity_value;
        hit.distance_text = distance;
        hit.distance = distance_value;
        std::string out;
        append_hit_line(out, hit, rank, full_precision);
        return out;
    };
    // The rank is the one given, not the one read.
    CHECK(line("0.700000", 0.7f, "0.300000", 0.3f, 4, false) ==
          "r1\t1\t150\tg1\t1\t5000\t4\t0.700000\t0.300000\t0.9700\n");
    CHECK(line("-0.250000", -0.25f, "1.250000", 1.25f, 1, false) ==
          "r1\t1\t150\tg1\t1\t5000\t1\t-0.250000\t1.250000\t0.9700\n");
    // Any other text is printed again from its float with 6 decimals.
    CHECK(line("0.800000004", 0.800000004f, "0.199999996", 0.199999996f, 2, false) ==
          "r1\t1\t150\tg1\t1\t5000\t2\t0.800000\t0.200000\t0.9700\n");
    CHECK(line("0.7", 0.7f, "0.3", 0.3f, 1, false) ==
          "r1\t1\t150\tg1\t1\t5000\t1\t0.700000\t0.300000\t0.9700\n");
    CHECK(line("1e-05", 1e-5f, "0.99999", 0.99999f, 1, false) ==
          "r1\t1\t150\tg1\t1\t5000\t1\t0.000010\t0.999990\t0.9700\n");
    CHECK(line("0.1234567", 0.1234567f, "0.12345", 0.12345f, 1, false) ==
          "r1\t1\t150\tg1\t1\t5000\t1\t0.123457\t0.123450\t0.9700\n");
    CHECK(line(".500000", 0.5f, "5.000000e-01", 0.5f, 1, false) ==
          "r1\t1\t150\tg1\t1\t5000\t1\t0.500000\t0.500000\t0.9700\n");
    // With full precision, the %.9g text of a --full-precision search is copied.
    CHECK(line("0.800000004", 0.800000004f, "0.199999996", 0.199999996f, 3, true) ==
          "r1\t1\t150\tg1\t1\t5000\t3\t0.800000004\t0.199999996\t0.9700\n");
    CHECK(line("5.96046448e-08", 5.96046448e-08f, "0.99999994", 0.99999994f, 1, true) ==
          "r1\t1\t150\tg1\t1\t5000\t1\t5.96046448e-08\t0.99999994\t0.9700\n");
}
