// k-mer samplers (kmer_sampler.cpp) against a brute-force reading of their definitions, on both
// strands: the samples are the keys of the k-mer candidate index, so a query and a reference
// must sample the same k-mers wherever they share sequence.
#include "ruvec/kmer_sampler.hpp"

#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"

#include "sequence_test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

std::string bases_with_ns(size_t n, uint32_t seed, int n_every = 0) {
    std::mt19937 rng(seed);
    std::string s = ruvec::test::random_bases(n, rng);
    if (n_every > 0)
        for (size_t i = n_every; i < n; i += n_every + rng() % n_every) s[i] = 'N';
    return s;
}

// The canonical 2-bit code of seq[p, p + n), and whether it is the reverse complement; false in
// `valid` when a base there is not ACGT.
uint64_t canonical_code(const std::string& seq, size_t p, uint32_t n, bool& reverse, bool& valid) {
    uint64_t forward = 0, backward = 0;
    valid = true;
    reverse = false;
    for (uint32_t i = 0; i < n; ++i) {
        const char* at = std::strchr("ACGT", seq[p + i]);
        if (!at || seq[p + i] == '\0') {
            valid = false;
            return 0;
        }
        const uint64_t code = static_cast<uint64_t>(at - "ACGT");
        forward = forward << 2 | code;
        backward |= (3 - code) << (2 * i);
    }
    reverse = backward < forward;
    return reverse ? backward : forward;
}

// The definitions, one k-mer (or window) at a time.
std::vector<KmerSample> brute_force(std::string seq, const SamplerParams& p) {
    for (char& c : seq) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::vector<KmerSample> out;
    if (seq.size() < p.k) return out;
    const size_t kmers = seq.size() - p.k + 1;
    std::vector<bool> valid(kmers), reverse(kmers);
    std::vector<uint64_t> hash(kmers);
    for (size_t i = 0; i < kmers; ++i) {
        bool r = false, v = false;
        const uint64_t code = canonical_code(seq, i, p.k, r, v);
        valid[i] = v;
        reverse[i] = r;
        hash[i] = simd::kmer_hash(code, p.seed);
    }
    if (p.kind == SamplerKind::fracminhash) {
        for (size_t i = 0; i < kmers; ++i)
            if (valid[i] && static_cast<unsigned __int128>(hash[i]) * p.c <
                                (static_cast<unsigned __int128>(1) << 64))
                out.push_back({hash[i], i, reverse[i]});
    } else if (p.kind == SamplerKind::syncmer) {
        for (size_t i = 0; i < kmers; ++i) {
            if (!valid[i]) continue;
            // The s-mers in the canonical orientation: offset j there is offset k - s - j in
            // the sequence when the k-mer is reverse.
            uint64_t best = UINT64_MAX;
            uint32_t best_offset = 0;
            for (uint32_t j = 0; j <= p.k - p.s; ++j) {
                const uint32_t at = reverse[i] ? p.k - p.s - j : j;
                bool r = false, v = false;
                const uint64_t h = simd::kmer_hash(canonical_code(seq, i + at, p.s, r, v), p.seed);
                if (h < best) {
                    best = h;
                    best_offset = j;
                }
            }
            if (best_offset == p.t) out.push_back({hash[i], i, reverse[i]});
        }
    } else {
        for (size_t first = 0; first + p.w <= kmers; ++first) {
            bool all_valid = true;
            size_t best = first;
            for (size_t i = first; i < first + p.w; ++i) {
                all_valid &= valid[i];
                if (hash[i] < hash[best]) best = i;
            }
            if (!all_valid) continue;
            if (out.empty() || out.back().position != best)
                out.push_back({hash[best], best, reverse[best]});
        }
    }
    return out;
}

std::vector<KmerSample> sampled(const std::string& seq, const SamplerParams& p) {
    std::vector<KmerSample> out;
    sample_kmers(seq, p, out);
    return out;
}

bool same(const std::vector<KmerSample>& a, const std::vector<KmerSample>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].hash != b[i].hash || a[i].position != b[i].position ||
            a[i].reverse != b[i].reverse)
            return false;
    return true;
}

std::vector<SamplerParams> every_kind() {
    SamplerParams minimizer, syncmer, syncmer_edge, frac;
    minimizer.kind = SamplerKind::minimizer;
    minimizer.k = 15;
    minimizer.w = 7;
    syncmer.kind = SamplerKind::syncmer; // the defaults: k 21, s 11, t 5
    syncmer_edge.kind = SamplerKind::syncmer;
    syncmer_edge.k = 12; // even k: palindromic k-mers exist
    syncmer_edge.s = 4;
    syncmer_edge.t = 1; // off the middle: the canonical orientation decides
    // The smallest s-mer first or last: one of the two sides of it holds nothing.
    SamplerParams syncmer_first = syncmer_edge, syncmer_last = syncmer_edge;
    syncmer_first.t = 0;
    syncmer_last.t = syncmer_edge.k - syncmer_edge.s;
    frac.kind = SamplerKind::fracminhash;
    frac.c = 5;
    return {minimizer, syncmer, syncmer_edge, syncmer_first, syncmer_last, frac};
}

} // namespace

