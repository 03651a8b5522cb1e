#include "ruvec/embed.hpp"

#include "ruvec/base_codes.hpp"
#include "ruvec/enum_names.hpp"
#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace ruvec {

namespace {

constexpr const char* weight_names[] = {"count", "log", "binary"}; // by Weight's value

// K-mers are hashed in chunks this long: large enough to amortise the kernel call, small enough
// to stay in L1 with their slots.
constexpr size_t hash_chunk = 2048;

uint64_t reverse_complement(uint64_t kmer, uint32_t k) {
    uint64_t rc = 0;
    for (uint32_t i = 0; i < k; ++i, kmer >>= 2) rc = (rc << 2) | (3 - (kmer & 3));
    return rc;
}

[[noreturn]] void bad_param(const std::string& message) {
    throw Error(ErrorKind::usage, message);
}

} // namespace

const char* weight_name(Weight weight) {
    return name_of(weight_names, weight, "?");
}

bool parse_weight(std::string_view name, Weight& weight) {
    return parse_name(weight_names, name, weight);
}

double log1p_count(uint64_t count) {
    // 1 + count = m 2^e with m in [sqrt(1/2), sqrt(2)), then log(m) = 2 atanh(s) with
    // s = (m - 1) / (m + 1), |s| < 0.172: the series s + s^3/3 + ... to s^23/23 leaves an error
    // below 1e-19 of the result. frexp and the scaling by 2 are exact, and so is m - 1
    // (Sterbenz); ln 2 is split so that e * ln2_hi is exact.
    constexpr double ln2_hi = 6.93147180369123816490e-01; // 0x3fe62e42fee00000
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    int e = 0;
    double m = std::frexp(static_cast<double>(count) + 1.0, &e);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        --e;
    }
    const double f = m - 1.0;
    const double s = f / (2.0 + f);
    const double s2 = s * s;
    double series = 0.0;
    for (int odd = 23; odd >= 3; odd -= 2) series = s2 * (series + 1.0 / odd);
    const double log_m = 2.0 * s + 2.0 * s * series;
    return static_cast<double>(e) * ln2_hi + (static_cast<double>(e) * ln2_lo + log_m);
}

uint32_t exact_profile_dims(uint32_t k, bool canonical) {
    const uint64_t all = uint64_t{1} << (2 * k);
    if (!canonical) return static_cast<uint32_t>(all);
    // Pairs of k-mers share one dimension, except palindromes (only for even k: 4^(k/2) of them).
    const uint64_t palindromes = (k % 2 == 0) ? (uint64_t{1} << k) : 0;
    return static_cast<uint32_t>((all + palindromes) / 2);
}

void finalize_params(EmbedParams& p) {
    if (p.k < min_k || p.k > max_k)
        bad_param("k must be " + std::to_string(min_k) + ".." + std::to_string(max_k) + ", not " +
                  std::to_string(p.k));
    if (static_cast<uint8_t>(p.weight) > static_cast<uint8_t>(Weight::binary))
        bad_param("unknown weight " + std::to_string(static_cast<int>(p.weight)));
    if (p.hash_id != kmer_hash_v1)
        bad_param("unknown k-mer hash id " + std::to_string(p.hash_id) + " (this ruvec knows 1)");
    if (p.exact) {
        if (p.k > max_exact_k)
            bad_param("an exact k-mer profile needs k <= " + std::to_string(max_exact_k) +
                      " (4^k dimensions), not k = " + std::to_string(p.k));
        p.dims = exact_profile_dims(p.k, p.canonical);
    } else if (p.dims < min_dims || p.dims > max_dims) {
        bad_param("dims must be " + std::to_string(min_dims) + ".." + std::to_string(max_dims) +
                  ", not " + std::to_string(p.dims));
    }
    if (p.window == 0) {
        if (p.step != 0) bad_param("a step needs a window");
    } else {
        if (p.window < p.k)
            bad_param("window " + std::to_string(p.window) +
                      " is shorter than k = " + std::to_string(p.k));
        if (p.step == 0) p.step = p.window;
    }
}

