// hnswlib's HierarchicalNSW, driven through its public members: deterministic batched
// insertion, search with a per-call ef, and the bytes of its links and vectors that the index
// saves as its GRPH and VECT sections.
#include "hnsw_graph.hpp"
#include "ruvec/splitmix.hpp"

#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <new>
#include <queue>
#include <string>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .rvx graph and vector sections copy hnswlib's memory, which needs a little-endian host"
#endif

namespace ruvec {

namespace {

using hnswlib::linklistsizeint;
using hnswlib::tableint;
using Hnsw = hnswlib::HierarchicalNSW<float>;
// Candidates ordered by (distance, row), farthest on top. hnswlib's own queues compare the
// distance alone and leave the order of equal distances (duplicate sequences have them) to the
// standard library's heap, where libstdc++ and libc++ (the WebAssembly build) differ; with a
// total order the graph and the hits are the same whichever built them. So the searches and
// the neighbour heuristic below are hnswlib's, written over these queues.
using Candidates = std::priority_queue<std::pair<float, tableint>>;

// hnswlib calls a plain function pointer with one parameter pointer: ours carries the dims
// (first, where hnswlib's getDataByLabel expects them) and the kernels picked at run time.
struct SpaceParam {
    size_t dims;
    float (*dot)(const float*, const float*, size_t);
    float (*l2sq)(const float*, const float*, size_t);
};

float one_minus_dot(const void* a, const void* b, const void* param) {
    const auto* p = static_cast<const SpaceParam*>(param);
    return 1.0f - p->dot(static_cast<const float*>(a), static_cast<const float*>(b), p->dims);
}

float squared_l2(const void* a, const void* b, const void* param) {
    const auto* p = static_cast<const SpaceParam*>(param);
    return p->l2sq(static_cast<const float*>(a), static_cast<const float*>(b), p->dims);
}

class KernelSpace final : public hnswlib::SpaceInterface<float> {
public:
    // Without vectors, hnswlib's rows hold no data (and its distance is never called).
    KernelSpace(uint32_t dims, Metric metric, bool holds_vectors) : holds_vectors_(holds_vectors) {
        const simd::Kernels& kernels = simd::active();
        param_ = {dims, kernels.dot, kernels.l2sq};
        function_ = metric == Metric::l2 ? squared_l2 : one_minus_dot;
    }
    size_t get_data_size() override { return holds_vectors_ ? param_.dims * sizeof(float) : 0; }
    hnswlib::DISTFUNC<float> get_dist_func() override { return function_; }
    void* get_dist_func_param() override { return &param_; }

private:
    bool holds_vectors_;
    SpaceParam param_;
    hnswlib::DISTFUNC<float> function_;
};

// Rows inserted per batch once the graph has `size` rows: small while the graph is small (each
// batch searches the graph as it was before it), at most 1024 (the brute-force comparisons
// within a batch cost about batch / 2 distances per row).
uint64_t batch_rows(uint64_t size) {
    return std::clamp<uint64_t>(size / 8, 1, 1024);
}

// Greedy descent from `entry` through levels top .. stop + 1, as hnswlib's addPoint and searchKnn.
tableint descend(const Hnsw& h, const void* query, tableint entry, int top, int stop) {
    tableint current = entry;
    float current_distance =
        h.fstdistfunc_(query, h.getDataByInternalId(current), h.dist_func_param_);
    for (int level = top; level > stop; --level) {
        for (bool changed = true; changed;) {
            changed = false;
            linklistsizeint* list = h.get_linklist(current, level);
            const size_t count = h.getListCount(list);
            const tableint* links = reinterpret_cast<const tableint*>(list + 1);
            for (size_t i = 0; i < count; ++i) {
                const float d =
                    h.fstdistfunc_(query, h.getDataByInternalId(links[i]), h.dist_func_param_);
                if (d < current_distance) {
                    current_distance = d;
                    current = links[i];
                    changed = true;
                }
            }
        }
    }
    return current;
}

// hnswlib's searchBaseLayer (ef_construction on any level) and searchBaseLayerST (level 0),
// over Candidates: the `ef` nearest rows found from `entry` on `level`; deleted rows are walked
// through, never kept. The graph must not change meanwhile (ruvec links rows in a separate
// phase), so no list is locked.
Candidates search_level(const Hnsw& h, tableint entry, const void* query, int level, size_t ef) {
    hnswlib::VisitedList* visited = h.visited_list_pool_->getFreeVisitedList();
    const hnswlib::vl_type tag = visited->curV;
    Candidates top, frontier; // frontier holds negated distances: nearest first
    float bound = std::numeric_limits<float>::max();
    const float entry_distance =
        h.fstdistfunc_(query, h.getDataByInternalId(entry), h.dist_func_param_);
    if (!h.isMarkedDeleted(entry)) {
        bound = entry_distance;
        top.emplace(entry_distance, entry);
        frontier.emplace(-entry_distance, entry);
    } else {
        frontier.emplace(-bound, entry);
    }
    visited->mass[entry] = tag;
    while (!frontier.empty()) {
        const auto [negated, row] = frontier.top();
        if (-negated > bound && top.size() == ef) break;
        frontier.pop();
        linklistsizeint* list = level == 0 ? h.get_linklist0(row) : h.get_linklist(row, level);
        const size_t count = h.getListCount(list);
        const tableint* links = reinterpret_cast<const tableint*>(list + 1);
        // As hnswlib: fetch the next candidate's vector while this one is compared (the walk
        // is bound by memory latency; a no-op in WebAssembly).
        if (count > 0) __builtin_prefetch(h.getDataByInternalId(links[0]));
        for (size_t i = 0; i < count; ++i) {
            const tableint candidate = links[i];
            if (i + 1 < count) __builtin_prefetch(h.getDataByInternalId(links[i + 1]));
            if (visited->mass[candidate] == tag) continue;
            visited->mass[candidate] = tag;
            const float d =
                h.fstdistfunc_(query, h.getDataByInternalId(candidate), h.dist_func_param_);
            if (top.size() < ef || d < bound) {
                frontier.emplace(-d, candidate);
                if (!h.isMarkedDeleted(candidate)) top.emplace(d, candidate);
                if (top.size() > ef) top.pop();
                if (!top.empty()) bound = top.top().first;
            }
        }
    }
    h.visited_list_pool_->releaseVisitedList(visited);
    return top;
}

// hnswlib's getNeighborsByHeuristic2 over Candidates: keeps at most M of them, nearest first,
// skipping any that is closer to a kept one than to the query. Among equal distances the later
// row comes first, as in hnswlib's queue: identical vectors then link to the rows added just
// before them, a chain that keeps every row reachable, where the earliest rows would take
// every link and prune each other's.
void select_neighbors(const Hnsw& h, Candidates& candidates, size_t M) {
    if (candidates.size() < M) return;
    std::vector<std::pair<float, tableint>> nearest_first;
    nearest_first.reserve(candidates.size());
    while (!candidates.empty()) {
        nearest_first.push_back(candidates.top());
        candidates.pop();
    }
    std::sort(nearest_first.begin(), nearest_first.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second > b.second;
    });
    std::vector<std::pair<float, tableint>> kept;
    for (const auto& [distance, row] : nearest_first) {
        if (kept.size() >= M) break;
        bool diverse = true;
        for (const auto& other : kept) {
            const float d = h.fstdistfunc_(h.getDataByInternalId(other.second),
                                           h.getDataByInternalId(row), h.dist_func_param_);
            if (d < distance) {
                diverse = false;
                break;
            }
        }
        if (diverse) kept.emplace_back(distance, row);
    }
    for (const auto& pair : kept) candidates.push(pair);
}

// All candidates sorted before the cut to k, so ties at the cut go to the lower row as in brute
// force (hnswlib's own cut keeps whichever the heap holds).
void sorted_cut(Candidates& top, size_t k, std::vector<std::pair<float, uint32_t>>& found) {
    found.reserve(top.size());
    while (!top.empty()) {
        found.emplace_back(top.top().first, top.top().second);
        top.pop();
    }
    std::sort(found.begin(), found.end());
    if (found.size() > k) found.resize(k);
}

// An empty row `row` of hnswlib's level-0 memory: no links, level 0, its label its number, and
// `vector` (data_size_ bytes) as its data unless null.
void init_row(Hnsw& h, tableint row, const void* vector) {
    std::memset(h.data_level0_memory_ + row * h.size_data_per_element_, 0,
                h.size_data_per_element_);
    const hnswlib::labeltype label = row;
    std::memcpy(h.getExternalLabeLp(row), &label, sizeof label);
    if (vector) std::memcpy(h.getDataByInternalId(row), vector, h.data_size_);
    h.linkLists_[row] = nullptr;
    h.element_levels_[row] = 0;
}

// Reads `rows` records of `row_bytes` through `read` in pieces of about 16 MB (large sequential
// reads, bounded memory), handing each record to `take(row, bytes)`.
template <class Take>
void read_rows(uint64_t rows, size_t row_bytes,
               const std::function<void(uint64_t, char*, size_t)>& read, Take take) {
    const uint64_t rows_per_read = std::max<uint64_t>(1, (size_t{16} << 20) / row_bytes);
    std::vector<char> buffer;
    for (uint64_t first = 0; first < rows; first += rows_per_read) {
        const uint64_t n = std::min(rows_per_read, rows - first);
        buffer.resize(n * row_bytes);
        read(first * row_bytes, buffer.data(), buffer.size());
        for (uint64_t i = 0; i < n; ++i) take(first + i, buffer.data() + i * row_bytes);
    }
}

[[noreturn]] void corrupt(const std::string& message) {
    throw Error(ErrorKind::corrupt, message);
}

} // namespace

