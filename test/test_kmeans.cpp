// k-means for product quantization (kmeans.cpp): clusters found, ties and empty clusters settled
// as documented, and the centroid layout nearest_centroid reads.
#include "kmeans.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace ruvec;

namespace {

// Norms |c|^2 of k x dim centroids.
std::vector<float> norms_of(const std::vector<float>& centroids, size_t k, size_t dim) {
    std::vector<float> norms(k);
    for (size_t c = 0; c < k; ++c)
        for (size_t d = 0; d < dim; ++d) norms[c] += centroids[c * dim + d] * centroids[c * dim + d];
    return norms;
}

} // namespace

TEST_CASE("kmeans: centroids_by_dimension transposes k x dim to dim x k") {
    const std::vector<float> centroids = {1, 2, 3, 4, 5, 6}; // k 2, dim 3
    const std::vector<float> by_dim = centroids_by_dimension(centroids.data(), 2, 3);
    CHECK(by_dim == std::vector<float>{1, 4, 2, 5, 3, 6});
}

TEST_CASE("kmeans: nearest_centroid is the nearest by Euclidean distance, the lower on ties") {
    const size_t k = 3, dim = 2;
    const std::vector<float> centroids = {0, 0, 10, 0, 0, 10};
    const std::vector<float> by_dim = centroids_by_dimension(centroids.data(), k, dim);
    const std::vector<float> norms = norms_of(centroids, k, dim);
    std::vector<float> dots(k);
    auto nearest = [&](float x, float y) {
        const float point[2] = {x, y};
        return nearest_centroid(point, by_dim.data(), norms.data(), dim, k, dots.data());
    };
    CHECK(nearest(1, 1) == 0);
    CHECK(nearest(9, 1) == 1);
    CHECK(nearest(-1, 12) == 2);
    CHECK(nearest(5, 0) == 0);  // equally far from 0 and 1
    CHECK(nearest(5, 5) == 0);  // equally far from all three
    CHECK(nearest(10, 10) == 1); // equally far from 1 and 2
}

TEST_CASE("kmeans: well separated clusters are found, and the result is deterministic") {
    // Four clusters of 50 points in 3 dims, around corners 100 apart, the first four points one
    // from each (k-means starts from the first k points: callers shuffle them by a seed);
    // sub-vectors of rows of 5 floats (stride 5, dims 1..3) as product quantization passes them.
    const size_t per = 50, k = 4, dim = 3, stride = 5, n = per * k;
    const float corners[4][3] = {{0, 0, 0}, {100, 0, 0}, {0, 100, 0}, {0, 0, 100}};
    std::mt19937 rng(11);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    // Point i is of cluster order[i] / per: one of each first, the rest shuffled.
    std::vector<size_t> order = {0, per, 2 * per, 3 * per}, rest;
    for (size_t i = 0; i < n; ++i)
        if (i % per != 0) rest.push_back(i);
    std::shuffle(rest.begin(), rest.end(), rng);
    order.insert(order.end(), rest.begin(), rest.end());
    std::vector<float> rows(n * stride, -7.0f);
    for (size_t i = 0; i < n; ++i) {
        const size_t cluster = order[i] / per;
        for (size_t d = 0; d < dim; ++d) rows[i * stride + 1 + d] = corners[cluster][d] + noise(rng);
    }
    const std::vector<float> centroids = kmeans(rows.data() + 1, n, stride, dim, k, 25);
    REQUIRE(centroids.size() == k * dim);
    // Each corner has one centroid within 1 of it (the mean of 50 points of unit noise).
    std::vector<int> matched(k, 0);
    for (size_t corner = 0; corner < k; ++corner)
        for (size_t c = 0; c < k; ++c) {
            double d2 = 0;
            for (size_t d = 0; d < dim; ++d) {
                const double diff = centroids[c * dim + d] - corners[corner][d];
                d2 += diff * diff;
            }
            if (d2 < 1.0) ++matched[corner];
        }
    CHECK(matched == std::vector<int>{1, 1, 1, 1});
    CHECK(kmeans(rows.data() + 1, n, stride, dim, k, 25) == centroids);
}

TEST_CASE("kmeans: converged centroids are the means of the points nearest them") {
    // Lloyd's fixed point, from any start: random points, 8 clusters, enough iterations.
    const size_t n = 400, dim = 4, k = 8;
    std::mt19937 rng(12);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    std::vector<float> points(n * dim);
    for (float& v : points) v = uniform(rng);
    const std::vector<float> centroids = kmeans(points.data(), n, dim, dim, k, 200);
    const std::vector<float> by_dim = centroids_by_dimension(centroids.data(), k, dim);
    const std::vector<float> norms = norms_of(centroids, k, dim);
    std::vector<float> dots(k);
    std::vector<double> sums(k * dim, 0.0);
    std::vector<size_t> counts(k, 0);
    for (size_t i = 0; i < n; ++i) {
        const uint32_t c = nearest_centroid(points.data() + i * dim, by_dim.data(), norms.data(),
                                            dim, k, dots.data());
        ++counts[c];
        for (size_t d = 0; d < dim; ++d) sums[c * dim + d] += points[i * dim + d];
    }
    for (size_t c = 0; c < k; ++c) {
        CAPTURE(c);
        REQUIRE(counts[c] > 0);
        for (size_t d = 0; d < dim; ++d)
            CHECK(centroids[c * dim + d] ==
                  doctest::Approx(sums[c * dim + d] / static_cast<double>(counts[c])).epsilon(1e-4));
    }
}

TEST_CASE("kmeans: fewer distinct points than clusters leave no centroid unset") {
    // Three points, five clusters: the start repeats points cyclically, and emptied clusters
    // split the largest; every centroid stays finite and near the points.
    const std::vector<float> points = {0, 0, 1, 1, 2, 2};
    const std::vector<float> centroids = kmeans(points.data(), 3, 2, 2, 5, 10);
    REQUIRE(centroids.size() == 10);
    for (float v : centroids) {
        CHECK(std::isfinite(v));
        CHECK(v >= -0.5f);
        CHECK(v <= 2.5f);
    }
    // Each point has a centroid within a split's nudge of it (its own cluster's mean).
    for (size_t p = 0; p < 3; ++p) {
        bool found = false;
        for (size_t c = 0; c < 5; ++c)
            found |= std::fabs(centroids[c * 2] - points[p * 2]) < 0.01f &&
                     std::fabs(centroids[c * 2 + 1] - points[p * 2 + 1]) < 0.01f;
        CHECK(found);
    }
}
