// The .rvx file of an index (index_file.cpp, index_format.cpp): files of every format version
// load and save to the same bytes, and the loader refuses every truncated, damaged or crafted
// file with a typed error, without crashing or allocating more than the file can back (run under
// ASan: see the RUVEC_SANITIZE build).
#include "index_test_support.hpp"
#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/index.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/io.hpp"
#include "ruvec/vecfile.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

// ------------------------------------------------------------------------------------------
// The bytes of a saved file

enum Section { prov_section, names_section, rows_section, vectors_section, graph_section };

// Rewrites checksums after a test has edited a file, so that only the check under test can
// refuse it (as test_vecfile.cpp's crafted blocks).
void reseal_table(std::string& file) {
    put_u64(at(file, rvx_header_size + table_bytes),
            checksum64(at(file, rvx_header_size), table_bytes));
}

void reseal_section(std::string& file, size_t i) {
    const RvxSection s = section_of(file, i);
    put_u64(at(file, rvx_header_size + i * rvx_section_entry_size + 24),
            checksum64(at(file, s.offset), s.length));
    reseal_table(file);
}

void reseal_header(std::string& file) {
    put_u64(at(file, 248), checksum64(file.data(), 248));
}

// Edits header fields through decode/encode, which recomputes the header checksum.
std::string with_header(const std::string& file, const std::function<void(RvxHeader&)>& edit) {
    std::string out = file;
    RvxHeader h = decode_rvx_header(at(out, 0));
    edit(h);
    encode_rvx_header(h, at(out, 0));
    return out;
}

// Offsets inside the GRPH section, following the layout in index_format.hpp.
struct GraphLayout {
    uint64_t base; // offset of the section in the file
    uint64_t rows; // N
    uint64_t M;    // links per upper list
    std::vector<uint8_t> levels;

    explicit GraphLayout(const std::string& file) {
        const RvxHeader h = decode_rvx_header(at(file, 0));
        base = section_of(file, graph_section).offset;
        rows = h.rows;
        M = h.M;
        levels.assign(at(file, base + rows * list0()), at(file, base + rows * list0()) + rows);
    }
    uint64_t list0() const { return 4 + 8 * M; }
    uint64_t list_upper() const { return 4 + 4 * M; }
    uint64_t level0(uint64_t row) const { return base + row * list0(); }
    uint64_t level_byte(uint64_t row) const { return base + rows * list0() + row; }
    uint64_t upper(uint64_t row, uint32_t level) const {
        uint64_t offset = base + rows * (list0() + 1);
        for (uint64_t r = 0; r < row; ++r) offset += levels[r] * list_upper();
        return offset + (level - 1) * list_upper();
    }
};

uint32_t list_count(const std::string& file, uint64_t list) {
    return at(file, list)[0] | static_cast<uint32_t>(at(file, list)[1]) << 8;
}
void set_list_count(std::string& file, uint64_t list, uint32_t count) {
    at(file, list)[0] = static_cast<unsigned char>(count);
    at(file, list)[1] = static_cast<unsigned char>(count >> 8);
}

// A small index for the exhaustive corruption loops: 60 rows of 8 dims in 30 names of two
// windows, M 4 (so a quarter of the rows reach level 1 and there are upper lists to damage),
// one name deleted and a provenance line, so every section and flag is present.
constexpr uint32_t small_dims = 8;
constexpr size_t small_rows = 60;

const Data& small_data() {
    static const Data data = gaussian(small_rows, small_dims, 7);
    return data;
}

const std::string& small_file() {
    static const std::string file = [] {
        Index index = build(small_data(), graph_params(Metric::cosine, 4, 32), 2);
        index.add_provenance("ruvec 0.1.0\tindex -M 4 test.rvec");
        std::vector<std::string> missing;
        index.remove({"seq3"}, &missing);
        return save(index);
    }();
    return file;
}

// What the small index answers, to compare damaged files that still load.
std::vector<std::vector<SearchHit>> small_answers(const Index& index) {
    const Data queries = gaussian(8, small_dims, 99);
    std::vector<std::vector<SearchHit>> answers;
    for (size_t q = 0; q < queries.rows(); ++q) {
        answers.push_back(search(index, queries.row(q), options(10, false)));
        answers.push_back(search(index, queries.row(q), options(10, true)));
    }
    return answers;
}

bool same_answers(const std::vector<std::vector<SearchHit>>& a,
                  const std::vector<std::vector<SearchHit>>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!same_hits(a[i], b[i])) return false;
    return true;
}

} // namespace

// ------------------------------------------------------------------------------------------
// Format versions