struct HnswGraph::Impl {
    Impl(uint32_t dims, const GraphParams& params, uint64_t capacity, bool holds_vectors)
        : space(dims, params.metric, holds_vectors),
          hnsw(&space, std::max<uint64_t>(capacity, 1), params.M, params.ef_construction,
               params.seed),
          seed(params.seed), dims(dims), holds_vectors(holds_vectors) {}

    int random_level(uint64_t row) const {
        // A row's level depends on the seed and the row number only.
        const uint64_t bits = mix64(seed ^ mix64(row));
        const double unit = static_cast<double>((bits >> 11) + 1) * 0x1p-53; // (0, 1]
        const int level = static_cast<int>(-std::log(unit) * hnsw.mult_);
        return std::min(level, static_cast<int>(hnsw_max_level));
    }
    void insert_batch(const float* vectors, uint64_t batch, int threads);
    void link_back(tableint neighbour, tableint row, int level);

    KernelSpace space; // before hnsw, which keeps a pointer to it
    Hnsw hnsw;
    uint64_t seed;
    uint32_t dims;
    bool holds_vectors;
};

HnswGraph::HnswGraph(uint32_t dims, const GraphParams& params, uint64_t capacity,
                     bool holds_vectors)
    : impl_(std::make_unique<Impl>(dims, params, capacity, holds_vectors)) {}

