// The HNSW graph of an index: hnswlib's HierarchicalNSW behind an interface of our own.
// src/graph/hnsw_graph.cpp is the only translation unit that includes hnswlib (its header
// defines functions that are not inline, so a second includer would break the link); the codec
// of its sections, hnsw_sections.cpp, sees hnswlib's memory through a plain description of it.
#pragma once

#include "ruvec/graph_params.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace ruvec {

// What the graph can hold. The .rvx format (index_format.hpp) has the same limits, which
// index_file.cpp asserts, so that every graph built can be saved.
inline constexpr uint32_t hnsw_max_level = 63;         // levels are capped here
inline constexpr uint64_t hnsw_max_rows = 0xFFFFFFFEu; // hnswlib numbers nodes with u32

// Distances from one query to rows, for searches that compare the query with something else than
// the graph's float vectors (the quantized codes of the rows).
class RowScorer {
public:
    virtual ~RowScorer() = default;
    // distances[i]: from the query to rows[i], in the graph's units (l2: squared)
    virtual void score(const uint32_t* rows, size_t count, float* distances) const = 0;
};

class HnswGraph {
public:
    // An empty graph of vectors of `dims` floats with room for `capacity` rows. Without
    // `holds_vectors` the graph keeps only its links (an index searched by quantized codes):
    // it can be loaded and searched with search_scored, not built nor searched by vectors.
    HnswGraph(uint32_t dims, const GraphParams& params, uint64_t capacity,
              bool holds_vectors = true);
    ~HnswGraph();
    HnswGraph(const HnswGraph&) = delete;
    HnswGraph& operator=(const HnswGraph&) = delete;

    uint64_t size() const;
    bool holds_vectors() const;
    const float* vector(uint32_t row) const;              // nullptr without vectors
    float distance(const float* a, const float* b) const; // in the graph's metric (l2: squared)

    // Appends rows from `vectors` (count x dims floats, already normalised under cosine) and
    // links them, deterministically whatever `threads` is. Rows go in batches whose bounds
    // depend only on row numbers; with `complete_batches_only` a last incomplete batch is left
    // for a later call, so inserting in pieces builds the same graph as inserting at once.
    // Returns the number of rows inserted (the first ones of `vectors`).
    uint64_t insert(const float* vectors, uint64_t count, int threads,
                    const std::function<void(uint64_t)>& progress, bool complete_batches_only);
    // Links every row that no search could reach (pruning can leave a row without incoming
    // links, as with near-duplicate sequences) from its nearest reachable row. Deterministic.
    // Returns the number of rows linked.
    uint64_t connect_unreachable();
    void mark_deleted(uint32_t row);

    // Up to `k` nearest live rows, (distance, row) in increasing order; ef >= k.
    void search(const float* query, size_t k, size_t ef,
                std::vector<std::pair<float, uint32_t>>& found) const;

    // search() with distances from `scorer`: the same walk over the same links, so a scorer
    // that computes distance() from the rows' vectors returns exactly search()'s results.
    void search_scored(const RowScorer& scorer, size_t k, size_t ef,
                       std::vector<std::pair<float, uint32_t>>& found) const;

    // Bytes hnswlib holds for the rows: level-0 lists with their vectors, upper lists, and the
    // per-row level, pointer and lock.
    uint64_t memory_bytes() const;

    uint32_t max_level() const;
    uint32_t entry_point() const;
    uint32_t level(uint32_t row) const;
    uint32_t links_level0(uint32_t row) const;
    // Rows that no search reaches: not linked, on level 0, from anything reachable from the
    // entry point. In increasing order.
    std::vector<uint32_t> unreachable_rows() const;

    // GRPH section bytes, handed to `emit` in pieces; its length is graph_bytes().
    uint64_t graph_bytes() const;
    void write_graph(const std::function<void(const char*, size_t)>& emit) const;
    // VECT section bytes.
    void write_vectors(const std::function<void(const char*, size_t)>& emit) const;

    // Loading: an empty graph with capacity for `rows` gets its vectors and links from the
    // sections, read through `read(offset_in_section, buffer, size)`, which also checksums
    // (a graph without vectors reads none: load_vectors only makes room for the rows).
    // Every link is checked (row range, level, counts) before the graph is searched; errors
    // are Error(corrupt) messages completed by the caller with the file name.
    void load_vectors(uint64_t rows, const std::function<void(uint64_t, char*, size_t)>& read);
    void load_graph(uint64_t section_length, uint32_t max_level, uint32_t entry_point,
                    const std::function<void(uint64_t, char*, size_t)>& read);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ruvec