TEST_CASE("index_file: the format 1 index in test-data still loads and saves to the same bytes") {
    // Written by ruvec 0.1.0 (test-data/README.md): a reader that changes how it reads format 1
    // breaks here, before users' indexes break.
    std::ifstream in(RUVEC_TEST_DATA "/formats/genomes-v1.rvx", std::ios::binary);
    REQUIRE(in);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(file.size() == 24292);
    Index index = load(file);
    CHECK(index.rows() == 20);
    CHECK(index.names() == 4);
    CHECK(index.deleted_rows() == 0);
    CHECK(index.embed_params().k == 21);
    CHECK(index.embed_params().dims == 256);
    CHECK(index.embed_params().window == 2000);
    CHECK(index.embed_params().step == 2000);
    CHECK(index.embed_params().hash_seed == default_hash_seed);
    CHECK(index.graph_params().metric == Metric::cosine);
    CHECK(index.graph_params().M == 16);
    CHECK(index.graph_params().ef_construction == 200);
    CHECK(index.provenance().rfind("ruvec 0.1.0\t", 0) == 0);
    CHECK(index.row_name(0) == "phage_phiX174.1");
    CHECK(index.row_window(1).start == 2000);
    CHECK(index.graph_stats().unreachable_rows == 0);
    for (uint32_t r = 0; r < index.rows(); ++r) {
        const auto hits = search(index, index.row_vector(r), options(1, false));
        REQUIRE(hits.size() == 1);
        CHECK(hits[0].row == r);
    }
    // Saved again, it is format 4: the same sections at the same offsets, and a header and
    // table that differ only in the version, the provenance's optional flag and the checksums.
    const std::string again = save(index);
    REQUIRE(again.size() == file.size());
    CHECK(again.substr(table_end) == file.substr(table_end));
    std::vector<size_t> differ;
    for (size_t i = 0; i < table_end; ++i)
        if (again[i] != file[i]) differ.push_back(i);
    for (size_t i : differ) {
        CAPTURE(i);
        const bool version = i >= 8 && i < 12, header_sum = i >= 248 && i < 256;
        const bool prov_flags = i >= rvx_header_size + 4 && i < rvx_header_size + 8;
        const bool table_sum = i >= rvx_header_size + table_bytes;
        CHECK((version || header_sum || prov_flags || table_sum));
    }
    CHECK(decode_rvx_header(at(again, 0)).version == rvx_format_version);
    Index reloaded = load(again);
    CHECK(same_file(save(reloaded), again));
}

TEST_CASE("index_file: every index is saved as format 4, a shard with its shard fields") {
    Index index = build(small_data(), graph_params(Metric::cosine, 4, 32), 2);
    const std::string plain = save(index);
    CHECK(decode_rvx_header(at(plain, 0)).version == rvx_format_version);
    CHECK(load(plain).shard().shard == 0);
    CHECK_THROWS_AS(index.set_shard({3, 2, 0, 1, 5}), Error);
    CHECK_THROWS_AS(index.set_shard({1, 2, 4, 2, 5}), Error);
    index.set_shard({2, 4, 7, 3, 20});
    const std::string sharded = save(index);
    CHECK(decode_rvx_header(at(sharded, 0)).version == rvx_format_version);
    Index loaded = load(sharded);
    const ShardInfo& shard = loaded.shard();
    CHECK(shard.shard == 2);
    CHECK(shard.count == 4);
    CHECK(shard.first_record == 7);
    CHECK(shard.records == 3);
    CHECK(shard.total_records == 20);
    CHECK(same_file(save(loaded), sharded));
    // Only the header differs from the file of the same index that is not a shard.
    CHECK(sharded.substr(rvx_header_size) == plain.substr(rvx_header_size));
    // A quantized shard keeps both, and its sections say it is quantized.
    QuantParams q;
    q.kind = QuantKind::sq8;
    loaded.quantize(q, 1);
    const std::string quantized_file = save(loaded);
    Index quantized = load(quantized_file);
    CHECK(decode_rvx_header(at(quantized_file, 0)).section_count == rvx_plain_section_count + 2);
    CHECK(quantized.quantizer() != nullptr);
    CHECK(quantized.shard().first_record == 7);
    CHECK(same_file(save(quantized), quantized_file));
}