std::string embed_params_difference(const EmbedParams& a, const EmbedParams& b) {
    auto differ = [](const char* flag, const std::string& x, const std::string& y) {
        return std::string(flag) + " " + x + " vs " + y;
    };
    auto yes_no = [](bool v) { return std::string(v ? "yes" : "no"); };
    if (a.k != b.k) return differ("-k", std::to_string(a.k), std::to_string(b.k));
    if (a.exact != b.exact) return differ("--exact", yes_no(a.exact), yes_no(b.exact));
    if (a.dims != b.dims) return differ("--dims", std::to_string(a.dims), std::to_string(b.dims));
    if (a.canonical != b.canonical)
        return differ("--no-canonical", yes_no(!a.canonical), yes_no(!b.canonical));
    if (a.weight != b.weight)
        return differ("--weight", weight_name(a.weight), weight_name(b.weight));
    if (a.hash_id != b.hash_id)
        return differ("hash id", std::to_string(a.hash_id), std::to_string(b.hash_id));
    if (a.hash_seed != b.hash_seed)
        return differ("hash seed", std::to_string(a.hash_seed), std::to_string(b.hash_seed));
    if (a.window != b.window)
        return differ("--window", std::to_string(a.window), std::to_string(b.window));
    if (a.step != b.step) return differ("--step", std::to_string(a.step), std::to_string(b.step));
    return {};
}

std::vector<Window> windows_of(uint64_t length, const EmbedParams& params) {
    if (params.window == 0) return {Window{0, length}};
    std::vector<Window> windows;
    for (uint64_t start = 0; start < length; start += params.step) {
        const uint64_t end = std::min(length, start + params.window);
        windows.push_back({start, end});
        if (end == length) break;
    }
    return windows;
}

bool has_valid_kmer(std::string_view seq, Window window, uint32_t k) {
    uint32_t run = 0;
    for (uint64_t i = window.start; i < window.end && i < seq.size(); ++i) {
        run = base_code(seq[i]) < 4 ? run + 1 : 0;
        if (run == k) return true;
    }
    return false;
}

Embedder::Embedder(const EmbedParams& params) : params_(params) {
    if (params_.weight == Weight::count)
        counts_.assign(params_.dims, 0);
    else
        sums_.assign(params_.dims, 0.0);
    if (params_.exact) {
        // Dimensions follow the lexicographic order of the (canonical) k-mers, so the k = 4
        // canonical profile has the conventional 136 tetranucleotide columns.
        const uint64_t n = uint64_t{1} << (2 * params_.k);
        exact_index_.assign(n, 0);
        uint32_t next = 0;
        for (uint64_t code = 0; code < n; ++code) {
            const uint64_t rc = params_.canonical ? reverse_complement(code, params_.k) : code;
            exact_index_[code] = rc < code ? exact_index_[rc] : next++;
        }
    }
}

template <class Emit>
uint64_t Embedder::for_each_kmer(std::string_view seq, Window window, Emit&& emit) {
    uint64_t emitted = 0;
    uint64_t buffer[hash_chunk];
    RollState state;
    for (uint64_t begin = window.start; begin < window.end; begin += hash_chunk) {
        const uint64_t end = std::min<uint64_t>(window.end, begin + hash_chunk);
        const size_t n = params_.canonical ? roll_kmers<true>(seq, begin, end, state, buffer)
                                           : roll_kmers<false>(seq, begin, end, state, buffer);
        for (size_t i = 0; i < n; ++i) emit(buffer[i]);
        emitted += n;
    }
    return emitted;
}

template <bool Canonical>
size_t Embedder::roll_kmers(std::string_view seq, uint64_t begin, uint64_t end, RollState& state,
                            uint64_t* out) const {
    // The hot loop of embedding: kept free of calls and of branches other than the rare
    // non-ACGT base, writing every position and advancing the output only for whole k-mers.
    const uint32_t k = params_.k;
    const uint64_t mask = (uint64_t{1} << (2 * k)) - 1;
    const unsigned rc_shift = 2 * (k - 1);
    uint64_t forward = state.forward, reverse = state.reverse;
    uint32_t run = state.run;
    size_t n = 0;
    const auto* bases = reinterpret_cast<const unsigned char*>(seq.data());
    for (uint64_t i = begin; i < end; ++i) {
        const uint64_t code = base_codes[bases[i]];
        if (code > 3) {
            run = 0;
            continue;
        }
        forward = ((forward << 2) | code) & mask;
        reverse = (reverse >> 2) | ((3 - code) << rc_shift);
        run += run < k;
        out[n] = Canonical ? std::min(forward, reverse) : forward;
        n += run == k;
    }
    state = {forward, reverse, run};
    return n;
}

