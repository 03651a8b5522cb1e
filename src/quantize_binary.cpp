// binary: one sign bit per dimension around a trained centre, with the vector's length unless
// under cosine (the layout and the estimates are in ruvec/quantize.hpp). Queries stay in floats
// and meet codes through a table of signed sums, or are binarised too (Hamming distance).
#include "quantize_codec.hpp"

#include "ruvec/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ruvec {

namespace {

constexpr uint8_t qpar_binary_centred = 1; // QPAR flag: codes are taken around a centre
constexpr double pi = 3.14159265358979323846;

class BinaryCodec final : public BatchedCodec<BinaryCodec> {
public:
    using BatchedCodec::BatchedCodec;

    void train(const std::function<const float*(uint64_t)>& vector_of, uint64_t rows,
               int) override {
        params.train_rows = std::min(params.train_rows, rows);
        params.iterations = 0;
        layout();
        if (!params.binary_centre) return;
        const std::vector<uint64_t> sample = sample_rows(rows, params.train_rows, params.seed);
        std::vector<double> sums(dims, 0.0);
        for (uint64_t row : sample) {
            const float* v = vector_of(row);
            for (uint32_t i = 0; i < dims; ++i) sums[i] += v[i];
        }
        centre_.resize(dims);
        for (uint32_t i = 0; i < dims; ++i)
            centre_[i] = static_cast<float>(sums[i] / static_cast<double>(sample.size()));
    }

    void encode(const float* v, uint8_t* code) const override {
        std::memset(code, 0, code_bytes);
        if (keeps_length()) put_f32(code, std::sqrt(kernels->dot(v, v, dims)));
        encode_bits(v, reinterpret_cast<uint64_t*>(code + bits_offset_));
    }

    void decode(const uint8_t* code, float* v) const override {
        const float length = keeps_length() ? get_f32(code) : 1.0f;
        const float a = length * inverse_sqrt_dims_;
        const auto* bits = reinterpret_cast<const uint64_t*>(code + bits_offset_);
        for (uint32_t i = 0; i < dims; ++i) {
            const bool set = (bits[i / 64] >> (i % 64)) & 1u;
            v[i] = (centre_.empty() ? 0.0f : centre_[i]) + (set ? a : -a);
        }
    }

    bool code_valid(const uint8_t* code) const override {
        auto good = [](float x) { return std::isfinite(x) && x >= 0; };
        uint32_t padding = 0;
        if (keeps_length()) std::memcpy(&padding, code + 4, 4);
        if (keeps_length() && (!good(get_f32(code)) || padding != 0)) return false;
        uint64_t last;
        std::memcpy(&last, code + bits_offset_ + 8 * (words_ - 1), 8);
        return dims % 64 == 0 || (last >> (dims % 64)) == 0;
    }

    void prepare(const float* v, bool binary_hamming, Query& query) const override {
        query.scale = std::sqrt(query.norm2);
        if (binary_hamming) {
            query.bits.resize(words_);
            encode_bits(v, query.bits.data());
        } else {
            prepare_table(v, query);
        }
    }

    float distance(const Query& query, const uint8_t* code) const override {
        const float length = keeps_length() ? get_f32(code) : 1.0f;
        if (query.table.empty()) {
            const auto* bits = reinterpret_cast<const uint64_t*>(code + bits_offset_);
            const uint64_t differing = kernels->hamming(query.bits.data(), bits, words_);
            return hamming_distance(differing, query.scale, length);
        }
        // sum_i w_i b_i, 4 dimensions per lookup; four running sums, as for pq.
        const uint8_t* bytes = code + bits_offset_;
        const float* table = query.table.data();
        float sums[4] = {0, 0, 0, 0};
        for (size_t j = 0; j < 8 * words_; j += 2, table += 64) {
            sums[0] += table[bytes[j] & 15];
            sums[1] += table[16 + (bytes[j] >> 4)];
            sums[2] += table[32 + (bytes[j + 1] & 15)];
            sums[3] += table[48 + (bytes[j + 1] >> 4)];
        }
        const float signed_sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        const float a = length * inverse_sqrt_dims_;
        if (metric == Metric::l2)
            return std::max(0.0f, query.base + 2 * a * signed_sum + a * a * dims);
        return 1.0f - (query.base + a * signed_sum);
    }