TEST_CASE("index_file: the section table flags provenance optional and the rest critical") {
    const std::string& file = small_file();
    for (size_t i = 0; i < rvx_plain_section_count; ++i) {
        const RvxSection s = section_of(file, i);
        CHECK(s.flags == (s.tag == rvx_tag_provenance ? rvx_section_optional : 0u));
        CHECK(rvx_tag_known(s.tag));
    }
    CHECK_FALSE(rvx_tag_known(rvx_tag("KMER")));
    char name[12];
    CHECK(std::string(rvx_tag_name(rvx_tag("Km2b"), name)) == "Km2b");
    CHECK(std::string(rvx_tag_name(0x00414141u, name)) == "0x00414141");
    CHECK(rvx_section_title(rvx_tag_vectors) == "vectors");
    CHECK(rvx_section_title(rvx_tag("KMER")) == "'KMER'");
}

// ------------------------------------------------------------------------------------------
// Tagged sections (format 4): a file rebuilt from a list of sections


TEST_CASE("index_file: the section rebuilder gives back the file it took apart") {
    CHECK(same_file(tagged_file(small_file(), sections_of(small_file())), small_file()));
}

TEST_CASE("index_file: unknown optional sections are skipped, unknown critical ones refused") {
    const std::string& file = small_file();
    const auto answers = small_answers(load(file));
    const TaggedSection note{rvx_tag("NOTE"), rvx_section_optional, std::string(100, 'x')};
    const TaggedSection kmers{rvx_tag("KMER"), 0, std::string(100, 'k')};

    // An optional section this ruvec does not know, anywhere in the table, is skipped; saving
    // the index again drops it.
    for (size_t at_index : {size_t{0}, size_t{2}, size_t{5}}) {
        CAPTURE(at_index);
        std::vector<TaggedSection> sections = sections_of(file);
        sections.insert(sections.begin() + static_cast<std::ptrdiff_t>(at_index), note);
        Index loaded = load(tagged_file(file, sections));
        CHECK(same_answers(small_answers(loaded), answers));
        CHECK(same_file(save(loaded), file));
    }
    // An empty one too, and many (up to the table's limit).
    {
        std::vector<TaggedSection> sections = sections_of(file);
        while (sections.size() < rvx_max_sections)
            sections.push_back({rvx_tag("NOTE"), rvx_section_optional, ""});
        CHECK(same_answers(small_answers(load(tagged_file(file, sections))), answers));
        sections.push_back({rvx_tag("NOTE"), rvx_section_optional, ""});
        std::string message;
        CHECK(load_error(tagged_file(file, sections), &message) == ErrorKind::corrupt);
        CHECK(message.find("section count 65") != std::string::npos);
    }
    // A critical one is refused, naming it, as a file this ruvec cannot read (not damage).
    {
        std::vector<TaggedSection> sections = sections_of(file);
        sections.push_back(kmers);
        std::string message;
        CHECK(load_error(tagged_file(file, sections), &message) == ErrorKind::format);
        CHECK(message ==
              "test.rvx: needs section 'KMER', which this ruvec does not know: upgrade ruvec");
        // Damage is still told apart: the section must lie in the file and match its checksum
        // before the loader says anything about what the file needs.
        std::string bad = tagged_file(file, sections);
        bad.pop_back();
        CHECK(load_error(bad) == ErrorKind::corrupt);
    }
    // Provenance is optional: a file without it loads, with none.
    {
        std::vector<TaggedSection> sections = sections_of(file);
        REQUIRE(sections[0].tag == rvx_tag_provenance);
        sections.erase(sections.begin());
        Index loaded = load(tagged_file(file, sections));
        CHECK(loaded.provenance().empty());
        CHECK(same_answers(small_answers(loaded), answers));
    }
}

