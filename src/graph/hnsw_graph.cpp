// hnswlib's HierarchicalNSW, driven through its public members: deterministic batched
// insertion, and searches with a per-call ef, by the graph's vectors or by a RowScorer, both
// through one walk. The bytes of its links and vectors (the GRPH and VECT sections) are
// hnsw_sections.cpp's.
#include "hnsw_graph.hpp"
#include "hnsw_sections.hpp"

#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/splitmix.hpp"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <queue>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

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

// The distances a walk compares, from the query to rows. A walk is written once, over a source
// of them: VectorDistances (the graph's own vectors: builds and float searches, the hot path) or
// ScorerDistances (a RowScorer: searches by codes). Both give the walk the same distances in the
// same order, so it takes the same steps whichever source computes them.
//   distance(row): from the query to one row
//   distance.each(links, count, keep, take): take(row, distance) for each of the `count` rows at
//     `links` that keep(row) accepts, in their order; keep and take change different state, so
//     that calling every keep of a list first (a scorer's batch) or alternating does not matter
class VectorDistances {
public:
    // Valid until the graph is resized.
    VectorDistances(const Hnsw& h, const void* query)
        : query_(query), function_(h.fstdistfunc_), param_(h.dist_func_param_),
          vectors_(h.data_level0_memory_ + h.offsetData_), stride_(h.size_data_per_element_) {}
    float operator()(tableint row) const { return function_(query_, vector(row), param_); }
    template <class Keep, class Take>
    void each(const tableint* links, size_t count, Keep&& keep, Take&& take) const {
        // As hnswlib: fetch the next candidate's vector while this one is compared (the walk
        // is bound by memory latency; a no-op in WebAssembly).
        if (count > 0) __builtin_prefetch(vector(links[0]));
        for (size_t i = 0; i < count; ++i) {
            if (i + 1 < count) __builtin_prefetch(vector(links[i + 1]));
            if (keep(links[i])) take(links[i], (*this)(links[i]));
        }
    }

private:
    // hnswlib's getDataByInternalId
    const char* vector(tableint row) const { return vectors_ + row * stride_; }
    const void* query_;
    hnswlib::DISTFUNC<float> function_;
    const void* param_;
    const char* vectors_; // row 0's vector
    size_t stride_;       // bytes from a row's vector to the next's
};

// A list's kept rows go to the scorer in one call.
class ScorerDistances {
public:
    explicit ScorerDistances(const RowScorer& scorer) : scorer_(scorer) {}
    float operator()(tableint row) const {
        float distance;
        scorer_.score(&row, 1, &distance);
        return distance;
    }
    template <class Keep, class Take>
    void each(const tableint* links, size_t count, Keep&& keep, Take&& take) const {
        rows_.clear();
        for (size_t i = 0; i < count; ++i)
            if (keep(links[i])) rows_.push_back(links[i]);
        if (rows_.empty()) return;
        distances_.resize(rows_.size());
        scorer_.score(rows_.data(), rows_.size(), distances_.data());
        for (size_t i = 0; i < rows_.size(); ++i) take(rows_[i], distances_[i]);
    }

private:
    const RowScorer& scorer_;
    mutable std::vector<uint32_t> rows_; // scratch of each(), kept to reuse its memory
    mutable std::vector<float> distances_;
};

static_assert(std::is_same_v<tableint, uint32_t>, "RowScorer and RowMemory number rows in u32");
static_assert(std::is_same_v<hnswlib::labeltype, size_t>, "RowMemory labels are size_t");

// A link list's rows and their count.
std::pair<tableint*, size_t> links_of(const Hnsw& h, linklistsizeint* list) {
    return {reinterpret_cast<tableint*>(list + 1), h.getListCount(list)};
}

// Marks in `seen` `start` and every row reachable from it on level 0 through rows not yet seen.
void spread(const Hnsw& h, tableint start, std::vector<char>& seen) {
    if (seen[start]) return;
    seen[start] = 1;
    std::vector<tableint> stack{start};
    while (!stack.empty()) {
        const auto [links, count] = links_of(h, h.get_linklist0(stack.back()));
        stack.pop_back();
        for (size_t i = 0; i < count; ++i)
            if (!seen[links[i]]) {
                seen[links[i]] = 1;
                stack.push_back(links[i]);
            }
    }
}

