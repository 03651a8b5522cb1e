#include "ruvec/kmer_sampler.hpp"

#include "ruvec/base_codes.hpp"
#include "ruvec/enum_names.hpp"
#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"

#include <algorithm>
#include <deque>
#include <string>

namespace ruvec {

namespace {

constexpr const char* sampler_kind_names[] = {"minimizer", "syncmer", "fracminhash"};

// The last n bases read, 2 bits each, on both strands, and how many valid bases end here.
class RollingKmer {
public:
    explicit RollingKmer(uint32_t n)
        : mask_((uint64_t{1} << (2 * n)) - 1), rc_shift_(2 * (n - 1)), n_(n) {}
    void reset() { run_ = 0; }
    void push(uint64_t code) {
        forward_ = ((forward_ << 2) | code) & mask_;
        reverse_ = (reverse_ >> 2) | ((3 - code) << rc_shift_);
        run_ += run_ < n_;
    }
    bool full() const { return run_ == n_; }
    bool reverse_is_canonical() const { return reverse_ < forward_; }
    uint64_t canonical() const { return reverse_ < forward_ ? reverse_ : forward_; }

private:
    uint64_t mask_;
    unsigned rc_shift_;
    uint32_t n_;
    uint64_t forward_ = 0, reverse_ = 0;
    uint32_t run_ = 0;
};

// out[i] = the smallest of h[i .. i + m) for i in [0, n - m], m >= 1, in three branch-free
// passes (van Herk, Gil and Werman): h cut into blocks of m, the minimum from each block's start
// up to i (prefix) and from i to the block's end (suffix); a window spans at most two blocks.
void window_minima(const uint64_t* h, size_t n, size_t m, uint64_t* prefix, uint64_t* suffix,
                   uint64_t* out) {
    for (size_t b = 0; b < n; b += m) {
        const size_t e = std::min(n, b + m);
        prefix[b] = h[b];
        for (size_t i = b + 1; i < e; ++i) prefix[i] = std::min(prefix[i - 1], h[i]);
        suffix[e - 1] = h[e - 1];
        for (size_t i = e - 1; i > b; --i) suffix[i - 1] = std::min(suffix[i], h[i - 1]);
    }
    for (size_t i = 0; i + m <= n; ++i) out[i] = std::min(suffix[i], prefix[i + m - 1]);
}

// The open syncmers of one run of ACGT (no other letter), k-mers [0, n) of it taken `chunk` at
// a time, positions offset by `at`.
struct SyncmerScratch {
    std::vector<uint64_t> hashes, prefix, suffix, left, right, kmers;
    std::vector<uint8_t> reverse;
};

void sample_syncmer_run(std::string_view run, uint64_t at, const SamplerParams& p,
                        SyncmerScratch& x, std::vector<KmerSample>& out) {
    // A k-mer holds s-mers at offsets 0..span. It is sampled when its smallest s-mer lies at
    // offset t: the leftmost of equal smallest ones when the k-mer is its own canonical form,
    // else (canonical is the reverse complement, where offsets run backwards) the rightmost of
    // them at offset r = span - t. So with h the s-mer hashes from the k-mer's start, and
    // A_m[i] the smallest of h[i .. i + m):
    //   forward: h[t] < A_t[0] (all before it larger) and h[t] <= A_r[t + 1] (none after smaller)
    //   reverse: h[r] <= A_r[0] and h[r] < A_t[r + 1]
    // (windows of length 0 hold nothing and pass).
    constexpr size_t chunk = 4096; // k-mers at a time: scratch stays in the cache
    const uint32_t k = p.k, s = p.s, span = k - s, t = p.t, r = span - p.t;
    const size_t kmers = run.size() - k + 1;
    const uint64_t smer_mask = (uint64_t{1} << (2 * s)) - 1, kmer_mask = (uint64_t{1} << (2 * k)) - 1;
    const unsigned smer_rc = 2 * (s - 1), kmer_rc = 2 * (k - 1);
    for (size_t first = 0; first < kmers; first += chunk) {
        const size_t count = std::min(chunk, kmers - first), n = count + span;
        for (auto* v : {&x.hashes, &x.prefix, &x.suffix, &x.left, &x.right})
            if (v->size() < n) v->resize(n);
        if (x.kmers.size() < count) {
            x.kmers.resize(count);
            x.reverse.resize(count);
        }
        uint64_t forward = 0, backward = 0;
        for (size_t i = 0; i < n + s - 1; ++i) { // s-mers starting at first .. first + n
            const uint64_t code = base_code(run[first + i]);
            forward = ((forward << 2) | code) & smer_mask;
            backward = (backward >> 2) | ((3 - code) << smer_rc);
            if (i + 1 >= s) x.hashes[i + 1 - s] = simd::kmer_hash(std::min(forward, backward), p.seed);
        }
        forward = backward = 0;
        for (size_t i = 0; i < count + k - 1; ++i) { // k-mers starting at first .. first + count
            const uint64_t code = base_code(run[first + i]);
            forward = ((forward << 2) | code) & kmer_mask;
            backward = (backward >> 2) | ((3 - code) << kmer_rc);
            if (i + 1 >= k) {
                x.reverse[i + 1 - k] = backward < forward;
                x.kmers[i + 1 - k] = std::min(forward, backward);
            }
        }
        if (t > 0) window_minima(x.hashes.data(), n, t, x.prefix.data(), x.suffix.data(), x.left.data());
        if (r > 0) window_minima(x.hashes.data(), n, r, x.prefix.data(), x.suffix.data(), x.right.data());
        const uint64_t* h = x.hashes.data();
        const uint64_t* min_t = x.left.data();  // A_t
        const uint64_t* min_r = x.right.data(); // A_r
        // Both tests, then the one of the k-mer's orientation, without branching on it (a coin
        // toss per k-mer, which a branch predictor loses half the time). An empty side's minima
        // are not computed: their tests are read and then overridden.
        const bool no_left = t == 0, no_right = r == 0;
        for (size_t j = 0; j < count; ++j) {
            const bool forward_ok = (no_left | (h[j + t] < min_t[j])) &
                                    (no_right | (h[j + t] <= min_r[j + t + 1]));
            const bool reverse_ok = (no_right | (h[j + r] <= min_r[j])) &
                                    (no_left | (h[j + r] < min_t[j + r + 1]));
            const bool is_reverse = x.reverse[j] != 0;
            const bool sampled = (is_reverse & reverse_ok) | (!is_reverse & forward_ok);
            if (sampled)
                out.push_back({simd::kmer_hash(x.kmers[j], p.seed), at + first + j, x.reverse[j] != 0});
        }
    }
}

void sample_minimizers(std::string_view seq, const SamplerParams& p,
                       std::vector<KmerSample>& out) {
    RollingKmer kmer(p.k);
    // Window of w k-mers: the leftmost smallest hash; its strand kept beside it.
    struct Entry {
        uint64_t hash, position;
        bool reverse;
    };
    std::deque<Entry> window;
    uint64_t run = 0;               // consecutive whole k-mers ending here
    uint64_t last = UINT64_MAX;     // position of the last sample emitted
    for (uint64_t i = 0; i < seq.size(); ++i) {
        const uint8_t code = base_code(seq[i]);
        if (code > 3) {
            kmer.reset();
            window.clear();
            run = 0;
            continue;
        }
        kmer.push(code);
        if (!kmer.full()) continue;
        const uint64_t position = i + 1 - p.k;
        const uint64_t hash = simd::kmer_hash(kmer.canonical(), p.seed);
        while (!window.empty() && window.back().hash > hash) window.pop_back();
        window.push_back({hash, position, kmer.reverse_is_canonical()});
        ++run;
        if (run < p.w) continue;
        const uint64_t first = position + 1 - p.w;
        while (window.front().position < first) window.pop_front();
        if (window.front().position != last) {
            last = window.front().position;
            out.push_back({window.front().hash, last, window.front().reverse});
        }
    }
}

void sample_syncmers(std::string_view seq, const SamplerParams& p, std::vector<KmerSample>& out) {
    // Run by run of ACGT: a syncmer never spans another letter.
    thread_local SyncmerScratch scratch;
    for (size_t i = 0; i < seq.size();) {
        while (i < seq.size() && base_code(seq[i]) > 3) ++i;
        const size_t begin = i;
        while (i < seq.size() && base_code(seq[i]) <= 3) ++i;
        if (i - begin >= p.k) sample_syncmer_run(seq.substr(begin, i - begin), begin, p, scratch, out);
    }
}

void sample_fracminhash(std::string_view seq, const SamplerParams& p,
                        std::vector<KmerSample>& out) {
    RollingKmer kmer(p.k);
    // hash < 2^64 / c, in integers: hash * c <= 2^64 - 1.
    const uint64_t largest_kept = UINT64_MAX / p.c;
    for (uint64_t i = 0; i < seq.size(); ++i) {
        const uint8_t code = base_code(seq[i]);
        if (code > 3) {
            kmer.reset();
            continue;
        }
        kmer.push(code);
        if (!kmer.full()) continue;
        const uint64_t hash = simd::kmer_hash(kmer.canonical(), p.seed);
        if (hash <= largest_kept) out.push_back({hash, i + 1 - p.k, kmer.reverse_is_canonical()});
    }
}

} // namespace

const char* sampler_kind_name(SamplerKind kind) {
    return name_of(sampler_kind_names, kind);
}

bool parse_sampler_kind(std::string_view name, SamplerKind& kind) {
    return parse_name(sampler_kind_names, name, kind);
}

void check_sampler_params(const SamplerParams& p) {
    auto bad = [](const std::string& what) { throw Error(ErrorKind::usage, what); };
    if (p.k < 1 || p.k > 31) bad("k-mer length " + std::to_string(p.k) + " is not in 1..31");
    switch (p.kind) {
    case SamplerKind::minimizer:
        if (p.w < 1 || p.w > 256)
            bad("minimizer window " + std::to_string(p.w) + " is not in 1..256");
        break;
    case SamplerKind::syncmer:
        if (p.s < 1 || p.s > p.k)
            bad("syncmer s-mer length " + std::to_string(p.s) + " is not in 1.." +
                std::to_string(p.k));
        if (p.t > p.k - p.s)
            bad("syncmer offset " + std::to_string(p.t) + " is not in 0.." +
                std::to_string(p.k - p.s));
        break;
    case SamplerKind::fracminhash:
        if (p.c < 1 || p.c > (1u << 31))
            bad("FracMinHash scale " + std::to_string(p.c) + " is not in 1..2147483648");
        break;
    default:
        bad("unknown k-mer sampler " + std::to_string(static_cast<int>(p.kind)));
    }
}

SamplerParams default_sampler(uint32_t k) {
    SamplerParams p;
    p.k = k;
    p.s = k > 11 ? k - 10 : 1;
    p.t = (k - p.s) / 2;
    return p;
}

void sample_kmers(std::string_view seq, const SamplerParams& params,
                  std::vector<KmerSample>& out) {
    switch (params.kind) {
    case SamplerKind::minimizer:
        return sample_minimizers(seq, params, out);
    case SamplerKind::syncmer:
        return sample_syncmers(seq, params, out);
    case SamplerKind::fracminhash:
        return sample_fracminhash(seq, params, out);
    }
}

} // namespace ruvec
