// Turning DNA into fixed-size vectors: k-mer feature hashing (or exact k-mer profiles), one vector
// per record or per window.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ruvec {

// How each distinct k-mer of a sequence contributes to its vector.
enum class Weight : uint8_t {
    count = 0,  // its number of occurrences
    log = 1,    // log(1 + occurrences): damps repeats
    binary = 2, // 1 if present: a set, as MinHash sees it
};

const char* weight_name(Weight weight);                   // "count", "log", "binary"
bool parse_weight(std::string_view name, Weight& weight); // false if unknown

// Identifies the k-mer hash function; stored in files so vectors are only compared when they
// were made by the same one. 1 = ruvec::simd::kmer_hash.
inline constexpr uint32_t kmer_hash_v1 = 1;
// The seed every ruvec file so far was made with ("ruvec\0\0\1" read as big-endian bytes).
inline constexpr uint64_t default_hash_seed = 0x7275766563000001ULL;

// The windows ruvec index cuts reference sequences into unless told otherwise: windows
// overlapping by half hold every read up to 500 bases whole, and 1 kbp windows keep a 150 bp
// read's share of a window's k-mers high enough to stand out from hashing noise (scripts/eval.sh
// measured the choice; embed keeps one vector per record).
inline constexpr uint64_t default_index_window = 1000, default_index_step = 500;

// Everything needed to reproduce a vector from a sequence. Files carry all of it.
struct EmbedParams {
    uint32_t k = 21;                        // k-mer length, 1..31
    uint32_t dims = 2048;                   // vector length, 8..65536 (set by k when exact)
    bool canonical = true;                  // k-mer and reverse complement count as one
    bool exact = false;                     // exact k-mer profile instead of hashing (k <= 8)
    Weight weight = Weight::count;          // per-k-mer weight before L2 normalisation
    uint32_t hash_id = kmer_hash_v1;        // which k-mer hash (see kmer_hash_v1)
    uint64_t hash_seed = default_hash_seed; // seed of that hash
    uint64_t window = 0;                    // window length in bases; 0: one vector per record
    uint64_t step = 0;                      // distance between window starts; 0: same as window
};

inline constexpr uint32_t min_k = 1, max_k = 31, max_exact_k = 8;
inline constexpr uint32_t min_dims = 8, max_dims = 65536;

// The log weight of a k-mer seen `count` times: log(1 + count), within a few units in the last
// place, and the same bits on every machine, in WebAssembly and in web/fallback.js. No libm's
// log1p gives that (glibc picks an FMA variant on CPUs that have FMA, musl and V8 round some
// counts differently), so it is computed with + - * / alone, in one fixed order.
double log1p_count(uint64_t count);

// Number of distinct k-mers (canonical or not) of length k: the dims of an exact profile.
// k = 4 canonical gives 136, the tetranucleotide profile.
uint32_t exact_profile_dims(uint32_t k, bool canonical);

// Checks ranges and consistency; sets dims for exact profiles and step = window when 0.
// Throws Error(usage) naming the parameter.
void finalize_params(EmbedParams& params);

// The first parameter that differs between `a` and `b`, as "-k 21 vs 15" (flag, a's value, b's
// value); empty when vectors made with either are comparable.
std::string embed_params_difference(const EmbedParams& a, const EmbedParams& b);

// Half-open [start, end) 0-based coordinates of one window of a sequence.
struct Window {
    uint64_t start; // first base
    uint64_t end;   // one past the last base
};

// Windows of a sequence of `length` bases: starts at 0, step, 2*step, ... up to the first window
// that reaches the sequence end, which may be shorter (bedtools makewindows would also emit the
// shorter windows after it when windows overlap). A whole record is one window.
std::vector<Window> windows_of(uint64_t length, const EmbedParams& params);

// Whether seq[window] holds k bases in a row that are A, C, G or T (a valid k-mer): the windows
// an index without vectors keeps as rows, without embedding them.
bool has_valid_kmer(std::string_view seq, Window window, uint32_t k);

// Embeds sequences with fixed parameters. Holds scratch space: use one per thread.
class Embedder {
public:
    explicit Embedder(const EmbedParams& params); // params must have passed finalize_params
    const EmbedParams& params() const noexcept { return params_; }

    // Writes the L2-normalised vector of seq[window] to out[0 .. dims). Bases other than ACGT
    // (any case) break k-mers and are never hashed. Returns the number of valid k-mers, or 0 when
    // the vector would be all zeros (no valid k-mer, or hashed k-mers that cancel exactly, which
    // only happens to a handful of k-mers); then out is left unchanged and must not be used.
    uint64_t embed(std::string_view seq, Window window, float* out);
    uint64_t embed(std::string_view seq, float* out) { return embed(seq, {0, seq.size()}, out); }

    // Splitting one long window across threads (count weight only): count_kmers adds to
    // `counts` (dims signed counts) the k-mers lying wholly inside `piece`, so pieces that start
    // k-1 bases before the previous one ends count every k-mer once; the caller sums the pieces'
    // integer counts (in any order: the result is exact) and normalises them.
    uint64_t count_kmers(std::string_view seq, Window piece, int32_t* counts);
    // Writes the unit vector of summed counts to out; false (out untouched) if they are all 0.
    bool normalize_counts(const int32_t* counts, float* out) const;

private:
    struct RollState {
        uint64_t forward = 0, reverse = 0; // last k bases, 2 bits each, both strands
        uint32_t run = 0;                  // valid bases ending here, capped at k
    };
    // Writes the k-mers ending in seq[begin, end) to out (at most end - begin of them).
    template <bool Canonical>
    size_t roll_kmers(std::string_view seq, uint64_t begin, uint64_t end, RollState& state,
                      uint64_t* out) const;
    uint64_t add_hashed_counts(std::string_view seq, Window window, int32_t* counts);
    uint64_t add_weighted_distinct(std::string_view seq, Window window); // returns k-mers seen
    template <class Emit> uint64_t for_each_kmer(std::string_view seq, Window window, Emit&& emit);

    EmbedParams params_;
    std::vector<int32_t> counts_;       // per-dimension signed counts (count weight)
    std::vector<double> sums_;          // per-dimension signed sums (log and binary weights)
    std::vector<uint64_t> kmer_buffer_; // k-mers collected to dedupe (log and binary weights)
    std::vector<uint32_t> slot_buffer_; // their hash slots
    std::vector<double> weight_buffer_; // weight of each distinct k-mer (log and binary)
    std::vector<uint32_t> exact_index_; // k-mer code -> profile dimension (exact profiles)
};

} // namespace ruvec
