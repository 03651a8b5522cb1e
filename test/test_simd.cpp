// Every compiled ISA that this CPU runs is checked against the scalar reference, and the
// reference against exact (double) arithmetic; integer kernels and the k-mer hash must match bit
// for bit.
#include "ruvec/simd.hpp"

#include <doctest/doctest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace ruvec::simd;

namespace {

constexpr size_t lengths[] = {0, 1, 7, 8, 15, 16, 17, 383, 384, 1025};

std::vector<Isa> supported_isas() {
    std::vector<Isa> isas;
    for (Isa isa : all_isas)
        if (isa_supported(isa)) isas.push_back(isa);
    return isas;
}

struct Rng {
    uint64_t state;
    uint64_t next() { // splitmix64
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    float uniform(float lo, float hi) {
        return lo + (hi - lo) * static_cast<float>(next() >> 40) * 0x1.0p-24f;
    }
};

// n elements starting one element past a 64-byte boundary, so no kernel gets aligned pointers.
template <class T> class Unaligned {
public:
    explicit Unaligned(size_t n) : storage_(n + 64 / sizeof(T) + 1), n_(n) {
        auto addr = reinterpret_cast<uintptr_t>(storage_.data());
        data_ = storage_.data() + ((64 - addr % 64) % 64) / sizeof(T) + 1;
    }
    T* data() { return data_; }
    size_t size() const { return n_; }
    T& operator[](size_t i) { return data_[i]; }
    std::vector<T> copy() const { return std::vector<T>(data_, data_ + n_); }

private:
    std::vector<T> storage_;
    size_t n_;
    T* data_;
};

// Float input patterns; integer-valued ones keep every partial sum exact in float.
enum class Fill { random, wide, small_ints, zeros, negative, one_hot };
constexpr Fill fills[] = {Fill::random, Fill::wide,     Fill::small_ints,
                          Fill::zeros,  Fill::negative, Fill::one_hot};

void fill(Unaligned<float>& v, Fill how, Rng& rng) {
    for (size_t i = 0; i < v.size(); ++i) {
        switch (how) {
        case Fill::random:
            v[i] = rng.uniform(-1, 1);
            break;
        case Fill::wide:
            v[i] = rng.uniform(-1, 1) * std::ldexp(1.0f, int(rng.next() % 40) - 20);
            break;
        case Fill::small_ints:
            v[i] = static_cast<float>(int(rng.next() % 17) - 8);
            break;
        case Fill::zeros:
            v[i] = 0;
            break;
        case Fill::negative:
            v[i] = -rng.uniform(0.5f, 2);
            break;
        case Fill::one_hot:
            v[i] = i == v.size() / 2 ? 3.0f : 0.0f;
            break;
        }
    }
}

// Float sums of n terms are off by at most about n * 2^-24 * (sum of |terms|), in any order
// (Higham, "Accuracy and Stability of Numerical Algorithms", 4.2). The bound grows with n, so a
// fixed relative tolerance would be either flaky at n = 1025 or blind at n = 8. FLT_EPSILON is
// 2^-23, which leaves room for the rounding of the products, square roots and divisions.
double tolerance(size_t n, double magnitude) {
    return static_cast<double>(n + 4) * FLT_EPSILON * magnitude + FLT_MIN;
}

struct Exact {
    double dot = 0, abs_dot = 0, l2sq = 0, aa = 0, bb = 0;
};

Exact exact(const float* a, const float* b, size_t n) {
    Exact e;
    for (size_t i = 0; i < n; ++i) { // products of floats are exact in double
        const double x = a[i], y = b[i], d = x - y;
        e.dot += x * y;
        e.abs_dot += std::fabs(x * y);
        e.l2sq += d * d;
        e.aa += x * x;
        e.bb += y * y;
    }
    return e;
}

// got is within tol of the exact value, and of the scalar reference.
void check_float(double got, double reference, double exact_value, double tol) {
    CHECK(std::fabs(got - exact_value) <= tol);
    CHECK(std::fabs(got - reference) <= 2 * tol);
}

} // namespace

TEST_CASE("simd: isa names round-trip and unknown names are refused") {
    for (Isa isa : all_isas) {
        Isa parsed = Isa::scalar;
        CHECK(parse_isa(isa_name(isa), parsed));
        CHECK(parsed == isa);
    }
    Isa untouched = Isa::sse2;
    CHECK_FALSE(parse_isa("avx512", untouched));
    CHECK_FALSE(parse_isa("", untouched));
    CHECK_FALSE(parse_isa("AVX2", untouched));
    CHECK(untouched == Isa::sse2);
    CHECK(std::string(isa_name(Isa::sse4_2)) == "sse4_2");
}

TEST_CASE("simd: scalar is always there, best is supported, tables carry their isa") {
    CHECK(isa_compiled(Isa::scalar));
    CHECK(isa_supported(Isa::scalar));
    CHECK(isa_supported(best_isa()));
    for (Isa isa : all_isas) {
        if (isa_supported(isa)) {
            CHECK(isa <= best_isa());
            CHECK(kernels_for(isa).isa == isa);
        }
        if (!isa_compiled(isa)) CHECK_FALSE(isa_supported(isa));
    }
    MESSAGE("best ISA here: " << std::string(isa_name(best_isa())));
}

TEST_CASE("simd: select_isa switches the active table and refuses what cannot run") {
    select_isa(Isa::scalar);
    CHECK(active_isa() == Isa::scalar);
    CHECK(&active() == &kernels_for(Isa::scalar));

    const auto bogus = static_cast<Isa>(99);
    CHECK_THROWS_AS(select_isa(bogus), IsaUnavailable);
    CHECK_THROWS_WITH(kernels_for(bogus), doctest::Contains("not compiled into this build"));
    for (Isa isa : all_isas) {
        if (isa_supported(isa)) continue;
        CHECK_THROWS_AS(select_isa(isa), IsaUnavailable);
        CHECK_THROWS_WITH(kernels_for(isa), doctest::Contains(isa_name(best_isa())));
    }
    CHECK(active_isa() == Isa::scalar); // a refused selection changes nothing

    select_isa(best_isa());
    CHECK(active_isa() == best_isa());
}

TEST_CASE("simd: known values") {
    const float a[] = {1, 2, 3}, b[] = {4, 5, 6};
    const uint64_t ones[] = {~0ULL, ~0ULL, ~0ULL}, zeros[] = {0, 0, 0};
    const int8_t lo[] = {-128, -128, 127}, hi[] = {-128, 127, 127};
    for (Isa isa : supported_isas()) {
        CAPTURE(std::string(isa_name(isa)));
        const Kernels& k = kernels_for(isa);
        CHECK(k.dot(a, b, 3) == 32.0f);
        CHECK(k.l2sq(a, b, 3) == 27.0f);
        CHECK(k.cosine(a, a, 3) == doctest::Approx(1.0f));
        CHECK(k.cosine(a, b, 3) == doctest::Approx(32 / std::sqrt(14.0 * 77)));
        CHECK(k.hamming(ones, zeros, 3) == 192);
        CHECK(k.dot_i8(lo, hi, 3) == 16384 - 16256 + 16129);
        // Empty inputs: nothing is read, even through null pointers.
        CHECK(k.dot(nullptr, nullptr, 0) == 0.0f);
        CHECK(k.cosine(nullptr, nullptr, 0) == 0.0f);
        CHECK(k.hamming(nullptr, nullptr, 0) == 0);
        CHECK(k.dot_i8(nullptr, nullptr, 0) == 0);
        k.hash_kmers(nullptr, 0, 1, 1024, nullptr);
        k.l2_normalize(nullptr, 0);
    }
}

TEST_CASE("simd: kmer_hash is pinned (indexes depend on it)") {
    // MurmurHash3 fmix64 of kmer ^ seed, computed once with Python's integers.
    CHECK(kmer_hash(0, 0) == 0);
    CHECK(kmer_hash(1, 0) == 0xb456bcfc34c2cb2cULL);
    CHECK(kmer_hash(0x1b, 0) == 0x7ed3adb081e15aecULL);
    CHECK(kmer_hash(0x0123456789abcdefULL, 0) == 0x87cbfbfe89022ceaULL);
    CHECK(kmer_hash(~0ULL, 0) == 0x64b5720b4b825f21ULL);
    CHECK(kmer_hash(0x1b, 42) == 0xcf8ffb89367b9db1ULL);
    CHECK(kmer_hash(0x1b, 0x9e3779b97f4a7c15ULL) == 0xeafc6ec56d90befeULL);

    const uint64_t kmers[] = {
        0, 1, 2, 3, 0x1b, 0x0123456789abcdefULL, ~0ULL, 0x3fffffffffffffffULL, 7, 0x5555};
    const uint32_t want_1024[] = {1032, 257, 323, 2019, 1661, 1796, 167, 530, 1379, 798};
    const uint32_t want_65536[] = {66064,  16509, 20685, 129181, 106271,
                                   114966, 10691, 34002, 88305,  51072};
    const uint32_t want_8[] = {8, 3, 3, 15, 13, 14, 1, 4, 11, 6};
    for (Isa isa : supported_isas()) {
        CAPTURE(std::string(isa_name(isa)));
        uint32_t slots[10];
        kernels_for(isa).hash_kmers(kmers, 10, 42, 1024, slots);
        CHECK(std::memcmp(slots, want_1024, sizeof slots) == 0);
        kernels_for(isa).hash_kmers(kmers, 10, 42, 65536, slots);
        CHECK(std::memcmp(slots, want_65536, sizeof slots) == 0);
        kernels_for(isa).hash_kmers(kmers, 10, 42, 8, slots);
        CHECK(std::memcmp(slots, want_8, sizeof slots) == 0);
    }
}

TEST_CASE("simd: float kernels match the reference (dot, l2sq: bit for bit) and exact arithmetic") {
    const Kernels& ref = kernels_for(Isa::scalar);
    Rng rng{1};
    for (Isa isa : supported_isas()) {
        const Kernels& k = kernels_for(isa);
        for (size_t n : lengths) {
            for (Fill fa : fills) {
                for (Fill fb : {Fill::random, Fill::small_ints, Fill::zeros, Fill::negative}) {
                    CAPTURE(std::string(isa_name(isa)));
                    CAPTURE(n);
                    CAPTURE(int(fa));
                    CAPTURE(int(fb));
                    Unaligned<float> a(n), b(n);
                    fill(a, fa, rng);
                    fill(b, fb, rng);
                    const Exact e = exact(a.data(), b.data(), n);
                    const bool exact_ints = (fa == Fill::small_ints || fa == Fill::zeros) &&
                                            (fb == Fill::small_ints || fb == Fill::zeros);

                    const float dot = k.dot(a.data(), b.data(), n);
                    const float l2sq = k.l2sq(a.data(), b.data(), n);
                    if (exact_ints) { // every partial sum is an integer below 2^24
                        CHECK(dot == e.dot);
                        CHECK(l2sq == e.l2sq);
                    }
                    // dot and l2sq add in one fixed order on every ISA: the same bits.
                    CHECK(dot == ref.dot(a.data(), b.data(), n));
                    CHECK(l2sq == ref.l2sq(a.data(), b.data(), n));
                    check_float(dot, ref.dot(a.data(), b.data(), n), e.dot,
                                tolerance(n, e.abs_dot));
                    check_float(l2sq, ref.l2sq(a.data(), b.data(), n), e.l2sq,
                                tolerance(n, e.l2sq));

                    const float cos = k.cosine(a.data(), b.data(), n);
                    if (e.aa == 0 || e.bb == 0) {
                        CHECK(cos == 0.0f);
                    } else {
                        const double norms = std::sqrt(e.aa) * std::sqrt(e.bb);
                        check_float(cos, ref.cosine(a.data(), b.data(), n), e.dot / norms,
                                    tolerance(n, e.abs_dot / norms));
                    }

                    // Batches: the rows are a, then b, then a again; same as single calls.
                    const size_t n_rows = 3;
                    Unaligned<float> rows(n_rows * n), out(n_rows), ref_out(n_rows);
                    for (size_t i = 0; i < n; ++i) {
                        rows[i] = a[i];
                        rows[n + i] = b[i];
                        rows[2 * n + i] = a[i];
                    }
                    k.dot_batch(b.data(), rows.data(), n_rows, n, out.data());
                    ref.dot_batch(b.data(), rows.data(), n_rows, n, ref_out.data());
                    CHECK(out[0] == dot);
                    CHECK(out[2] == dot);
                    CHECK(out[1] == k.dot(b.data(), b.data(), n));
                    CHECK(ref_out[0] == ref.dot(a.data(), b.data(), n));
                    k.l2sq_batch(b.data(), rows.data(), n_rows, n, out.data());
                    CHECK(out[0] == k.l2sq(b.data(), a.data(), n));
                    CHECK(out[1] == 0.0f);
                    CHECK(out[2] == out[0]);
                }
            }
        }
    }
}

TEST_CASE("simd: tiles of queries against rows give the bits of single dot and l2sq calls") {
    // Tile shapes around the kernels' own (4 x 4, 2 x 4): whole tiles, leftover queries, leftover
    // rows, one pair, none; rows anywhere in memory, in an order of their own.
    const Kernels& ref = kernels_for(Isa::scalar);
    Rng rng{11};
    constexpr size_t shapes[][2] = {{0, 3}, {3, 0}, {1, 1},  {4, 4},
                                    {5, 9}, {9, 5}, {2, 12}, {13, 7}};
    for (Isa isa : supported_isas()) {
        const Kernels& k = kernels_for(isa);
        for (size_t n : lengths) {
            for (Fill how : fills) {
                for (const auto& shape : shapes) {
                    const size_t n_queries = shape[0], n_rows = shape[1];
                    CAPTURE(std::string(isa_name(isa)));
                    CAPTURE(n);
                    CAPTURE(int(how));
                    CAPTURE(n_queries);
                    CAPTURE(n_rows);
                    Unaligned<float> queries(n_queries * n), pool((n_rows + 1) * n);
                    fill(queries, how, rng);
                    fill(pool, how, rng);
                    std::vector<const float*> rows(n_rows);
                    for (size_t r = 0; r < n_rows; ++r)
                        rows[r] = pool.data() + ((r * 7 + 3) % (n_rows + 1)) * n;
                    std::vector<float> dots(n_queries * n_rows + 1, -1.0f),
                        l2s(n_queries * n_rows + 1, -1.0f);
                    k.dot_tile(queries.data(), n_queries, rows.data(), n_rows, n, dots.data());
                    k.l2sq_tile(queries.data(), n_queries, rows.data(), n_rows, n, l2s.data());
                    for (size_t q = 0; q < n_queries; ++q)
                        for (size_t r = 0; r < n_rows; ++r) {
                            const float* query = queries.data() + q * n;
                            CHECK(dots[q * n_rows + r] == k.dot(query, rows[r], n));
                            CHECK(dots[q * n_rows + r] == ref.dot(query, rows[r], n));
                            CHECK(l2s[q * n_rows + r] == k.l2sq(query, rows[r], n));
                            CHECK(l2s[q * n_rows + r] == ref.l2sq(query, rows[r], n));
                        }
                    // Nothing written past the tile.
                    CHECK(dots[n_queries * n_rows] == -1.0f);
                    CHECK(l2s[n_queries * n_rows] == -1.0f);
                }
            }
        }
    }
}

TEST_CASE("simd: l2_normalize gives unit norm, the reference's bits, and leaves zeros alone") {
    const Kernels& ref = kernels_for(Isa::scalar);
    Rng rng{2};
    for (Isa isa : supported_isas()) {
        const Kernels& k = kernels_for(isa);
        for (size_t n : lengths) {
            for (Fill how : fills) {
                CAPTURE(std::string(isa_name(isa)));
                CAPTURE(n);
                CAPTURE(int(how));
                Unaligned<float> v(n);
                fill(v, how, rng);
                const std::vector<float> before = v.copy();
                const Exact e = exact(v.data(), v.data(), n);
                k.l2_normalize(v.data(), n);
                std::vector<float> by_reference = before;
                ref.l2_normalize(by_reference.data(), n);
                CHECK(v.copy() == by_reference); // same bits on every ISA
                if (e.aa == 0) {
                    CHECK(v.copy() == before);
                    continue;
                }
                const double norm = std::sqrt(e.aa);
                double sum_sq = 0;
                for (size_t i = 0; i < n; ++i) {
                    const double want = before[i] / norm;
                    CHECK(std::fabs(v[i] - want) <= tolerance(n, std::fabs(want)));
                    sum_sq += double(v[i]) * v[i];
                }
                CHECK(std::fabs(std::sqrt(sum_sq) - 1.0) <= tolerance(n, 1.0));
            }
        }
    }
}

TEST_CASE("simd: integer kernels and hash_kmers match the reference exactly") {
    const Kernels& ref = kernels_for(Isa::scalar);
    Rng rng{3};
    std::vector<size_t> sizes(std::begin(lengths), std::end(lengths));
    for (size_t n = 0; n <= 70; ++n) sizes.push_back(n); // every tail of every unrolled loop
    for (Isa isa : supported_isas()) {
        const Kernels& k = kernels_for(isa);
        for (size_t n : sizes) {
            CAPTURE(std::string(isa_name(isa)));
            CAPTURE(n);
            Unaligned<uint64_t> x(n), y(n);
            for (size_t i = 0; i < n; ++i) {
                x[i] = rng.next();
                y[i] = i % 3 == 0 ? ~x[i] : rng.next();
            }
            CHECK(k.hamming(x.data(), y.data(), n) == ref.hamming(x.data(), y.data(), n));
            CHECK(k.hamming(x.data(), x.data(), n) == 0);

            Unaligned<int8_t> a(n), b(n);
            for (int pattern = 0; pattern < 4; ++pattern) {
                CAPTURE(pattern);
                for (size_t i = 0; i < n; ++i) {
                    const auto r = static_cast<int8_t>(rng.next());
                    a[i] = pattern == 0   ? r
                           : pattern == 1 ? int8_t{-128}
                                          : int8_t(i % 2 ? 127 : -128);
                    b[i] = pattern == 3   ? int8_t{127}
                           : pattern == 2 ? int8_t{-128}
                                          : static_cast<int8_t>(rng.next());
                }
                CHECK(k.dot_i8(a.data(), b.data(), n) == ref.dot_i8(a.data(), b.data(), n));
            }

            Unaligned<uint32_t> got(n), want(n);
            for (uint32_t dims : {8u, 9u, 1000u, 1024u, 65535u, 65536u}) {
                for (uint64_t seed : {0ULL, 42ULL, ~0ULL}) {
                    CAPTURE(dims);
                    CAPTURE(seed);
                    k.hash_kmers(x.data(), n, seed, dims, got.data());
                    ref.hash_kmers(x.data(), n, seed, dims, want.data());
                    CHECK(got.copy() == want.copy());
                    for (size_t i = 0; i < n; ++i) CHECK((got[i] >> 1) < dims);
                }
            }
        }
    }
}

TEST_CASE("simd: dot_i8 is exact at its documented limit") {
    // All products -128 * -128 = 2^14 over 2^17 - 1 bytes: 2^31 - 2^14, the largest int32 sum.
    const size_t n = (size_t{1} << 17) - 1;
    Unaligned<int8_t> a(n);
    for (size_t i = 0; i < n; ++i) a[i] = -128;
    for (Isa isa : supported_isas()) {
        CAPTURE(std::string(isa_name(isa)));
        CHECK(kernels_for(isa).dot_i8(a.data(), a.data(), n) == 2147467264);
    }
}
