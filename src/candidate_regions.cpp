#include "ruvec/candidate_regions.hpp"

#include <algorithm>
#include <cmath>

namespace ruvec {

void find_candidates(const KmerIndex& index, const PackedSequences& sequences,
                     const std::vector<KmerSample>& samples, uint64_t query_length,
                     const CandidateOptions& options, CandidateScratch& scratch,
                     std::vector<CandidateRegion>& regions) {
    regions.clear();
    auto& anchors = scratch.anchors;
    anchors.clear();
    const uint64_t k = index.sampler().k;
    if (query_length < k) return;
    for (uint32_t i = 0; i < samples.size(); ++i) {
        const KmerSample& sample = samples[i];
        const PostingRange found = index.find(sample.hash);
        if (found.size() > options.max_occurrences) continue;
        for (const uint64_t* p = found.begin; p != found.end; ++p) {
            const uint64_t position = posting_position(*p);
            const uint32_t record = sequences.record_at(position);
            const int64_t in_record = static_cast<int64_t>(position - sequences.start(record));
            // The same canonical k-mer on opposite strands: the query's reverse complement
            // matches the record here, its k-mer at query_length - k - position on that strand.
            const bool opposite = posting_reverse(*p) != sample.reverse;
            const int64_t query_position =
                static_cast<int64_t>(opposite ? query_length - k - sample.position : sample.position);
            anchors.push_back({uint64_t{record} << 1 | uint64_t{opposite},
                               in_record - query_position, i});
        }
    }
    std::sort(anchors.begin(), anchors.end(), [](const auto& a, const auto& b) {
        if (a.key != b.key) return a.key < b.key;
        if (a.diagonal != b.diagonal) return a.diagonal < b.diagonal;
        return a.sample < b.sample;
    });
    // Regions: runs of anchors of one record and strand whose diagonals step by at most `band`
    // and span at most the band allowed for the query's length.
    const int64_t step = options.band;
    const int64_t span = static_cast<int64_t>(
        options.band + options.band_per_kbp * static_cast<double>(query_length) / 1000.0);
    auto& seen = scratch.seen;
    seen.assign(samples.size(), 0);
    uint32_t region_number = 0;
    uint32_t best = 0;
    for (size_t first = 0; first < anchors.size();) {
        size_t last = first + 1;
        while (last < anchors.size() && anchors[last].key == anchors[first].key &&
               anchors[last].diagonal - anchors[last - 1].diagonal <= step &&
               anchors[last].diagonal - anchors[first].diagonal <= span)
            ++last;
        ++region_number;
        uint32_t distinct = 0;
        for (size_t a = first; a < last; ++a)
            if (seen[anchors[a].sample] != region_number) {
                seen[anchors[a].sample] = region_number;
                ++distinct;
            }
        const uint32_t record = static_cast<uint32_t>(anchors[first].key >> 1);
        const int64_t length = static_cast<int64_t>(sequences.length(record));
        const int64_t lowest = anchors[first].diagonal, highest = anchors[last - 1].diagonal;
        regions.push_back({record, (anchors[first].key & 1) != 0,
                           static_cast<uint64_t>(std::clamp<int64_t>(lowest, 0, length)),
                           static_cast<uint64_t>(std::clamp<int64_t>(
                               highest + static_cast<int64_t>(query_length), 0, length)),
                           distinct});
        best = std::max(best, distinct);
        first = last;
    }
    const uint32_t floor = std::max<uint32_t>(
        options.min_samples, static_cast<uint32_t>(std::ceil(options.keep_fraction * best)));
    regions.erase(std::remove_if(regions.begin(), regions.end(),
                                 [floor](const CandidateRegion& r) { return r.samples < floor; }),
                  regions.end());
    std::sort(regions.begin(), regions.end(), [](const auto& a, const auto& b) {
        if (a.samples != b.samples) return a.samples > b.samples;
        if (a.record != b.record) return a.record < b.record;
        if (a.reverse != b.reverse) return a.reverse < b.reverse;
        return a.start < b.start;
    });
    if (regions.size() > options.max_regions) regions.resize(options.max_regions);
}

} // namespace ruvec
