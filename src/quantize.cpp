#include "ruvec/quantize.hpp"

#include "kmeans.hpp"
#include "ruvec/enum_names.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/simd.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <random>

namespace ruvec {

namespace {

constexpr const char* kind_names[] = {"none", "sq8", "pq", "binary"}; // by QuantKind's value

// QPAR: a fixed part, then the trained numbers (index_format.hpp).
constexpr size_t qpar_fixed_bytes = 40;
constexpr uint8_t qpar_binary_centred = 1;
constexpr double pi = 3.14159265358979323846;

[[noreturn]] void corrupt(const std::string& message) {
    throw Error(ErrorKind::corrupt, "quantizer section: " + message);
}

} // namespace

// Partial Fisher-Yates on mt19937_64's raw output, which the C++ standard fixes, unlike its
// distributions.
std::vector<uint64_t> sample_rows(uint64_t rows, uint64_t count, uint64_t seed) {
    std::vector<uint64_t> order(rows);
    for (uint64_t i = 0; i < rows; ++i) order[i] = i;
    std::mt19937_64 engine(seed);
    count = std::min(count, rows);
    for (uint64_t i = 0; i < count; ++i) std::swap(order[i], order[i + engine() % (rows - i)]);
    order.resize(count);
    return order;
}

const char* quant_kind_name(QuantKind kind) {
    return name_of(kind_names, kind);
}

bool parse_quant_kind(std::string_view name, QuantKind& kind) {
    return parse_name(kind_names, name, kind);
}

uint32_t default_pq_subspaces(uint32_t dims) {
    for (uint32_t sub : {8u, 4u, 2u})
        if (dims % sub == 0) return dims / sub;
    return dims;
}

void check_quant_params(const QuantParams& p, uint32_t dims) {
    if (p.kind == QuantKind::none || static_cast<uint8_t>(p.kind) > 3)
        throw Error(ErrorKind::usage, "the quantization must be sq8, pq or binary");
    if (p.kind == QuantKind::pq && p.pq_subspaces != 0 &&
        (dims % p.pq_subspaces != 0 || p.pq_subspaces > dims))
        throw Error(ErrorKind::usage, "-m " + std::to_string(p.pq_subspaces) + " must divide the " +
                                          std::to_string(dims) + " dimensions");
    if (p.train_rows < 1) throw Error(ErrorKind::usage, "the training sample must have rows");
    if (p.iterations < 1 || p.iterations > max_train_iterations)
        throw Error(ErrorKind::usage,
                    "k-means iterations must be 1.." + std::to_string(max_train_iterations));
}

struct Quantizer::Impl {
    QuantParams params;
    uint32_t dims = 0;
    Metric metric = Metric::cosine;
    size_t code_bytes = 0;
    const simd::Kernels* kernels = &simd::active();
    // sq8: the int8 values follow the scale (and the squared length under l2).
    size_t sq8_values = 0;
    // binary: 64-bit words of bits, after the length (under l2 and ip) and 4 bytes of padding.
    size_t words = 0;
    size_t bits_offset = 0;
    std::vector<float> centre;      // dims, or empty without centring
    std::vector<float> cos_of_bits; // [h]: cos(pi h / dims), the angle h differing bits give
    float inverse_sqrt_dims = 0;    // a code lies |x| / sqrt(dims) from the centre per dimension
    // pq: sub-spaces, their width, centroids (m x 256 x sub) and their squared lengths.
    uint32_t m = 0, sub = 0;
    std::vector<float> centroids, centroid_norms;

    bool keeps_length() const { return metric != Metric::cosine; }

    void layout() {
        switch (params.kind) {
        case QuantKind::sq8:
            sq8_values = metric == Metric::l2 ? 8 : 4;
            code_bytes = sq8_values + dims;
            break;
        case QuantKind::binary:
            words = (dims + 63) / 64;
            bits_offset = keeps_length() ? 8 : 0;
            code_bytes = bits_offset + 8 * words;
            inverse_sqrt_dims = 1.0f / std::sqrt(static_cast<float>(dims));
            cos_of_bits.resize(64 * words + 1); // padding bits are zero, but never read past
            for (uint32_t h = 0; h <= 64 * words; ++h)
                cos_of_bits[h] = static_cast<float>(std::cos(pi * h / dims));
            break;
        case QuantKind::pq:
            m = params.pq_subspaces;
            sub = dims / m;
            code_bytes = m;
            break;
        default:
            break;
        }
    }

