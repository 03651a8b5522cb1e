#include "ruvec/index.hpp"

#include "finite.hpp"
#include "graph/hnsw_graph.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/vecfile.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <queue>
#include <unordered_map>

namespace ruvec {

void check_graph_params(const GraphParams& p) {
    if (static_cast<uint8_t>(p.metric) > 2) throw Error(ErrorKind::usage, "unknown metric");
    if (p.M < min_M || p.M > max_M)
        throw Error(ErrorKind::usage, "-M must be " + std::to_string(min_M) + ".." +
                                          std::to_string(max_M) + ", not " + std::to_string(p.M));
    if (p.ef_construction < 1 || p.ef_construction > max_ef)
        throw Error(ErrorKind::usage, "--ef-construction must be 1.." + std::to_string(max_ef) +
                                          ", not " + std::to_string(p.ef_construction));
}

bool brute_force_is_no_more_work(uint64_t live_rows, const GraphParams& graph, size_t ef) {
    return static_cast<double>(ef) * 2.0 * graph.M >= static_cast<double>(live_rows);
}

namespace {

// Distances from a prepared query to the codes of rows.
class CodeScorer final : public RowScorer {
public:
    CodeScorer(const Quantizer& quantizer, const Quantizer::Query& query, const uint8_t* codes)
        : quantizer_(quantizer), query_(query), codes_(codes), bytes_(quantizer.code_bytes()) {}
    void score(const uint32_t* rows, size_t count, float* distances) const override {
        for (size_t i = 0; i < count; ++i)
            distances[i] = quantizer_.distance(query_, codes_ + size_t{rows[i]} * bytes_);
    }

private:
    const Quantizer& quantizer_;
    const Quantizer::Query& query_;
    const uint8_t* codes_;
    size_t bytes_;
};

// Distances from a query to float vectors held apart from the graph (a mapped file), computed
// as the graph computes them from its own.
class FloatScorer final : public RowScorer {
public:
    FloatScorer(const HnswGraph& graph, const float* query, const float* vectors, size_t dims)
        : graph_(graph), query_(query), vectors_(vectors), dims_(dims) {}
    void score(const uint32_t* rows, size_t count, float* distances) const override {
        for (size_t i = 0; i < count; ++i) {
            if (i + 1 < count) __builtin_prefetch(vectors_ + size_t{rows[i + 1]} * dims_);
            distances[i] = graph_.distance(query_, vectors_ + size_t{rows[i]} * dims_);
        }
    }

private:
    const HnswGraph& graph_;
    const float* query_;
    const float* vectors_;
    size_t dims_;
};

} // namespace

struct Index::NameLookup {
    std::unordered_map<std::string, uint32_t> index; // name -> its number
};

Index::Index(const EmbedParams& embed, const GraphParams& graph)
    : embed_(embed), graph_(graph), name_lookup_(std::make_unique<NameLookup>()) {
    check_graph_params(graph_);
    graph_impl_ = std::make_unique<HnswGraph>(embed_.dims, graph_, 0);
}

Index::~Index() = default;
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;

void Index::add_provenance(std::string_view line) {
    provenance_.append(line);
    provenance_.push_back('\n');
}

void check_shard_info(const ShardInfo& shard) {
    if (shard.count == 0 || shard.shard == 0 || shard.shard > shard.count)
        throw Error(ErrorKind::usage, "shard " + std::to_string(shard.shard) + " of " +
                                          std::to_string(shard.count) + " does not exist");
    if (shard.records == 0 || shard.first_record > shard.total_records ||
        shard.records > shard.total_records - shard.first_record)
        throw Error(ErrorKind::usage, "records " + std::to_string(shard.first_record + 1) + "+" +
                                          std::to_string(shard.records) + " are not within " +
                                          std::to_string(shard.total_records));
}

void Index::set_shard(const ShardInfo& shard) {
    check_shard_info(shard);
    shard_ = shard;
}

const float* Index::row_vector(uint32_t row) const {
    if (float_view_) return float_view_ + size_t{row} * embed_.dims;
    if (!float_rows_.empty()) return float_rows_.data() + size_t{row} * embed_.dims;
    return graph_impl_->vector(row);
}

const float* Index::float_row(uint32_t row, float* scratch) const {
    if (!float_file_ || float_view_) return row_vector(row);
    const size_t bytes = embed_.dims * sizeof(float);
    read_float_bytes(uint64_t{row} * bytes, reinterpret_cast<char*>(scratch), bytes);
    return scratch;
}

void Index::read_float_bytes(uint64_t offset, char* buffer, size_t size) const {
    if (float_view_)
        std::memcpy(buffer, reinterpret_cast<const char*>(float_view_) + offset, size);
    else if (float_file_)
        float_file_->read_at(float_file_offset_ + offset, buffer, size);
    else
        std::memcpy(buffer, reinterpret_cast<const char*>(float_rows_.data()) + offset, size);
}

void Index::hold_float_vectors() {
    if (!float_file_) return;
    std::vector<float> held(rows_.size() * embed_.dims);
    read_float_bytes(0, reinterpret_cast<char*>(held.data()), held.size() * sizeof(float));
    float_rows_ = std::move(held);
    float_file_.reset();
    float_view_ = nullptr;
}

uint64_t index_build_bytes(const EmbedParams& embed, const GraphParams& graph, uint64_t rows) {
    const double links_level0 = 4.0 + 2.0 * graph.M * 4;            // count + 2 M neighbour ids
    const double links_above = (4.0 + graph.M * 4) / (graph.M - 1); // per row, on average
    const double bookkeeping =
        8.0 + sizeof(void*) + sizeof(int) + sizeof(std::mutex); // label, list, level, lock
    const double row_table = 24;                                // Index::RowInfo
    const double per_row = embed.dims * 4.0 + links_level0 + links_above + bookkeeping + row_table;
    return static_cast<uint64_t>(per_row * static_cast<double>(rows));
}

IndexMemory Index::memory() const {
    IndexMemory m;
    m.graph_bytes = graph_impl_->memory_bytes();
    m.code_bytes = codes_.size();
    m.float_bytes = float_view_ ? rows_.size() * embed_.dims * sizeof(float)
                                : float_rows_.size() * sizeof(float);
    m.float_vectors_in_file = float_file_ != nullptr;
    m.float_vectors_mapped = float_view_ != nullptr;
    return m;
}

const uint8_t* Index::row_code(uint32_t row) const {
    return codes_.data() + size_t{row} * quantizer_->code_bytes();
}

void Index::encode_rows(uint64_t first, [[maybe_unused]] int threads) {
    const size_t bytes = quantizer_->code_bytes();
    const int64_t end = static_cast<int64_t>(graph_impl_->size());
    codes_.resize(static_cast<size_t>(end) * bytes);
#pragma omp parallel for num_threads(std::max(threads, 1)) schedule(static)
    for (int64_t row = static_cast<int64_t>(first); row < end; ++row)
        quantizer_->encode(row_vector(static_cast<uint32_t>(row)),
                           &codes_[static_cast<size_t>(row) * bytes]);
}

void Index::quantize(const QuantParams& params, int threads,
                     const std::vector<uint32_t>& held_out) {
    if (!has_float_vectors_)
        throw Error(ErrorKind::usage, "the float vectors of this index were dropped: quantize "
                                      "the index it was made from");
    check_quant_params(params, embed_.dims);
    insert_pending(threads);
    hold_float_vectors(); // training and encoding read every row
    std::vector<char> excluded(rows_.size(), 0);
    for (uint32_t row : held_out)
        if (row < rows_.size()) excluded[row] = 1;
    std::vector<uint32_t> live;
    live.reserve(live_rows());
    for (size_t row = 0; row < rows_.size(); ++row)
        if (!(rows_[row].flags & rvx_row_deleted) && !excluded[row])
            live.push_back(static_cast<uint32_t>(row));
    if (live.empty()) throw Error(ErrorKind::input, "no live vectors to train a quantizer on");
    quantizer_ = std::make_unique<Quantizer>(
        Quantizer::train([&](uint64_t i) { return row_vector(live[i]); }, live.size(), embed_.dims,
                         graph_.metric, params, threads));
    codes_.clear();
    encode_rows(0, threads);
}

void Index::drop_float_vectors() {
    if (!quantizer_)
        throw Error(ErrorKind::usage, "only a quantized index can drop its float vectors");
    if (!has_float_vectors_) return;
    insert_pending(1);
    if (graph_impl_->holds_vectors()) relink_graph(false);
    float_file_.reset();
    float_view_ = nullptr;
    std::vector<float>().swap(float_rows_);
    has_float_vectors_ = false;
}

void Index::relink_graph(bool with_vectors) {
    std::string links;
    links.reserve(graph_impl_->graph_bytes());
    graph_impl_->write_graph([&](const char* data, size_t size) { links.append(data, size); });
    const size_t rows = graph_impl_->size();
    if (with_vectors && !float_file_ && float_rows_.empty())
        throw Error(ErrorKind::usage, "this index has no float vectors to link rows with");
    auto rebuilt = std::make_unique<HnswGraph>(embed_.dims, graph_, rows, with_vectors);
    // Called only with vectors (the graph without them reads none).
    rebuilt->load_vectors(rows, [&](uint64_t offset, char* buffer, size_t size) {
        read_float_bytes(offset, buffer, size);
    });
    rebuilt->load_graph(links.size(), graph_impl_->max_level(), graph_impl_->entry_point(),
                        [&](uint64_t offset, char* buffer, size_t size) {
                            std::memcpy(buffer, links.data() + offset, size);
                        });
    for (size_t row = 0; row < rows; ++row)
        if (rows_[row].flags & rvx_row_deleted) rebuilt->mark_deleted(static_cast<uint32_t>(row));
    graph_impl_ = std::move(rebuilt);
    if (with_vectors) { // the graph holds them now
        float_file_.reset();
        float_view_ = nullptr;
        std::vector<float>().swap(float_rows_);
    }
}

void Index::add(const VecRow& row, const float* vector) {
    if (!has_float_vectors_)
        throw Error(ErrorKind::usage,
                    "this index holds codes without float vectors (quantized with --drop-float): "
                    "it cannot link new rows; add them to the index it was made from and "
                    "quantize again");
    if (row.name.empty() || row.name.size() > rvec_max_name)
        throw Error(ErrorKind::input,
                    "sequence names must be 1.." + std::to_string(rvec_max_name) + " bytes long");
    if (rows_.size() >= rvx_max_rows)
        throw Error(ErrorKind::resource,
                    "an index holds at most " + std::to_string(rvx_max_rows) + " vectors");
    const size_t dims = embed_.dims;
    if (!all_finite(vector, dims))
        throw Error(ErrorKind::input,
                    "'" + row.name + "': the vector has a value that is not finite");
    // Check the vector before registering anything, so a refused row leaves no trace.
    const size_t offset = pending_vectors_.size();
    auto found = name_lookup_->index.find(row.name);
    if (found != name_lookup_->index.end()) {
        // The next window of the sequence just added starts further on; anything else with a
        // live name is a second sequence of that name.
        const bool next_window =
            found->second == last_added_name_ && row.start > rows_.back().start;
        if (!next_window && live_rows_of_name_[found->second] > 0)
            throw Error(ErrorKind::input,
                        "sequence name '" + row.name +
                            "' is already in the index: names must be unique (remove it first to "
                            "replace it)");
    }
    pending_vectors_.insert(pending_vectors_.end(), vector, vector + dims);
    if (graph_.metric == Metric::cosine) {
        float* v = &pending_vectors_[offset];
        if (simd::active().dot(v, v, dims) == 0.0f) {
            pending_vectors_.resize(offset);
            throw Error(ErrorKind::input,
                        "'" + row.name + "': an all-zero vector has no cosine similarity");
        }
        simd::active().l2_normalize(v, dims);
    }
    uint32_t name;
    if (found != name_lookup_->index.end()) {
        name = found->second;
    } else {
        name = static_cast<uint32_t>(names_.size());
        names_.push_back(row.name);
        live_rows_of_name_.push_back(0);
        name_lookup_->index.emplace(row.name, name);
    }
    rows_.push_back({row.start, row.end, name, 0});
    ++live_rows_of_name_[name];
    ++pending_rows_;
    last_added_name_ = name;
}

void Index::insert_pending(int threads, const std::function<void(uint64_t)>& progress,
                           bool complete_batches_only) {
    if (pending_rows_ > 0) {
        // Linking compares vectors inside hnswlib: a graph of links only takes them in first.
        if (!graph_impl_->holds_vectors()) relink_graph(true);
        const uint64_t first = graph_impl_->size();
        const uint64_t inserted = graph_impl_->insert(pending_vectors_.data(), pending_rows_,
                                                      threads, progress, complete_batches_only);
        if (quantizer_ && inserted > 0) encode_rows(first, threads);
        pending_vectors_.erase(pending_vectors_.begin(),
                               pending_vectors_.begin() +
                                   static_cast<std::ptrdiff_t>(inserted * embed_.dims));
        pending_rows_ -= inserted;
        if (inserted > 0) graph_changed_ = true;
    }
    if (pending_rows_ == 0) pending_vectors_.shrink_to_fit();
    if (!complete_batches_only && graph_changed_) {
        graph_impl_->connect_unreachable();
        graph_changed_ = false;
    }
}

std::vector<uint64_t> Index::remove(const std::vector<std::string>& names,
                                    std::vector<std::string>* missing) {
    insert_pending(1);
    std::vector<uint64_t> removed(names.size(), 0);
    std::vector<int64_t> request_of_name(names_.size(), -1);
    for (size_t i = 0; i < names.size(); ++i) {
        auto found = name_lookup_->index.find(names[i]);
        if (found == name_lookup_->index.end()) {
            if (missing) missing->push_back(names[i]);
            continue;
        }
        request_of_name[found->second] = static_cast<int64_t>(i);
    }
    for (size_t row = 0; row < rows_.size(); ++row) {
        RowInfo& info = rows_[row];
        const int64_t request = request_of_name[info.name];
        if (request < 0 || (info.flags & rvx_row_deleted)) continue;
        info.flags |= rvx_row_deleted;
        graph_impl_->mark_deleted(static_cast<uint32_t>(row));
        ++deleted_rows_;
        --live_rows_of_name_[info.name];
        ++removed[static_cast<size_t>(request)];
    }
    last_added_name_ = UINT32_MAX;
    return removed;
}

namespace {

// No query has more hits than the index has live rows: bounding `top` by them keeps a huge -n
// from allocating room for hits that cannot exist. The hits are the same.
SearchOptions bounded_options(const SearchOptions& options, uint64_t live_rows) {
    SearchOptions bounded = options;
    bounded.top = static_cast<size_t>(std::min<uint64_t>(options.top, live_rows));
    return bounded;
}

// The `candidates` live rows nearest by `distance_of(row)`, nearest first, ties to the lower row
// (a max-heap on (distance, row) keeps them).
template <class Deleted, class Distance>
void nearest_rows(size_t rows, Deleted deleted, size_t candidates, Distance distance_of,
                  std::vector<std::pair<float, uint32_t>>& found) {
    std::priority_queue<std::pair<float, uint32_t>> best;
    for (size_t row = 0; row < rows; ++row) {
        if (deleted(row)) continue;
        const std::pair<float, uint32_t> item(distance_of(row), static_cast<uint32_t>(row));
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

size_t Index::float_block_rows() const {
    return std::max<size_t>(1, (size_t{256} << 10) / (embed_.dims * sizeof(float)));
}

const float* Index::float_block(size_t begin, size_t end, std::vector<float>& scratch) const {
    const size_t dims = embed_.dims;
    if (float_view_) return float_view_ + begin * dims;
    if (!float_rows_.empty()) return float_rows_.data() + begin * dims;
    if (!float_file_) return nullptr;
    scratch.resize((end - begin) * dims);
    read_float_bytes(uint64_t{begin} * dims * sizeof(float),
                     reinterpret_cast<char*>(scratch.data()), scratch.size() * sizeof(float));
    return scratch.data();
}

void Index::search_exact(const float* query, size_t candidates,
                         std::vector<std::pair<float, uint32_t>>& found) const {
    const size_t rows = rows_.size(), dims = embed_.dims;
    std::vector<float> distances(rows), scratch;
    for (size_t begin = 0; begin < rows; begin += float_block_rows()) {
        const size_t end = std::min(rows, begin + float_block_rows());
        const float* block = float_block(begin, end, scratch);
        for (size_t row = begin; row < end; ++row)
            distances[row] =
                graph_impl_->distance(query, block ? block + (row - begin) * dims
                                                   : row_vector(static_cast<uint32_t>(row)));
    }
    nearest_rows(
        rows, [&](size_t row) { return (rows_[row].flags & rvx_row_deleted) != 0; }, candidates,
        [&](size_t row) { return distances[row]; }, found);
}

void Index::search_exact_codes(const Quantizer::Query& query, size_t candidates,
                               std::vector<std::pair<float, uint32_t>>& found) const {
    const size_t bytes = quantizer_->code_bytes();
    nearest_rows(
        rows_.size(), [&](size_t row) { return (rows_[row].flags & rvx_row_deleted) != 0; },
        candidates,
        [&](size_t row) { return quantizer_->distance(query, codes_.data() + row * bytes); },
        found);
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
    const size_t ef = std::max(options.ef, options.top);
    // Per target, every row may be the best of its name: rank them all.
    const size_t exact_candidates = options.per_target ? rows_.size() : options.top;
    std::vector<std::pair<float, uint32_t>> found;
    if (quantizer_ && !has_float_vectors_) {
        const Quantizer::Query prepared = quantizer_->prepare(query, options.binary_hamming);
        if (options.exact) {
            search_exact_codes(prepared, exact_candidates, found);
        } else {
            const CodeScorer scorer(*quantizer_, prepared, codes_.data());
            graph_impl_->search_scored(scorer, options.per_target ? ef : options.top, ef, found);
        }
    } else if (options.exact) {
        search_exact(query, exact_candidates, found);
    } else if (quantizer_) {
        // Walk the graph by codes, then rank the best candidates again by float distance.
        const Quantizer::Query prepared = quantizer_->prepare(query, options.binary_hamming);
        const CodeScorer scorer(*quantizer_, prepared, codes_.data());
        // The best `rerank` of the ef candidates (at least top; all of them per target).
        const size_t rerank =
            options.rerank == 0 ? 0 : std::min(ef, std::max(options.rerank, options.top));
        const size_t keep = options.per_target ? ef : std::max(options.top, rerank);
        graph_impl_->search_scored(scorer, keep, ef, found);
        if (rerank > 0) {
            std::vector<float> scratch(float_file_ ? dims : 0); // a row read from the file
            for (auto& [distance, row] : found)
                distance = graph_impl_->distance(query, float_row(row, scratch.data()));
            std::sort(found.begin(), found.end());
        }
    } else if (graph_impl_->holds_vectors()) {
        graph_impl_->search(query, options.per_target ? ef : options.top, ef, found);
    } else {
        // The vectors are in the mapped file: the same walk, the same distances.
        const FloatScorer scorer(*graph_impl_, query, float_view_, dims);
        graph_impl_->search_scored(scorer, options.per_target ? ef : options.top, ef, found);
    }
    to_hits(found, options, hits);
}

void Index::search_exact_block(const float* queries, size_t first, size_t count,
                               const SearchOptions& options,
                               std::vector<std::vector<SearchHit>>& hits) const {
    const size_t dims = embed_.dims;
    const size_t rows = rows_.size();
    const size_t block_rows = float_block_rows();
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
        const float* block = float_block(begin, end, scratch);
        for (size_t row = begin; row < end; ++row)
            row_vectors[row - begin] =
                block ? block + (row - begin) * dims : row_vector(static_cast<uint32_t>(row));
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
    if (!options.exact || options.top == 0 || live_rows() == 0 || !has_float_vectors_) {
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

GraphStats Index::graph_stats() const {
    GraphStats stats;
    const uint64_t n = graph_impl_->size();
    uint64_t links = 0;
    for (uint32_t row = 0; row < n; ++row) {
        const uint32_t level = graph_impl_->level(row);
        if (stats.nodes_per_level.size() <= level) stats.nodes_per_level.resize(level + 1, 0);
        ++stats.nodes_per_level[level];
        const uint32_t count = graph_impl_->links_level0(row);
        links += count;
    }
    stats.mean_links_level0 = n ? static_cast<double>(links) / static_cast<double>(n) : 0.0;
    stats.unreachable_rows = graph_impl_->unreachable_rows().size();
    return stats;
}

bool Index::names_unique() const {
    return name_lookup_->index.size() == names_.size();
}

void Index::build_name_lookup() {
    name_lookup_->index.clear();
    name_lookup_->index.reserve(names_.size());
    for (size_t i = 0; i < names_.size(); ++i)
        name_lookup_->index.emplace(names_[i], static_cast<uint32_t>(i));
}

} // namespace ruvec
