// The identity estimate from a k-mer vector similarity and the noise floor under which none is
// claimed (identity.cpp): the formula on chosen values, and on real embeddings of a read with
// known substitutions.
#include "ruvec/embed.hpp"
#include "ruvec/index.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

double dot(const float* a, const float* b, size_t n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
    return sum;
}

} // namespace

TEST_CASE("identity: default_min_similarity is the noise floor for cosine k-mer counts only") {
    EmbedParams p;
    p.dims = 1024;
    finalize_params(p);
    CHECK(default_min_similarity(p, Metric::cosine) == doctest::Approx(0.15625));
    CHECK(std::isinf(default_min_similarity(p, Metric::l2)));
    CHECK(std::isinf(default_min_similarity(p, Metric::ip)));
    p.dims = 16; // floor 1.25: no hit but an identical one could pass, so none is set
    CHECK(std::isinf(default_min_similarity(p, Metric::cosine)));
}

TEST_CASE("identity: estimate_identity follows its formula") {
    CHECK(identity_noise_floor(1024) == doctest::Approx(0.15625));
    CHECK(identity_noise_floor(64) == doctest::Approx(0.625));
    const uint32_t k = 21, dims = 1024;
    const double floor = identity_noise_floor(dims);

    // A 150-base read inside a 1000-base window, all k-mers shared: cosine sqrt(130 / 980).
    const double contained = std::sqrt(130.0 / 980.0);
    CHECK(estimate_identity(contained, 150, 1000, k, dims) == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(estimate_identity(contained, 1000, 150, k, dims) == doctest::Approx(1.0).epsilon(1e-9));
    CHECK(estimate_identity(1.0, 500, 500, k, dims) == 1.0);
    CHECK(estimate_identity(0.9, 150, 1000, k, dims) == 1.0); // clipped, never above 1
    // Equal lengths: the shared fraction is the similarity itself.
    CHECK(estimate_identity(0.5, 300, 300, k, dims) == doctest::Approx(std::pow(0.5, 1.0 / k)));

    // Below the noise floor nothing is claimed.
    CHECK(estimate_identity(std::nextafter(floor, 0.0), 150, 1000, k, dims) == 0.0);
    CHECK(estimate_identity(0.0, 150, 1000, k, dims) == 0.0);
    CHECK(estimate_identity(-0.5, 150, 1000, k, dims) == 0.0);
    CHECK(estimate_identity(std::nan(""), 150, 1000, k, dims) == 0.0);
    CHECK(estimate_identity(floor, 150, 1000, k, dims) > 0.9);
    CHECK(estimate_identity(0.5, 150, 1000, 0, dims) == 0.0);

    // Monotone from the floor up, strictly until the clip at `contained`.
    double previous = 0;
    for (double s = floor; s <= 1.0; s += 0.001) {
        CAPTURE(s);
        const double identity = estimate_identity(s, 150, 1000, k, dims);
        CHECK(identity >= previous);
        if (s < contained - 0.001) CHECK(identity > previous);
        CHECK(identity <= 1.0);
        previous = identity;
    }
}

TEST_CASE("identity: estimate_identity recovers 98% identity from real embeddings") {
    // The default embedding (k 21, 1024 dims, counts, canonical) of a random 1000-base target
    // and a 150-base read from it with its 50th, 100th and 150th bases substituted: 3 changes
    // in 150 bases, 98% identity.
    std::mt19937 rng(2024);
    std::string target(1000, 'A');
    for (char& c : target) c = "ACGT"[rng() & 3];
    std::string read = target.substr(400, 150);
    for (size_t i = 49; i < read.size(); i += 50) {
        const char* next = std::strchr("ACGTA", read[i]) + 1;
        read[i] = *next;
    }
    EmbedParams p;
    finalize_params(p);
    Embedder embedder(p);
    std::vector<float> a(p.dims), b(p.dims);
    REQUIRE(embedder.embed(target, a.data()) == 980);
    REQUIRE(embedder.embed(read, b.data()) == 130);
    const double similarity = dot(a.data(), b.data(), p.dims);
    const double identity = estimate_identity(similarity, 150, 1000, p.k, p.dims);
    MESSAGE("similarity " << similarity << ", estimated identity " << identity);
    CHECK(std::fabs(identity - 0.98) <= 0.02);
}