TEST_CASE("index_file: a format 4 file's sections must agree with its header") {
    const std::string& file = small_file();
    const auto refused = [&](const std::vector<TaggedSection>& sections,
                             const std::function<void(RvxHeader&)>& edit = {}) {
        std::string message;
        CHECK(load_error(tagged_file(file, sections, edit), &message) == ErrorKind::corrupt);
        CHECK(message.find("damaged") != std::string::npos);
        return message;
    };
    const std::vector<TaggedSection> plain = sections_of(file);
    auto without = [&](uint32_t tag) {
        std::vector<TaggedSection> out;
        for (const TaggedSection& s : plain)
            if (s.tag != tag) out.push_back(s);
        return out;
    };
    for (uint32_t tag : {rvx_tag_names, rvx_tag_rows, rvx_tag_graph}) {
        char name[12];
        CHECK(refused(without(tag)).find(std::string("'") + rvx_tag_name(tag, name) +
                                         "' is missing") != std::string::npos);
    }
    CHECK(refused(without(rvx_tag_vectors)).find("'VECT' is missing") != std::string::npos);
    std::vector<TaggedSection> twice = plain;
    twice.push_back(plain[1]);
    CHECK(refused(twice).find("appears twice") != std::string::npos);

    // A quantized index: QPAR and QCOD both, with the header's quantization, and VECT exactly
    // when the float vectors were kept.
    Index index = load(file);
    QuantParams q;
    q.kind = QuantKind::sq8;
    index.quantize(q, 1);
    const std::string quantized_file = save(index);
    const std::vector<TaggedSection> quantized = sections_of(quantized_file);
    REQUIRE(quantized.size() == 7);
    REQUIRE(quantized[5].tag == rvx_tag_quantizer);
    REQUIRE(quantized[6].tag == rvx_tag_codes);
    CHECK(load(tagged_file(quantized_file, quantized)).quantizer() != nullptr);
    const auto refused_quantized = [&](std::vector<TaggedSection> sections,
                                       const std::function<void(RvxHeader&)>& edit = {}) {
        std::string message;
        CHECK(load_error(tagged_file(quantized_file, sections, edit), &message) ==
              ErrorKind::corrupt);
        return message;
    };
    CHECK(refused_quantized({quantized.begin(), quantized.end() - 1}).find("QCOD") !=
          std::string::npos); // QPAR without QCOD
    std::vector<TaggedSection> codes_only = quantized;
    codes_only.erase(codes_only.begin() + 5);
    CHECK(refused_quantized(codes_only).find("QPAR") != std::string::npos);
    // The header says unquantized, the sections say quantized.
    CHECK(refused_quantized(quantized, [](RvxHeader& h) { h.quantization = 0; })
              .find("not quantized") != std::string::npos);
    // Float vectors dropped in the header, VECT still there; and VECT gone with the flag unset.
    CHECK(refused_quantized(quantized, [](RvxHeader& h) { h.quant_flags = rvx_floats_dropped; })
              .find("dropped") != std::string::npos);
    std::vector<TaggedSection> no_vectors = quantized;
    no_vectors.erase(no_vectors.begin() + 3);
    REQUIRE(no_vectors[2].tag == rvx_tag_rows);
    CHECK(refused_quantized(no_vectors).find("'VECT' is missing") != std::string::npos);
    Index dropped = load(tagged_file(quantized_file, no_vectors,
                                     [](RvxHeader& h) { h.quant_flags = rvx_floats_dropped; }));
    CHECK_FALSE(dropped.has_float_vectors());
}

// ------------------------------------------------------------------------------------------
// Damaged files

TEST_CASE("index_file: the small corruption fixture is what the loops below assume") {
    const std::string& file = small_file();
    Index back = load(file);
    CHECK(back.rows() == small_rows);
    CHECK(back.deleted_rows() == 2);
    const RvxHeader h = decode_rvx_header(at(file, 0));
    CHECK(h.max_level >= 1); // upper lists exist
    uint64_t end = table_end;
    uint32_t tags[rvx_known_sections];
    REQUIRE(rvx_sections(RvxContent{}, tags) == rvx_plain_section_count);
    for (size_t i = 0; i < rvx_plain_section_count; ++i) {
        const RvxSection s = section_of(file, i);
        CHECK(s.tag == tags[i]);
        CHECK(s.offset % rvx_section_alignment == 0);
        CHECK(s.offset >= end);
        CHECK(s.length > 0);
        end = s.offset + s.length;
    }
    CHECK(end == file.size());
    // The resealing helpers change nothing on their own.
    std::string resealed = file;
    for (size_t i = 0; i < rvx_plain_section_count; ++i) reseal_section(resealed, i);
    reseal_header(resealed);
    CHECK(same_file(resealed, file));
    CHECK(same_file(with_header(file, [](RvxHeader&) {}), file));
}

TEST_CASE("index_file: a truncated or extended index is refused") {
    const std::string& file = small_file();
    std::set<size_t> lengths;
    for (size_t n = 0; n < std::min<size_t>(600, file.size()); ++n) lengths.insert(n);
    for (size_t n = 600; n < file.size(); n += 37) lengths.insert(n);
    for (size_t n : {size_t{8}, size_t{12}, rvx_header_size, rvx_header_size + table_bytes,
                     table_end, file.size() - 1})
        lengths.insert(n);
    for (size_t i = 0; i < rvx_plain_section_count; ++i) {
        const RvxSection s = section_of(file, i);
        for (uint64_t n :
             {s.offset - 1, s.offset, s.offset + 1, s.offset + s.length - 1, s.offset + s.length})
            if (n < file.size()) lengths.insert(n);
    }
    for (size_t n : lengths) {
        CAPTURE(n);
        std::string message;
        const ErrorKind kind = load_error(file.substr(0, n), &message);
        // Too short to hold the magic: not an index. Past it: an index, damaged.
        CHECK(kind == (n < 8 ? ErrorKind::format : ErrorKind::corrupt));
        CHECK(message.rfind("test.rvx: ", 0) == 0);
    }
    std::string message;
    CHECK(load_error("", &message) == ErrorKind::format);
    CHECK(message.find("empty") != std::string::npos);
    CHECK(load_error(file.substr(0, 3)) == ErrorKind::format);
    CHECK(load_error(file + '\0') == ErrorKind::corrupt);
    CHECK(load_error(file + std::string(64, '\0'), &message) == ErrorKind::corrupt);
    CHECK(message.find("follow the last section") != std::string::npos);
}

