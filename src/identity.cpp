// Identity estimated from the similarity of k-mer vectors (the formula is documented with
// estimate_identity in include/ruvec/index.hpp).
#include "ruvec/index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ruvec {

double identity_noise_floor(uint32_t dims) {
    return 5.0 / std::sqrt(static_cast<double>(std::max<uint32_t>(dims, 1)));
}

float default_min_similarity(const EmbedParams& params, Metric metric) {
    const double floor = identity_noise_floor(params.dims);
    // Under 26 dims the floor reaches 1: no hit but an identical one could pass.
    if (metric != Metric::cosine || params.exact || floor >= 1.0)
        return -std::numeric_limits<float>::infinity();
    return static_cast<float>(floor);
}

double estimate_identity(double similarity, uint64_t query_bases, uint64_t target_bases, uint32_t k,
                         uint32_t dims) {
    if (!(similarity >= identity_noise_floor(dims)) || k == 0) return 0.0;
    auto kmers = [k](uint64_t bases) {
        return static_cast<double>(bases >= k ? bases - k + 1 : 1);
    };
    const double query_kmers = kmers(query_bases), target_kmers = kmers(target_bases);
    const double shorter = std::min(query_kmers, target_kmers);
    const double longer = std::max(query_kmers, target_kmers);
    const double shared_fraction = std::min(1.0, similarity * std::sqrt(longer / shorter));
    return std::pow(shared_fraction, 1.0 / static_cast<double>(k));
}

} // namespace ruvec
