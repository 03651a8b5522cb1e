#include "ruvec/kmer_sampler.hpp"

#include "ruvec/base_codes.hpp"
#include "ruvec/enum_names.hpp"
#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"

#include <array>
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

// Sliding-window minimum over (hash, position): a monotone queue that keeps equal hashes, so
// the window's smallest ones are its first entries, leftmost first. A ring on the stack: it runs
// for every base of every sequence and query, where a std::deque's allocations cost as much as
// the hashing. It holds at most the s-mers of one k-mer (k - s + 1 <= 31) plus the one pushed.
class WindowMin {
public:
    void clear() { head_ = tail_ = 0; }
    void push(uint64_t hash, uint64_t position) {
        while (tail_ != head_ && at(tail_ - 1).hash > hash) --tail_;
        at(tail_++) = {hash, position};
    }
    // Drops entries before `first`; the front is then the window's minimum.
    void drop_before(uint64_t first) {
        while (at(head_).position < first) ++head_;
    }
    // The leftmost and the rightmost of the window's smallest hashes (the same entry unless an
    // s-mer occurs twice in the window).
    uint64_t leftmost_min_position() const { return ring_[head_ & mask].position; }
    uint64_t rightmost_min_position() const {
        size_t last = head_;
        while (last + 1 != tail_ && ring_[(last + 1) & mask].hash == ring_[head_ & mask].hash)
            ++last;
        return ring_[last & mask].position;
    }

private:
    struct Entry {
        uint64_t hash, position;
    };
    static constexpr size_t capacity = 64; // a power of two above 31 + 1
    static constexpr size_t mask = capacity - 1;
    Entry& at(size_t i) { return ring_[i & mask]; }
    std::array<Entry, capacity> ring_{};
    size_t head_ = 0, tail_ = 0; // entries [head_, tail_), counted without wrapping
};

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
    RollingKmer kmer(p.k), smer(p.s);
    // The smallest s-mer of the k-mer, leftmost and rightmost of equal ones: in the canonical
    // orientation of a reverse k-mer the rightmost is the leftmost, at offset k - s - offset.
    WindowMin smallest;
    const uint32_t last_offset = p.k - p.s;
    for (uint64_t i = 0; i < seq.size(); ++i) {
        const uint8_t code = base_code(seq[i]);
        if (code > 3) {
            kmer.reset();
            smer.reset();
            smallest.clear();
            continue;
        }
        kmer.push(code);
        smer.push(code);
        if (!smer.full()) continue;
        smallest.push(simd::kmer_hash(smer.canonical(), p.seed), i + 1 - p.s);
        if (!kmer.full()) continue;
        const uint64_t position = i + 1 - p.k;
        smallest.drop_before(position);
        const bool reverse = kmer.reverse_is_canonical();
        const uint64_t offset =
            reverse ? last_offset - (smallest.rightmost_min_position() - position)
                    : smallest.leftmost_min_position() - position;
        if (offset == p.t)
            out.push_back({simd::kmer_hash(kmer.canonical(), p.seed), position, reverse});
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
