// Embedding: parameters, windows, k-mer handling, and the properties users rely on (reverse
// complement invariance, unit norm, the same bits on every SIMD ISA).
#include "ruvec/embed.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/simd.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

EmbedParams finalized(EmbedParams p) {
    finalize_params(p);
    return p;
}

std::string random_dna(size_t length, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string s(length, 'A');
    for (char& c : s) c = "ACGT"[rng() & 3];
    return s;
}

std::string reverse_complement(const std::string& s) {
    std::string rc(s.rbegin(), s.rend());
    for (char& c : rc) {
        switch (c) {
        case 'A':
            c = 'T';
            break;
        case 'C':
            c = 'G';
            break;
        case 'G':
            c = 'C';
            break;
        case 'T':
            c = 'A';
            break;
        default:
            break;
        }
    }
    return rc;
}

std::vector<float> embed(const EmbedParams& p, const std::string& seq, uint64_t* kmers = nullptr) {
    Embedder embedder(p);
    std::vector<float> v(p.dims, -7.0f);
    const uint64_t n = embedder.embed(seq, v.data());
    if (kmers) *kmers = n;
    return v;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

double norm(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += static_cast<double>(x) * x;
    return std::sqrt(s);
}

} // namespace

TEST_CASE("exact profile sizes") {
    CHECK(exact_profile_dims(4, true) == 136); // the tetranucleotide profile
    CHECK(exact_profile_dims(1, true) == 2);
    CHECK(exact_profile_dims(2, true) == 10);
    CHECK(exact_profile_dims(3, true) == 32);
    CHECK(exact_profile_dims(4, false) == 256);
    CHECK(exact_profile_dims(8, false) == 65536);
}

TEST_CASE("parameter checks name the parameter") {
    auto message = [](EmbedParams p) -> std::string {
        try {
            finalize_params(p);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            return e.what();
        }
        return "";
    };
    EmbedParams p;
    p.k = 0;
    CHECK(message(p) == "k must be 1..31, not 0");
    p.k = 32;
    CHECK(message(p) == "k must be 1..31, not 32");
    p = EmbedParams{};
    p.dims = 7;
    CHECK(message(p) == "dims must be 8..65536, not 7");
    p.dims = 65537;
    CHECK(message(p) == "dims must be 8..65536, not 65537");
    p = EmbedParams{};
    p.exact = true;
    CHECK(message(p) == "an exact k-mer profile needs k <= 8 (4^k dimensions), not k = 21");
    p = EmbedParams{};
    p.step = 10;
    CHECK(message(p) == "a step needs a window");
    p = EmbedParams{};
    p.window = 20;
    CHECK(message(p) == "window 20 is shorter than k = 21");
    p = EmbedParams{};
    p.hash_id = 2;
    CHECK(message(p) == "unknown k-mer hash id 2 (this ruvec knows 1)");

    EmbedParams exact;
    exact.exact = true;
    exact.k = 4;
    CHECK(finalized(exact).dims == 136);
    EmbedParams windowed;
    windowed.window = 100;
    CHECK(finalized(windowed).step == 100);
}

TEST_CASE("weight names") {
    Weight w;
    CHECK(parse_weight("log", w));
    CHECK(w == Weight::log);
    CHECK_FALSE(parse_weight("tfidf", w));
    CHECK(std::string(weight_name(Weight::binary)) == "binary");
}

TEST_CASE("windows tile the sequence; the last may be shorter") {
    EmbedParams p;
    p.k = 3;
    p.window = 4;
    p = finalized(p);
    auto w = windows_of(10, p);
    REQUIRE(w.size() == 3);
    CHECK(w[0].start == 0);
    CHECK(w[0].end == 4);
    CHECK(w[2].start == 8);
    CHECK(w[2].end == 10);
    CHECK(windows_of(4, p).size() == 1);
    CHECK(windows_of(0, p).empty());
    p.step = 3;
    w = windows_of(10, p);
    REQUIRE(w.size() == 3);
    CHECK(w[1].start == 3);
    CHECK(w[1].end == 7);
    CHECK(w[2].start == 6);
    CHECK(w[2].end == 10);
    EmbedParams whole;
    auto one = windows_of(123, whole);
    REQUIRE(one.size() == 1);
    CHECK(one[0].end == 123);
}

