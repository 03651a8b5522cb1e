// The float stores of vector_store.hpp: where an index's float vectors are, and the distances
// from a query to them, computed by the graph's own distance function so that a scan, a walk
// and a re-rank give the same bits whichever store holds the rows.
#include "vector_store.hpp"

#include <algorithm>
#include <cstring>

namespace ruvec {

namespace {

class FloatDistances final : public QueryDistances {
public:
    FloatDistances(const FloatStore& store, const HnswGraph& graph, const float* query)
        : store_(store), graph_(graph), query_(query) {}

    void score(const uint32_t* rows, size_t count, float* distances) const override {
        if (row_scratch_.empty()) row_scratch_.resize(store_.dims());
        for (size_t i = 0; i < count; ++i) {
            // Fetch the next row while this one is compared (the walk waits on memory).
            if (i + 1 < count)
                if (const float* next = store_.row_in_memory(rows[i + 1]))
                    __builtin_prefetch(next);
            distances[i] = graph_.distance(query_, store_.row(rows[i], row_scratch_.data()));
        }
    }

    void scan(size_t begin, size_t end, float* distances) const override {
        const size_t block = store_.block_rows();
        pointers_.resize(block);
        for (size_t first = begin; first < end; first += block) {
            const size_t last = std::min(end, first + block);
            store_.rows(first, last, block_scratch_, pointers_.data());
            for (size_t row = first; row < last; ++row)
                distances[row - begin] = graph_.distance(query_, pointers_[row - first]);
        }
    }

