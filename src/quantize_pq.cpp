// pq: product quantization, one byte per sub-space naming the nearest of its 256 centroids (the
// layout is in ruvec/quantize.hpp). Centroids come from k-means (kmeans.cpp) on a seeded sample;
// queries meet codes through a table of their distances to every centroid.
#include "kmeans.hpp"
#include "quantize_codec.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>

namespace ruvec {

namespace {

class PqCodec final : public BatchedCodec<PqCodec> {
public:
    using BatchedCodec::BatchedCodec;

    void train(const std::function<const float*(uint64_t)>& vector_of, uint64_t rows,
               [[maybe_unused]] int threads) override {
        if (params.pq_subspaces == 0) params.pq_subspaces = default_pq_subspaces(dims);
        params.train_rows = std::min(params.train_rows, rows);
        params.binary_centre = false;
        layout();
        // The sample in its random order (k-means starts from its first points), then each
        // sub-space on its own; sub-spaces run in parallel, so threads never change the result.
        const std::vector<uint64_t> sample = sample_rows(rows, params.train_rows, params.seed);
        std::vector<float> points(sample.size() * dims);
        for (size_t i = 0; i < sample.size(); ++i)
            std::copy_n(vector_of(sample[i]), dims, points.begin() + i * dims);
        centroids_.resize(size_t{m_} * pq_centroids * sub_);
        std::exception_ptr failure;
        const int64_t subspaces = m_;
#pragma omp parallel for num_threads(std::max(threads, 1)) schedule(dynamic, 1)
        for (int64_t j = 0; j < subspaces; ++j) {
            try {
                const std::vector<float> found =
                    kmeans(points.data() + j * sub_, sample.size(), dims, sub_, pq_centroids,
                           params.iterations);
                std::copy(found.begin(), found.end(),
                          centroids_.begin() + j * int64_t{pq_centroids} * sub_);
            } catch (...) {
#pragma omp critical(ruvec_quantize_failure)
                if (!failure) failure = std::current_exception();
            }
        }
        if (failure) std::rethrow_exception(failure);
        finish();
    }

    void encode(const float* v, uint8_t* code) const override {
        std::memset(code, 0, code_bytes);
        float dots[pq_centroids];
        for (uint32_t j = 0; j < m_; ++j)
            code[j] = static_cast<uint8_t>(nearest_centroid(
                v + j * sub_, &centroids_by_dim_[size_t{j} * sub_ * pq_centroids],
                &centroid_norms_[size_t{j} * pq_centroids], sub_, pq_centroids, dots));
    }

    void decode(const uint8_t* code, float* v) const override {
        for (uint32_t j = 0; j < m_; ++j)
            std::copy_n(&centroids_[(size_t{j} * pq_centroids + code[j]) * sub_], sub_,
                        v + j * sub_);
    }

    // Every byte names a centroid.
    bool code_valid(const uint8_t*) const override {
        return true;
    }

    void prepare(const float* v, bool, Query& query) const override {
        // Entry c of sub-space j: the sum over d, in order from 0, of x_d c_d (of (x_d - c_d)^2
        // under l2), each centroid's sum kept apart. Taking the dimensions in the outer loop and
        // 256 centroids at a time in the inner one (from the centroids stored by dimension) lets
        // the compiler vectorise across centroids with the same operations in the same order
        // as one centroid at a time, so the same bits; the SIMD kernels' call and set-up would
        // not pay for sub-spaces a few dimensions wide (a call per centroid took 1.5 ms per
        // query at 1024 dims).
        query.table.assign(size_t{m_} * pq_centroids, 0.0f);
        const bool l2 = metric == Metric::l2;
        for (uint32_t j = 0; j < m_; ++j) {
            const float* x = v + size_t{j} * sub_;
            const float* column = &centroids_by_dim_[size_t{j} * sub_ * pq_centroids];
            float* entries = &query.table[size_t{j} * pq_centroids];
            for (uint32_t d = 0; d < sub_; ++d, column += pq_centroids) {
                const float xd = x[d];
                if (l2)
                    for (uint32_t c = 0; c < pq_centroids; ++c)
                        entries[c] += (xd - column[c]) * (xd - column[c]);
                else
                    for (uint32_t c = 0; c < pq_centroids; ++c) entries[c] += xd * column[c];
            }
        }
    }

    float distance(const Query& query, const uint8_t* code) const override {
        // Four running sums: the table lookups of one code are independent.
        const float* table = query.table.data();
        float sums[4] = {0, 0, 0, 0};
        uint32_t j = 0;
        for (; j + 4 <= m_; j += 4)
            for (uint32_t u = 0; u < 4; ++u)
                sums[u] += table[size_t{j + u} * pq_centroids + code[j + u]];
        for (; j < m_; ++j) sums[j % 4] += table[size_t{j} * pq_centroids + code[j]];
        const float total = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        return metric == Metric::l2 ? total : 1.0f - total;
    }

    float code_distance(const uint8_t* a, const uint8_t* b) const override {
        float total = 0;
        for (uint32_t j = 0; j < m_; ++j) {
            const float* ca = &centroids_[(size_t{j} * pq_centroids + a[j]) * sub_];
            const float* cb = &centroids_[(size_t{j} * pq_centroids + b[j]) * sub_];
            total +=
                metric == Metric::l2 ? kernels->l2sq(ca, cb, sub_) : kernels->dot(ca, cb, sub_);
        }
        return metric == Metric::l2 ? total : 1.0f - total;
    }

    QparFields qpar_fields() const override {
        return {0, m_, pq_centroids};
    }
    const std::vector<float>& qpar_numbers() const override {
        return centroids_;
    }
    size_t read_qpar_fields(const QparFields& fields) override {
        params.binary_centre = false;
        params.pq_subspaces = fields.subspaces;
        if (fields.subspaces == 0 || fields.centroids != pq_centroids ||
            dims % fields.subspaces != 0)
            qpar_corrupt("bad product-quantization shape");
        layout();
        return size_t{m_} * pq_centroids * sub_;
    }
    void read_qpar_numbers(std::vector<float> numbers) override {
        centroids_ = std::move(numbers);
        finish();
    }

private:
    uint32_t m_ = 0, sub_ = 0;            // sub-spaces and their width
    std::vector<float> centroids_;        // m x 256 x sub
    std::vector<float> centroid_norms_;   // m x 256: their squared lengths
    std::vector<float> centroids_by_dim_; // m x sub x 256: the centroids, dimension by dimension

    void layout() {
        m_ = params.pq_subspaces;
        sub_ = dims / m_;
        code_bytes = m_;
    }
    void finish() {
        centroid_norms_.resize(size_t{m_} * pq_centroids);
        for (size_t c = 0; c < centroid_norms_.size(); ++c)
            centroid_norms_[c] = kernels->dot(&centroids_[c * sub_], &centroids_[c * sub_], sub_);
        centroids_by_dim_.resize(centroids_.size());
        for (size_t j = 0; j < m_; ++j) {
            const size_t size = size_t{pq_centroids} * sub_;
            const std::vector<float> by_dim =
                centroids_by_dimension(&centroids_[j * size], pq_centroids, sub_);
            std::copy(by_dim.begin(), by_dim.end(), centroids_by_dim_.begin() + j * size);
        }
    }
};

} // namespace

std::unique_ptr<QuantCodec> make_pq_codec(uint32_t dims, Metric metric) {
    return std::make_unique<PqCodec>(dims, metric);
}

} // namespace ruvec
