// What an index compares queries with: its vector stores, as FAISS layers IndexHNSW over
// IndexFlat or IndexScalarQuantizer and IndexRefine on top. A store holds a row's vector in some
// form (float vectors inside the graph, mapped from the file, held in memory or left in the
// file; quantized codes) and gives, for one query, the distances to its rows in the graph's
// units: to rows the graph walk asks for (RowScorer::score), to every row in order (scan), and
// the walk itself. Index::search (index_search.cpp) takes its candidates from one store, by the
// graph or by a scan, and re-ranks them with another when the index keeps both.
//
// A new store is a class deriving from VectorStore in a file of its own, plus the line in
// Index::load or Index::quantize that makes it.
#pragma once

#include "graph/hnsw_graph.hpp"
#include "ruvec/io.hpp"
#include "ruvec/quantize.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace ruvec {

// The distances from one query to a store's rows, in the graph's units (1 - dot, squared l2).
// One object per query and thread: it may keep scratch memory.
class QueryDistances : public RowScorer {
public:
    // distances[r - begin] for each row r in [begin, end), deleted rows included.
    virtual void scan(size_t begin, size_t end, float* distances) const = 0;
    // The graph's walk by these distances: the `k` nearest of `ef` candidates, nearest first.
    virtual void walk(const HnswGraph& graph, size_t k, size_t ef,
                      std::vector<std::pair<float, uint32_t>>& found) const {
        graph.search_scored(*this, k, ef, found);
    }
};

class VectorStore {
public:
    virtual ~VectorStore() = default;
    // `query`: dims floats, normalised under cosine; `graph` computes float distances (the
    // same bits as its own); `binary_hamming`: SearchOptions::binary_hamming, for codes.
    virtual std::unique_ptr<QueryDistances>
    distances_to(const float* query, const HnswGraph& graph, bool binary_hamming) const = 0;
};

// Where a float store keeps its vectors, for `ruvec info`.
enum class FloatPlace { graph, memory, mapped, file };

// The float vectors of an index, rows x dims in row order.
class FloatStore : public VectorStore {
public:
    explicit FloatStore(size_t dims) : dims_(dims) {}
    size_t dims() const noexcept { return dims_; }
    virtual FloatPlace place() const noexcept = 0;
    // Bytes of memory the store holds apart from the graph (mapped pages counted).
    virtual uint64_t memory_bytes() const noexcept = 0;
    // Row `row`'s vector when it is in memory, nullptr when it must be read (row()).
    virtual const float* row_in_memory(uint32_t row) const = 0;
    // Row `row`'s vector, read into `scratch` (dims floats) if it is not in memory.
    virtual const float* row(uint32_t row, float* scratch) const = 0;
    // out[r - begin] points at row r's vector for r in [begin, end); rows not in memory are
    // read into `scratch` (resized), valid until the next call with it.
    virtual void rows(size_t begin, size_t end, std::vector<float>& scratch,
                      const float** out) const = 0;
    // Bytes [offset, offset + size) of the rows x dims floats, in row order.
    virtual void read_bytes(uint64_t offset, char* buffer, size_t size) const = 0;

    // Brute force reads rows in blocks of about 256 KiB of vectors, which stay in cache while
    // every query of a block meets them (and are read from the file once per block).
    size_t block_rows() const { return std::max<size_t>(1, (size_t{256} << 10) / (dims_ * 4)); }

    std::unique_ptr<QueryDistances> distances_to(const float* query, const HnswGraph& graph,
                                                 bool binary_hamming) const override;

private:
    size_t dims_;
};

// The float stores (float_stores.cpp).
// Inside the graph (hnswlib's rows): an index being built, or loaded without a mapping.
std::unique_ptr<FloatStore> graph_float_store(const HnswGraph& graph, size_t dims);
// Held in memory apart from the graph, which keeps links only.
std::unique_ptr<FloatStore> held_float_store(std::vector<float> vectors, size_t dims);
// In `file`'s mapping at `vectors` (its VECT section): shared by every process mapping it.
std::unique_ptr<FloatStore> mapped_float_store(std::shared_ptr<const RandomAccessSource> file,
                                               const float* vectors, uint64_t rows, size_t dims);
// Left in `file` at `offset`, read when needed (a quantized index re-ranks a few rows a query).
std::unique_ptr<FloatStore> file_float_store(std::shared_ptr<const RandomAccessSource> file,
                                             uint64_t offset, size_t dims);

// Quantized codes of the rows and the quantizer that made them (code_store.cpp).
class CodeStore final : public VectorStore {
public:
    explicit CodeStore(Quantizer quantizer) : quantizer_(std::move(quantizer)) {}
    const Quantizer& quantizer() const noexcept { return quantizer_; }
    std::vector<uint8_t>& codes() noexcept { return codes_; } // rows x code_bytes
    const uint8_t* code(uint32_t row) const {
        return codes_.data() + size_t{row} * quantizer_.code_bytes();
    }
    // Encodes rows [first, rows) of `vectors` into codes() (resized to `rows` codes).
    void encode_rows(uint64_t first, uint64_t rows, const FloatStore& vectors, int threads);

    std::unique_ptr<QueryDistances> distances_to(const float* query, const HnswGraph& graph,
                                                 bool binary_hamming) const override;

private:
    Quantizer quantizer_;
    std::vector<uint8_t> codes_;
};

} // namespace ruvec