TEST_CASE("index_file: an index with any byte changed is refused or answers as before") {
    const std::string& file = small_file();
    const auto answers = small_answers(load(file));
    // Padding between sections is the only part no checksum covers.
    std::vector<bool> padding(file.size(), false);
    uint64_t end = table_end;
    for (size_t i = 0; i < rvx_plain_section_count; ++i) {
        const RvxSection s = section_of(file, i);
        for (uint64_t p = end; p < s.offset; ++p) padding[p] = true;
        end = s.offset + s.length;
    }
    // Both flips where fields are parsed (header, table, padding, section edges); one, of
    // either kind, inside sections, where only the checksum can tell (keeps ASan runs short).
    std::vector<bool> edge(file.size(), false);
    for (size_t i = 0; i < table_end; ++i) edge[i] = true;
    for (size_t s = 0; s < rvx_plain_section_count; ++s) {
        const RvxSection section = section_of(file, s);
        for (uint64_t i = 0; i < section.length; ++i)
            if (i < 64 || section.length - i <= 64) edge[section.offset + i] = true;
    }
    size_t accepted = 0;
    for (size_t i = 0; i < file.size(); ++i) {
        for (unsigned char flip : {0x01, 0xFF}) {
            if (!edge[i] && !padding[i] && flip != (i % 2 ? 0xFF : 0x01)) continue;
            CAPTURE(i);
            CAPTURE(static_cast<int>(flip));
            std::string bad = file;
            bad[i] = static_cast<char>(bad[i] ^ flip);
            try {
                Index loaded = load(bad);
                CHECK(padding[i]);
                CHECK(same_answers(small_answers(loaded), answers));
                ++accepted;
            } catch (const Error& e) {
                // The magic and the version say "not this format"; every other byte is damage.
                CHECK(e.kind() == (i < 12 ? ErrorKind::format : ErrorKind::corrupt));
            }
        }
    }
    // Flips of padding bytes do load: the loader does not check that padding is zero.
    MESSAGE("byte changes accepted (all in padding): " << accepted);
}

TEST_CASE("index_file: magic and version errors say what the file is") {
    const std::string& file = small_file();
    std::string message;
    std::string other = file;
    other[1] = 'X';
    CHECK(load_error(other, &message) == ErrorKind::format);
    CHECK(message == "test.rvx: not a ruvec index (.rvx)");
    CHECK(load_error(std::string(300, 'A'), &message) == ErrorKind::format);
    CHECK(message.find("not a ruvec index") != std::string::npos);

    std::string rvec = file;
    std::memcpy(&rvec[0], rvec_magic, 8);
    CHECK(load_error(rvec, &message) == ErrorKind::format);
    CHECK(message.find(".rvec") != std::string::npos);
    CHECK(load_error(std::string(rvec_magic, 8), &message) == ErrorKind::format);
    CHECK(message.find(".rvec") != std::string::npos);

    std::string older = file;
    put_u32(at(older, 8), 0);
    reseal_header(older);
    CHECK(load_error(older, &message) == ErrorKind::format);
    CHECK(message.find("older") != std::string::npos);
    CHECK(message.find("rebuild") != std::string::npos);
    std::string newer = file;
    put_u32(at(newer, 8), rvx_format_version + 1);
    reseal_header(newer);
    CHECK(load_error(newer, &message) == ErrorKind::format);
    CHECK(message.find("newer") != std::string::npos);
    CHECK(message.find("upgrade") != std::string::npos);

    std::string damaged = file;
    damaged[60] ^= 1;
    CHECK(load_error(damaged, &message) == ErrorKind::corrupt);
    CHECK(message == "test.rvx: header checksum mismatch: the file is damaged");
}