TEST_CASE("kmer_sampler: every sampler gives what its definition gives, Ns included") {
    for (const SamplerParams& p : every_kind()) {
        const std::string kind_name = sampler_kind_name(p.kind);
        CAPTURE(kind_name);
        CAPTURE(p.k);
        for (uint32_t seed : {1u, 2u, 3u}) {
            const std::string seq = bases_with_ns(3000, seed, seed == 1 ? 0 : 40 * seed);
            CHECK(same(sampled(seq, p), brute_force(seq, p)));
        }
        // Low complexity: repeated s-mers and k-mers, ties everywhere.
        const std::string repeats = std::string(200, 'A') + "ACACACACACACACACACACACACACACAC" +
                                    bases_with_ns(100, 9) + std::string(50, 'T') + "acgtnACGT";
        CHECK(same(sampled(repeats, p), brute_force(repeats, p)));
        CHECK(sampled(std::string(p.k - 1, 'A'), p).empty());
    }
}

TEST_CASE("kmer_sampler: the reverse complement samples the same k-mers, mirrored") {
    for (const SamplerParams& p : every_kind()) {
        const std::string kind_name = sampler_kind_name(p.kind);
        CAPTURE(kind_name);
        const std::string seq = bases_with_ns(5000, 17, 300);
        const std::vector<KmerSample> forward = sampled(seq, p);
        std::vector<KmerSample> mirrored = sampled(reverse_complement(seq), p);
        std::reverse(mirrored.begin(), mirrored.end());
        REQUIRE(forward.size() == mirrored.size());
        bool all = true;
        for (size_t i = 0; i < forward.size(); ++i) {
            const KmerSample& a = forward[i];
            const KmerSample& b = mirrored[i];
            // Palindromes (even k only) are forward on both strands.
            const bool palindrome = !a.reverse && !b.reverse;
            all &= a.hash == b.hash && a.position == seq.size() - p.k - b.position &&
                   (a.reverse != b.reverse || palindrome);
        }
        CHECK(all);
    }
}

TEST_CASE("kmer_sampler: densities are as documented, and minimizers leave no window empty") {
    const std::string seq = bases_with_ns(200000, 23);
    const double kmers = static_cast<double>(seq.size() - 20);
    SamplerParams p;
    p.kind = SamplerKind::syncmer;
    p.s = 11;
    p.t = 5;
    CHECK(sampled(seq, p).size() / kmers == doctest::Approx(1.0 / 11).epsilon(0.05));
    p.kind = SamplerKind::fracminhash;
    p.c = 8;
    CHECK(sampled(seq, p).size() / kmers == doctest::Approx(1.0 / 8).epsilon(0.05));
    p.kind = SamplerKind::minimizer;
    p.w = 10;
    const std::vector<KmerSample> minimizers = sampled(seq, p);
    CHECK(minimizers.size() / kmers == doctest::Approx(2.0 / 11).epsilon(0.05));
    uint64_t widest = minimizers.front().position + 1;
    for (size_t i = 1; i < minimizers.size(); ++i)
        widest = std::max(widest, minimizers[i].position - minimizers[i - 1].position);
    CHECK(widest <= p.w);
}

TEST_CASE("kmer_sampler: parameters out of range are refused, naming them") {
    SamplerParams p;
    check_sampler_params(p);
    auto message = [](const SamplerParams& q) -> std::string {
        try {
            check_sampler_params(q);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            return e.what();
        }
        return "(accepted)";
    };
    SamplerParams q = p;
    q.k = 32;
    CHECK(message(q) == "k-mer length 32 is not in 1..31");
    q = p;
    q.s = 22;
    CHECK(message(q) == "syncmer s-mer length 22 is not in 1..21");
    q = p;
    q.t = 11;
    CHECK(message(q) == "syncmer offset 11 is not in 0..10");
    q = p;
    q.kind = SamplerKind::minimizer;
    q.w = 0;
    CHECK(message(q) == "minimizer window 0 is not in 1..256");
    q = p;
    q.kind = SamplerKind::fracminhash;
    q.c = 0;
    CHECK(message(q) == "FracMinHash scale 0 is not in 1..2147483648");
    for (SamplerKind kind : {SamplerKind::minimizer, SamplerKind::syncmer, SamplerKind::fracminhash}) {
        SamplerKind back = SamplerKind::minimizer;
        REQUIRE(parse_sampler_kind(sampler_kind_name(kind), back));
        CHECK(back == kind);
    }
    SamplerKind untouched = SamplerKind::syncmer;
    CHECK_FALSE(parse_sampler_kind("minimiser", untouched));
    CHECK(untouched == SamplerKind::syncmer);
}
