// k-means for the sub-spaces of product quantization: deterministic (the result depends on the
// points, k, the iterations and the seeded order of the points only) and single-threaded, since
// product quantization trains its sub-spaces in parallel instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ruvec {

// Lloyd's algorithm on `n` points of `dim` floats, read as points[i * stride + d] (a sub-vector
// of longer rows). Starts from the first k points (repeated cyclically when n < k), so callers
// pass the points in a seeded random order. An emptied cluster takes half of the largest one
// (its centroid split in two by a small symmetric perturbation, as FAISS does). Returns k x dim
// centroids.
std::vector<float> kmeans(const float* points, size_t n, size_t stride, size_t dim, size_t k,
                          uint32_t iterations);

// The k x dim centroids dimension by dimension, dim x k (entry d * k + c): the layout in which
// nearest_centroid works through all centroids at once.
std::vector<float> centroids_by_dimension(const float* centroids, size_t k, size_t dim);

// The nearest of k centroids to `point` by squared Euclidean distance, the lower number on ties.
// `centroids_by_dim` holds them as centroids_by_dimension gives them, `centroid_norms` |c|^2 of
// each; `dots` is room for k floats.
uint32_t nearest_centroid(const float* point, const float* centroids_by_dim,
                          const float* centroid_norms, size_t dim, size_t k, float* dots);

} // namespace ruvec
