#include "kmeans.hpp"

#include <algorithm>
#include <limits>

namespace ruvec {

std::vector<float> centroids_by_dimension(const float* centroids, size_t k, size_t dim) {
    std::vector<float> by_dim(k * dim);
    for (size_t c = 0; c < k; ++c)
        for (size_t d = 0; d < dim; ++d) by_dim[d * k + c] = centroids[c * dim + d];
    return by_dim;
}

uint32_t nearest_centroid(const float* point, const float* centroids_by_dim,
                          const float* centroid_norms, size_t dim, size_t k, float* dots) {
    // argmin |x - c|^2 = argmin |c|^2 - 2 x.c. Each centroid's dot product adds its terms in
    // order from d = 0, as one centroid at a time would; taking the dimensions in the outer loop
    // lets the compiler vectorise across centroids without changing any result.
    std::fill(dots, dots + k, 0.0f);
    for (size_t d = 0; d < dim; ++d) {
        const float x = point[d];
        const float* column = centroids_by_dim + d * k;
        for (size_t c = 0; c < k; ++c) dots[c] += x * column[c];
    }
    float best = std::numeric_limits<float>::infinity();
    uint32_t best_index = 0;
    for (size_t c = 0; c < k; ++c) {
        const float score = centroid_norms[c] - 2 * dots[c];
        if (score < best) {
            best = score;
            best_index = static_cast<uint32_t>(c);
        }
    }
    return best_index;
}

std::vector<float> kmeans(const float* points, size_t n, size_t stride, size_t dim, size_t k,
                          uint32_t iterations) {
    std::vector<float> centroids(k * dim), norms(k), dots(k);
    for (size_t c = 0; c < k; ++c)
        std::copy_n(points + (c % n) * stride, dim, centroids.begin() + c * dim);
    std::vector<uint32_t> assigned(n);
    std::vector<double> sums(k * dim);
    std::vector<uint64_t> counts(k);
    for (uint32_t iteration = 0; iteration < iterations; ++iteration) {
        for (size_t c = 0; c < k; ++c) {
            float norm = 0;
            for (size_t d = 0; d < dim; ++d)
                norm += centroids[c * dim + d] * centroids[c * dim + d];
            norms[c] = norm;
        }
        const std::vector<float> by_dim = centroids_by_dimension(centroids.data(), k, dim);
        bool changed = iteration == 0;
        for (size_t i = 0; i < n; ++i) {
            const uint32_t nearest = nearest_centroid(points + i * stride, by_dim.data(),
                                                      norms.data(), dim, k, dots.data());
            changed |= nearest != assigned[i];
            assigned[i] = nearest;
        }
        if (!changed) break;
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(counts.begin(), counts.end(), 0);
        for (size_t i = 0; i < n; ++i) {
            const float* point = points + i * stride;
            double* sum = sums.data() + size_t{assigned[i]} * dim;
            for (size_t d = 0; d < dim; ++d) sum[d] += point[d];
            ++counts[assigned[i]];
        }
        for (size_t c = 0; c < k; ++c)
            if (counts[c] > 0)
                for (size_t d = 0; d < dim; ++d)
                    centroids[c * dim + d] =
                        static_cast<float>(sums[c * dim + d] / static_cast<double>(counts[c]));
        // Empty clusters split the largest ones; later iterations separate the halves.
        constexpr float nudge = 1.0f / 1024;
        for (size_t empty = 0; empty < k; ++empty) {
            if (counts[empty] > 0) continue;
            const size_t largest = static_cast<size_t>(
                std::max_element(counts.begin(), counts.end()) - counts.begin());
            if (counts[largest] < 2) break; // fewer distinct points than clusters
            for (size_t d = 0; d < dim; ++d) {
                const float x = centroids[largest * dim + d];
                const float sign = d % 2 == 0 ? 1.0f : -1.0f;
                centroids[empty * dim + d] = x * (1 + sign * nudge);
                centroids[largest * dim + d] = x * (1 - sign * nudge);
            }
            counts[empty] = counts[largest] / 2;
            counts[largest] -= counts[empty];
        }
    }
    return centroids;
}

} // namespace ruvec
