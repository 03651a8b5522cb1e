// Exact shared k-mers (shared_kmers.cpp) against a set built by hand: distinct k-mers counted
// once, both strands under canonical, Ns breaking k-mers, and the identity formula.
#include "ruvec/shared_kmers.hpp"

#include "sequence_test_support.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

using namespace ruvec;
using namespace ruvec::test;

namespace {

// The k-mers as strings, each with its reverse complement's smaller one when canonical.
std::set<std::string> kmer_set(const std::string& s, uint32_t k, bool canonical) {
    std::set<std::string> out;
    for (size_t i = 0; i + k <= s.size(); ++i) {
        std::string kmer = s.substr(i, k);
        if (kmer.find('N') != std::string::npos) continue;
        if (canonical) kmer = std::min(kmer, reverse_complement(kmer));
        out.insert(kmer);
    }
    return out;
}

} // namespace

TEST_CASE("shared_kmers: counts the query's distinct k-mers found in a target, as sets do") {
    std::mt19937 rng(31);
    for (bool canonical : {true, false}) {
        CAPTURE(canonical);
        for (uint32_t k : {5u, 11u, 21u, 31u}) {
            CAPTURE(k);
            std::string query = random_bases(150, rng);
            query[70] = 'N';
            query += query.substr(0, 40); // repeated k-mers count once
            std::string target = random_bases(300, rng) + query.substr(20, 80) +
                                 reverse_complement(query.substr(100, 60)) + random_bases(50, rng);
            QueryKmers kmers(query, k, canonical);
            const std::set<std::string> q = kmer_set(query, k, canonical);
            const std::set<std::string> t = kmer_set(target, k, canonical);
            uint64_t expected = 0;
            for (const std::string& kmer : q) expected += t.count(kmer);
            CHECK(kmers.distinct() == q.size());
            CHECK(kmers.shared_with(target) == expected);
            CHECK(kmers.shared_with(target) == expected); // the scratch is cleared between calls
            CHECK(kmers.shared_with(query) == q.size());
            CHECK(kmers.shared_with("") == 0);
        }
    }
}

TEST_CASE("shared_kmers: identity is the shared fraction's k-th root") {
    std::mt19937 rng(32);
    const std::string query = random_bases(150, rng);
    QueryKmers kmers(query, 21, true);
    REQUIRE(kmers.distinct() == 130);
    CHECK(kmers.identity(130) == 1.0);
    CHECK(kmers.identity(0) == 0.0);
    CHECK(kmers.identity(65) == doctest::Approx(std::pow(0.5, 1.0 / 21)));
    // One substitution in the middle removes 21 k-mers: identity about 1 - 1/150.
    std::string mutated = query;
    mutated[75] = mutated[75] == 'A' ? 'C' : 'A';
    CHECK(kmers.shared_with(mutated) == 130 - 21);
    CHECK(kmers.identity(130 - 21) == doctest::Approx(1.0 - 1.0 / 150).epsilon(0.002));
    QueryKmers none("ACGTNACGT", 21, true);
    CHECK(none.distinct() == 0);
    CHECK(none.identity(0) == 0.0);
}
