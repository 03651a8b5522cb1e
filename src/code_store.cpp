// The store of quantized codes (vector_store.hpp): distances from a query prepared by the
// quantizer (its lookup tables, or its binarised form) to the codes of rows.
#include "vector_store.hpp"

#include <algorithm>

namespace ruvec {

namespace {

class CodeDistances final : public QueryDistances {
public:
    CodeDistances(const Quantizer& quantizer, Quantizer::Query query, const uint8_t* codes)
        : quantizer_(quantizer), query_(std::move(query)), codes_(codes),
          code_bytes_(quantizer.code_bytes()) {}

    void score(const uint32_t* rows, size_t count, float* distances) const override {
        quantizer_.distances(query_, codes_, rows, count, distances);
    }

    void scan(size_t begin, size_t end, float* distances) const override {
        for (size_t row = begin; row < end; ++row)
            distances[row - begin] = quantizer_.distance(query_, codes_ + row * code_bytes_);
    }

private:
    const Quantizer& quantizer_;
    const Quantizer::Query query_;
    const uint8_t* codes_;
    size_t code_bytes_;
};

} // namespace

void CodeStore::encode_rows(uint64_t first, uint64_t rows, const FloatStore& vectors,
                            [[maybe_unused]] int threads) {
    const size_t bytes = quantizer_.code_bytes();
    codes_.resize(static_cast<size_t>(rows) * bytes);
    const int64_t end = static_cast<int64_t>(rows);
#pragma omp parallel num_threads(std::max(threads, 1))
    {
        std::vector<float> scratch(vectors.dims());
#pragma omp for schedule(static)
        for (int64_t row = static_cast<int64_t>(first); row < end; ++row)
            quantizer_.encode(vectors.row(static_cast<uint32_t>(row), scratch.data()),
                              &codes_[static_cast<size_t>(row) * bytes]);
    }
}

std::unique_ptr<QueryDistances> CodeStore::distances_to(const float* query, const HnswGraph&,
                                                        bool binary_hamming) const {
    return std::make_unique<CodeDistances>(quantizer_, quantizer_.prepare(query, binary_hamming),
                                           codes_.data());
}

} // namespace ruvec