    float code_distance(const uint8_t* a, const uint8_t* b) const override {
        const uint64_t differing =
            kernels->hamming(reinterpret_cast<const uint64_t*>(a + bits_offset_),
                             reinterpret_cast<const uint64_t*>(b + bits_offset_), words_);
        return hamming_distance(differing, keeps_length() ? get_f32(a) : 1.0f,
                                keeps_length() ? get_f32(b) : 1.0f);
    }

    QparFields qpar_fields() const override {
        return {centre_.empty() ? uint8_t{0} : qpar_binary_centred, 0, 0};
    }
    const std::vector<float>& qpar_numbers() const override { return centre_; }
    uint8_t qpar_known_flags() const override { return qpar_binary_centred; }
    size_t read_qpar_fields(const QparFields& fields) override {
        params.binary_centre = fields.flags & qpar_binary_centred;
        params.pq_subspaces = fields.subspaces;
        if (fields.subspaces != 0 || fields.centroids != 0)
            qpar_corrupt("bad product-quantization shape");
        layout();
        return params.binary_centre ? size_t{dims} : 0;
    }
    void read_qpar_numbers(std::vector<float> numbers) override { centre_ = std::move(numbers); }

private:
    // 64-bit words of bits, after the length (under l2 and ip) and 4 bytes of padding.
    size_t words_ = 0;
    size_t bits_offset_ = 0;
    std::vector<float> centre_;      // dims, or empty without centring
    std::vector<float> cos_of_bits_; // [h]: cos(pi h / dims), the angle h differing bits give
    float inverse_sqrt_dims_ = 0;    // a code lies |x| / sqrt(dims) from the centre per dimension

    bool keeps_length() const { return metric != Metric::cosine; }

    void layout() {
        words_ = (dims + 63) / 64;
        bits_offset_ = keeps_length() ? 8 : 0;
        code_bytes = bits_offset_ + 8 * words_;
        inverse_sqrt_dims_ = 1.0f / std::sqrt(static_cast<float>(dims));
        cos_of_bits_.resize(64 * words_ + 1); // padding bits are zero, but never read past
        for (uint32_t h = 0; h <= 64 * words_; ++h)
            cos_of_bits_[h] = static_cast<float>(std::cos(pi * h / dims));
    }

    float hamming_distance(uint64_t differing, float length_a, float length_b) const {
        const float cosine = cos_of_bits_[differing];
        if (metric == Metric::cosine) return 1.0f - cosine;
        return from_dot(length_a * length_b * cosine, length_a * length_a, length_b * length_b);
    }

    void encode_bits(const float* v, uint64_t* bits) const {
        std::fill(bits, bits + words_, 0);
        for (uint32_t i = 0; i < dims; ++i)
            if (v[i] > (centre_.empty() ? 0.0f : centre_[i]))
                bits[i / 64] |= uint64_t{1} << (i % 64);
    }

    // The query table: per 4 bits t of a code (dimensions 4t .. 4t + 3), entry n = the sum over
    // its bits k of +-w_{4t+k} (+ where bit k of n is set), w = q (centre - q under l2); and
    // Query::base. 16 entries per 4 bits keep the table in the first-level cache (256 per byte
    // would not, at 1024 dimensions). Plain loops in a fixed order: the same sums on every ISA.
    void prepare_table(const float* v, Query& query) const {
        const size_t nibbles = 16 * words_;
        std::vector<float> w(nibbles * 4, 0.0f);
        double base = 0;
        for (uint32_t i = 0; i < dims; ++i) {
            const float c = centre_.empty() ? 0.0f : centre_[i];
            w[i] = metric == Metric::l2 ? c - v[i] : v[i];
            base += metric == Metric::l2 ? double(v[i] - c) * (v[i] - c) : double(v[i]) * c;
        }
        query.base = static_cast<float>(base);
        query.table.resize(nibbles * 16);
        for (size_t t = 0; t < nibbles; ++t) {
            float* entry = &query.table[t * 16];
            const float* wt = &w[t * 4];
            entry[0] = -((wt[0] + wt[1]) + (wt[2] + wt[3]));
            // Entry n adds twice the weight of n's lowest bit to the entry without that bit.
            for (uint32_t n = 1; n < 16; ++n)
                entry[n] = entry[n & (n - 1)] + 2 * wt[__builtin_ctz(n)];
        }
    }
};

} // namespace

std::unique_ptr<QuantCodec> make_binary_codec(uint32_t dims, Metric metric) {
    return std::make_unique<BinaryCodec>(dims, metric);
}

} // namespace ruvec
