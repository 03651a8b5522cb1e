// sq8: one scale per vector and dims int8 values (the layout is in ruvec/quantize.hpp). Nothing
// to train; queries are encoded like vectors and meet codes through the int8 SIMD kernel.
#include "quantize_codec.hpp"

#include "ruvec/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ruvec {

namespace {

class Sq8Codec final : public BatchedCodec<Sq8Codec> {
public:
    using BatchedCodec::BatchedCodec;

    void train(const std::function<const float*(uint64_t)>&, uint64_t, int) override {
        params.train_rows = 0;
        params.iterations = 0;
        params.binary_centre = false;
        layout();
    }

    void encode(const float* v, uint8_t* code) const override {
        std::memset(code, 0, code_bytes);
        float largest = 0;
        for (uint32_t i = 0; i < dims; ++i) largest = std::max(largest, std::fabs(v[i]));
        const float scale = largest / 127.0f;
        const float inverse = largest > 0 ? 127.0f / largest : 0.0f;
        auto* values = reinterpret_cast<int8_t*>(code + values_offset_);
        float norm2 = 0;
        int64_t integer_norm2 = 0;
        for (uint32_t i = 0; i < dims; ++i) {
            const float c = std::clamp(std::nearbyint(v[i] * inverse), -127.0f, 127.0f);
            values[i] = static_cast<int8_t>(c);
            norm2 += (scale * c) * (scale * c);
            integer_norm2 += static_cast<int64_t>(c) * static_cast<int64_t>(c);
        }
        // Under cosine only directions count: the scale makes the decoded vector unit length,
        // so a code's similarity with itself is 1 and code similarities are cosines of codes.
        put_f32(code, metric == Metric::cosine && integer_norm2 > 0
                          ? static_cast<float>(1.0 / std::sqrt(static_cast<double>(integer_norm2)))
                          : scale);
        if (metric == Metric::l2) put_f32(code + 4, norm2);
    }

    void decode(const uint8_t* code, float* v) const override {
        const float scale = get_f32(code);
        const auto* values = reinterpret_cast<const int8_t*>(code + values_offset_);
        for (uint32_t i = 0; i < dims; ++i) v[i] = scale * static_cast<float>(values[i]);
    }

    bool code_valid(const uint8_t* code) const override {
        auto good = [](float x) { return std::isfinite(x) && x >= 0; };
        return good(get_f32(code)) && (metric != Metric::l2 || good(get_f32(code + 4)));
    }

    void prepare(const float* v, bool, Query& query) const override {
        std::vector<uint8_t> code(code_bytes);
        encode(v, code.data());
        query.scale = get_f32(code.data());
        const auto* values = reinterpret_cast<const int8_t*>(code.data() + values_offset_);
        query.bytes.assign(values, values + dims);
    }

    float distance(const Query& query, const uint8_t* code) const override {
        const auto* values = reinterpret_cast<const int8_t*>(code + values_offset_);
        const float dot = query.scale * get_f32(code) *
                          static_cast<float>(kernels->dot_i8(query.bytes.data(), values, dims));
        return from_dot(dot, query.norm2, metric == Metric::l2 ? get_f32(code + 4) : 0.0f);
    }

    float code_distance(const uint8_t* a, const uint8_t* b) const override {
        const auto* va = reinterpret_cast<const int8_t*>(a + values_offset_);
        const auto* vb = reinterpret_cast<const int8_t*>(b + values_offset_);
        const float dot =
            get_f32(a) * get_f32(b) * static_cast<float>(kernels->dot_i8(va, vb, dims));
        const bool l2 = metric == Metric::l2;
        return from_dot(dot, l2 ? get_f32(a + 4) : 0.0f, l2 ? get_f32(b + 4) : 0.0f);
    }

    QparFields qpar_fields() const override { return {}; }
    const std::vector<float>& qpar_numbers() const override { return no_numbers_; }
    size_t read_qpar_fields(const QparFields& fields) override {
        params.binary_centre = false;
        params.pq_subspaces = fields.subspaces;
        if (fields.subspaces != 0 || fields.centroids != 0)
            qpar_corrupt("bad product-quantization shape");
        layout();
        return 0;
    }
    void read_qpar_numbers(std::vector<float>) override {}

private:
    // The int8 values follow the scale (and the squared length under l2).
    size_t values_offset_ = 0;
    std::vector<float> no_numbers_; // sq8 trains nothing: QPAR has no floats after its fixed part

    void layout() {
        values_offset_ = metric == Metric::l2 ? 8 : 4;
        code_bytes = values_offset_ + dims;
    }
};

} // namespace

std::unique_ptr<QuantCodec> make_sq8_codec(uint32_t dims, Metric metric) {
    return std::make_unique<Sq8Codec>(dims, metric);
}

} // namespace ruvec
