#include "ruvec/index.hpp"

#include "finite.hpp"
#include "graph/hnsw_graph.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/sequence_search.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/vecfile.hpp"
#include "vector_store.hpp"

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

struct Index::NameLookup {
    std::unordered_map<std::string, uint32_t> index; // name -> its number
};

Index::Index(const EmbedParams& embed, const GraphParams& graph)
    : embed_(embed), graph_(graph), name_lookup_(std::make_unique<NameLookup>()) {
    check_graph_params(graph_);
    graph_impl_ = std::make_unique<HnswGraph>(embed_.dims, graph_, 0);
    floats_ = graph_float_store(*graph_impl_, embed_.dims);
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
    return floats_ ? floats_->row_in_memory(row) : nullptr;
}

const float* Index::float_row(uint32_t row, float* scratch) const {
    return floats_ ? floats_->row(row, scratch) : nullptr;
}

void Index::hold_float_vectors() {
    if (!floats_ || (floats_->place() != FloatPlace::file && floats_->place() != FloatPlace::mapped))
        return;
    std::vector<float> held(rows_.size() * embed_.dims);
    floats_->read_bytes(0, reinterpret_cast<char*>(held.data()), held.size() * sizeof(float));
    floats_ = held_float_store(std::move(held), embed_.dims);
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

uint64_t sequence_index_build_bytes(uint64_t rows, uint64_t bases) {
    const double per_base = 0.25 + (16.0 + 12.0) / 16.0;
    return rows * 24 + static_cast<uint64_t>(per_base * static_cast<double>(bases));
}

IndexMemory Index::memory() const {
    IndexMemory m;
    m.graph_bytes = graph_impl_->memory_bytes();
    m.code_bytes = codes_ ? codes_->codes().size() : 0;
    m.float_bytes = floats_ ? floats_->memory_bytes() : 0;
    const FloatPlace place = floats_ ? floats_->place() : FloatPlace::graph;
    m.float_vectors_in_file = place == FloatPlace::file || place == FloatPlace::mapped;
    m.float_vectors_mapped = place == FloatPlace::mapped;
    return m;
}

const Quantizer* Index::quantizer() const noexcept {
    return codes_ ? &codes_->quantizer() : nullptr;
}

const uint8_t* Index::row_code(uint32_t row) const {
    return codes_->code(row);
}

void Index::encode_rows(uint64_t first, int threads) {
    codes_->encode_rows(first, graph_impl_->size(), *floats_, threads);
}

void Index::quantize(const QuantParams& params, int threads,
                     const std::vector<uint32_t>& held_out) {
    if (!has_vectors_)
        throw Error(ErrorKind::usage, "this index holds no vectors to quantize (a read-search "
                                      "index: build one with vectors to quantize it)");
    if (!floats_)
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
    codes_ = std::make_unique<CodeStore>(
        Quantizer::train([&](uint64_t i) { return row_vector(live[i]); }, live.size(), embed_.dims,
                         graph_.metric, params, threads));
    encode_rows(0, threads);
}

void Index::drop_float_vectors() {
    if (!codes_)
        throw Error(ErrorKind::usage, "only a quantized index can drop its float vectors");
    if (!floats_) return;
    insert_pending(1);
    if (graph_impl_->holds_vectors()) relink_graph(false);
    floats_.reset();
}

void Index::relink_graph(bool with_vectors) {
    std::string links;
    links.reserve(graph_impl_->graph_bytes());
    graph_impl_->write_graph([&](const char* data, size_t size) { links.append(data, size); });
    const size_t rows = graph_impl_->size();
    if (with_vectors && !floats_)
        throw Error(ErrorKind::usage, "this index has no float vectors to link rows with");
    auto rebuilt = std::make_unique<HnswGraph>(embed_.dims, graph_, rows, with_vectors);
    // Called only with vectors (the graph without them reads none).
    rebuilt->load_vectors(rows, [&](uint64_t offset, char* buffer, size_t size) {
        floats_->read_bytes(offset, buffer, size);
    });
    rebuilt->load_graph(links.size(), graph_impl_->max_level(), graph_impl_->entry_point(),
                        [&](uint64_t offset, char* buffer, size_t size) {
                            std::memcpy(buffer, links.data() + offset, size);
                        });
    for (size_t row = 0; row < rows; ++row)
        if (rows_[row].flags & rvx_row_deleted) rebuilt->mark_deleted(static_cast<uint32_t>(row));
    // Float vectors in the old graph go with it (drop_float_vectors relinks without them).
    const bool floats_in_old_graph = floats_ && floats_->place() == FloatPlace::graph;
    graph_impl_ = std::move(rebuilt);
    if (with_vectors) // the graph holds them now
        floats_ = graph_float_store(*graph_impl_, embed_.dims);
    else if (floats_in_old_graph)
        floats_.reset();
}

void Index::add(const VecRow& row, const float* vector) {
    if ((vector == nullptr) == has_vectors_)
        throw Error(ErrorKind::usage, has_vectors_ ? "a row of this index needs its vector"
                                                   : "this index keeps no vectors");
    if (has_vectors_ && !floats_)
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
    if (vector && !all_finite(vector, dims))
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
    if (vector) pending_vectors_.insert(pending_vectors_.end(), vector, vector + dims);
    if (vector && graph_.metric == Metric::cosine) {
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
    if (vector) ++pending_rows_;
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
        if (codes_ && inserted > 0) encode_rows(first, threads);
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
        if (has_vectors_) graph_impl_->mark_deleted(static_cast<uint32_t>(row));
        ++deleted_rows_;
        --live_rows_of_name_[info.name];
        ++removed[static_cast<size_t>(request)];
    }
    last_added_name_ = UINT32_MAX;
    return removed;
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