HnswGraph::~HnswGraph() = default;

uint64_t HnswGraph::size() const {
    return impl_->hnsw.cur_element_count;
}

uint64_t HnswGraph::memory_bytes() const {
    const Hnsw& h = impl_->hnsw;
    uint64_t bytes = h.max_elements_ *
                     (h.size_data_per_element_ + sizeof(void*) + sizeof(int) + sizeof(std::mutex));
    for (size_t row = 0; row < h.cur_element_count; ++row)
        bytes += h.size_links_per_element_ * static_cast<size_t>(h.element_levels_[row]);
    return bytes;
}

bool HnswGraph::holds_vectors() const {
    return impl_->holds_vectors;
}

const float* HnswGraph::vector(uint32_t row) const {
    if (!impl_->holds_vectors) return nullptr;
    return reinterpret_cast<const float*>(impl_->hnsw.getDataByInternalId(row));
}

float HnswGraph::distance(const float* a, const float* b) const {
    return impl_->hnsw.fstdistfunc_(a, b, impl_->hnsw.dist_func_param_);
}

uint64_t HnswGraph::insert(const float* vectors, uint64_t count, int threads,
                           const std::function<void(uint64_t)>& progress,
                           bool complete_batches_only) {
    Hnsw& h = impl_->hnsw;
    const uint64_t first = h.cur_element_count;
    if (!impl_->holds_vectors)
        throw Error(ErrorKind::usage, "a graph without vectors cannot link new rows");
    if (count > hnsw_max_rows - first)
        throw Error(ErrorKind::resource,
                    "an index holds at most " + std::to_string(hnsw_max_rows) + " vectors");
    // Exact growth: glibc reallocates big blocks with mremap, so this does not copy.
    if (first + count > h.max_elements_) h.resizeIndex(first + count);
    uint64_t done = 0;
    while (done < count) {
        const uint64_t full = batch_rows(h.cur_element_count);
        if (complete_batches_only && count - done < full) break;
        const uint64_t batch = std::min(count - done, full);
        impl_->insert_batch(vectors + done * impl_->dims, batch, std::max(threads, 1));
        done += batch;
        if (progress) progress(done);
    }
    return done;
}

