// What the index, index file, hits and merge tests share: seeded vectors, indexes built from
// them, files saved to and loaded from memory and compared byte by byte, searches, and the hits
// TSV read back.
#pragma once

#include "ruvec/embed.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/hits.hpp"
#include "ruvec/index.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/io.hpp"
#include "ruvec/vecfile.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace ruvec::test {

// ------------------------------------------------------------------------------------------
// Vectors and indexes

inline EmbedParams embed_params(uint32_t dims) {
    EmbedParams p;
    p.dims = dims;
    finalize_params(p);
    return p;
}

inline GraphParams graph_params(Metric metric, uint32_t M, uint32_t ef_construction) {
    GraphParams g;
    g.metric = metric;
    g.M = M;
    g.ef_construction = ef_construction;
    return g;
}

// Rows of Gaussian values from a fixed seed. std::normal_distribution differs between standard
// libraries, so tests compare the index with itself or with brute force, never with numbers
// recorded elsewhere.
struct Data {
    uint32_t dims;
    std::vector<float> values; // rows x dims
    size_t rows() const { return values.size() / dims; }
    const float* row(size_t i) const { return values.data() + i * dims; }
};

inline Data gaussian(size_t rows, uint32_t dims, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Data d{dims, std::vector<float>(rows * dims)};
    for (float& v : d.values) v = normal(rng);
    return d;
}

// Row i of a data set: `windows` consecutive rows per sequence name, starts increasing.
inline VecRow row_of(size_t i, size_t windows = 1) {
    const uint64_t start = (i % windows) * 100;
    return {"seq" + std::to_string(i / windows), start, start + 150};
}

inline void add_rows(Index& index, const Data& data, size_t first, size_t last,
                     size_t windows = 1) {
    for (size_t i = first; i < last; ++i) index.add(row_of(i, windows), data.row(i));
}

inline Index build(const Data& data, const GraphParams& graph, size_t windows = 1,
                   int threads = 1) {
    Index index(embed_params(data.dims), graph);
    add_rows(index, data, 0, data.rows(), windows);
    index.insert_pending(threads);
    return index;
}

inline std::string save(Index& index) {
    StringSink sink;
    index.save(sink);
    return sink.bytes;
}

inline Index load(const std::string& bytes) {
    MemoryRandomSource source(bytes);
    return Index::load(source, "test.rvx");
}

// A source that can be shared as a file can: the index keeps a handle on the bytes after the
// source is gone, and reads from it.
class SharedSource : public RandomAccessSource {
public:
    explicit SharedSource(const std::string& bytes)
        : bytes_(std::make_shared<std::string>(bytes)) {}
    uint64_t size() const override { return bytes_->size(); }
    void read_at(uint64_t offset, char* buffer, size_t size) const override {
        MemoryRandomSource(*bytes_).read_at(offset, buffer, size);
    }
    std::shared_ptr<const RandomAccessSource> share() const override {
        return std::make_shared<SharedSource>(*this);
    }
    std::string& bytes() { return *bytes_; } // shared with every copy
    const std::string& bytes() const { return *bytes_; }

private:
    std::shared_ptr<std::string> bytes_;
};

// The kind of Error loading `bytes` throws; fails the test if they load. `bytes` is always an
// exact-size copy, so ASan sees any read past the end of a truncated file.
inline ErrorKind load_error(const std::string& bytes, std::string* message = nullptr) {
    try {
        load(bytes);
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.kind();
    }
    FAIL("damaged bytes loaded without an error");
    return ErrorKind::usage;
}

inline std::vector<SearchHit> search(const Index& index, const float* query,
                                     const SearchOptions& o) {
    std::vector<SearchHit> hits;
    index.search(query, o, hits);
    return hits;
}

inline SearchOptions options(size_t top, bool exact, size_t ef = default_search_ef) {
    SearchOptions o;
    o.top = top;
    o.exact = exact;
    o.ef = ef;
    return o;
}