TEST_CASE("exact k = 1 canonical profile counts A/T and C/G") {
    EmbedParams p;
    p.k = 1;
    p.exact = true;
    p = finalized(p);
    auto v = embed(p, "AAAC");
    REQUIRE(v.size() == 2);
    CHECK(v[0] == doctest::Approx(3 / std::sqrt(10.0)));
    CHECK(v[1] == doctest::Approx(1 / std::sqrt(10.0)));
    CHECK(same_bits(v, embed(p, "TTTG")));
}

TEST_CASE("exact k = 2 non-canonical profile is the dinucleotide count") {
    EmbedParams p;
    p.k = 2;
    p.exact = true;
    p.canonical = false;
    p = finalized(p);
    auto v = embed(p, "ACACA"); // AC twice, CA twice
    REQUIRE(v.size() == 16);
    const float half = static_cast<float>(1 / std::sqrt(2.0));
    for (size_t i = 0; i < 16; ++i) CHECK(v[i] == (i == 1 || i == 4 ? half : 0.0f)); // AC=1, CA=4
}

TEST_CASE("non-ACGT breaks k-mers; too short gives no vector") {
    EmbedParams p;
    p.k = 4;
    p.exact = true;
    p.canonical = false;
    p = finalized(p);
    uint64_t kmers = 0;
    embed(p, "ACGTNACGT", &kmers);
    CHECK(kmers == 2);
    embed(p, "ACGTRYACGTA", &kmers);
    CHECK(kmers == 3);
    auto v = embed(p, "ACG", &kmers);
    CHECK(kmers == 0);
    CHECK(v[0] == -7.0f); // left untouched
    embed(p, "NNNNNNNN", &kmers);
    CHECK(kmers == 0);
    EmbedParams hashed;
    embed(finalized(hashed), std::string(20, 'A'), &kmers);
    CHECK(kmers == 0);
    embed(finalized(hashed), std::string(21, 'a'), &kmers);
    CHECK(kmers == 1);
}

TEST_CASE("a sequence and its reverse complement get the same vector") {
    for (Weight weight : {Weight::count, Weight::log, Weight::binary}) {
        for (uint32_t k : {1u, 4u, 15u, 21u, 31u}) {
            EmbedParams p;
            p.k = k;
            p.weight = weight;
            p = finalized(p);
            const std::string seq = random_dna(1000, k) + "NNACGTRY" + random_dna(300, 99 + k);
            CHECK(same_bits(embed(p, seq), embed(p, reverse_complement(seq))));
            p.canonical = false;
            // (with k = 1 and binary weights both strands hold all four 1-mers: same vector)
            if (k > 1) CHECK_FALSE(same_bits(embed(p, seq), embed(p, reverse_complement(seq))));
        }
    }
}

TEST_CASE("case does not matter; vectors have unit norm") {
    EmbedParams p = finalized(EmbedParams{});
    std::string seq = random_dna(500, 5);
    std::string lower = seq;
    for (char& c : lower) c = static_cast<char>(c - 'A' + 'a');
    auto v = embed(p, seq);
    CHECK(same_bits(v, embed(p, lower)));
    CHECK(norm(v) == doctest::Approx(1.0).epsilon(1e-6));
}

TEST_CASE("weights differ only when k-mers repeat") {
    EmbedParams count;
    count.k = 5;
    EmbedParams binary = count, logw = count;
    binary.weight = Weight::binary;
    logw.weight = Weight::log;
    count = finalized(count);
    binary = finalized(binary);
    logw = finalized(logw);
    const std::string unique = random_dna(40, 3); // 36 k-mers, almost surely distinct
    const std::string repeats = "ACGTTACGTTACGTTACGTTACGTTGGGCCC";
    auto c = embed(count, repeats), b = embed(binary, repeats), l = embed(logw, repeats);
    CHECK_FALSE(same_bits(c, b));
    CHECK_FALSE(same_bits(c, l));
    CHECK_FALSE(same_bits(b, l));
    for (size_t i = 0; i < c.size(); ++i) {
        CHECK(embed(count, unique)[i] == doctest::Approx(embed(binary, unique)[i]));
        break;
    }
    CHECK(norm(b) == doctest::Approx(1.0));
    CHECK(norm(l) == doctest::Approx(1.0));
}