uint64_t HnswGraph::connect_unreachable() {
    Hnsw& h = impl_->hnsw;
    const size_t n = h.cur_element_count;
    if (n < 2 || !impl_->holds_vectors) return 0;
    auto links_of = [&](tableint row) {
        linklistsizeint* list = h.get_linklist0(row);
        return std::make_pair(reinterpret_cast<tableint*>(list + 1),
                              static_cast<size_t>(h.getListCount(list)));
    };
    // Incoming links per row on level 0: a link is only given up when its target keeps another.
    std::vector<uint32_t> incoming(n, 0);
    for (size_t row = 0; row < n; ++row) {
        const auto [links, count] = links_of(static_cast<tableint>(row));
        for (size_t i = 0; i < count; ++i) ++incoming[links[i]];
    }
    std::vector<char> seen(n, 0);
    std::vector<tableint> stack;
    auto spread_from = [&](tableint start) { // marks everything reachable from start
        if (seen[start]) return;
        seen[start] = 1;
        stack.push_back(start);
        while (!stack.empty()) {
            const auto [links, count] = links_of(stack.back());
            stack.pop_back();
            for (size_t i = 0; i < count; ++i)
                if (!seen[links[i]]) {
                    seen[links[i]] = 1;
                    stack.push_back(links[i]);
                }
        }
    };
    auto count_stranded = [&] {
        std::fill(seen.begin(), seen.end(), 0);
        spread_from(h.enterpoint_node_);
        return static_cast<size_t>(std::count(seen.begin(), seen.end(), 0));
    };

    uint64_t linked = 0;
    // A given-up link can strand a row whose other incoming links come from stranded rows, so
    // repeat while passes make progress.
    for (size_t stranded = count_stranded(); stranded > 0;) {
        for (size_t u = 0; u < n; ++u) {
            if (seen[u]) continue;
            const tableint row = static_cast<tableint>(u);
            const void* query = h.getDataByInternalId(row);
            const tableint start = descend(h, query, h.enterpoint_node_, h.maxlevel_, 0);
            Candidates found =
                search_level(h, start, query, 0, std::max<size_t>(h.ef_construction_, h.maxM0_));
            // The search may start in a stranded part too (upper levels reach it): keep rows
            // reachable from the entry point on level 0.
            std::vector<std::pair<float, tableint>> nearest;
            while (!found.empty()) {
                if (seen[found.top().second]) nearest.push_back(found.top());
                found.pop();
            }
            std::sort(nearest.begin(), nearest.end());
            nearest.emplace_back(0.0f, static_cast<tableint>(h.enterpoint_node_));
            // The nearest reachable row with room takes the link; if none has room, the nearest
            // that can gives up its farthest link to a row with another incoming link.
            tableint from = 0;
            size_t slot = SIZE_MAX;
            for (const auto& candidate : nearest) {
                const auto [links, count] = links_of(candidate.second);
                if (count < h.maxM0_) {
                    from = candidate.second;
                    slot = count;
                    break;
                }
            }
            for (size_t c = 0; slot == SIZE_MAX && c < nearest.size(); ++c) {
                const tableint candidate = nearest[c].second;
                const auto [links, count] = links_of(candidate);
                const char* base = h.getDataByInternalId(candidate);
                float farthest = -1;
                for (size_t i = 0; i < count; ++i) {
                    if (incoming[links[i]] < 2) continue;
                    const float d =
                        h.fstdistfunc_(base, h.getDataByInternalId(links[i]), h.dist_func_param_);
                    if (d > farthest) {
                        farthest = d;
                        from = candidate;
                        slot = i;
                    }
                }
            }
            if (slot == SIZE_MAX) continue; // nothing can give a link up this pass
            linklistsizeint* list = h.get_linklist0(from);
            tableint* links = reinterpret_cast<tableint*>(list + 1);
            if (slot == h.getListCount(list)) {
                h.setListCount(list, static_cast<unsigned short>(slot + 1));
            } else {
                --incoming[links[slot]];
            }
            links[slot] = row;
            ++incoming[row];
            ++linked;
            spread_from(row);
        }
        const size_t left = count_stranded();
        if (left >= stranded) break; // no progress: give up (graph_stats reports them)
        stranded = left;
    }
    return linked;
}