    void finish_pq() {
        centroid_norms.resize(size_t{m} * pq_centroids);
        for (size_t c = 0; c < centroid_norms.size(); ++c)
            centroid_norms[c] = kernels->dot(&centroids[c * sub], &centroids[c * sub], sub);
    }

    // The unit-free similarity a distance in graph units stands for, turned back into one.
    float from_dot(float dot, float norm2_a, float norm2_b) const {
        if (metric == Metric::l2) return std::max(0.0f, norm2_a + norm2_b - 2 * dot);
        return 1.0f - dot;
    }
    float binary_distance(uint64_t differing, float length_a, float length_b) const {
        const float cosine = cos_of_bits[differing];
        if (metric == Metric::cosine) return 1.0f - cosine;
        return from_dot(length_a * length_b * cosine, length_a * length_a, length_b * length_b);
    }
    // The binary query table: per 4 bits t of a code (dimensions 4t .. 4t + 3), entry n = the
    // sum over its bits k of +-w_{4t+k} (+ where bit k of n is set), w = q (centre - q under
    // l2); and Query::base. 16 entries per 4 bits keep the table in the first-level cache (256
    // per byte would not, at 1024 dimensions). Plain loops in a fixed order: the same sums on
    // every ISA.
    void prepare_binary_table(const float* v, Query& query) const {
        const size_t nibbles = 16 * words;
        std::vector<float> w(nibbles * 4, 0.0f);
        double base = 0;
        for (uint32_t i = 0; i < dims; ++i) {
            const float c = centre.empty() ? 0.0f : centre[i];
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
    void encode_binary_bits(const float* v, uint64_t* bits) const {
        std::fill(bits, bits + words, 0);
        for (uint32_t i = 0; i < dims; ++i)
            if (v[i] > (centre.empty() ? 0.0f : centre[i])) bits[i / 64] |= uint64_t{1} << (i % 64);
    }
};

Quantizer::Quantizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Quantizer::Quantizer(Quantizer&&) noexcept = default;
Quantizer& Quantizer::operator=(Quantizer&&) noexcept = default;
Quantizer::~Quantizer() = default;

QuantKind Quantizer::kind() const noexcept {
    return impl_->params.kind;
}
uint32_t Quantizer::dims() const noexcept {
    return impl_->dims;
}
Metric Quantizer::metric() const noexcept {
    return impl_->metric;
}
size_t Quantizer::code_bytes() const noexcept {
    return impl_->code_bytes;
}
const QuantParams& Quantizer::params() const noexcept {
    return impl_->params;
}

Quantizer Quantizer::train(const float* vectors, uint64_t rows, uint32_t dims, Metric metric,
                           const QuantParams& params, int threads) {
    return train([&](uint64_t row) { return vectors + row * dims; }, rows, dims, metric, params,
                 threads);
}

Quantizer Quantizer::train(const std::function<const float*(uint64_t)>& vector_of, uint64_t rows,
                           uint32_t dims, Metric metric, const QuantParams& params,
                           [[maybe_unused]] int threads) {
    check_quant_params(params, dims);
    if (rows == 0) throw Error(ErrorKind::input, "no vectors to train the quantizer on");
    auto impl = std::make_unique<Impl>();
    impl->params = params;
    impl->dims = dims;
    impl->metric = metric;
    if (params.kind == QuantKind::pq && params.pq_subspaces == 0)
        impl->params.pq_subspaces = default_pq_subspaces(dims);
    impl->params.train_rows = params.kind == QuantKind::sq8 ? 0 : std::min(params.train_rows, rows);
    if (params.kind != QuantKind::pq) impl->params.iterations = 0;
    if (params.kind != QuantKind::binary) impl->params.binary_centre = false;
    impl->layout();
    Impl& q = *impl;
    if (params.kind == QuantKind::sq8) return Quantizer(std::move(impl));

    const std::vector<uint64_t> sample = sample_rows(rows, q.params.train_rows, params.seed);
    if (params.kind == QuantKind::binary) {
        if (params.binary_centre) {
            std::vector<double> sums(dims, 0.0);
            for (uint64_t row : sample) {
                const float* v = vector_of(row);
                for (uint32_t i = 0; i < dims; ++i) sums[i] += v[i];
            }
            q.centre.resize(dims);
            for (uint32_t i = 0; i < dims; ++i)
                q.centre[i] = static_cast<float>(sums[i] / static_cast<double>(sample.size()));
        }
        return Quantizer(std::move(impl));
    }

    // pq: the sample in its random order (k-means starts from its first points), then each
    // sub-space on its own; sub-spaces run in parallel, so threads never change the result.
    std::vector<float> points(sample.size() * dims);
    for (size_t i = 0; i < sample.size(); ++i)
        std::copy_n(vector_of(sample[i]), dims, points.begin() + i * dims);
    q.centroids.resize(size_t{q.m} * pq_centroids * q.sub);
    std::exception_ptr failure;
    const int64_t subspaces = q.m;
#pragma omp parallel for num_threads(std::max(threads, 1)) schedule(dynamic, 1)
    for (int64_t j = 0; j < subspaces; ++j) {
        try {
            const std::vector<float> found = kmeans(points.data() + j * q.sub, sample.size(), dims,
                                                    q.sub, pq_centroids, q.params.iterations);
            std::copy(found.begin(), found.end(),
                      q.centroids.begin() + j * int64_t{pq_centroids} * q.sub);
        } catch (...) {
#pragma omp critical(ruvec_quantize_failure)
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
    q.finish_pq();
    return Quantizer(std::move(impl));
}

void Quantizer::encode(const float* v, uint8_t* code) const {
    const Impl& q = *impl_;
    std::memset(code, 0, q.code_bytes);
    switch (q.params.kind) {
    case QuantKind::sq8: {
        float largest = 0;
        for (uint32_t i = 0; i < q.dims; ++i) largest = std::max(largest, std::fabs(v[i]));
        const float scale = largest / 127.0f;
        const float inverse = largest > 0 ? 127.0f / largest : 0.0f;
        auto* values = reinterpret_cast<int8_t*>(code + q.sq8_values);
        float norm2 = 0;
        int64_t integer_norm2 = 0;
        for (uint32_t i = 0; i < q.dims; ++i) {
            const float c = std::clamp(std::nearbyint(v[i] * inverse), -127.0f, 127.0f);
            values[i] = static_cast<int8_t>(c);
            norm2 += (scale * c) * (scale * c);
            integer_norm2 += static_cast<int64_t>(c) * static_cast<int64_t>(c);
        }
        // Under cosine only directions count: the scale makes the decoded vector unit length,
        // so a code's similarity with itself is 1 and code similarities are cosines of codes.
        put_f32(code, q.metric == Metric::cosine && integer_norm2 > 0
                          ? static_cast<float>(1.0 / std::sqrt(static_cast<double>(integer_norm2)))
                          : scale);
        if (q.metric == Metric::l2) put_f32(code + 4, norm2);
        break;
    }
    case QuantKind::binary:
        if (q.keeps_length()) put_f32(code, std::sqrt(q.kernels->dot(v, v, q.dims)));
        q.encode_binary_bits(v, reinterpret_cast<uint64_t*>(code + q.bits_offset));
        break;
    case QuantKind::pq:
        for (uint32_t j = 0; j < q.m; ++j)
            code[j] = static_cast<uint8_t>(
                nearest_centroid(v + j * q.sub, &q.centroids[size_t{j} * pq_centroids * q.sub],
                                 &q.centroid_norms[size_t{j} * pq_centroids], q.sub, pq_centroids));
        break;
    default:
        break;
    }
}

void Quantizer::encode_many(const float* vectors, uint64_t rows, uint8_t* codes,
                            [[maybe_unused]] int threads) const {
    const int64_t n = static_cast<int64_t>(rows);
    const size_t dims = impl_->dims, bytes = impl_->code_bytes;
#pragma omp parallel for num_threads(std::max(threads, 1)) schedule(static)
    for (int64_t r = 0; r < n; ++r) encode(vectors + r * dims, codes + r * bytes);
}

void Quantizer::decode(const uint8_t* code, float* v) const {
    const Impl& q = *impl_;
    switch (q.params.kind) {
    case QuantKind::sq8: {
        const float scale = get_f32(code);
        const auto* values = reinterpret_cast<const int8_t*>(code + q.sq8_values);
        for (uint32_t i = 0; i < q.dims; ++i) v[i] = scale * static_cast<float>(values[i]);
        break;
    }
    case QuantKind::binary: {
        const float length = q.keeps_length() ? get_f32(code) : 1.0f;
        const float a = length * q.inverse_sqrt_dims;
        const auto* bits = reinterpret_cast<const uint64_t*>(code + q.bits_offset);
        for (uint32_t i = 0; i < q.dims; ++i) {
            const bool set = (bits[i / 64] >> (i % 64)) & 1u;
            v[i] = (q.centre.empty() ? 0.0f : q.centre[i]) + (set ? a : -a);
        }
        break;
    }
    case QuantKind::pq:
        for (uint32_t j = 0; j < q.m; ++j)
            std::copy_n(&q.centroids[(size_t{j} * pq_centroids + code[j]) * q.sub], q.sub,
                        v + j * q.sub);
        break;
    default:
        break;
    }
}

bool Quantizer::code_valid(const uint8_t* code) const {
    const Impl& q = *impl_;
    auto good = [](float x) { return std::isfinite(x) && x >= 0; };
    switch (q.params.kind) {
    case QuantKind::sq8:
        return good(get_f32(code)) && (q.metric != Metric::l2 || good(get_f32(code + 4)));
    case QuantKind::binary: {
        uint32_t padding = 0;
        if (q.keeps_length()) std::memcpy(&padding, code + 4, 4);
        if (q.keeps_length() && (!good(get_f32(code)) || padding != 0)) return false;
        uint64_t last;
        std::memcpy(&last, code + q.bits_offset + 8 * (q.words - 1), 8);
        return q.dims % 64 == 0 || (last >> (q.dims % 64)) == 0;
    }
    default:
        return true;
    }
}

Quantizer::Query Quantizer::prepare(const float* v, bool binary_hamming) const {
    const Impl& q = *impl_;
    Query query;
    query.norm2 = q.kernels->dot(v, v, q.dims);
    switch (q.params.kind) {
    case QuantKind::sq8: {
        std::vector<uint8_t> code(q.code_bytes);
        encode(v, code.data());
        query.scale = get_f32(code.data());
        query.bytes.assign(reinterpret_cast<const int8_t*>(code.data() + q.sq8_values),
                           reinterpret_cast<const int8_t*>(code.data() + q.sq8_values) + q.dims);
        break;
    }
    case QuantKind::binary:
        query.scale = std::sqrt(query.norm2);
        if (binary_hamming) {
            query.bits.resize(q.words);
            q.encode_binary_bits(v, query.bits.data());
        } else {
            q.prepare_binary_table(v, query);
        }
        break;
    case QuantKind::pq:
        // Plain loops: sub-spaces are a few dimensions wide, too narrow for the SIMD kernels'
        // call and set-up to pay (a call per centroid took 1.5 ms per query at 1024 dims).
        query.table.resize(size_t{q.m} * pq_centroids);
        for (uint32_t j = 0; j < q.m; ++j) {
            const float* x = v + size_t{j} * q.sub;
            const float* centroid = &q.centroids[size_t{j} * pq_centroids * q.sub];
            float* entries = &query.table[size_t{j} * pq_centroids];
            for (uint32_t c = 0; c < pq_centroids; ++c, centroid += q.sub) {
                float sum = 0;
                if (q.metric == Metric::l2)
                    for (uint32_t d = 0; d < q.sub; ++d)
                        sum += (x[d] - centroid[d]) * (x[d] - centroid[d]);
                else
                    for (uint32_t d = 0; d < q.sub; ++d) sum += x[d] * centroid[d];
                entries[c] = sum;
            }
        }
        break;
    default:
        break;
    }
    return query;
}

float Quantizer::distance(const Query& query, const uint8_t* code) const {
    const Impl& q = *impl_;
    switch (q.params.kind) {
    case QuantKind::sq8: {
        const auto* values = reinterpret_cast<const int8_t*>(code + q.sq8_values);
        const float dot = query.scale * get_f32(code) *
                          static_cast<float>(q.kernels->dot_i8(query.bytes.data(), values, q.dims));
        return q.from_dot(dot, query.norm2, q.metric == Metric::l2 ? get_f32(code + 4) : 0.0f);
    }
    case QuantKind::binary: {
        const float length = q.keeps_length() ? get_f32(code) : 1.0f;
        if (query.table.empty()) {
            const auto* bits = reinterpret_cast<const uint64_t*>(code + q.bits_offset);
            const uint64_t differing = q.kernels->hamming(query.bits.data(), bits, q.words);
            return q.binary_distance(differing, query.scale, length);
        }
        // sum_i w_i b_i, 4 dimensions per lookup; four running sums, as for pq.
        const uint8_t* bytes = code + q.bits_offset;
        const float* table = query.table.data();
        float sums[4] = {0, 0, 0, 0};
        for (size_t j = 0; j < 8 * q.words; j += 2, table += 64) {
            sums[0] += table[bytes[j] & 15];
            sums[1] += table[16 + (bytes[j] >> 4)];
            sums[2] += table[32 + (bytes[j + 1] & 15)];
            sums[3] += table[48 + (bytes[j + 1] >> 4)];
        }
        const float signed_sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        const float a = length * q.inverse_sqrt_dims;
        if (q.metric == Metric::l2)
            return std::max(0.0f, query.base + 2 * a * signed_sum + a * a * q.dims);
        return 1.0f - (query.base + a * signed_sum);
    }
    case QuantKind::pq: {
        // Four running sums: the table lookups of one code are independent.
        const float* table = query.table.data();
        float sums[4] = {0, 0, 0, 0};
        uint32_t j = 0;
        for (; j + 4 <= q.m; j += 4)
            for (uint32_t u = 0; u < 4; ++u)
                sums[u] += table[size_t{j + u} * pq_centroids + code[j + u]];
        for (; j < q.m; ++j) sums[j % 4] += table[size_t{j} * pq_centroids + code[j]];
        const float total = (sums[0] + sums[1]) + (sums[2] + sums[3]);
        return q.metric == Metric::l2 ? total : 1.0f - total;
    }
    default:
        return 0;
    }
}

float Quantizer::code_distance(const uint8_t* a, const uint8_t* b) const {
    const Impl& q = *impl_;
    switch (q.params.kind) {
    case QuantKind::sq8: {
        const auto* va = reinterpret_cast<const int8_t*>(a + q.sq8_values);
        const auto* vb = reinterpret_cast<const int8_t*>(b + q.sq8_values);
        const float dot =
            get_f32(a) * get_f32(b) * static_cast<float>(q.kernels->dot_i8(va, vb, q.dims));
        const bool l2 = q.metric == Metric::l2;
        return q.from_dot(dot, l2 ? get_f32(a + 4) : 0.0f, l2 ? get_f32(b + 4) : 0.0f);
    }
    case QuantKind::binary: {
        const uint64_t differing =
            q.kernels->hamming(reinterpret_cast<const uint64_t*>(a + q.bits_offset),
                               reinterpret_cast<const uint64_t*>(b + q.bits_offset), q.words);
        return q.binary_distance(differing, q.keeps_length() ? get_f32(a) : 1.0f,
                                 q.keeps_length() ? get_f32(b) : 1.0f);
    }
    case QuantKind::pq: {
        float total = 0;
        for (uint32_t j = 0; j < q.m; ++j) {
            const float* ca = &q.centroids[(size_t{j} * pq_centroids + a[j]) * q.sub];
            const float* cb = &q.centroids[(size_t{j} * pq_centroids + b[j]) * q.sub];
            total += q.metric == Metric::l2 ? q.kernels->l2sq(ca, cb, q.sub)
                                            : q.kernels->dot(ca, cb, q.sub);
        }
        return q.metric == Metric::l2 ? total : 1.0f - total;
    }
    default:
        return 0;
    }
}

float Quantizer::similarity(float distance) const {
    return impl_->metric == Metric::l2 ? 1.0f - distance / 2 : 1.0f - distance;
}

std::string Quantizer::serialize() const {
    const Impl& q = *impl_;
    std::vector<float> numbers = q.params.kind == QuantKind::pq ? q.centroids : q.centre;
    std::string out(qpar_fixed_bytes + numbers.size() * 4, '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    put_u8(p, static_cast<uint8_t>(q.params.kind));
    put_u8(p + 1, q.centre.empty() ? 0 : qpar_binary_centred);
    put_u32(p + 4, q.dims);
    put_u32(p + 8, static_cast<uint32_t>(q.code_bytes));
    put_u32(p + 12, q.m);
    put_u32(p + 16, q.params.kind == QuantKind::pq ? pq_centroids : 0);
    put_u32(p + 20, q.params.iterations);
    put_u64(p + 24, q.params.train_rows);
    put_u64(p + 32, q.params.seed);
    for (size_t i = 0; i < numbers.size(); ++i) put_f32(p + qpar_fixed_bytes + 4 * i, numbers[i]);
    return out;
}

Quantizer Quantizer::parse(const unsigned char* p, size_t size, uint32_t dims, Metric metric) {
    if (size < qpar_fixed_bytes)
        corrupt(std::to_string(size) + " bytes, shorter than its fixed part");
    auto impl = std::make_unique<Impl>();
    Impl& q = *impl;
    q.dims = dims;
    q.metric = metric;
    const uint8_t kind = p[0], flags = p[1];
    if (kind < 1 || kind > 3) corrupt("unknown quantization " + std::to_string(kind));
    q.params.kind = static_cast<QuantKind>(kind);
    if (p[2] != 0 || p[3] != 0 || (flags & ~qpar_binary_centred) != 0 ||
        (flags != 0 && q.params.kind != QuantKind::binary))
        corrupt("reserved bits are set");
    if (get_u32(p + 4) != dims)
        corrupt("made for " + std::to_string(get_u32(p + 4)) + " dimensions, not " +
                std::to_string(dims));
    q.params.binary_centre = flags & qpar_binary_centred;
    q.params.pq_subspaces = get_u32(p + 12);
    q.params.iterations = get_u32(p + 20);
    q.params.train_rows = get_u64(p + 24);
    q.params.seed = get_u64(p + 32);
    const bool pq = q.params.kind == QuantKind::pq;
    if (pq != (q.params.pq_subspaces != 0) || get_u32(p + 16) != (pq ? pq_centroids : 0) ||
        (pq && (dims % q.params.pq_subspaces != 0)))
        corrupt("bad product-quantization shape");
    q.layout();
    if (get_u32(p + 8) != q.code_bytes)
        corrupt("codes of " + std::to_string(get_u32(p + 8)) + " bytes, expected " +
                std::to_string(q.code_bytes));
    const size_t numbers = pq                       ? size_t{q.m} * pq_centroids * q.sub
                           : q.params.binary_centre ? size_t{dims}
                                                    : 0;
    if (size != qpar_fixed_bytes + numbers * 4)
        corrupt(std::to_string(size) + " bytes, expected " +
                std::to_string(qpar_fixed_bytes + numbers * 4));
    std::vector<float>& target = pq ? q.centroids : q.centre;
    target.resize(numbers);
    for (size_t i = 0; i < numbers; ++i) {
        target[i] = get_f32(p + qpar_fixed_bytes + 4 * i);
        if (!std::isfinite(target[i])) corrupt("a trained value is not finite");
    }
    if (pq) q.finish_pq();
    return Quantizer(std::move(impl));
}

} // namespace ruvec