uint64_t Embedder::add_hashed_counts(std::string_view seq, Window window, int32_t* counts) {
    const simd::Kernels& kernels = simd::active();
    uint64_t kmers[hash_chunk];
    uint32_t slots[hash_chunk];
    uint64_t emitted = 0;
    RollState state;
    for (uint64_t begin = window.start; begin < window.end; begin += hash_chunk) {
        const uint64_t end = std::min<uint64_t>(window.end, begin + hash_chunk);
        const size_t n = params_.canonical ? roll_kmers<true>(seq, begin, end, state, kmers)
                                           : roll_kmers<false>(seq, begin, end, state, kmers);
        if (params_.exact) {
            const uint32_t* index = exact_index_.data();
            for (size_t i = 0; i < n; ++i) ++counts[index[kmers[i]]];
        } else {
            kernels.hash_kmers(kmers, n, params_.hash_seed, params_.dims, slots);
            for (size_t i = 0; i < n; ++i)
                counts[slots[i] >> 1] += 1 - 2 * static_cast<int32_t>(slots[i] & 1);
        }
        emitted += n;
    }
    return emitted;
}

uint64_t Embedder::add_weighted_distinct(std::string_view seq, Window window) {
    // log and binary weigh each distinct k-mer once, so the k-mers are collected and sorted;
    // summing in sorted order also keeps the float result independent of anything but the input.
    kmer_buffer_.clear();
    const uint64_t kmers =
        for_each_kmer(seq, window, [&](uint64_t kmer) { kmer_buffer_.push_back(kmer); });
    std::sort(kmer_buffer_.begin(), kmer_buffer_.end());
    std::vector<double>& weights = weight_buffer_;
    weights.clear();
    size_t distinct = 0;
    for (size_t i = 0; i < kmer_buffer_.size();) {
        size_t j = i + 1;
        while (j < kmer_buffer_.size() && kmer_buffer_[j] == kmer_buffer_[i]) ++j;
        kmer_buffer_[distinct++] = kmer_buffer_[i];
        weights.push_back(params_.weight == Weight::log ? log1p_count(j - i) : 1.0);
        i = j;
    }
    kmer_buffer_.resize(distinct);
    if (params_.exact) {
        for (size_t i = 0; i < distinct; ++i) sums_[exact_index_[kmer_buffer_[i]]] += weights[i];
        return kmers;
    }
    if (slot_buffer_.size() < distinct) slot_buffer_.resize(distinct);
    simd::active().hash_kmers(kmer_buffer_.data(), distinct, params_.hash_seed, params_.dims,
                              slot_buffer_.data());
    for (size_t i = 0; i < distinct; ++i) {
        const uint32_t slot = slot_buffer_[i];
        sums_[slot >> 1] += (slot & 1) ? -weights[i] : weights[i];
    }
    return kmers;
}

uint64_t Embedder::count_kmers(std::string_view seq, Window window, int32_t* counts) {
    window.end = std::min<uint64_t>(window.end, seq.size());
    if (window.start >= window.end) return 0;
    return add_hashed_counts(seq, window, counts);
}

bool Embedder::normalize_counts(const int32_t* counts, float* out) const {
    // Integer counts make the norm exact, so vectors are bit-identical on every machine (and in
    // the browser); the division is done once, in double.
    const uint32_t dims = params_.dims;
    uint64_t norm2 = 0;
    for (uint32_t i = 0; i < dims; ++i)
        norm2 += static_cast<uint64_t>(static_cast<int64_t>(counts[i]) * counts[i]);
    if (norm2 == 0) return false;
    const double inverse = 1.0 / std::sqrt(static_cast<double>(norm2));
    for (uint32_t i = 0; i < dims; ++i)
        out[i] = static_cast<float>(static_cast<double>(counts[i]) * inverse);
    return true;
}

uint64_t Embedder::embed(std::string_view seq, Window window, float* out) {
    const uint32_t dims = params_.dims;
    window.end = std::min<uint64_t>(window.end, seq.size());
    if (window.start >= window.end) return 0;
    if (params_.weight == Weight::count) {
        std::fill(counts_.begin(), counts_.end(), 0);
        const uint64_t kmers = add_hashed_counts(seq, window, counts_.data());
        return normalize_counts(counts_.data(), out) ? kmers : 0;
    }
    std::fill(sums_.begin(), sums_.end(), 0.0);
    const uint64_t kmers = add_weighted_distinct(seq, window);
    if (kmers == 0) return 0;
    double norm2 = 0;
    for (uint32_t i = 0; i < dims; ++i) norm2 += sums_[i] * sums_[i];
    if (norm2 == 0) return 0;
    const double inverse = 1.0 / std::sqrt(norm2);
    for (uint32_t i = 0; i < dims; ++i) out[i] = static_cast<float>(sums_[i] * inverse);
    return kmers;
}

} // namespace ruvec