// Greedy descent from `entry` through levels top .. stop + 1, as hnswlib's addPoint and
// searchKnn: the row reached, and its distance.
template <class Distances>
std::pair<tableint, float> descend(const Hnsw& h, const Distances& distance, tableint entry,
                                   int top, int stop) {
    tableint current = entry;
    float current_distance = distance(current);
    for (int level = top; level > stop; --level) {
        for (bool changed = true; changed;) {
            changed = false;
            const auto [links, count] = links_of(h, h.get_linklist(current, level));
            distance.each(
                links, count, [](tableint) { return true; },
                [&](tableint row, float d) {
                    if (d < current_distance) {
                        current_distance = d;
                        current = row;
                        changed = true;
                    }
                });
        }
    }
    return {current, current_distance};
}

// hnswlib's searchBaseLayer (ef_construction on any level) and searchBaseLayerST (level 0),
// over Candidates: the `ef` nearest rows found from `entry` (at `entry_distance`) on `level`;
// deleted rows are walked through, never kept. The graph must not change meanwhile (ruvec links
// rows in a separate phase), so no list is locked.
template <class Distances>
Candidates search_level(const Hnsw& h, const Distances& distance, tableint entry,
                        float entry_distance, int level, size_t ef) {
    hnswlib::VisitedList* visited = h.visited_list_pool_->getFreeVisitedList();
    const hnswlib::vl_type tag = visited->curV;
    Candidates top, frontier; // frontier holds negated distances: nearest first
    float bound = std::numeric_limits<float>::max();
    if (!h.isMarkedDeleted(entry)) {
        bound = entry_distance;
        top.emplace(entry_distance, entry);
    }
    frontier.emplace(-bound, entry);
    visited->mass[entry] = tag;
    auto unvisited = [&](tableint row) {
        if (visited->mass[row] == tag) return false;
        visited->mass[row] = tag;
        return true;
    };
    auto consider = [&](tableint row, float d) {
        if (top.size() < ef || d < bound) {
            frontier.emplace(-d, row);
            if (!h.isMarkedDeleted(row)) top.emplace(d, row);
            if (top.size() > ef) top.pop();
            if (!top.empty()) bound = top.top().first;
        }
    };
    while (!frontier.empty()) {
        const auto [negated, row] = frontier.top();
        if (-negated > bound && top.size() == ef) break;
        frontier.pop();
        const auto [links, count] =
            links_of(h, level == 0 ? h.get_linklist0(row) : h.get_linklist(row, level));
        distance.each(links, count, unvisited, consider);
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

// HnswGraph::search and search_scored: up to `k` nearest live rows, from the entry point down.
template <class Distances>
void search_graph(const Hnsw& h, const Distances& distance, size_t k, size_t ef,
                  std::vector<std::pair<float, uint32_t>>& found) {
    found.clear();
    if (h.cur_element_count == 0 || k == 0) return;
    const auto [start, start_distance] = descend(h, distance, h.enterpoint_node_, h.maxlevel_, 0);
    Candidates top = search_level(h, distance, start, start_distance, 0, std::max(ef, k));
    sorted_cut(top, k, found);
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
    // Where hnswlib keeps the rows, for the section codec; stale once the index is resized.
    RowMemory memory() {
        Hnsw& h = hnsw;
        return {h.cur_element_count,
                h.data_level0_memory_,
                h.size_data_per_element_,
                h.offsetLevel0_,
                h.size_links_level0_,
                h.offsetData_,
                h.data_size_,
                h.label_offset_,
                h.size_links_per_element_,
                h.maxM0_,
                h.maxM_,
                h.linkLists_,
                h.element_levels_.data()};
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
    auto links0 = [&](tableint row) { return links_of(h, h.get_linklist0(row)); };
    // Incoming links per row on level 0: a link is only given up when its target keeps another.
    std::vector<uint32_t> incoming(n, 0);
    for (size_t row = 0; row < n; ++row) {
        const auto [links, count] = links0(static_cast<tableint>(row));
        for (size_t i = 0; i < count; ++i) ++incoming[links[i]];
    }
    std::vector<char> seen(n, 0);
    auto count_stranded = [&] {
        std::fill(seen.begin(), seen.end(), 0);
        spread(h, h.enterpoint_node_, seen);
        return static_cast<size_t>(std::count(seen.begin(), seen.end(), 0));
    };

    uint64_t linked = 0;
    // A given-up link can strand a row whose other incoming links come from stranded rows, so
    // repeat while passes make progress.
    for (size_t stranded = count_stranded(); stranded > 0;) {
        for (size_t u = 0; u < n; ++u) {
            if (seen[u]) continue;
            const tableint row = static_cast<tableint>(u);
            const VectorDistances distance(h, h.getDataByInternalId(row));
            const auto [start, start_distance] =
                descend(h, distance, h.enterpoint_node_, h.maxlevel_, 0);
            Candidates found = search_level(h, distance, start, start_distance, 0,
                                            std::max<size_t>(h.ef_construction_, h.maxM0_));
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
                const auto [links, count] = links0(candidate.second);
                if (count < h.maxM0_) {
                    from = candidate.second;
                    slot = count;
                    break;
                }
            }
            for (size_t c = 0; slot == SIZE_MAX && c < nearest.size(); ++c) {
                const tableint candidate = nearest[c].second;
                const auto [links, count] = links0(candidate);
                const VectorDistances distance(h, h.getDataByInternalId(candidate));
                float farthest = -1;
                for (size_t i = 0; i < count; ++i) {
                    if (incoming[links[i]] < 2) continue;
                    const float d = distance(links[i]);
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
            spread(h, row, seen);
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
    const RowMemory row_memory = memory();
    for (uint64_t j = 0; j < batch; ++j) {
        const tableint row = first + static_cast<tableint>(j);
        levels[j] = random_level(row);
        init_row(row_memory, row, vectors + j * dims);
        if (levels[j] > 0) {
            h.linkLists_[row] =
                new_upper_lists(row_memory, levels[j]); // hnswlib's destructor frees it
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
            const VectorDistances distance(h, query);
            const int level = levels[static_cast<size_t>(j)];
            std::vector<Candidates> candidates(static_cast<size_t>(level) + 1);
            if (!empty) {
                auto [current, current_distance] = descend(h, distance, entry, top, level);
                for (int l = std::min(level, top); l >= 0; --l) {
                    Candidates found =
                        search_level(h, distance, current, current_distance, l, h.ef_construction_);
                    if (h.isMarkedDeleted(entry)) {
                        // As hnswlib: a deleted entry point is still a candidate to link to.
                        found.emplace(distance(entry), entry);
                        if (found.size() > h.ef_construction_) found.pop();
                    }
                    Candidates copy = found;
                    while (copy.size() > 1) copy.pop();
                    if (!copy.empty()) std::tie(current_distance, current) = copy.top();
                    candidates[static_cast<size_t>(l)] = std::move(found);
                }
            }
            for (int64_t i = 0; i < j; ++i) {
                const int shared = std::min(level, levels[static_cast<size_t>(i)]);
                const tableint other = first + static_cast<tableint>(i);
                const float d = distance(other);
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
    const VectorDistances distance(h, h.getDataByInternalId(neighbour));
    Candidates candidates;
    candidates.emplace(distance(row), row);
    for (size_t i = 0; i < count; ++i) candidates.emplace(distance(links[i]), links[i]);
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
    search_graph(impl_->hnsw, VectorDistances(impl_->hnsw, query), k, ef, found);
}

void HnswGraph::search_scored(const RowScorer& scorer, size_t k, size_t ef,
                              std::vector<std::pair<float, uint32_t>>& found) const {
    search_graph(impl_->hnsw, ScorerDistances(scorer), k, ef, found);
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
    spread(h, h.enterpoint_node_, seen);
    for (size_t row = 0; row < n; ++row)
        if (!seen[row]) unreachable.push_back(static_cast<uint32_t>(row));
    return unreachable;
}

uint64_t HnswGraph::graph_bytes() const {
    return graph_section_bytes(impl_->memory());
}

void HnswGraph::write_graph(const std::function<void(const char*, size_t)>& emit) const {
    write_graph_section(impl_->memory(), emit);
}

void HnswGraph::write_vectors(const std::function<void(const char*, size_t)>& emit) const {
    write_vectors_section(impl_->memory(), emit);
}

void HnswGraph::load_vectors(uint64_t rows,
                             const std::function<void(uint64_t, char*, size_t)>& read) {
    Hnsw& h = impl_->hnsw;
    if (rows > h.max_elements_) h.resizeIndex(rows);
    read_vectors_section(impl_->memory(), rows, read);
    // From here the destructor owns the rows; upper lists are attached as they are read.
    h.cur_element_count = rows;
}

void HnswGraph::load_graph(uint64_t section_length, uint32_t max_level, uint32_t entry_point,
                           const std::function<void(uint64_t, char*, size_t)>& read) {
    read_graph_section(impl_->memory(), section_length, max_level, entry_point, read);
    impl_->hnsw.maxlevel_ = static_cast<int>(max_level);
    impl_->hnsw.enterpoint_node_ = entry_point;
}

} // namespace ruvec