TEST_CASE("index_file: crafted header counts are refused before anything is allocated") {
    // Every checksum is right, so only the range checks stand between these counts and
    // allocations of terabytes (the ASan build aborts on those instead of returning null).
    const std::string& file = small_file();
    const RvxHeader h = decode_rvx_header(at(file, 0));
    const auto refused = [&](const std::function<void(RvxHeader&)>& edit) {
        std::string message;
        CHECK(load_error(with_header(file, edit), &message) == ErrorKind::corrupt);
        CHECK(message.find("damaged") != std::string::npos);
        return message;
    };
    CHECK(refused([](RvxHeader& x) { x.rows = uint64_t{1} << 40; }).find("row count") !=
          std::string::npos);
    refused([](RvxHeader& x) { x.rows = (uint64_t{1} << 32) + 5; });
    refused([](RvxHeader& x) { x.rows = rvx_max_rows; });
    refused([](RvxHeader& x) { x.rows = rvx_max_rows + 1; });
    refused([](RvxHeader& x) { x.rows = 0; });
    refused([&](RvxHeader& x) { x.rows = h.rows + 1; });
    refused([&](RvxHeader& x) { x.rows = h.rows - 1; });
    refused([](RvxHeader& x) { x.names = x.rows + 1; });
    refused([](RvxHeader& x) { x.names = 0; });
    refused([&](RvxHeader& x) { x.names = h.names - 1; });
    refused([](RvxHeader& x) { x.deleted_rows = x.rows + 1; });
    refused([&](RvxHeader& x) { x.deleted_rows = h.deleted_rows + 1; });
    refused([](RvxHeader& x) { x.dims = 65536; });
    refused([](RvxHeader& x) { x.dims = 16; });
    refused([](RvxHeader& x) { x.dims = 7; });
    refused([](RvxHeader& x) { x.dims = 0xFFFFFFFF; });
    CHECK(refused([](RvxHeader& x) { x.M = 1; }).find("-M") != std::string::npos);
    refused([](RvxHeader& x) { x.M = 100000; });
    refused([](RvxHeader& x) { x.M = 5; });   // a valid M that does not fit the graph section
    refused([](RvxHeader& x) { x.M = 512; }); // ditto, and list sizes of 4 KB per row
    refused([](RvxHeader& x) { x.ef_construction = 0; });
    refused([](RvxHeader& x) { x.max_level = 200; });
    refused([](RvxHeader& x) { x.max_level = rvx_max_level + 1; });
    refused([&](RvxHeader& x) { x.max_level = h.max_level + 1; });
    refused([&](RvxHeader& x) { x.max_level = h.max_level - 1; });
    refused([](RvxHeader& x) { x.entry_point = static_cast<uint32_t>(x.rows); });
    refused([](RvxHeader& x) { x.entry_point = 0xFFFFFFFF; });
    refused([](RvxHeader& x) { x.section_count = 6; });
    refused([](RvxHeader& x) { x.vector_type = 2; });
    refused([](RvxHeader& x) { x.header_size = 255; });
    refused([](RvxHeader& x) { x.reserved[95] = 1; });
    refused([](RvxHeader& x) { x.zero0[1] = 1; });
    refused([](RvxHeader& x) { x.zero1 = 1; });
    // Shard fields: all zero when the file is not a shard, and only a shard that exists.
    refused([](RvxHeader& x) { x.shard = x.shard_count = 1; });
    CHECK(refused([](RvxHeader& x) { x.total_records = 5; }).find("not a shard") !=
          std::string::npos);
    const auto shard3 = [](RvxHeader& x) {
        x.shard = 2;
        x.shard_count = 3;
        x.shard_first_record = 10;
        x.shard_records = 5;
        x.total_records = 20;
    };
    CHECK(load(with_header(file, shard3)).shard().first_record == 10); // the fields as written
    CHECK(refused([&](RvxHeader& x) {
              shard3(x);
              x.shard = 0;
          }).find("shard") != std::string::npos);
    refused([&](RvxHeader& x) {
        shard3(x);
        x.shard = 4;
    });
    refused([&](RvxHeader& x) {
        shard3(x);
        x.shard_records = 0;
    });
    refused([&](RvxHeader& x) {
        shard3(x);
        x.shard_first_record = 16;
    });
    refused([&](RvxHeader& x) {
        shard3(x);
        x.shard_first_record = UINT64_MAX;
    });
    CHECK(refused([](RvxHeader& x) { x.quantization = 1; }).find("QPAR") !=
          std::string::npos); // quantized without the sections
    refused([](RvxHeader& x) { x.quant_flags = rvx_floats_dropped; });
    refused([](RvxHeader& x) { x.version = 2; }); // format 2 without a quantization
    refused([](RvxHeader& x) { x.version = 1; }); // format 1 with flagged sections
    refused([](RvxHeader& x) { x.metric = 3; });
    refused([](RvxHeader& x) { x.weight = 9; });
    refused([](RvxHeader& x) { x.canonical = 2; });
    refused([](RvxHeader& x) { x.exact = 2; });
    refused([](RvxHeader& x) { x.k = 0; });
    refused([](RvxHeader& x) { x.k = 32; });
    refused([](RvxHeader& x) { x.step = 10; }); // a step without a window
}

