#include "ruvec/sequence_search.hpp"

#include "ruvec/error.hpp"
#include "thread_index.hpp"

#include <algorithm>
#include <exception>

namespace ruvec {

namespace {

// Records longer than this are sampled in pieces on several threads, where the sampler decides
// each k-mer by its bases alone (syncmers, FracMinHash): a piece holds the k-mers starting in
// it, so the samples are those of the whole record.
constexpr uint64_t piece_bases = uint64_t{1} << 20;

} // namespace

SequenceSearch::SequenceSearch(const SamplerParams& sampler) : sampler_(sampler) {
    check_sampler_params(sampler);
}

SequenceSearch::SequenceSearch(PackedSequences sequences, KmerIndex kmers, const std::string& where)
    : sampler_(kmers.sampler()), sequences_(std::move(sequences)), kmers_(std::move(kmers)) {
    if (kmers_.bases() != sequences_.total_bases())
        throw Error(ErrorKind::corrupt, where + ": the k-mer index is of " +
                                            std::to_string(kmers_.bases()) +
                                            " bases, the sequences hold " +
                                            std::to_string(sequences_.total_bases()) +
                                            ": the file is damaged");
}

uint32_t SequenceSearch::add(std::string_view bases) {
    return sequences_.add(bases);
}

void SequenceSearch::index_records(int threads) {
    threads = std::max(threads, 1);
    struct Piece {
        uint32_t record;
        uint64_t begin, end; // the k-mers starting in [begin, end) of the record
    };
    std::vector<Piece> pieces;
    const bool context_free = sampler_.kind != SamplerKind::minimizer;
    for (uint32_t r = 0; r < sequences_.records(); ++r) {
        const uint64_t length = sequences_.length(r);
        const uint64_t step = context_free ? piece_bases : std::max<uint64_t>(length, 1);
        for (uint64_t begin = 0; begin < length; begin += step)
            pieces.push_back({r, begin, std::min(length, begin + step)});
    }
    std::vector<KmerIndex::Builder> builders(static_cast<size_t>(threads),
                                             KmerIndex::Builder(sampler_));
    std::exception_ptr failure;
    const int64_t count = static_cast<int64_t>(pieces.size());
#pragma omp parallel num_threads(threads)
    {
        std::string bases;
#pragma omp for schedule(dynamic, 1)
        for (int64_t i = 0; i < count; ++i) {
            try {
                const Piece& piece = pieces[static_cast<size_t>(i)];
                const uint64_t end = std::min(sequences_.length(piece.record),
                                              piece.end + sampler_.k - 1);
                sequences_.extract(piece.record, piece.begin, end, bases);
                builders[static_cast<size_t>(thread_index())].add(
                    bases, sequences_.start(piece.record) + piece.begin);
            } catch (...) {
#pragma omp critical(ruvec_sequence_search_failure)
                if (!failure) failure = std::current_exception();
            }
        }
    }
    if (failure) std::rethrow_exception(failure);
    for (size_t t = 1; t < builders.size(); ++t) builders[0].absorb(std::move(builders[t]));
    kmers_ = builders[0].finish(sequences_.total_bases(), threads);
}

void SequenceSearch::search(std::string_view query, const SequenceSearchOptions& options,
                            Scratch& scratch, std::vector<SequenceHit>& hits) const {
    hits.clear();
    scratch.samples.clear();
    sample_kmers(query, sampler_, scratch.samples);
    find_candidates(kmers_, sequences_, scratch.samples, query.size(), options.candidates,
                    scratch.candidates, scratch.regions);
    scratch.kmers.reset();
    if (scratch.regions.empty()) return;
    QueryKmers& kmers = scratch.kmers.emplace(query, sampler_.k, /*canonical=*/true);
    for (const CandidateRegion& region : scratch.regions) {
        const uint64_t start = region.start > options.margin ? region.start - options.margin : 0;
        const uint64_t end =
            std::min(region.end + options.margin, sequences_.length(region.record));
        sequences_.extract(region.record, start, end, scratch.bases);
        const uint64_t shared = kmers.shared_with(scratch.bases);
        if (shared < std::max<uint64_t>(options.min_shared, 1)) continue;
        hits.push_back({region.record, region.reverse, start, end, shared, 0, kmers.identity(shared)});
    }
    // Each region's copies: the regions of its record sharing as many k-mers (itself included).
    std::sort(hits.begin(), hits.end(), [](const SequenceHit& a, const SequenceHit& b) {
        return a.record != b.record ? a.record < b.record : a.shared > b.shared;
    });
    for (size_t first = 0; first < hits.size();) {
        size_t last = first + 1;
        while (last < hits.size() && hits[last].record == hits[first].record &&
               hits[last].shared == hits[first].shared)
            ++last;
        for (size_t i = first; i < last; ++i) hits[i].copies = static_cast<uint32_t>(last - first);
        first = last;
    }
    std::sort(hits.begin(), hits.end(), [](const SequenceHit& a, const SequenceHit& b) {
        if (a.shared != b.shared) return a.shared > b.shared;
        if (a.copies != b.copies) return a.copies > b.copies;
        if (a.record != b.record) return a.record < b.record;
        if (a.reverse != b.reverse) return a.reverse < b.reverse;
        return a.start < b.start;
    });
    if (hits.size() > options.top) hits.resize(options.top);
}

} // namespace ruvec
