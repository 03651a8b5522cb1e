// What every quantizer shares: names, parameter checks, the training sample's draw, the QPAR
// framing, and the choice of the codec by kind. Each code is a QuantCodec of its own file
// (quantize_codec.hpp); Quantizer's methods hand over to it.
#include "ruvec/quantize.hpp"

#include "quantize_codec.hpp"
#include "ruvec/enum_names.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/simd.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>

namespace ruvec {

namespace {

constexpr const char* kind_names[] = {"none", "sq8", "pq", "binary"}; // by QuantKind's value

// The codec of each kind, by QuantKind's value (none has none). A new quantizer is a QuantKind
// value with its name above, a QuantCodec in a file of its own (src/quantize_<name>.cpp) and
// one line here.
using MakeCodec = std::unique_ptr<QuantCodec> (*)(uint32_t dims, Metric metric);
constexpr MakeCodec codec_makers[] = {
    nullptr,           // none
    make_sq8_codec,    // sq8
    make_pq_codec,     // pq
    make_binary_codec, // binary
};
static_assert(std::size(codec_makers) == std::size(kind_names), "one codec per kind name");

// The codec of `kind`; null for none and for a number that is no kind (a byte from a file).
std::unique_ptr<QuantCodec> make_codec(QuantKind kind, uint32_t dims, Metric metric) {
    const auto i = static_cast<size_t>(kind);
    if (i >= std::size(codec_makers) || !codec_makers[i]) return nullptr;
    return codec_makers[i](dims, metric);
}

// "sq8, pq or binary": the names of the kinds there are.
std::string kind_list() {
    std::string list = kind_names[1];
    for (size_t i = 2; i < std::size(kind_names); ++i)
        list += (i + 1 < std::size(kind_names) ? ", " : " or ") + std::string(kind_names[i]);
    return list;
}

// QPAR: a fixed part, then the trained numbers (index_format.hpp).
constexpr size_t qpar_fixed_bytes = 40;

} // namespace

void qpar_corrupt(const std::string& message) {
    throw Error(ErrorKind::corrupt, "quantizer section: " + message);
}

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
    if (p.kind == QuantKind::none || static_cast<uint8_t>(p.kind) >= std::size(kind_names))
        throw Error(ErrorKind::usage, "the quantization must be " + kind_list());
    if (p.kind == QuantKind::pq && p.pq_subspaces != 0 &&
        (dims % p.pq_subspaces != 0 || p.pq_subspaces > dims))
        throw Error(ErrorKind::usage, "-m " + std::to_string(p.pq_subspaces) + " must divide the " +
                                          std::to_string(dims) + " dimensions");
    if (p.train_rows < 1) throw Error(ErrorKind::usage, "the training sample must have rows");
    if (p.iterations < 1 || p.iterations > max_train_iterations)
        throw Error(ErrorKind::usage,
                    "k-means iterations must be 1.." + std::to_string(max_train_iterations));
}

Quantizer::Quantizer(std::unique_ptr<QuantCodec> codec) : codec_(std::move(codec)) {}
Quantizer::Quantizer(Quantizer&&) noexcept = default;
Quantizer& Quantizer::operator=(Quantizer&&) noexcept = default;
Quantizer::~Quantizer() = default;

QuantKind Quantizer::kind() const noexcept {
    return codec_->params.kind;
}
uint32_t Quantizer::dims() const noexcept {
    return codec_->dims;
}
Metric Quantizer::metric() const noexcept {
    return codec_->metric;
}
size_t Quantizer::code_bytes() const noexcept {
    return codec_->code_bytes;
}
const QuantParams& Quantizer::params() const noexcept {
    return codec_->params;
}

Quantizer Quantizer::train(const float* vectors, uint64_t rows, uint32_t dims, Metric metric,
                           const QuantParams& params, int threads) {
    return train([&](uint64_t row) { return vectors + row * dims; }, rows, dims, metric, params,
                 threads);
}

Quantizer Quantizer::train(const std::function<const float*(uint64_t)>& vector_of, uint64_t rows,
                           uint32_t dims, Metric metric, const QuantParams& params, int threads) {
    check_quant_params(params, dims);
    if (rows == 0) throw Error(ErrorKind::input, "no vectors to train the quantizer on");
    std::unique_ptr<QuantCodec> codec = make_codec(params.kind, dims, metric);
    codec->params = params;
    codec->train(vector_of, rows, threads);
    return Quantizer(std::move(codec));
}

