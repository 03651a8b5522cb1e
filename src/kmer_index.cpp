#include "ruvec/kmer_index.hpp"

#include "ruvec/error.hpp"
#include "ruvec/format.hpp"

#include <algorithm>
#include <cstring>
#include <new>

namespace ruvec {

namespace {

constexpr uint64_t kidx_header_bytes = 64;
constexpr uint64_t postings_per_bucket = 4; // the directory's 8 bytes then cost 2 a posting

uint32_t bucket_bits_for(uint64_t postings) {
    uint32_t bits = 1;
    while (bits < 32 && (uint64_t{1} << bits) * postings_per_bucket < postings) ++bits;
    return bits;
}

uint64_t padding_after_keys(uint64_t postings) {
    return (4 * postings) % 8;
}

} // namespace

KmerIndex::Builder::Builder(const SamplerParams& params) : params_(params) {
    check_sampler_params(params);
}

void KmerIndex::Builder::add(std::string_view bases, uint64_t start) {
    scratch_.clear();
    sample_kmers(bases, params_, scratch_);
    // Postings go into blocks that are filled, never grown: one growing array would copy
    // everything collected before at each doubling, and every copy touches fresh pages the
    // kernel must zero (a fifth of a 1 Gbp build's time). Blocks double in size up to 64 MB,
    // so a small index takes little and a large one's blocks are mapped and unmapped whole
    // (freed, they leave the process rather than the allocator's heap).
    constexpr size_t first_block = 4096, largest_block = size_t{1} << 22; // postings
    for (const KmerSample& s : scratch_) {
        if (blocks_.empty() || blocks_.back().size() == blocks_.back().capacity()) {
            const size_t capacity =
                blocks_.empty() ? first_block
                                : std::min(largest_block, 2 * blocks_.back().capacity());
            blocks_.emplace_back().reserve(capacity);
        }
        blocks_.back().emplace_back(s.hash, (start + s.position) << 1 | uint64_t{s.reverse});
    }
    samples_ += scratch_.size();
}

void KmerIndex::Builder::absorb(Builder&& other) {
    for (auto& block : other.blocks_) blocks_.push_back(std::move(block));
    samples_ += other.samples_;
    other.blocks_.clear();
    other.samples_ = 0;
}

KmerIndex KmerIndex::Builder::finish(uint64_t bases, int threads) {
    KmerIndex index;
    index.sampler_ = params_;
    index.bases_ = bases;
    const uint32_t b = index.bucket_bits_ = bucket_bits_for(samples_);
    // Sorted by bucket and key (the hash's top b + 32 bits), then by posting: a total order of
    // what was added, whatever the order it came in or the thread count. The postings are
    // first dealt into parts by the hash's top bits (an order the sort keeps), which are then
    // sorted on every thread: the sort is most of the work of a large index once sampling runs
    // in parallel.
    const unsigned drop = 32 - b;
    const auto before = [drop](const std::pair<uint64_t, uint64_t>& x,
                               const std::pair<uint64_t, uint64_t>& y) {
        const uint64_t kx = x.first >> drop, ky = y.first >> drop;
        return kx != ky ? kx < ky : x.second < y.second;
    };
    constexpr unsigned part_bits = 8;
    constexpr size_t parts = size_t{1} << part_bits;
    // Each block is dealt and freed in turn, so the blocks and the dealt array are not held
    // whole at once longer than needed.
    std::vector<std::pair<uint64_t, uint64_t>> postings(samples_);
    if (threads <= 1 || samples_ < (size_t{1} << 16)) {
        size_t at = 0;
        for (auto& block : blocks_) {
            std::copy(block.begin(), block.end(), postings.begin() + static_cast<std::ptrdiff_t>(at));
            at += block.size();
            std::vector<std::pair<uint64_t, uint64_t>>().swap(block);
        }
        std::sort(postings.begin(), postings.end(), before);
    } else {
        std::vector<size_t> part_start(parts + 1, 0);
        for (const auto& block : blocks_)
            for (const auto& posting : block) ++part_start[(posting.first >> (64 - part_bits)) + 1];
        for (size_t j = 0; j < parts; ++j) part_start[j + 1] += part_start[j];
        std::vector<size_t> next(part_start.begin(), part_start.end() - 1);
        for (auto& block : blocks_) {
            for (const auto& posting : block)
                postings[next[posting.first >> (64 - part_bits)]++] = posting;
            std::vector<std::pair<uint64_t, uint64_t>>().swap(block);
        }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (size_t j = 0; j < parts; ++j)
            std::sort(postings.begin() + static_cast<std::ptrdiff_t>(part_start[j]),
                      postings.begin() + static_cast<std::ptrdiff_t>(part_start[j + 1]), before);
    }
    blocks_.clear();
    samples_ = 0;
    const uint64_t buckets = uint64_t{1} << b;
    index.bucket_starts_.assign(buckets + 1, 0);
    index.keys_.resize(postings.size());
    index.postings_.resize(postings.size());
    for (size_t i = 0; i < postings.size(); ++i) {
        ++index.bucket_starts_[index.bucket_of(postings[i].first) + 1];
        index.keys_[i] = index.key_of(postings[i].first);
        index.postings_[i] = postings[i].second;
    }
    for (uint64_t j = 0; j < buckets; ++j) index.bucket_starts_[j + 1] += index.bucket_starts_[j];
    return index;
}

PostingRange KmerIndex::find(uint64_t hash) const {
    const uint64_t bucket = bucket_of(hash);
    const uint32_t key = key_of(hash);
    const uint32_t* first = keys_.data() + bucket_starts_[bucket];
    const uint32_t* last = keys_.data() + bucket_starts_[bucket + 1];
    const auto range = std::equal_range(first, last, key);
    return {postings_.data() + (range.first - keys_.data()),
            postings_.data() + (range.second - keys_.data())};
}

uint64_t KmerIndex::memory_bytes() const noexcept {
    return bucket_starts_.capacity() * 8 + keys_.capacity() * 4 + postings_.capacity() * 8;
}

uint64_t KmerIndex::section_bytes() const noexcept {
    return kidx_header_bytes + 8 * bucket_starts_.size() + 4 * keys_.size() +
           padding_after_keys(keys_.size()) + 8 * postings_.size();
}

void KmerIndex::encode(ByteSink& out) const {
    unsigned char header[kidx_header_bytes] = {};
    put_u32(header, static_cast<uint32_t>(sampler_.kind));
    put_u32(header + 4, sampler_.k);
    put_u32(header + 8, sampler_.w);
    put_u32(header + 12, sampler_.s);
    put_u32(header + 16, sampler_.t);
    put_u32(header + 20, sampler_.c);
    put_u64(header + 24, sampler_.seed);
    put_u32(header + 32, bucket_bits_);
    put_u64(header + 40, postings_.size());
    put_u64(header + 48, bases_);
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    // Little-endian hosts only (as the graph's sections): the arrays are written as they lie.
    static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "KIDX is written from memory");
    out.write(reinterpret_cast<const char*>(bucket_starts_.data()), 8 * bucket_starts_.size());
    out.write(reinterpret_cast<const char*>(keys_.data()), 4 * keys_.size());
    const char zeros[8] = {};
    out.write(zeros, padding_after_keys(keys_.size()));
    out.write(reinterpret_cast<const char*>(postings_.data()), 8 * postings_.size());
}

