// Kernel timings for `ruvec bench` (see kernel_bench.hpp).
#include "kernel_bench.hpp"

#include "ruvec/error.hpp"
#include "ruvec/splitmix.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace ruvec {
namespace {

using Clock = std::chrono::steady_clock;

// Each repeat lasts at least this long, so that the clock's resolution does not matter.
constexpr double min_repeat_ns = 200'000.0;

// Results land here so that the compiler cannot drop the calls.
volatile double sink;

// Uniform in [-1, 1), the same on every platform (unlike std:: distributions).
float unit_float(SplitMix64& state) {
    return static_cast<float>(static_cast<double>(state.next() >> 11) * 0x1.0p-52 - 1.0);
}

// Storage starting on a 64-byte boundary, so that timings do not depend on where the allocator put
// the inputs (a 64-byte load that straddles two cache lines costs about twice as much).
template <class T> class Aligned {
public:
    explicit Aligned(size_t n) : storage_(n + 64 / sizeof(T)), n_(n) {
        const auto addr = reinterpret_cast<uintptr_t>(storage_.data());
        data_ = storage_.data() + (64 - addr % 64) % 64 / sizeof(T);
    }
    T* data() { return data_; }
    T* begin() { return data_; }
    T* end() { return data_ + n_; }
    T& operator[](size_t i) { return data_[i]; }

private:
    std::vector<T> storage_;
    size_t n_;
    T* data_;
};

double elapsed_ns(Clock::time_point start) {
    return std::chrono::duration<double, std::nano>(Clock::now() - start).count();
}

// Times `call` over `repeats` repeats of `calls` calls each, after a warm-up that picks `calls`.
// A template, so that only the kernel's own indirect call is inside the timed loop.
template <class Call>
KernelTiming time_one(const char* kernel, simd::Isa isa, size_t dim, double bytes_per_call,
                      int repeats, const Call& call) {
    auto run = [&](size_t calls) {
        double sum = 0;
        const auto start = Clock::now();
        for (size_t c = 0; c < calls; ++c) sum += static_cast<double>(call());
        const double ns = elapsed_ns(start);
        sink = sink + sum;
        return ns;
    };
    size_t calls = 1; // warm-up: double the calls until one repeat lasts min_repeat_ns
    while (run(calls) < min_repeat_ns && calls < (size_t{1} << 30)) calls *= 2;
    std::vector<double> per_call;
    per_call.reserve(static_cast<size_t>(repeats));
    for (int r = 0; r < repeats; ++r) per_call.push_back(run(calls) / static_cast<double>(calls));
    std::sort(per_call.begin(), per_call.end());
    const size_t mid = per_call.size() / 2;
    const double median =
        per_call.size() % 2 ? per_call[mid] : (per_call[mid - 1] + per_call[mid]) / 2;
    return KernelTiming{kernel,
                        isa,
                        dim,
                        median,
                        per_call.front(),
                        per_call.back(),
                        median > 0 ? bytes_per_call / median : 0.0};
}

} // namespace

std::vector<KernelTiming> time_kernels(simd::Isa isa, size_t dim, size_t n_rows, int repeats,
                                       uint64_t seed) {
    if (dim < 1 || n_rows < 1 || repeats < 1)
        throw Error(ErrorKind::usage, "kernel timing needs dim, rows and repeats of at least 1");
    if (dim > SIZE_MAX / sizeof(float) / n_rows)
        throw Error(ErrorKind::resource, "kernel timing: dim * rows is too large");
    const simd::Kernels& k = [isa]() -> const simd::Kernels& {
        try {
            return simd::kernels_for(isa);
        } catch (const simd::IsaUnavailable& e) {
            throw Error(ErrorKind::usage, e.what());
        }
    }();

    SplitMix64 state(seed);
    Aligned<float> a(dim), b(dim), v(dim), rows(n_rows * dim), out(n_rows);
    for (float& x : a) x = unit_float(state);
    for (float& x : v) x = unit_float(state);
    for (float& x : b) x = unit_float(state);
    for (float& x : rows) x = unit_float(state);
    Aligned<int8_t> a8(dim), b8(dim);
    for (int8_t& x : a8) x = static_cast<int8_t>(state.next());
    for (int8_t& x : b8) x = static_cast<int8_t>(state.next());
    const size_t words = (dim + 63) / 64;
    Aligned<uint64_t> bits_a(words), bits_b(words), kmers(dim);
    for (uint64_t& x : bits_a) x = state.next();
    for (uint64_t& x : bits_b) x = state.next();
    for (uint64_t& x : kmers) x = state.next();
    Aligned<uint32_t> slots(dim);
    const uint64_t hash_seed = state.next();
    constexpr uint32_t hash_dims = 1024;

    const double f = sizeof(float), vec = static_cast<double>(dim) * f;
    const double batch_bytes = static_cast<double>(n_rows) * (vec + f) + vec;
    std::vector<KernelTiming> timings;
    auto add = [&](const char* name, double bytes, const auto& call) {
        timings.push_back(time_one(name, isa, dim, bytes, repeats, call));
    };
    add("dot", 2 * vec, [&] { return k.dot(a.data(), b.data(), dim); });
    add("l2sq", 2 * vec, [&] { return k.l2sq(a.data(), b.data(), dim); });
    add("cosine", 2 * vec, [&] { return k.cosine(a.data(), b.data(), dim); });
    add("l2_normalize", 3 * vec, [&] { // read for the norm, then read and written
        k.l2_normalize(v.data(), dim);
        return v[0];
    });
    add("dot_batch", batch_bytes, [&] {
        k.dot_batch(a.data(), rows.data(), n_rows, dim, out.data());
        return out[n_rows - 1];
    });
    add("l2sq_batch", batch_bytes, [&] {
        k.l2sq_batch(a.data(), rows.data(), n_rows, dim, out.data());
        return out[n_rows - 1];
    });
    // Tiles: kernel_bench_tile_queries queries against the same rows, as brute-force search runs.
    constexpr size_t tile_queries = kernel_bench_tile_queries;
    Aligned<float> queries(tile_queries * dim), tile_out(tile_queries * n_rows);
    for (float& x : queries) x = unit_float(state);
    std::vector<const float*> row_pointers(n_rows);
    for (size_t r = 0; r < n_rows; ++r) row_pointers[r] = rows.data() + r * dim;
    const double tile_bytes =
        static_cast<double>(n_rows) * vec +
        static_cast<double>(tile_queries) * (vec + static_cast<double>(n_rows) * f);
    add("dot_tile", tile_bytes, [&] {
        k.dot_tile(queries.data(), tile_queries, row_pointers.data(), n_rows, dim, tile_out.data());
        return tile_out[tile_queries * n_rows - 1];
    });
    add("l2sq_tile", tile_bytes, [&] {
        k.l2sq_tile(queries.data(), tile_queries, row_pointers.data(), n_rows, dim,
                    tile_out.data());
        return tile_out[tile_queries * n_rows - 1];
    });
    add("hamming", 2.0 * static_cast<double>(words) * 8,
        [&] { return static_cast<double>(k.hamming(bits_a.data(), bits_b.data(), words)); });
    add("dot_i8", 2.0 * static_cast<double>(dim),
        [&] { return k.dot_i8(a8.data(), b8.data(), dim); });
    add("hash_kmers", static_cast<double>(dim) * 12, [&] {
        k.hash_kmers(kmers.data(), dim, hash_seed, hash_dims, slots.data());
        return slots[dim - 1];
    });
    return timings;
}

} // namespace ruvec
