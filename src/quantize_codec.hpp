// The interface behind ruvec::Quantizer: one codec per kind of code, each in a file of its own
// (quantize_sq8.cpp, quantize_pq.cpp, quantize_binary.cpp), as FAISS keeps ScalarQuantizer and
// ProductQuantizer apart. quantize.cpp keeps what they share (names, parameter checks, the draw
// of the training sample, the QPAR framing) and chooses the codec by kind, one line per kind.
// Code layouts are described in ruvec/quantize.hpp, the QPAR bytes in ruvec/index_format.hpp.
#pragma once

#include "ruvec/quantize.hpp"
#include "ruvec/simd.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ruvec {

// The QPAR fixed part's fields that belong to a codec (the rest is framing, written once).
struct QparFields {
    uint8_t flags = 0;      // byte 1: the codec's flag bits
    uint32_t subspaces = 0; // bytes 12..15: pq's sub-spaces m, otherwise 0
    uint32_t centroids = 0; // bytes 16..19: pq's centroids per sub-space, otherwise 0
};

// Throws Error(corrupt) "quantizer section: <message>" (a QPAR that no serialize() wrote).
[[noreturn]] void qpar_corrupt(const std::string& message);

class QuantCodec {
public:
    using Query = Quantizer::Query;

    QuantCodec(uint32_t dims, Metric metric) : dims(dims), metric(metric) {}
    QuantCodec(const QuantCodec&) = delete;
    QuantCodec& operator=(const QuantCodec&) = delete;
    virtual ~QuantCodec() = default;

    QuantParams params;                             // as trained or read (kind set by quantize.cpp)
    const uint32_t dims;                            // of the vectors
    const Metric metric;                            // the index's, in whose units distances are
    size_t code_bytes = 0;                          // per code, set by the codec's layout
    const simd::Kernels* kernels = &simd::active(); // those active when the codec was made

    // Fills in the params this code decides (the sample size, defaults), lays its codes out and
    // learns what it needs from rows vector_of(0 .. rows - 1) (rows >= 1, params checked).
    virtual void train(const std::function<const float*(uint64_t)>& vector_of, uint64_t rows,
                       int threads) = 0;

    // Writes all code_bytes bytes of the code.
    virtual void encode(const float* vector, uint8_t* code) const = 0;
    virtual void encode_many(const float* vectors, uint64_t rows, uint8_t* codes,
                             int threads) const = 0; // BatchedCodec's loop
    virtual void decode(const uint8_t* code, float* vector) const = 0;
    virtual bool code_valid(const uint8_t* code) const = 0;

    // Fills in `query` for `vector`, whose query.norm2 quantize.cpp has set.
    virtual void prepare(const float* vector, bool binary_hamming, Query& query) const = 0;
    virtual float distance(const Query& query, const uint8_t* code) const = 0;
    // out[i] = distance(query, codes + rows[i] * code_bytes): one virtual call per batch.
    virtual void distances(const Query& query, const uint8_t* codes, const uint32_t* rows,
                           size_t count, float* out) const = 0; // BatchedCodec's loop
    virtual float code_distance(const uint8_t* a, const uint8_t* b) const = 0;

    // QPAR, written: the codec's fixed fields and the floats that follow the fixed part.
    virtual QparFields qpar_fields() const = 0;
    virtual const std::vector<float>& qpar_numbers() const = 0;
    // QPAR, read: the flag bits the codec defines (others are refused as reserved); then its
    // fields, which it checks (qpar_corrupt), takes into params and lays its codes out by,
    // returning how many floats must follow; then those floats, all finite.
    virtual uint8_t qpar_known_flags() const { return 0; }
    virtual size_t read_qpar_fields(const QparFields& fields) = 0;
    virtual void read_qpar_numbers(std::vector<float> numbers) = 0;

protected:
    // A dot product of two vectors in the graph's units: l2 from their squared lengths.
    float from_dot(float dot, float norm2_a, float norm2_b) const {
        if (metric == Metric::l2) return std::max(0.0f, norm2_a + norm2_b - 2 * dot);
        return 1.0f - dot;
    }
};

// The per-row loops of encode_many and distances, written once for every codec: `Self` (the
// codec deriving from it) has its encode and distance called directly, without a virtual call
// per row, so they inline into the loop.
template <class Self> class BatchedCodec : public QuantCodec {
public:
    using QuantCodec::QuantCodec;

    void encode_many(const float* vectors, uint64_t rows, uint8_t* codes,
                     [[maybe_unused]] int threads) const final {
        const Self& self = static_cast<const Self&>(*this);
        const int64_t n = static_cast<int64_t>(rows);
        const size_t dim = dims, bytes = code_bytes;
#pragma omp parallel for num_threads(std::max(threads, 1)) schedule(static)
        for (int64_t r = 0; r < n; ++r) self.Self::encode(vectors + r * dim, codes + r * bytes);
    }

    void distances(const Query& query, const uint8_t* codes, const uint32_t* rows, size_t count,
                   float* out) const final {
        const Self& self = static_cast<const Self&>(*this);
        const size_t bytes = code_bytes;
        for (size_t i = 0; i < count; ++i)
            out[i] = self.Self::distance(query, codes + size_t{rows[i]} * bytes);
    }
};

// The codecs, one per file; quantize.cpp calls these where it chooses by kind.
std::unique_ptr<QuantCodec> make_sq8_codec(uint32_t dims, Metric metric);
std::unique_ptr<QuantCodec> make_pq_codec(uint32_t dims, Metric metric);
std::unique_ptr<QuantCodec> make_binary_codec(uint32_t dims, Metric metric);

} // namespace ruvec