void Quantizer::encode(const float* v, uint8_t* code) const {
    codec_->encode(v, code);
}

void Quantizer::encode_many(const float* vectors, uint64_t rows, uint8_t* codes,
                            int threads) const {
    codec_->encode_many(vectors, rows, codes, threads);
}

void Quantizer::decode(const uint8_t* code, float* v) const {
    codec_->decode(code, v);
}

bool Quantizer::code_valid(const uint8_t* code) const {
    return codec_->code_valid(code);
}

Quantizer::Query Quantizer::prepare(const float* v, bool binary_hamming) const {
    Query query;
    query.norm2 = codec_->kernels->dot(v, v, codec_->dims);
    codec_->prepare(v, binary_hamming, query);
    return query;
}

float Quantizer::distance(const Query& query, const uint8_t* code) const {
    return codec_->distance(query, code);
}

void Quantizer::distances(const Query& query, const uint8_t* codes, const uint32_t* rows,
                          size_t count, float* out) const {
    codec_->distances(query, codes, rows, count, out);
}

float Quantizer::code_distance(const uint8_t* a, const uint8_t* b) const {
    return codec_->code_distance(a, b);
}

float Quantizer::similarity(float distance) const {
    return codec_->metric == Metric::l2 ? 1.0f - distance / 2 : 1.0f - distance;
}

std::string Quantizer::serialize() const {
    const QuantCodec& c = *codec_;
    const QparFields fields = c.qpar_fields();
    const std::vector<float>& numbers = c.qpar_numbers();
    std::string out(qpar_fixed_bytes + numbers.size() * 4, '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    put_u8(p, static_cast<uint8_t>(c.params.kind));
    put_u8(p + 1, fields.flags);
    put_u32(p + 4, c.dims);
    put_u32(p + 8, static_cast<uint32_t>(c.code_bytes));
    put_u32(p + 12, fields.subspaces);
    put_u32(p + 16, fields.centroids);
    put_u32(p + 20, c.params.iterations);
    put_u64(p + 24, c.params.train_rows);
    put_u64(p + 32, c.params.seed);
    for (size_t i = 0; i < numbers.size(); ++i) put_f32(p + qpar_fixed_bytes + 4 * i, numbers[i]);
    return out;
}

Quantizer Quantizer::parse(const unsigned char* p, size_t size, uint32_t dims, Metric metric) {
    if (size < qpar_fixed_bytes)
        qpar_corrupt(std::to_string(size) + " bytes, shorter than its fixed part");
    const uint8_t kind = p[0], flags = p[1];
    std::unique_ptr<QuantCodec> codec = make_codec(static_cast<QuantKind>(kind), dims, metric);
    if (!codec) qpar_corrupt("unknown quantization " + std::to_string(kind));
    QuantCodec& c = *codec;
    c.params.kind = static_cast<QuantKind>(kind);
    if (p[2] != 0 || p[3] != 0 || (flags & ~c.qpar_known_flags()) != 0)
        qpar_corrupt("reserved bits are set");
    if (get_u32(p + 4) != dims)
        qpar_corrupt("made for " + std::to_string(get_u32(p + 4)) + " dimensions, not " +
                     std::to_string(dims));
    c.params.iterations = get_u32(p + 20);
    c.params.train_rows = get_u64(p + 24);
    c.params.seed = get_u64(p + 32);
    const size_t numbers = c.read_qpar_fields({flags, get_u32(p + 12), get_u32(p + 16)});
    if (get_u32(p + 8) != c.code_bytes)
        qpar_corrupt("codes of " + std::to_string(get_u32(p + 8)) + " bytes, expected " +
                     std::to_string(c.code_bytes));
    if (size != qpar_fixed_bytes + numbers * 4)
        qpar_corrupt(std::to_string(size) + " bytes, expected " +
                     std::to_string(qpar_fixed_bytes + numbers * 4));
    std::vector<float> trained(numbers);
    for (size_t i = 0; i < numbers; ++i) {
        trained[i] = get_f32(p + qpar_fixed_bytes + 4 * i);
        if (!std::isfinite(trained[i])) qpar_corrupt("a trained value is not finite");
    }
    c.read_qpar_numbers(std::move(trained));
    return Quantizer(std::move(codec));
}

} // namespace ruvec