// Bit for bit: searches are deterministic, so a loaded index must answer exactly as the original.
inline bool same_hits(const std::vector<SearchHit>& a, const std::vector<SearchHit>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].row != b[i].row || std::memcmp(&a[i].distance, &b[i].distance, 4) != 0 ||
            std::memcmp(&a[i].similarity, &b[i].similarity, 4) != 0)
            return false;
    return true;
}

// ------------------------------------------------------------------------------------------
// The bytes of a saved file

inline unsigned char* at(std::string& file, uint64_t offset) {
    return reinterpret_cast<unsigned char*>(&file[offset]);
}
inline const unsigned char* at(const std::string& file, uint64_t offset) {
    return reinterpret_cast<const unsigned char*>(file.data() + offset);
}

inline constexpr size_t table_bytes = rvx_plain_section_count * rvx_section_entry_size;
inline constexpr size_t table_end = rvx_header_size + table_bytes + 8; // with the table's checksum

inline RvxSection section_of(const std::string& file, size_t i) {
    return decode_rvx_section(at(file, rvx_header_size + i * rvx_section_entry_size));
}

// A file's sections, and a file rebuilt from a list of them (format 4): what tests of tagged
// sections edit.
struct TaggedSection {
    uint32_t tag;
    uint32_t flags;
    std::string bytes;
};

inline std::vector<TaggedSection> sections_of(const std::string& file) {
    std::vector<TaggedSection> out;
    const RvxHeader h = decode_rvx_header(at(file, 0));
    for (size_t i = 0; i < h.section_count; ++i) {
        const RvxSection s = section_of(file, i);
        out.push_back({s.tag, s.flags, file.substr(s.offset, s.length)});
    }
    return out;
}

// The file `file`'s header (edited by `edit`) over `sections`, laid out and sealed as
// Index::save lays out its own.
inline std::string tagged_file(const std::string& file, const std::vector<TaggedSection>& sections,
                        const std::function<void(RvxHeader&)>& edit = {}) {
    RvxHeader h = decode_rvx_header(at(file, 0));
    h.section_count = static_cast<uint32_t>(sections.size());
    if (edit) edit(h);
    const size_t table = sections.size() * rvx_section_entry_size;
    std::string out(rvx_header_size + table + 8, '\0');
    std::vector<RvxSection> entries;
    for (const TaggedSection& s : sections) {
        out.resize((out.size() + rvx_section_alignment - 1) / rvx_section_alignment *
                   rvx_section_alignment);
        entries.push_back({s.tag, s.flags, out.size(), s.bytes.size(),
                           checksum64(s.bytes.data(), s.bytes.size())});
        out += s.bytes;
    }
    encode_rvx_header(h, at(out, 0));
    for (size_t i = 0; i < entries.size(); ++i)
        encode_rvx_section(entries[i], at(out, rvx_header_size + i * rvx_section_entry_size));
    put_u64(at(out, rvx_header_size + table), checksum64(at(out, rvx_header_size), table));
    return out;
}


// Whether two saved files are equal; when not, says where they first differ (the files are
// binary, so doctest's own printout of them would say nothing).
inline bool same_file(const std::string& a, const std::string& b) {
    if (a == b) return true;
    size_t i = 0;
    while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
    std::string where = i < rvx_header_size ? "header"
                        : i < table_end     ? "section table"
                                            : "padding";
    for (size_t s = 0; s < rvx_plain_section_count; ++s) {
        const RvxSection section = section_of(a, s);
        char tag[12];
        if (i >= section.offset && i < section.offset + section.length)
            where = rvx_tag_name(section.tag, tag);
    }
    MESSAGE("files of " << a.size() << " and " << b.size() << " bytes first differ at byte " << i
                        << " (" << where << ")");
    return false;
}

// ------------------------------------------------------------------------------------------
// Hits TSV

// Reads every query of a TSV text.
inline std::vector<QueryHits> read_all(const std::string& tsv,
                                       const std::string& name = "hits.tsv") {
    MemorySource source(tsv);
    HitsTsvReader reader(source, name);
    std::vector<QueryHits> queries;
    QueryHits q;
    while (reader.next(q)) queries.push_back(q);
    return queries;
}

} // namespace ruvec::test
