// Index::search and search_many: one search path over the index's vector stores
// (vector_store.hpp). A plan picks the store the candidates come from (the codes of a quantized
// index, else the float vectors) and how (the graph's walk, or a scan of every row: brute
// force), and whether the float vectors then rank them again; each step is written once, for
// every store.
#include "ruvec/index.hpp"

#include "graph/hnsw_graph.hpp"
#include "ruvec/error.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/simd.hpp"
#include "vector_store.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <queue>

namespace ruvec {

struct Index::SearchPlan {
    const VectorStore* candidates = nullptr; // the store scanned or walked
    bool scan = false;                       // brute force over every row instead of the graph
    size_t ef = 0;                           // the walk's candidate list
    size_t keep = 0;                         // candidates kept, nearest first
    bool rerank = false;                     // rank the kept candidates again by float distance
};

namespace {

// No query has more hits than the index has live rows: bounding `top` by them keeps a huge -n
// from allocating room for hits that cannot exist. The hits are the same.
SearchOptions bounded_options(const SearchOptions& options, uint64_t live_rows) {
    SearchOptions bounded = options;
    bounded.top = static_cast<size_t>(std::min<uint64_t>(options.top, live_rows));
    return bounded;
}

// The `candidates` live rows nearest by `distances`, nearest first, ties to the lower row (a
// max-heap on (distance, row) keeps them).
template <class Deleted>
void nearest_rows(const std::vector<float>& distances, Deleted deleted, size_t candidates,
                  std::vector<std::pair<float, uint32_t>>& found) {
    std::priority_queue<std::pair<float, uint32_t>> best;
    for (size_t row = 0; row < distances.size(); ++row) {
        if (deleted(row)) continue;
        const std::pair<float, uint32_t> item(distances[row], static_cast<uint32_t>(row));
        if (best.size() < candidates) {
            best.push(item);
        } else if (item < best.top()) {
            best.pop();
            best.push(item);
        }
    }
    found.clear();
    found.reserve(best.size());
    while (!best.empty()) {
        found.push_back(best.top());
        best.pop();
    }
    std::reverse(found.begin(), found.end());
}

} // namespace

Index::SearchPlan Index::plan_search(const SearchOptions& options) const {
    if (!has_vectors_)
        throw Error(ErrorKind::usage, "this index holds no vectors (only the read search's "
                                      "k-mer index): search it with sequences, not vectors");
    SearchPlan plan;
    // Codes give the candidates whenever there are codes, but for brute force over an index
    // that keeps its float vectors, which is exact (unless asked for by codes).
    const bool by_codes = codes_ && (!floats_ || !options.exact || options.exact_by_codes);
    plan.candidates = by_codes ? static_cast<const VectorStore*>(codes_.get()) : floats_.get();
    plan.scan = options.exact;
    plan.ef = std::max(options.ef, options.top);
    plan.rerank = by_codes && floats_ && options.rerank > 0;
    // The best `rerank` candidates by codes (at least top; the walk offers at most ef) are
    // ranked again. Per target, every candidate may be the best of its name: keep them all.
    const size_t rerank =
        plan.rerank ? std::max(options.rerank, options.top) : 0;
    if (options.per_target)
        plan.keep = plan.scan ? rows_.size() : plan.ef;
    else
        plan.keep = std::max(options.top, plan.scan ? rerank : std::min(plan.ef, rerank));
    return plan;
}

void Index::to_hits(std::vector<std::pair<float, uint32_t>>& found, const SearchOptions& options,
                    std::vector<SearchHit>& hits) const {
    hits.clear();
    std::vector<char> name_seen;
    if (options.per_target) name_seen.assign(names_.size(), 0);
    for (const auto& [distance, row] : found) {
        if (hits.size() == options.top) break;
        if (options.per_target) {
            char& seen = name_seen[rows_[row].name];
            if (seen) continue;
            seen = 1;
        }
        SearchHit hit{row, distance, 1.0f - distance};
        // 1 - cosine of a vector with itself may round below 0; it is 0.
        if (graph_.metric == Metric::cosine) hit.distance = std::max(distance, 0.0f);
        if (graph_.metric == Metric::l2) {
            hit.distance = std::sqrt(std::max(distance, 0.0f));
            hit.similarity = 1.0f - distance / 2.0f;
        }
        if (hit.similarity < options.min_similarity) break; // later hits are weaker still
        hits.push_back(hit);
    }
}

void Index::search(const float* query, const SearchOptions& requested,
                   std::vector<SearchHit>& hits) const {
    hits.clear();
    const SearchOptions options = bounded_options(requested, live_rows());
    if (options.top == 0 || live_rows() == 0) return;
    const size_t dims = embed_.dims;
    std::vector<float> normalized;
    if (graph_.metric == Metric::cosine) {
        normalized.assign(query, query + dims);
        simd::active().l2_normalize(normalized.data(), dims);
        query = normalized.data();
    }
    const SearchPlan plan = plan_search(options);
    const std::unique_ptr<QueryDistances> distances =
        plan.candidates->distances_to(query, *graph_impl_, options.binary_hamming);
    std::vector<std::pair<float, uint32_t>> found;
    if (plan.scan) {
        std::vector<float> all(rows_.size());
        distances->scan(0, rows_.size(), all.data());
        nearest_rows(
            all, [&](size_t row) { return (rows_[row].flags & rvx_row_deleted) != 0; }, plan.keep,
            found);
    } else {
        distances->walk(*graph_impl_, plan.keep, plan.ef, found);
    }
    if (plan.rerank) {
        const std::unique_ptr<QueryDistances> exact =
            floats_->distances_to(query, *graph_impl_, false);
        std::vector<uint32_t> rows(found.size());
        std::vector<float> again(found.size());
        for (size_t i = 0; i < found.size(); ++i) rows[i] = found[i].second;
        exact->score(rows.data(), rows.size(), again.data());
        for (size_t i = 0; i < found.size(); ++i) found[i].first = again[i];
        std::sort(found.begin(), found.end());
    }
    to_hits(found, options, hits);
}

void Index::search_exact_block(const float* queries, size_t first, size_t count,
                               const SearchOptions& options,
                               std::vector<std::vector<SearchHit>>& hits) const {
    const size_t dims = embed_.dims;
    const size_t rows = rows_.size();
    const size_t block_rows = floats_->block_rows();
    std::vector<float> scratch;
    using Item = std::pair<float, uint32_t>;
    const Item none(std::numeric_limits<float>::infinity(), UINT32_MAX);
    // Per query: a max-heap of the `top` nearest, or with per_target the best row of each name
    // (strictly smaller replaces, so ties keep the lower row, as search() does).
    std::vector<std::vector<Item>> best(count);
    for (auto& b : best) b.reserve(options.per_target ? names_.size() : options.top + 1);
    if (options.per_target)
        for (auto& b : best) b.assign(names_.size(), none);
    // Distances of the whole block of queries to a block of rows at once (a tile kernel: the same
    // bits as the graph's distance of each pair, read from memory once per tile, not per pair).
    const simd::Kernels& kernels = simd::active();
    const auto tile = graph_.metric == Metric::l2 ? kernels.l2sq_tile : kernels.dot_tile;
    const bool one_minus = graph_.metric != Metric::l2; // the graph's 1 - dot
    std::vector<const float*> row_vectors(block_rows);
    std::vector<float> distances(count * block_rows);
    for (size_t begin = 0; begin < rows; begin += block_rows) {
        const size_t end = std::min(rows, begin + block_rows);
        floats_->rows(begin, end, scratch, row_vectors.data());
        tile(queries + first * dims, count, row_vectors.data(), end - begin, dims,
             distances.data());
        for (size_t q = 0; q < count; ++q) {
            std::vector<Item>& b = best[q];
            const float* scores = &distances[q * (end - begin)];
            for (size_t row = begin; row < end; ++row) {
                const RowInfo& info = rows_[row];
                if (info.flags & rvx_row_deleted) continue;
                const float score = scores[row - begin];
                const Item item(one_minus ? 1.0f - score : score, static_cast<uint32_t>(row));
                if (options.per_target) {
                    if (item.first < b[info.name].first) b[info.name] = item;
                } else if (b.size() < options.top) {
                    b.push_back(item);
                    std::push_heap(b.begin(), b.end());
                } else if (item < b.front()) {
                    std::pop_heap(b.begin(), b.end());
                    b.back() = item;
                    std::push_heap(b.begin(), b.end());
                }
            }
        }
    }
    for (size_t q = 0; q < count; ++q) {
        std::vector<Item>& found = best[q];
        if (options.per_target)
            found.erase(std::remove(found.begin(), found.end(), none), found.end());
        std::sort(found.begin(), found.end());
        to_hits(found, options, hits[first + q]);
    }
}

void Index::search_many(const float* queries, size_t count, const SearchOptions& requested,
                        [[maybe_unused]] int threads,
                        std::vector<std::vector<SearchHit>>& hits) const {
    hits.resize(count);
    const SearchOptions options = bounded_options(requested, live_rows());
    // Brute force over float vectors reads them in blocks; anything else goes query by query.
    const SearchPlan plan = plan_search(options);
    if (!plan.scan || plan.candidates != floats_.get() || options.top == 0 || live_rows() == 0) {
        std::exception_ptr failure;
#pragma omp parallel for num_threads(std::max(threads, 1)) schedule(dynamic, 16)
        for (size_t i = 0; i < count; ++i) {
            try {
                search(queries + i * embed_.dims, options, hits[i]);
            } catch (...) {
#pragma omp critical(ruvec_search_many_failure)
                if (!failure) failure = std::current_exception();
            }
        }
        if (failure) std::rethrow_exception(failure);
        return;
    }
    const size_t dims = embed_.dims;
    std::vector<float> normalized;
    if (graph_.metric == Metric::cosine) {
        normalized.assign(queries, queries + count * dims);
        for (size_t i = 0; i < count; ++i) simd::active().l2_normalize(&normalized[i * dims], dims);
        queries = normalized.data();
    }
    // Blocks of queries: each reads every row once. Per target, a block holds a best row per
    // name for each of its queries, so blocks shrink when there are many names.
    const size_t per_block =
        options.per_target
            ? std::clamp<size_t>((size_t{16} << 20) / std::max<size_t>(1, names_.size()), 1, 64)
            : 64;
    const size_t blocks = (count + per_block - 1) / per_block;
    std::exception_ptr failure;
#pragma omp parallel for num_threads(std::max(threads, 1)) schedule(dynamic, 1)
    for (size_t block = 0; block < blocks; ++block) {
        try {
            const size_t first = block * per_block;
            search_exact_block(queries, first, std::min(per_block, count - first), options, hits);
        } catch (...) {
#pragma omp critical(ruvec_search_many_failure)
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
}

} // namespace ruvec