TEST_CASE("index_file: a crafted section table is refused") {
    const std::string& file = small_file();
    const auto refused = [&](const std::function<void(RvxSection*)>& edit) {
        std::string bad = file;
        RvxSection s[rvx_plain_section_count];
        for (size_t i = 0; i < rvx_plain_section_count; ++i) s[i] = section_of(bad, i);
        edit(s);
        for (size_t i = 0; i < rvx_plain_section_count; ++i)
            encode_rvx_section(s[i], at(bad, rvx_header_size + i * rvx_section_entry_size));
        reseal_table(bad);
        std::string message;
        CHECK(load_error(bad, &message) == ErrorKind::corrupt);
        return message;
    };
    // Format 4 does not fix the order of the sections, but each has the length its content needs.
    CHECK(refused([](RvxSection* s) { std::swap(s[1].tag, s[2].tag); }).find("rows section") !=
          std::string::npos);
    CHECK(refused([](RvxSection* s) { s[2].tag = rvx_tag_names; }).find("twice") !=
          std::string::npos);
    CHECK(refused([](RvxSection* s) { s[0].flags = 0; }).find("not marked optional") !=
          std::string::npos);
    CHECK(refused([](RvxSection* s) { s[1].flags = rvx_section_optional; })
              .find("marked optional") != std::string::npos);
    CHECK(refused([](RvxSection* s) { s[1].flags = 2; }).find("unknown flags") !=
          std::string::npos);
    refused([](RvxSection* s) { s[4].flags = 0x80000000u; });
    refused([](RvxSection* s) { s[1].offset += 1; });
    refused([](RvxSection* s) { s[2].offset -= 64; }); // overlaps the names
    refused([](RvxSection* s) { s[0].offset = 0; });   // overlaps the header
    refused([](RvxSection* s) { s[4].length += 1; });
    refused([](RvxSection* s) { s[4].length -= 1; });
    refused([](RvxSection* s) { s[3].length = ~uint64_t{0}; });
    refused([](RvxSection* s) { s[3].offset = ~uint64_t{0} - 63; });
    refused([](RvxSection* s) { s[2].checksum ^= 1; });
    refused([](RvxSection* s) { s[0].length = 0; }); // then bytes lie between sections
}

TEST_CASE("index_file: crafted graph links are refused before any search follows them") {
    const std::string& file = small_file();
    const GraphLayout g(file);
    const RvxHeader h = decode_rvx_header(at(file, 0));
    const auto refused = [&](const std::function<void(std::string&)>& edit) {
        std::string bad = file;
        edit(bad);
        reseal_section(bad, graph_section);
        std::string message;
        CHECK(load_error(bad, &message) == ErrorKind::corrupt);
        return message;
    };
    const uint64_t n = g.rows;
    const uint64_t list = g.level0(5);
    REQUIRE(list_count(file, list) >= 1);
    REQUIRE(list_count(file, list) < 2 * g.M);
    const auto link = [](uint64_t list, uint32_t i) { return list + 4 + 4 * uint64_t{i}; };

    CHECK(refused([&](std::string& f) { put_u32(at(f, link(list, 0)), n); }).find("links to") !=
          std::string::npos);
    refused([&](std::string& f) { put_u32(at(f, link(list, 0)), 0xFFFFFFFF); });
    refused([&](std::string& f) { put_u32(at(f, link(list, 0)), 5); }); // to itself
    refused([&](std::string& f) { set_list_count(f, list, 2 * g.M + 1); });
    refused([&](std::string& f) { set_list_count(f, list, 0xFFFF); });
    refused([&](std::string& f) { at(f, list)[2] = 1; }); // hnswlib's delete mark
    refused([&](std::string& f) { at(f, list)[3] = 1; });

    // A row with upper lists, and a level-0 row for its level-1 list to point at.
    uint64_t upper_row = n, low_row = n;
    for (uint64_t r = 0; r < n; ++r) {
        if (g.levels[r] >= 1 && upper_row == n && list_count(file, g.upper(r, 1)) >= 1)
            upper_row = r;
        if (g.levels[r] == 0 && low_row == n) low_row = r;
    }
    REQUIRE(upper_row < n);
    REQUIRE(low_row < n);
    const uint64_t upper = g.upper(upper_row, 1);
    refused([&](std::string& f) { put_u32(at(f, link(upper, 0)), low_row); });
    refused([&](std::string& f) { put_u32(at(f, link(upper, 0)), n); });
    refused([&](std::string& f) { put_u32(at(f, link(upper, 0)), upper_row); });
    refused([&](std::string& f) { set_list_count(f, upper, g.M + 1); });
    refused([&](std::string& f) { at(f, upper)[2] = 1; });

    // Levels: above the top level, or an entry point below it.
    refused([&](std::string& f) { at(f, g.level_byte(low_row))[0] = h.max_level + 1; });
    refused([&](std::string& f) { at(f, g.level_byte(low_row))[0] = 0xFF; });
    refused([&](std::string& f) { at(f, g.level_byte(h.entry_point))[0] = 0; });
    // A valid level whose upper lists the section does not hold.
    refused([&](std::string& f) { at(f, g.level_byte(low_row))[0] = 1; });

    // Slots past a list's count are unused: garbage there loads and changes no answer.
    std::string unused = file;
    put_u32(at(unused, link(list, list_count(file, list))), 0xFFFFFFFF);
    reseal_section(unused, graph_section);
    CHECK(same_answers(small_answers(load(unused)), small_answers(load(file))));
}

