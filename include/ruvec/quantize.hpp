// Quantized codes of vectors: scalar int8 (sq8), product quantization (pq) and binary signs.
//
// A Quantizer is trained once on the vectors of an index (as the index stores them: unit length
// under cosine) and is then immutable: it encodes vectors into codes of code_bytes() bytes and
// estimates the distance between a query and a code in the index's metric, in the units the
// graph uses (squared Euclidean for l2, 1 - dot product otherwise), so a quantized index is
// searched by the same graph code with codes in place of floats. Training is deterministic: it
// depends on the vectors, the parameters and the seed, never on the thread count.
//
//   sq8     code: f32 scale s, [f32 |x'|^2 under l2], dims x int8 c with x' = s c,
//           c_i = round(127 x_i / max |x_j|) and s = max |x_j| / 127 (one scale per vector),
//           or under cosine s = 1 / |c|, so that x' has unit length. Queries are encoded the same
//           way and compared with the int8 SIMD kernel: dot(q', x') = s_q s_x sum c_q c_x, exactly
//           (int32). Nothing to train.
//   pq      code: m bytes, one centroid number per sub-space of dims / m consecutive
//           dimensions; 256 centroids per sub-space from k-means on a seeded sample. A query
//           gets a table of its distance to every centroid (m x 256 floats) and a code's
//           distance is the sum of m table entries (asymmetric distance computation).
//   binary  code: [f32 |x|, 4 zero bytes under l2 and ip], then dims bits in 64-bit words
//           (bit i of word i / 64: x_i > centre_i, centre the per-dimension mean of a training
//           sample, or 0 without centring; bits past dims zero). A code stands for the vector
//           x' = centre + (|x| / sqrt(dims)) b, b_i = +-1 (|x| = 1 under cosine). The query
//           stays in floats and meets x' as pq queries meet their centroids: dot(q, x') =
//           dot(q, centre) + (|x| / sqrt(dims)) sum q_i b_i, the sum read from a table of the
//           16 signed sums of each 4 query values (under l2 the table holds centre - q and
//           gives |q - x'|^2 the same way). On ../shared/data windows this ranks far better than
//           binarising the query too (recall@10 0.95 against 0.86 with the best 256 re-ranked).
//           prepare(q, true) does that instead: the query's own bits compared by Hamming
//           distance (popcount), the angle estimated as pi h / dims (h differing bits), as for
//           sign random projections; code_distance() compares two codes that way.
#pragma once

#include "ruvec/metric.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ruvec {

class QuantCodec; // one kind of code's numbers and methods (src/quantize_codec.hpp)

enum class QuantKind : uint8_t { none = 0, sq8 = 1, pq = 2, binary = 3 };
const char* quant_kind_name(QuantKind kind);                   // "none", "sq8", "pq", "binary"
bool parse_quant_kind(std::string_view name, QuantKind& kind); // false if unknown

// How a quantizer is trained.
struct QuantParams {
    QuantKind kind = QuantKind::sq8; // which code
    uint32_t pq_subspaces = 0;       // pq: sub-spaces m (divides dims); 0: default_pq_subspaces
    bool binary_centre = true;       // binary: subtract the per-dimension mean before the sign
    uint64_t train_rows = 65536;     // pq, binary: rows sampled (without replacement) to train
    uint32_t iterations = 20;        // pq: k-means iterations
    uint64_t seed = 42;              // pq, binary: the sample and the initial centroids
};
inline constexpr uint32_t pq_centroids = 256; // per sub-space: one byte per code entry
inline constexpr uint32_t max_train_iterations = 1000;
// m for `dims` when none is given: sub-spaces of 8 dimensions (8 bytes of floats to 1 byte, a
// code 32 times smaller than the vector), or of fewer when dims is not a multiple of 8.
uint32_t default_pq_subspaces(uint32_t dims);

// min(count, rows) distinct numbers below `rows` in a seeded random order: the draw of a
// training sample, the same on every platform.
std::vector<uint64_t> sample_rows(uint64_t rows, uint64_t count, uint64_t seed);