void HnswGraph::Impl::insert_batch(const float* vectors, uint64_t batch,
                                   [[maybe_unused]] int threads) {
    Hnsw& h = hnsw;
    const tableint first = static_cast<tableint>(h.cur_element_count);
    const int top = h.maxlevel_; // the graph as it stands before this batch
    const tableint entry = h.enterpoint_node_;
    const bool empty = first == 0;

    std::vector<int> levels(batch);
    for (uint64_t j = 0; j < batch; ++j) {
        const tableint row = first + static_cast<tableint>(j);
        levels[j] = random_level(row);
        init_row(h, row, vectors + j * dims);
        if (levels[j] > 0) {
            // One slot more than the lists: hnswlib's search prefetches the slot after a full
            // list's last (its own +1 byte is too short; hnswlib issues #107, #578). Its
            // destructor frees them.
            h.linkLists_[row] = static_cast<char*>(std::calloc(
                h.size_links_per_element_ * static_cast<size_t>(levels[j]) + sizeof(tableint), 1));
            if (h.linkLists_[row] == nullptr) throw std::bad_alloc();
            h.element_levels_[row] = levels[j];
        }
        h.cur_element_count = row + 1;
    }

    // Phase 1, in parallel: each new row's neighbours, chosen among the rows linked before this
    // batch (found through the graph, which nothing modifies meanwhile) and the earlier rows of
    // this batch (compared directly). Nothing here depends on the thread count.
    std::vector<std::vector<std::vector<tableint>>> selected(batch);
    std::exception_ptr failure;
    const int64_t batch_signed = static_cast<int64_t>(batch);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int64_t j = 0; j < batch_signed; ++j) {
        try {
            const tableint row = first + static_cast<tableint>(j);
            const void* query = h.getDataByInternalId(row);
            const int level = levels[static_cast<size_t>(j)];
            std::vector<Candidates> candidates(static_cast<size_t>(level) + 1);
            if (!empty) {
                tableint current = descend(h, query, entry, top, level);
                for (int l = std::min(level, top); l >= 0; --l) {
                    Candidates found = search_level(h, current, query, l, h.ef_construction_);
                    if (h.isMarkedDeleted(entry)) {
                        // As hnswlib: a deleted entry point is still a candidate to link to.
                        found.emplace(
                            h.fstdistfunc_(query, h.getDataByInternalId(entry), h.dist_func_param_),
                            entry);
                        if (found.size() > h.ef_construction_) found.pop();
                    }
                    Candidates copy = found;
                    while (copy.size() > 1) copy.pop();
                    if (!copy.empty()) current = copy.top().second;
                    candidates[static_cast<size_t>(l)] = std::move(found);
                }
            }
            for (int64_t i = 0; i < j; ++i) {
                const int shared = std::min(level, levels[static_cast<size_t>(i)]);
                const tableint other = first + static_cast<tableint>(i);
                const float d =
                    h.fstdistfunc_(query, h.getDataByInternalId(other), h.dist_func_param_);
                for (int l = 0; l <= shared; ++l) {
                    Candidates& c = candidates[static_cast<size_t>(l)];
                    if (c.size() < h.ef_construction_ || d < c.top().first) {
                        c.emplace(d, other);
                        if (c.size() > h.ef_construction_) c.pop();
                    }
                }
            }
            auto& chosen = selected[static_cast<size_t>(j)];
            chosen.resize(static_cast<size_t>(level) + 1);
            for (int l = 0; l <= level; ++l) {
                Candidates& c = candidates[static_cast<size_t>(l)];
                select_neighbors(h, c, h.M_);
                auto& links = chosen[static_cast<size_t>(l)];
                while (!c.empty()) {
                    links.push_back(c.top().second);
                    c.pop();
                }
            }
        } catch (...) {
#pragma omp critical(ruvec_hnsw_failure)
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);

    // Phase 2: the links themselves, then the reverse links they imply. Made one row after the
    // other, a neighbour's list would change only by its own incoming rows, in row order, and
    // pruning it reads vectors, never other lists; so grouping the reverse links by (neighbour,
    // level), in row order within a group, and running the groups in parallel gives exactly the
    // graph of the one-by-one order. A row's own list is written first, as it would be before
    // any later row of the batch links back to it.
    struct BackLink {
        tableint neighbour;
        int level;
        tableint row;
        bool operator<(const BackLink& o) const {
            return neighbour != o.neighbour ? neighbour < o.neighbour
                   : level != o.level       ? level < o.level
                                            : row < o.row;
        }
    };
    std::vector<BackLink> back_links;
    for (uint64_t j = 0; j < batch; ++j) {
        const tableint row = first + static_cast<tableint>(j);
        for (int l = levels[j]; l >= 0; --l) {
            const std::vector<tableint>& links = selected[j][static_cast<size_t>(l)];
            linklistsizeint* list = h.get_linklist_at_level(row, l);
            h.setListCount(list, static_cast<unsigned short>(links.size()));
            std::copy(links.begin(), links.end(), reinterpret_cast<tableint*>(list + 1));
            for (tableint neighbour : links) back_links.push_back({neighbour, l, row});
        }
        if (levels[j] > h.maxlevel_) {
            h.maxlevel_ = levels[j];
            h.enterpoint_node_ = row;
        }
    }
    std::sort(back_links.begin(), back_links.end());
    std::vector<size_t> group_starts;
    for (size_t i = 0; i < back_links.size(); ++i)
        if (i == 0 || back_links[i].neighbour != back_links[i - 1].neighbour ||
            back_links[i].level != back_links[i - 1].level)
            group_starts.push_back(i);
    group_starts.push_back(back_links.size());
    const int64_t groups = static_cast<int64_t>(group_starts.size()) - 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 16)
    for (int64_t g = 0; g < groups; ++g) {
        try {
            for (size_t i = group_starts[static_cast<size_t>(g)];
                 i < group_starts[static_cast<size_t>(g) + 1]; ++i)
                link_back(back_links[i].neighbour, back_links[i].row, back_links[i].level);
        } catch (...) {
#pragma omp critical(ruvec_hnsw_failure)
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
}

// Adds `row` to the links of `neighbour` at `level`, pruning a full list with hnswlib's
// heuristic exactly as its mutuallyConnectNewElement does.
void HnswGraph::Impl::link_back(tableint neighbour, tableint row, int level) {
    Hnsw& h = hnsw;
    linklistsizeint* list = h.get_linklist_at_level(neighbour, level);
    const size_t count = h.getListCount(list);
    const size_t capacity = level > 0 ? h.maxM_ : h.maxM0_;
    tableint* links = reinterpret_cast<tableint*>(list + 1);
    if (count < capacity) {
        links[count] = row;
        h.setListCount(list, static_cast<unsigned short>(count + 1));
        return;
    }
    const char* base = h.getDataByInternalId(neighbour);
    Candidates candidates;
    candidates.emplace(h.fstdistfunc_(base, h.getDataByInternalId(row), h.dist_func_param_), row);
    for (size_t i = 0; i < count; ++i)
        candidates.emplace(
            h.fstdistfunc_(base, h.getDataByInternalId(links[i]), h.dist_func_param_), links[i]);
    select_neighbors(h, candidates, capacity);
    size_t kept = 0;
    while (!candidates.empty()) {
        links[kept++] = candidates.top().second;
        candidates.pop();
    }
    h.setListCount(list, static_cast<unsigned short>(kept));
}

void HnswGraph::mark_deleted(uint32_t row) {
    if (!impl_->hnsw.isMarkedDeleted(row)) impl_->hnsw.markDeletedInternal(row);
}

void HnswGraph::search(const float* query, size_t k, size_t ef,
                       std::vector<std::pair<float, uint32_t>>& found) const {
    const Hnsw& h = impl_->hnsw;
    found.clear();
    if (h.cur_element_count == 0 || k == 0) return;
    const tableint start = descend(h, query, h.enterpoint_node_, h.maxlevel_, 0);
    ef = std::max(ef, k);
    Candidates top = search_level(h, start, query, 0, ef);
    sorted_cut(top, k, found);
}

void HnswGraph::search_scored(const RowScorer& scorer, size_t k, size_t ef,
                              std::vector<std::pair<float, uint32_t>>& found) const {
    const Hnsw& h = impl_->hnsw;
    found.clear();
    if (h.cur_element_count == 0 || k == 0) return;
    ef = std::max(ef, k);
    std::vector<uint32_t> rows;
    std::vector<float> distances;
    auto score_links = [&](const linklistsizeint* list) {
        const size_t count = h.getListCount(const_cast<linklistsizeint*>(list));
        const tableint* links = reinterpret_cast<const tableint*>(list + 1);
        rows.assign(links, links + count);
        distances.resize(count);
        scorer.score(rows.data(), count, distances.data());
    };

    // Greedy descent through the upper levels, as descend().
    tableint current = h.enterpoint_node_;
    float current_distance;
    scorer.score(&current, 1, &current_distance);
    for (int level = h.maxlevel_; level > 0; --level) {
        for (bool changed = true; changed;) {
            changed = false;
            score_links(h.get_linklist(current, level));
            for (size_t i = 0; i < rows.size(); ++i)
                if (distances[i] < current_distance) {
                    current_distance = distances[i];
                    current = rows[i];
                    changed = true;
                }
        }
    }

    // Level 0, as hnswlib's searchBaseLayerST: deleted rows are walked through, never kept.
    hnswlib::VisitedList* visited = h.visited_list_pool_->getFreeVisitedList();
    const hnswlib::vl_type tag = visited->curV;
    Candidates top, frontier; // frontier holds negated distances: nearest first
    float bound = std::numeric_limits<float>::max();
    if (!h.isMarkedDeleted(current)) {
        bound = current_distance;
        top.emplace(current_distance, current);
    }
    frontier.emplace(-current_distance, current);
    visited->mass[current] = tag;
    while (!frontier.empty()) {
        const auto [negated, row] = frontier.top();
        if (-negated > bound && top.size() == ef) break;
        frontier.pop();
        const linklistsizeint* list = h.get_linklist0(row);
        const size_t count = h.getListCount(const_cast<linklistsizeint*>(list));
        const tableint* links = reinterpret_cast<const tableint*>(list + 1);
        rows.clear();
        for (size_t i = 0; i < count; ++i)
            if (visited->mass[links[i]] != tag) {
                visited->mass[links[i]] = tag;
                rows.push_back(links[i]);
            }
        distances.resize(rows.size());
        scorer.score(rows.data(), rows.size(), distances.data());
        for (size_t i = 0; i < rows.size(); ++i) {
            const float d = distances[i];
            if (top.size() < ef || d < bound) {
                frontier.emplace(-d, rows[i]);
                if (!h.isMarkedDeleted(rows[i])) top.emplace(d, rows[i]);
                if (top.size() > ef) top.pop();
                if (!top.empty()) bound = top.top().first;
            }
        }
    }
    h.visited_list_pool_->releaseVisitedList(visited);
    sorted_cut(top, k, found);
}

uint32_t HnswGraph::max_level() const {
    return static_cast<uint32_t>(std::max(impl_->hnsw.maxlevel_, 0));
}

uint32_t HnswGraph::entry_point() const {
    return impl_->hnsw.enterpoint_node_;
}

uint32_t HnswGraph::level(uint32_t row) const {
    return static_cast<uint32_t>(impl_->hnsw.element_levels_[row]);
}

uint32_t HnswGraph::links_level0(uint32_t row) const {
    return impl_->hnsw.getListCount(impl_->hnsw.get_linklist0(row));
}

std::vector<uint32_t> HnswGraph::unreachable_rows() const {
    const Hnsw& h = impl_->hnsw;
    const size_t n = h.cur_element_count;
    std::vector<uint32_t> unreachable;
    if (n == 0) return unreachable;
    std::vector<char> seen(n, 0);
    std::vector<tableint> stack{h.enterpoint_node_};
    seen[h.enterpoint_node_] = 1;
    while (!stack.empty()) {
        const tableint row = stack.back();
        stack.pop_back();
        const linklistsizeint* list = h.get_linklist0(row);
        const size_t count = h.getListCount(const_cast<linklistsizeint*>(list));
        const tableint* links = reinterpret_cast<const tableint*>(list + 1);
        for (size_t i = 0; i < count; ++i)
            if (!seen[links[i]]) {
                seen[links[i]] = 1;
                stack.push_back(links[i]);
            }
    }
    for (size_t row = 0; row < n; ++row)
        if (!seen[row]) unreachable.push_back(static_cast<uint32_t>(row));
    return unreachable;
}

uint64_t HnswGraph::graph_bytes() const {
    const Hnsw& h = impl_->hnsw;
    uint64_t upper = 0;
    for (size_t row = 0; row < h.cur_element_count; ++row)
        upper += static_cast<uint64_t>(h.element_levels_[row]) * h.size_links_per_element_;
    return h.cur_element_count * (h.size_links_level0_ + 1) + upper;
}

namespace {

// Collects small pieces into large writes.
class Chunker {
public:
    explicit Chunker(const std::function<void(const char*, size_t)>& emit) : emit_(emit) {
        buffer_.reserve(capacity);
    }
    void add(const char* data, size_t size) {
        if (buffer_.size() + size > capacity) flush();
        if (size >= capacity) {
            emit_(data, size);
            return;
        }
        buffer_.insert(buffer_.end(), data, data + size);
    }
    void flush() {
        if (!buffer_.empty()) emit_(buffer_.data(), buffer_.size());
        buffer_.clear();
    }

private:
    static constexpr size_t capacity = size_t{4} << 20;
    const std::function<void(const char*, size_t)>& emit_;
    std::vector<char> buffer_;
};

} // namespace

void HnswGraph::write_graph(const std::function<void(const char*, size_t)>& emit) const {
    const Hnsw& h = impl_->hnsw;
    Chunker out(emit);
    std::vector<char> list(h.size_links_level0_);
    for (size_t row = 0; row < h.cur_element_count; ++row) {
        std::memcpy(list.data(), h.get_linklist0(static_cast<tableint>(row)), list.size());
        list[2] = 0; // hnswlib's delete mark: deletions are recorded in ROWS
        out.add(list.data(), list.size());
    }
    for (size_t row = 0; row < h.cur_element_count; ++row) {
        const char level = static_cast<char>(h.element_levels_[row]);
        out.add(&level, 1);
    }
    for (size_t row = 0; row < h.cur_element_count; ++row)
        if (h.element_levels_[row] > 0)
            out.add(h.linkLists_[row],
                    h.size_links_per_element_ * static_cast<size_t>(h.element_levels_[row]));
    out.flush();
}

void HnswGraph::write_vectors(const std::function<void(const char*, size_t)>& emit) const {
    const Hnsw& h = impl_->hnsw;
    if (!impl_->holds_vectors) return;
    Chunker out(emit);
    for (size_t row = 0; row < h.cur_element_count; ++row)
        out.add(h.getDataByInternalId(static_cast<tableint>(row)), h.data_size_);
    out.flush();
}

void HnswGraph::load_vectors(uint64_t rows,
                             const std::function<void(uint64_t, char*, size_t)>& read) {
    Hnsw& h = impl_->hnsw;
    if (rows > h.max_elements_) h.resizeIndex(rows);
    if (!impl_->holds_vectors) {
        for (uint64_t row = 0; row < rows; ++row) init_row(h, static_cast<tableint>(row), nullptr);
        h.cur_element_count = rows;
        return;
    }
    read_rows(rows, h.data_size_, read, [&](uint64_t row, const char* vector) {
        init_row(h, static_cast<tableint>(row), vector);
    });
    // From here the destructor owns the rows; upper lists are attached as they are read.
    h.cur_element_count = rows;
}

void HnswGraph::load_graph(uint64_t section_length, uint32_t max_level, uint32_t entry_point,
                           const std::function<void(uint64_t, char*, size_t)>& read) {
    Hnsw& h = impl_->hnsw;
    const uint64_t rows = h.cur_element_count;
    const uint64_t list0 = h.size_links_level0_, list_upper = h.size_links_per_element_;
    if (section_length < rows * (list0 + 1))
        corrupt("graph section of " + std::to_string(section_length) + " bytes is too short for " +
                std::to_string(rows) + " rows");
    if (entry_point >= rows)
        corrupt("graph entry point " + std::to_string(entry_point) + " is not a row");

    std::vector<unsigned char> levels(rows);
    read(rows * list0, reinterpret_cast<char*>(levels.data()), levels.size());
    uint64_t upper_bytes = 0;
    for (uint64_t row = 0; row < rows; ++row) {
        if (levels[row] > max_level)
            corrupt("row " + std::to_string(row) + " has level " + std::to_string(levels[row]) +
                    " above the graph's top level " + std::to_string(max_level));
        upper_bytes += levels[row] * list_upper;
    }
    if (levels[entry_point] != max_level) corrupt("graph entry point is not on the top level");
    if (section_length != rows * (list0 + 1) + upper_bytes)
        corrupt("graph section has " + std::to_string(section_length) + " bytes, its levels say " +
                std::to_string(rows * (list0 + 1) + upper_bytes));

    auto check_list = [&](const char* list, uint64_t row, uint32_t level, size_t capacity) {
        unsigned short count;
        std::memcpy(&count, list, 2);
        if (list[2] != 0 || list[3] != 0 || count > capacity)
            corrupt("row " + std::to_string(row) + " has a bad link list header at level " +
                    std::to_string(level));
        const tableint* links = reinterpret_cast<const tableint*>(list + 4);
        for (size_t i = 0; i < count; ++i) {
            tableint target;
            std::memcpy(&target, links + i, sizeof target);
            if (target >= rows || target == row || levels[target] < level)
                corrupt("row " + std::to_string(row) + " links to " + std::to_string(target) +
                        " at level " + std::to_string(level) + ", which is not a row there");
        }
    };

    read_rows(rows, list0, read, [&](uint64_t row, const char* list) {
        check_list(list, row, 0, h.maxM0_);
        std::memcpy(h.get_linklist0(static_cast<tableint>(row)), list, list0);
    });
    uint64_t offset = rows * (list0 + 1);
    for (uint64_t row = 0; row < rows; ++row) {
        if (levels[row] == 0) continue;
        const size_t bytes = list_upper * levels[row];
        char* lists =
            static_cast<char*>(std::calloc(bytes + sizeof(tableint), 1)); // see insert_batch
        if (lists == nullptr) throw std::bad_alloc();
        h.linkLists_[row] = lists;
        h.element_levels_[row] = levels[row];
        read(offset, lists, bytes);
        offset += bytes;
        for (uint32_t level = 1; level <= levels[row]; ++level)
            check_list(lists + (level - 1) * list_upper, row, level, h.maxM_);
    }
    h.maxlevel_ = static_cast<int>(max_level);
    h.enterpoint_node_ = entry_point;
}

} // namespace ruvec