TEST_CASE("index_file: crafted rows, names and vectors are refused") {
    const std::string& file = small_file();
    const auto refused = [&](size_t section, const std::function<void(std::string&)>& edit) {
        std::string bad = file;
        edit(bad);
        reseal_section(bad, section);
        std::string message;
        CHECK(load_error(bad, &message) == ErrorKind::corrupt);
        return message;
    };
    const uint64_t rows = section_of(file, rows_section).offset;
    const RvxHeader h = decode_rvx_header(at(file, 0));
    CHECK(refused(rows_section, [&](std::string& f) {
              put_u32(at(f, rows + 5 * rvx_row_size + 16), static_cast<uint32_t>(h.names));
          }).find("row 5") != std::string::npos);
    refused(rows_section, [&](std::string& f) { put_u32(at(f, rows + 16), 0xFFFFFFFF); });
    refused(rows_section, [&](std::string& f) {
        put_u64(at(f, rows + 9 * rvx_row_size), get_u64(at(f, rows + 9 * rvx_row_size + 8)) + 1);
    });
    refused(rows_section, [&](std::string& f) { put_u32(at(f, rows + 20), 2); });
    refused(rows_section, [&](std::string& f) { put_u32(at(f, rows + 20), 0x80000001u); });
    // A deletion the header does not count.
    refused(rows_section, [&](std::string& f) { put_u32(at(f, rows + 20), 1); });
    {
        // ... and the same deletion counted: a valid file, in which row 0 is gone.
        std::string deleted = file;
        put_u32(at(deleted, rows + 20), 1);
        reseal_section(deleted, rows_section);
        deleted = with_header(deleted, [](RvxHeader& x) { ++x.deleted_rows; });
        Index back = load(deleted);
        CHECK(back.row_deleted(0));
        CHECK(back.deleted_rows() == 3);
        for (bool exact : {true, false})
            for (const SearchHit& hit : search(back, small_data().row(0), options(10, exact)))
                CHECK(hit.row != 0);
    }

    const RvxSection names = section_of(file, names_section);
    const std::string stored = file.substr(names.offset, names.length);
    const size_t seq2 = stored.find(std::string("seq2\0", 5));
    REQUIRE(seq2 != std::string::npos);
    CHECK(refused(names_section, [&](std::string& f) {
              f[names.offset + seq2 + 3] = '1';
          }).find("repeats") != std::string::npos);
    refused(names_section, [&](std::string& f) { f[names.offset] = '\0'; }); // an empty name
    refused(names_section, [&](std::string& f) { f[names.offset + names.length - 1] = 'x'; });
    refused(names_section, [&](std::string& f) { f[names.offset + seq2 + 4] = 'x'; });  // one less
    refused(names_section, [&](std::string& f) { f[names.offset + seq2 + 2] = '\0'; }); // one more

    const uint64_t vectors = section_of(file, vectors_section).offset;
    CHECK(refused(vectors_section, [&](std::string& f) {
              put_f32(at(f, vectors + 4 * 13), std::numeric_limits<float>::quiet_NaN());
          }).find("not finite") != std::string::npos);
    refused(vectors_section, [&](std::string& f) {
        put_f32(at(f, vectors + 4 * (small_rows * small_dims - 1)),
                -std::numeric_limits<float>::infinity());
    });
}