TEST_CASE("similar sequences are closer than unrelated ones") {
    EmbedParams p = finalized(EmbedParams{});
    const std::string a = random_dna(5000, 11);
    std::string mutated = a;
    std::mt19937 rng(3);
    for (int i = 0; i < 50; ++i) mutated[rng() % mutated.size()] = "ACGT"[rng() & 3]; // ~1%
    const std::string other = random_dna(5000, 12);
    auto dot = [](const std::vector<float>& x, const std::vector<float>& y) {
        double s = 0;
        for (size_t i = 0; i < x.size(); ++i) s += static_cast<double>(x[i]) * y[i];
        return s;
    };
    auto va = embed(p, a), vm = embed(p, mutated), vo = embed(p, other);
    CHECK(dot(va, vm) > 0.5);
    CHECK(std::fabs(dot(va, vo)) < 0.2);
}

TEST_CASE("the same bits on every SIMD ISA") {
    const simd::Isa best = simd::best_isa();
    for (Weight weight : {Weight::count, Weight::log}) {
        EmbedParams p;
        p.dims = 1000; // not a power of two: exercises the bucket multiply
        p.weight = weight;
        p = finalized(p);
        const std::string seq = random_dna(10000, 21);
        simd::select_isa(simd::Isa::scalar);
        const auto reference = embed(p, seq);
        for (simd::Isa isa : simd::all_isas) {
            if (!simd::isa_supported(isa)) continue;
            simd::select_isa(isa);
            CHECK_MESSAGE(same_bits(embed(p, seq), reference), simd::isa_name(isa));
        }
    }
    simd::select_isa(best);
}

TEST_CASE("the hashed embedding is pinned: vectors in existing files must stay valid") {
    // If this fails, the hash, bucketing, signs or normalisation changed: old .rvec and index
    // files would silently stop matching new queries. Add a new hash id instead.
    // Pinned at 1024 dims, the default when it was written (the default is now 2048).
    EmbedParams p = EmbedParams{};
    p.dims = 1024;
    p = finalized(p);
    const auto v = embed(p, "ACGTTGCATGTCGCATGATGCATGAGAGCTGACGTAGCTAGCTAGCATCGATCGAT");
    CHECK(checksum64(v.data(), v.size() * sizeof(float)) == 0xda7c586b869f49b1ULL);
}

TEST_CASE("log1p_count: within 2 ulp of log1p, and fixed bits where libms disagree") {
    auto ulps = [](double a, double b) {
        int64_t x, y;
        std::memcpy(&x, &a, 8);
        std::memcpy(&y, &b, 8);
        return x > y ? x - y : y - x;
    };
    CHECK(log1p_count(0) == 0.0);
    int64_t worst = 0;
    for (uint64_t n = 1; n <= 200000; ++n)
        worst = std::max(worst, ulps(log1p_count(n), std::log1p(static_cast<double>(n))));
    for (uint64_t n = 1; n < (uint64_t{1} << 52); n = n * 3 + 1)
        worst = std::max(worst, ulps(log1p_count(n), std::log1p(static_cast<double>(n))));
    CHECK(worst <= 2);
    // 175 and 184 are where V8's and musl's log1p leave glibc's, 43259 where glibc's FMA
    // variant does: the bits every build must give (test/web/fallback.test.mjs checks them too).
    auto bits = [](double v) {
        uint64_t b;
        std::memcpy(&b, &v, 8);
        return b;
    };
    CHECK(bits(log1p_count(1)) == 0x3fe62e42fefa39efULL);
    CHECK(bits(log1p_count(2)) == 0x3ff193ea7aad030bULL);
    CHECK(bits(log1p_count(175)) == 0x4014ae935b3cb89dULL);
    CHECK(bits(log1p_count(184)) == 0x4014e1a4f518c72bULL);
    CHECK(bits(log1p_count(43259)) == 0x4025599776a56e86ULL);
    CHECK(bits(log1p_count(1000000)) == 0x402ba18abb1dedc8ULL);
}