    void walk(const HnswGraph& graph, size_t k, size_t ef,
              std::vector<std::pair<float, uint32_t>>& found) const override {
        // The graph's own vectors: its walk reads them in place, the hot path of a float index.
        if (store_.place() == FloatPlace::graph) return graph.search(query_, k, ef, found);
        graph.search_scored(*this, k, ef, found);
    }

private:
    const FloatStore& store_;
    const HnswGraph& graph_;
    const float* query_;
    mutable std::vector<float> row_scratch_, block_scratch_;
    mutable std::vector<const float*> pointers_;
};

// Rows x dims floats at one address: held in memory or mapped.
class ContiguousFloats : public FloatStore {
public:
    ContiguousFloats(const float* vectors, size_t dims) : FloatStore(dims), vectors_(vectors) {}
    const float* row_in_memory(uint32_t row) const override {
        return vectors_ + size_t{row} * dims();
    }
    const float* row(uint32_t row, float*) const override { return row_in_memory(row); }
    void rows(size_t begin, size_t end, std::vector<float>&, const float** out) const override {
        for (size_t row = begin; row < end; ++row) out[row - begin] = vectors_ + row * dims();
    }
    void read_bytes(uint64_t offset, char* buffer, size_t size) const override {
        std::memcpy(buffer, reinterpret_cast<const char*>(vectors_) + offset, size);
    }

protected:
    void point_at(const float* vectors) { vectors_ = vectors; }

private:
    const float* vectors_;
};

class HeldFloats final : public ContiguousFloats {
public:
    HeldFloats(std::vector<float> vectors, size_t dims)
        : ContiguousFloats(nullptr, dims), vectors_(std::move(vectors)) {
        point_at(vectors_.data());
    }
    FloatPlace place() const noexcept override { return FloatPlace::memory; }
    uint64_t memory_bytes() const noexcept override { return vectors_.size() * sizeof(float); }

private:
    std::vector<float> vectors_;
};

class MappedFloats final : public ContiguousFloats {
public:
    MappedFloats(std::shared_ptr<const RandomAccessSource> file, const float* vectors,
                 uint64_t rows, size_t dims)
        : ContiguousFloats(vectors, dims), file_(std::move(file)), bytes_(rows * dims * 4) {}
    FloatPlace place() const noexcept override { return FloatPlace::mapped; }
    uint64_t memory_bytes() const noexcept override { return bytes_; }

private:
    std::shared_ptr<const RandomAccessSource> file_; // keeps the mapping
    uint64_t bytes_;
};

class GraphFloats final : public FloatStore {
public:
    GraphFloats(const HnswGraph& graph, size_t dims) : FloatStore(dims), graph_(graph) {}
    FloatPlace place() const noexcept override { return FloatPlace::graph; }
    uint64_t memory_bytes() const noexcept override { return 0; } // counted with the graph
    const float* row_in_memory(uint32_t row) const override { return graph_.vector(row); }
    const float* row(uint32_t row, float*) const override { return graph_.vector(row); }
    void rows(size_t begin, size_t end, std::vector<float>&, const float** out) const override {
        for (size_t row = begin; row < end; ++row)
            out[row - begin] = graph_.vector(static_cast<uint32_t>(row));
    }
    void read_bytes(uint64_t offset, char* buffer, size_t size) const override {
        // Row by row: hnswlib keeps each vector beside its links.
        const uint64_t row_bytes = dims() * sizeof(float);
        while (size > 0) {
            const uint64_t row = offset / row_bytes, within = offset % row_bytes;
            const size_t piece = static_cast<size_t>(std::min<uint64_t>(size, row_bytes - within));
            std::memcpy(buffer,
                        reinterpret_cast<const char*>(graph_.vector(static_cast<uint32_t>(row))) +
                            within,
                        piece);
            buffer += piece;
            offset += piece;
            size -= piece;
        }
    }

private:
    const HnswGraph& graph_;
};

class FileFloats final : public FloatStore {
public:
    FileFloats(std::shared_ptr<const RandomAccessSource> file, uint64_t offset, size_t dims)
        : FloatStore(dims), file_(std::move(file)), offset_(offset) {}
    FloatPlace place() const noexcept override { return FloatPlace::file; }
    uint64_t memory_bytes() const noexcept override { return 0; }
    const float* row_in_memory(uint32_t) const override { return nullptr; }
    const float* row(uint32_t row, float* scratch) const override {
        const size_t bytes = dims() * sizeof(float);
        read_bytes(uint64_t{row} * bytes, reinterpret_cast<char*>(scratch), bytes);
        return scratch;
    }
    void rows(size_t begin, size_t end, std::vector<float>& scratch,
              const float** out) const override {
        scratch.resize((end - begin) * dims());
        read_bytes(uint64_t{begin} * dims() * sizeof(float),
                   reinterpret_cast<char*>(scratch.data()), scratch.size() * sizeof(float));
        for (size_t row = begin; row < end; ++row)
            out[row - begin] = scratch.data() + (row - begin) * dims();
    }
    void read_bytes(uint64_t offset, char* buffer, size_t size) const override {
        file_->read_at(offset_ + offset, buffer, size);
    }

private:
    std::shared_ptr<const RandomAccessSource> file_;
    uint64_t offset_; // of the VECT section
};

} // namespace

std::unique_ptr<QueryDistances> FloatStore::distances_to(const float* query,
                                                         const HnswGraph& graph, bool) const {
    return std::make_unique<FloatDistances>(*this, graph, query);
}

std::unique_ptr<FloatStore> graph_float_store(const HnswGraph& graph, size_t dims) {
    return std::make_unique<GraphFloats>(graph, dims);
}

std::unique_ptr<FloatStore> held_float_store(std::vector<float> vectors, size_t dims) {
    return std::make_unique<HeldFloats>(std::move(vectors), dims);
}

std::unique_ptr<FloatStore> mapped_float_store(std::shared_ptr<const RandomAccessSource> file,
                                               const float* vectors, uint64_t rows, size_t dims) {
    return std::make_unique<MappedFloats>(std::move(file), vectors, rows, dims);
}

std::unique_ptr<FloatStore> file_float_store(std::shared_ptr<const RandomAccessSource> file,
                                             uint64_t offset, size_t dims) {
    return std::make_unique<FileFloats>(std::move(file), offset, dims);
}

} // namespace ruvec