// Throws Error(usage) naming the parameter that cannot be used for `dims`.
void check_quant_params(const QuantParams& params, uint32_t dims);

class Quantizer {
public:
    // A query prepared for distance(): its own code, or its table of centroid distances.
    struct Query {
        // pq: m x 256 distances of the query's sub-vectors; binary (unless Hamming): per 4
        // dimensions, the 16 signed sums of the query's values (of centre - q under l2)
        std::vector<float> table;
        std::vector<int8_t> bytes;  // sq8: the query's int8 code
        std::vector<uint64_t> bits; // binary: the query's bits
        float scale = 0;            // sq8: the query's scale
        float norm2 = 0;            // l2: the query's squared length
        float base = 0;             // binary: dot(q, centre), or |q - centre|^2 under l2
    };

    // Trains on `rows` vectors of `dims` floats stored back to back (rows >= 1; pq needs at
    // least 256 distinct-enough rows to be useful, and fewer still train, with repeated
    // centroids). `threads` only changes the speed.
    static Quantizer train(const float* vectors, uint64_t rows, uint32_t dims, Metric metric,
                           const QuantParams& params, int threads);
    // The same, reading row i's vector from vector_of(i) (rows need not be contiguous).
    static Quantizer train(const std::function<const float*(uint64_t)>& vector_of, uint64_t rows,
                           uint32_t dims, Metric metric, const QuantParams& params, int threads);
    // A quantizer from the bytes serialize() wrote; throws Error(corrupt) for bytes that are not
    // a valid quantizer for `dims` and `metric` (never reads outside them).
    static Quantizer parse(const unsigned char* bytes, size_t size, uint32_t dims, Metric metric);

    Quantizer(Quantizer&&) noexcept;
    Quantizer& operator=(Quantizer&&) noexcept;
    ~Quantizer();

    QuantKind kind() const noexcept;
    uint32_t dims() const noexcept;
    Metric metric() const noexcept;
    size_t code_bytes() const noexcept;
    const QuantParams& params() const noexcept; // as trained (pq_subspaces filled in)

    void encode(const float* vector, uint8_t* code) const;
    // encode() of `rows` vectors into rows x code_bytes() bytes.
    void encode_many(const float* vectors, uint64_t rows, uint8_t* codes, int threads) const;
    // The vector a code stands for (sq8: s c; pq: the centroids; binary: centre_i +- |x| /
    // sqrt(dims), |x| = 1 under cosine).
    void decode(const uint8_t* code, float* vector) const;

    // False for a code no encode() can give (a scale or length that is not finite or is
    // negative, binary padding bits set): loaders refuse such codes before any search.
    bool code_valid(const uint8_t* code) const;

    // A query for distance(). Binary codes meet the query in floats unless `binary_hamming`,
    // which binarises it too and compares bits by Hamming distance: faster, coarser.
    Query prepare(const float* query, bool binary_hamming = false) const;
    // Estimated distance between a prepared query and a code, in the graph's units.
    float distance(const Query& query, const uint8_t* code) const;
    // out[i] = distance(query, codes + rows[i] * code_bytes()) for i < count, the same bits,
    // with one dispatch to the code's loop per call instead of one per distance.
    void distances(const Query& query, const uint8_t* codes, const uint32_t* rows, size_t count,
                   float* out) const;
    // Estimated distance between two codes (links made without float vectors).
    float code_distance(const uint8_t* a, const uint8_t* b) const;
    // Similarity of an estimated distance (as SearchHit::similarity: 1 - d under cosine and ip,
    // 1 - d / 2 for squared l2 of unit vectors).
    float similarity(float distance) const;

    // The QPAR section bytes (index_format.hpp).
    std::string serialize() const;

private:
    explicit Quantizer(std::unique_ptr<QuantCodec> codec);
    std::unique_ptr<QuantCodec> codec_; // chosen by kind (src/quantize.cpp)
};

} // namespace ruvec