KmerIndex KmerIndex::decode(const unsigned char* bytes, uint64_t length,
                            const std::string& where) {
    SectionReader reader(std::string_view(reinterpret_cast<const char*>(bytes), length));
    return decode(reader, where);
}

KmerIndex KmerIndex::decode(SectionReader& reader, const std::string& where) {
    // A size that does not add up is reported once the checksum is known to be right (finish
    // throws first if it is not).
    auto damaged = [&](const std::string& what) {
        reader.finish();
        return Error(ErrorKind::corrupt,
                     where + ": k-mer index section: " + what + ": the file is damaged");
    };
    const uint64_t length = reader.length();
    if (length < kidx_header_bytes) throw damaged("shorter than its header");
    unsigned char bytes[kidx_header_bytes];
    reader.read(bytes, kidx_header_bytes);
    KmerIndex index;
    SamplerParams& p = index.sampler_;
    const uint32_t kind = get_u32(bytes);
    if (kind > static_cast<uint32_t>(SamplerKind::fracminhash))
        throw damaged("unknown sampler " + std::to_string(kind));
    p.kind = static_cast<SamplerKind>(kind);
    p.k = get_u32(bytes + 4);
    p.w = get_u32(bytes + 8);
    p.s = get_u32(bytes + 12);
    p.t = get_u32(bytes + 16);
    p.c = get_u32(bytes + 20);
    p.seed = get_u64(bytes + 24);
    try {
        check_sampler_params(p);
    } catch (const Error& e) {
        throw damaged(e.what());
    }
    const uint32_t b = get_u32(bytes + 32);
    const uint64_t postings = get_u64(bytes + 40), bases = get_u64(bytes + 48);
    if (get_u32(bytes + 36) != 0 || get_u64(bytes + 56) != 0)
        throw damaged("reserved bytes are not zero");
    if (b < 1 || b > 32) throw damaged("bucket bits " + std::to_string(b) + " not in 1..32");
    const uint64_t buckets = uint64_t{1} << b;
    // Each part fits in the length before the next is sized, so no product overflows.
    uint64_t left = length - kidx_header_bytes;
    if (buckets + 1 > left / 8) throw damaged("shorter than its bucket table");
    left -= 8 * (buckets + 1);
    if (postings > left / 12) throw damaged("shorter than its postings");
    if (left != 12 * postings + padding_after_keys(postings))
        throw damaged("length does not match its " + std::to_string(postings) + " postings");
    index.bases_ = bases;
    index.bucket_bits_ = b;
    try {
        index.bucket_starts_.resize(buckets + 1);
        index.keys_.resize(postings);
        index.postings_.resize(postings);
    } catch (const std::bad_alloc&) {
        throw Error(ErrorKind::resource, where + ": cannot hold a k-mer index of " +
                                             std::to_string(postings) + " postings");
    }
    // Each array read straight into its place (little-endian hosts, as encode writes them).
    reader.read(index.bucket_starts_.data(), 8 * (buckets + 1));
    if (postings > 0) reader.read(index.keys_.data(), 4 * postings);
    unsigned char padding[8] = {};
    reader.read(padding, padding_after_keys(postings));
    if (postings > 0) reader.read(index.postings_.data(), 8 * postings);
    reader.finish();
    for (uint64_t i = 0; i < padding_after_keys(postings); ++i)
        if (padding[i] != 0) throw damaged("padding is not zero");

    if (index.bucket_starts_[0] != 0 || index.bucket_starts_[buckets] != postings)
        throw damaged("bucket table does not span the postings");
    for (uint64_t j = 0; j < buckets; ++j) {
        const uint64_t first = index.bucket_starts_[j], last = index.bucket_starts_[j + 1];
        if (last < first || last > postings) throw damaged("bucket table out of order");
        for (uint64_t i = first + 1; i < last; ++i) {
            const uint32_t previous_key = index.keys_[i - 1], key = index.keys_[i];
            if (key < previous_key ||
                (key == previous_key && index.postings_[i] <= index.postings_[i - 1]))
                throw damaged("postings out of order in bucket " + std::to_string(j));
        }
    }
    for (uint64_t posting : index.postings_)
        if (bases < p.k || posting_position(posting) > bases - p.k)
            throw damaged("a posting lies past the end of the sequences");
    return index;
}

} // namespace ruvec
