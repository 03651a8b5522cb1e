#include "ruvec/packed_sequences.hpp"

#include "ruvec/base_codes.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"

#include <algorithm>
#include <new>

namespace ruvec {

namespace {

constexpr uint64_t seqs_header_bytes = 32;
constexpr char upper_bases[5] = {'A', 'C', 'G', 'T', 'N'};

uint64_t packed_bytes(uint64_t bases) {
    return bases / 4 + (bases % 4 != 0);
}

} // namespace

void PackedSequences::append_code(uint8_t code) {
    const uint64_t position = starts_.back();
    if (position % 4 == 0) packed_.push_back(0);
    packed_.back() = static_cast<uint8_t>(packed_.back() | (code << (2 * (position % 4))));
    ++starts_.back();
}

uint32_t PackedSequences::add(std::string_view bases) {
    if (records() == UINT32_MAX - 1)
        throw Error(ErrorKind::resource, "more than 4294967294 sequences to pack");
    if (bases.size() > packed_max_bases - total_bases())
        throw Error(ErrorKind::resource, "more than 2^40 bases to pack");
    const uint64_t record_start = total_bases();
    // Room for the record, growing geometrically: reserving just enough for each record would
    // copy the whole collection once per record (quadratic: minutes at 1 Gbp).
    const size_t needed = packed_bytes(record_start + bases.size());
    if (needed > packed_.capacity()) packed_.reserve(std::max(needed, 2 * packed_.capacity()));
    // The record's end, starts_.back(), grows as its bases are appended.
    starts_.push_back(record_start);
    for (char base : bases) {
        const uint8_t code = base_code(base);
        if (code > 3) {
            const uint64_t position = starts_.back();
            if (!runs_.empty() && runs_.back().start + runs_.back().length == position &&
                runs_.back().start >= record_start)
                ++runs_.back().length;
            else
                runs_.push_back({position, 1});
        }
        append_code(code > 3 ? 0 : code);
    }
    return records() - 1;
}

uint32_t PackedSequences::record_at(uint64_t position) const {
    // The last record starting at or before `position` that is not empty.
    const auto after = std::upper_bound(starts_.begin(), starts_.end() - 1, position);
    return static_cast<uint32_t>(after - starts_.begin() - 1);
}

void PackedSequences::extract(uint32_t record, uint64_t begin, uint64_t end,
                              std::string& out) const {
    const uint64_t from = starts_[record] + begin, to = starts_[record] + end;
    out.resize(to - from);
    for (uint64_t p = from; p < to; ++p)
        out[p - from] = upper_bases[(packed_[p / 4] >> (2 * (p % 4))) & 3];
    // The N runs overlapping [from, to): the first is the last run starting at or before from,
    // if it reaches it, and the rest start inside.
    auto run = std::upper_bound(runs_.begin(), runs_.end(), from,
                                [](uint64_t p, const NRun& r) { return p < r.start; });
    if (run != runs_.begin() && std::prev(run)->start + std::prev(run)->length > from) --run;
    for (; run != runs_.end() && run->start < to; ++run) {
        const uint64_t a = std::max(run->start, from), b = std::min(run->start + run->length, to);
        std::fill(out.begin() + static_cast<ptrdiff_t>(a - from),
                  out.begin() + static_cast<ptrdiff_t>(b - from), 'N');
    }
}

uint64_t PackedSequences::memory_bytes() const noexcept {
    return packed_.capacity() + starts_.capacity() * sizeof(uint64_t) +
           runs_.capacity() * sizeof(NRun);
}

uint64_t PackedSequences::section_bytes() const noexcept {
    return seqs_header_bytes + 8 * starts_.size() + 16 * runs_.size() + packed_.size();
}

void PackedSequences::encode(ByteSink& out) const {
    unsigned char field[16];
    auto put = [&](uint64_t v) {
        put_u64(field, v);
        out.write(reinterpret_cast<const char*>(field), 8);
    };
    put(records());
    put(total_bases());
    put(runs_.size());
    put(0);
    for (uint64_t s : starts_) put(s);
    for (const NRun& r : runs_) {
        put(r.start);
        put(r.length);
    }
    out.write(reinterpret_cast<const char*>(packed_.data()), packed_.size());
}

PackedSequences PackedSequences::decode(const unsigned char* bytes, uint64_t length,
                                        const std::string& where) {
    SectionReader reader(std::string_view(reinterpret_cast<const char*>(bytes), length));
    return decode(reader, where);
}

PackedSequences PackedSequences::decode(SectionReader& reader, const std::string& where) {
    // A size that does not add up is reported once the checksum is known to be right (finish
    // throws first if it is not).
    auto damaged = [&](const std::string& what) {
        reader.finish();
        return Error(ErrorKind::corrupt, where + ": sequence section: " + what + ": the file is damaged");
    };
    const uint64_t length = reader.length();
    if (length < seqs_header_bytes) throw damaged("shorter than its header");
    unsigned char header[seqs_header_bytes];
    reader.read(header, seqs_header_bytes);
    const uint64_t records = get_u64(header), bases = get_u64(header + 8),
                   runs = get_u64(header + 16);
    if (get_u64(header + 24) != 0) throw damaged("reserved bytes are not zero");
    if (records == 0 || records > UINT32_MAX - 1) throw damaged("record count out of range");
    if (bases > packed_max_bases) throw damaged("base count out of range");
    // Each part fits in the length before the next is sized, so no product overflows.
    uint64_t left = length - seqs_header_bytes;
    if (records + 1 > left / 8) throw damaged("shorter than its record table");
    left -= 8 * (records + 1);
    if (runs > left / 16) throw damaged("shorter than its N runs");
    left -= 16 * runs;
    if (left != packed_bytes(bases))
        throw damaged("holds " + std::to_string(left) + " bytes of bases where " +
                      std::to_string(bases) + " bases need " +
                      std::to_string(packed_bytes(bases)));
    PackedSequences out;
    std::vector<unsigned char> tables; // the record starts and N runs, parsed below
    try {
        tables.resize(8 * (records + 1) + 16 * runs);
        out.starts_.resize(records + 1);
        out.runs_.resize(runs);
        out.packed_.resize(left);
    } catch (const std::bad_alloc&) {
        throw Error(ErrorKind::resource,
                    where + ": cannot hold the sequences of " + std::to_string(bases) + " bases");
    }
    reader.read(tables.data(), tables.size());
    if (left > 0) reader.read(out.packed_.data(), left);
    reader.finish();
    const unsigned char* p = tables.data();
    for (uint64_t r = 0; r <= records; ++r, p += 8) {
        out.starts_[r] = get_u64(p);
        if (r == 0 ? out.starts_[0] != 0 : out.starts_[r] < out.starts_[r - 1])
            throw damaged("record starts are not in order from 0");
    }
    if (out.starts_.back() != bases) throw damaged("the records do not end at the last base");
    uint64_t record = 0, previous_end = 0;
    for (uint64_t i = 0; i < runs; ++i, p += 16) {
        NRun& run = out.runs_[i];
        run = {get_u64(p), get_u64(p + 8)};
        if (run.length == 0 || run.start >= bases || run.length > bases - run.start)
            throw damaged("N run " + std::to_string(i + 1) + " lies outside the bases");
        while (out.starts_[record + 1] <= run.start) ++record;
        if (run.start + run.length > out.starts_[record + 1])
            throw damaged("N run " + std::to_string(i + 1) + " crosses the end of its record");
        const bool same_record = i > 0 && out.runs_[i - 1].start >= out.starts_[record];
        if (i > 0 && (run.start < previous_end || (same_record && run.start == previous_end)))
            throw damaged("N runs out of order or touching");
        previous_end = run.start + run.length;
    }
    // Bits past the last base are 0, and an N is stored as A: the bytes then have one encoding.
    if (bases % 4 != 0 && (out.packed_.back() >> (2 * (bases % 4))) != 0)
        throw damaged("bits past the last base are not zero");
    for (const NRun& run : out.runs_)
        for (uint64_t q = run.start; q < run.start + run.length; ++q)
            if ((out.packed_[q / 4] >> (2 * (q % 4))) & 3)
                throw damaged("an N is not stored as 0");
    return out;
}

} // namespace ruvec
