// Quantized indexes: the graph walked by codes and re-ranked by floats finds what float search
// finds; format 2 files round-trip bit for bit, with or without their float vectors; rows added
// later are encoded with the stored quantizer; and damaged quantizer or code sections are refused.
#include "index_test_support.hpp"
#include "ruvec/format.hpp"
#include "ruvec/index_format.hpp"
#include "ruvec/quantize.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <set>

using namespace ruvec;
using namespace ruvec::test;

namespace {

QuantParams quant(QuantKind kind) {
    QuantParams p;
    p.kind = kind;
    p.iterations = 10;
    return p;
}

// Mean over queries of |graph top 10 ∩ exact top 10| / 10.
double recall_at_10(const Index& index, const Data& queries, const SearchOptions& graph) {
    double sum = 0;
    for (size_t q = 0; q < queries.rows(); ++q) {
        std::set<uint32_t> truth;
        for (const SearchHit& h : search(index, queries.row(q), options(10, true)))
            truth.insert(h.row);
        size_t found = 0;
        for (const SearchHit& h : search(index, queries.row(q), graph)) found += truth.count(h.row);
        sum += static_cast<double>(found) / 10;
    }
    return sum / static_cast<double>(queries.rows());
}

SearchOptions graph_options(size_t ef, size_t rerank) {
    SearchOptions o = options(10, false, ef);
    o.rerank = rerank;
    return o;
}

// The section table of a saved file, however many sections it has.
std::vector<RvxSection> table_of(const std::string& file) {
    const RvxHeader h = decode_rvx_header(at(file, 0));
    std::vector<RvxSection> sections;
    for (uint32_t i = 0; i < h.section_count; ++i)
        sections.push_back(
            decode_rvx_section(at(file, rvx_header_size + i * rvx_section_entry_size)));
    return sections;
}

// Rewrites the checksum of section i and of the table after a test has edited the section.
void reseal(std::string& file, size_t i) {
    const std::vector<RvxSection> sections = table_of(file);
    const RvxSection& s = sections[i];
    put_u64(at(file, rvx_header_size + i * rvx_section_entry_size + 24),
            checksum64(at(file, s.offset), s.length));
    const size_t table = sections.size() * rvx_section_entry_size;
    put_u64(at(file, rvx_header_size + table), checksum64(at(file, rvx_header_size), table));
}

size_t section_index(const std::string& file, uint32_t tag) {
    const std::vector<RvxSection> sections = table_of(file);
    for (size_t i = 0; i < sections.size(); ++i)
        if (sections[i].tag == tag) return i;
    FAIL("no such section");
    return 0;
}

} // namespace

TEST_CASE("quantized index: codes walk the graph, floats re-rank, recall stays near float") {
    const Data data = gaussian(4000, 64, 21);
    const Data queries = gaussian(60, 64, 22);
    for (Metric metric : {Metric::cosine, Metric::l2}) {
        const std::string metric_text = metric_name(metric);
        CAPTURE(metric_text);
        Index index = build(data, graph_params(metric, 16, 100), 1, 2);
        const Index plain = build(data, graph_params(metric, 16, 100), 1, 2); // never quantized
        const double float_recall = recall_at_10(index, queries, options(10, false, 64));
        struct Case {
            QuantKind kind;
            size_t ef, rerank;
            double least; // recall@10 it must reach
            uint32_t pq_subspaces = 0;
        };
        for (const Case& c :
             {Case{QuantKind::sq8, 64, 64, float_recall - 0.02},
              Case{QuantKind::pq, 64, 64, 0.85, 16}, Case{QuantKind::binary, 256, 256, 0.6}}) {
            const std::string kind_text = quant_kind_name(c.kind);
            CAPTURE(kind_text);
            QuantParams p = quant(c.kind);
            p.pq_subspaces = c.pq_subspaces;
            index.quantize(p, 2);
            REQUIRE(index.quantizer() != nullptr);
            const double reranked = recall_at_10(index, queries, graph_options(c.ef, c.rerank));
            const double codes_only = recall_at_10(index, queries, graph_options(c.ef, 0));
            MESSAGE(kind_text << " " << metric_text << ": float " << float_recall
                              << ", codes re-ranked " << reranked << ", codes only " << codes_only);
            CHECK(reranked >= c.least);
            CHECK(reranked >= codes_only - 0.01);
            // Exact search stays exact: brute force over the float vectors.
            const std::vector<SearchHit> exact = search(index, queries.row(0), options(10, true));
            CHECK(same_hits(exact, search(plain, queries.row(0), options(10, true))));
        }
    }
}

TEST_CASE("quantized index: saved with its QPAR and QCOD sections: round trip, same answers, same bytes") {
    const Data data = gaussian(700, 32, 23);
    const Data queries = gaussian(10, 32, 24);
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        const std::string kind_text = quant_kind_name(kind);
        CAPTURE(kind_text);
        Index index = build(data, graph_params(Metric::cosine, 8, 50), 2);
        index.quantize(quant(kind), 1);
        const std::string file = save(index);
        const RvxHeader h = decode_rvx_header(at(file, 0));
        CHECK(h.version == rvx_format_version);
        CHECK(h.quantization == static_cast<uint8_t>(kind));
        CHECK(h.section_count == 7);
        Index back = load(file);
        REQUIRE(back.quantizer() != nullptr);
        CHECK(back.quantizer()->kind() == kind);
        CHECK(back.has_float_vectors());
        for (size_t q = 0; q < queries.rows(); ++q)
            for (size_t rerank : {0, 20})
                REQUIRE(same_hits(search(index, queries.row(q), graph_options(40, rerank)),
                                  search(back, queries.row(q), graph_options(40, rerank))));
        CHECK(save(back) == file);
        // Quantizing with more threads writes the same file.
        Index again = build(data, graph_params(Metric::cosine, 8, 50), 2);
        again.quantize(quant(kind), 3);
        CHECK(save(again) == file);
    }
}

TEST_CASE("quantized index: without float vectors it is smaller, searches codes, takes no rows") {
    const Data data = gaussian(800, 64, 25);
    const Data queries = gaussian(10, 64, 26);
    Index full = build(data, graph_params(Metric::l2, 8, 50));
    const size_t float_bytes = save(full).size();
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        const std::string kind_text = quant_kind_name(kind);
        CAPTURE(kind_text);
        Index index = build(data, graph_params(Metric::l2, 8, 50));
        index.quantize(quant(kind), 1);
        std::vector<std::vector<SearchHit>> by_codes;
        for (size_t q = 0; q < queries.rows(); ++q)
            by_codes.push_back(search(index, queries.row(q), graph_options(40, 0)));
        index.drop_float_vectors();
        CHECK_FALSE(index.has_float_vectors());
        CHECK(index.row_vector(0) == nullptr);
        const std::string file = save(index);
        CHECK(decode_rvx_header(at(file, 0)).section_count == 6);
        CHECK(file.size() < float_bytes - 800 * 64 * 4 + 800 * index.quantizer()->code_bytes() +
                                index.quantizer()->serialize().size() + 256);
        Index back = load(file);
        CHECK_FALSE(back.has_float_vectors());
        for (size_t q = 0; q < queries.rows(); ++q) {
            // The same walk as before the floats went; re-ranking is not possible any more.
            REQUIRE(same_hits(search(back, queries.row(q), graph_options(40, 0)), by_codes[q]));
            REQUIRE(same_hits(search(back, queries.row(q), graph_options(40, 30)), by_codes[q]));
            // Exact search ranks every code.
            const std::vector<SearchHit> exact = search(back, queries.row(q), options(5, true));
            const Quantizer::Query prepared = back.quantizer()->prepare(queries.row(q));
            std::vector<std::pair<float, uint32_t>> all;
            for (uint32_t r = 0; r < back.rows(); ++r)
                all.emplace_back(back.quantizer()->distance(prepared, back.row_code(r)), r);
            std::sort(all.begin(), all.end());
            REQUIRE(exact.size() == 5);
            for (size_t i = 0; i < 5; ++i) REQUIRE(exact[i].row == all[i].second);
        }
        CHECK_THROWS_AS(back.add(row_of(5000), data.row(0)), Error);
        CHECK(save(back) == file);
    }
}

TEST_CASE("quantized index: loaded, its float vectors stay in the file, read to re-rank") {
    const Data data = gaussian(900, 48, 31);
    const Data queries = gaussian(12, 48, 32);
    const size_t float_bytes = 600 * 48 * sizeof(float);
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        const std::string kind_text = quant_kind_name(kind);
        CAPTURE(kind_text);
        Index direct(embed_params(48), graph_params(Metric::cosine, 8, 50));
        add_rows(direct, data, 0, 600);
        direct.insert_pending(1);
        direct.quantize(quant(kind), 1);
        const std::string file = save(direct);
        Index read = load(file); // a source that cannot be shared: the vectors are read now
        std::optional<SharedSource> source(file);
        Index in_file = Index::load(*source, "test.rvx");
        source.reset(); // the index keeps its own handle
        // Built here, the graph holds the vectors; loaded, it holds links only.
        CHECK(direct.memory().float_bytes == 0);
        CHECK(direct.memory().code_bytes == 600 * direct.quantizer()->code_bytes());
        CHECK(read.memory().float_bytes == float_bytes);
        CHECK_FALSE(read.memory().float_vectors_in_file);
        CHECK(in_file.memory().float_bytes == 0);
        CHECK(in_file.memory().float_vectors_in_file);
        CHECK(in_file.row_vector(0) == nullptr);
        std::vector<float> scratch(48);
        CHECK(std::memcmp(in_file.float_row(599, scratch.data()), direct.row_vector(599), 48 * 4) ==
              0);
        for (const Index* loaded : {&read, &in_file}) {
            CHECK(loaded->memory().code_bytes == direct.memory().code_bytes);
            CHECK(direct.memory().graph_bytes - loaded->memory().graph_bytes == float_bytes);
        }

        // The same answers: by codes, re-ranked, brute force one by one and in blocks.
        for (const Index* loaded : {&read, &in_file}) {
            std::vector<std::vector<SearchHit>> direct_exact, loaded_exact;
            direct.search_many(queries.values.data(), queries.rows(), options(7, true), 2,
                               direct_exact);
            loaded->search_many(queries.values.data(), queries.rows(), options(7, true), 2,
                                loaded_exact);
            for (size_t q = 0; q < queries.rows(); ++q) {
                REQUIRE(same_hits(direct_exact[q], loaded_exact[q]));
                REQUIRE(same_hits(search(direct, queries.row(q), options(7, true)),
                                  search(*loaded, queries.row(q), options(7, true))));
                for (size_t rerank : {0, 25})
                    REQUIRE(same_hits(search(direct, queries.row(q), graph_options(40, rerank)),
                                      search(*loaded, queries.row(q), graph_options(40, rerank))));
            }
        }
        CHECK(save(in_file) == file);
        CHECK(save(read) == file);

        // Rows added to the loaded index are linked as in the index it was saved from.
        add_rows(direct, data, 600, 900);
        direct.insert_pending(1);
        add_rows(in_file, data, 600, 900);
        in_file.insert_pending(2);
        CHECK_FALSE(in_file.memory().float_vectors_in_file); // the graph took them in to link
        const std::string grown = save(direct);
        CHECK(save(in_file) == grown);

        // Dropping the floats of a loaded index writes what dropping them here writes.
        Index compact = Index::load(SharedSource(grown), "test.rvx");
        compact.drop_float_vectors();
        CHECK_FALSE(compact.memory().float_vectors_in_file);
        direct.drop_float_vectors();
        CHECK(save(compact) == save(direct));
    }
}

TEST_CASE("quantized index: a file cut short under a loaded index is an error when re-ranking") {
    const Data data = gaussian(300, 32, 33);
    Index index = build(data, graph_params(Metric::cosine, 8, 50));
    index.quantize(quant(QuantKind::sq8), 1);
    SharedSource source(save(index));
    const Index loaded = Index::load(source, "test.rvx");
    source.bytes().resize(source.bytes().size() / 2);                 // as if truncated in place
    CHECK_NOTHROW(search(loaded, data.row(3), graph_options(40, 0))); // codes are in memory
    CHECK_THROWS_AS(search(loaded, data.row(3), graph_options(40, 20)), Error);
    std::vector<std::vector<SearchHit>> hits;
    CHECK_THROWS_AS(loaded.search_many(data.values.data(), 20, options(5, true), 2, hits), Error);
}

TEST_CASE("quantized index: rows added later get codes from the stored quantizer") {
    const Data data = gaussian(900, 32, 27);
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        const std::string kind_text = quant_kind_name(kind);
        CAPTURE(kind_text);
        Index index(embed_params(32), graph_params(Metric::cosine, 8, 50));
        add_rows(index, data, 0, 600);
        index.insert_pending(1);
        index.quantize(quant(kind), 1);
        const std::string trained = index.quantizer()->serialize();
        Index loaded = load(save(index));
        add_rows(loaded, data, 600, 900);
        loaded.insert_pending(2);
        Index back = load(save(loaded));
        CHECK(back.quantizer()->serialize() == trained);
        std::vector<uint8_t> code(back.quantizer()->code_bytes());
        for (uint32_t r = 0; r < 900; ++r) {
            back.quantizer()->encode(back.row_vector(r), code.data());
            REQUIRE(std::memcmp(code.data(), back.row_code(r), code.size()) == 0);
        }
        // A new row is found by the graph walk over codes.
        const std::vector<SearchHit> hits = search(back, data.row(750), graph_options(50, 10));
        REQUIRE_FALSE(hits.empty());
        CHECK(hits[0].row == 750);
    }
}

TEST_CASE("quantized index: damaged quantizer and code sections are refused") {
    const Data data = gaussian(300, 16, 28);
    for (QuantKind kind : {QuantKind::sq8, QuantKind::pq, QuantKind::binary}) {
        const std::string kind_text = quant_kind_name(kind);
        CAPTURE(kind_text);
        Index index = build(data, graph_params(Metric::ip, 4, 20));
        QuantParams p = quant(kind);
        p.pq_subspaces = 4;
        index.quantize(p, 1);
        const std::string file = save(index);
        const std::vector<RvxSection> sections = table_of(file);
        // Truncated anywhere from the graph on: refused, as damage.
        for (size_t i = section_index(file, rvx_tag_graph); i < sections.size(); ++i)
            for (uint64_t cut : {sections[i].offset, sections[i].offset + sections[i].length / 2,
                                 sections[i].offset + sections[i].length - 1})
                CHECK(load_error(file.substr(0, cut)) == ErrorKind::corrupt);
        // Any changed byte of the quantizer or the codes fails its checksum.
        for (uint32_t tag : {rvx_tag_quantizer, rvx_tag_codes}) {
            const RvxSection& s = sections[section_index(file, tag)];
            for (uint64_t offset = s.offset; offset < s.offset + s.length;
                 offset += std::max<uint64_t>(1, s.length / 50)) {
                std::string bad = file;
                bad[offset] = static_cast<char>(bad[offset] ^ 0x10);
                std::string message;
                CHECK(load_error(bad, &message) == ErrorKind::corrupt);
                CHECK(message.find("checksum mismatch") != std::string::npos);
            }
        }
        // Checksums made right again: the parser and the code check still refuse.
        std::string crafted = file;
        const size_t qpar = section_index(file, rvx_tag_quantizer);
        put_u32(at(crafted, sections[qpar].offset + 4), 17); // dims
        reseal(crafted, qpar);
        std::string message;
        CHECK(load_error(crafted, &message) == ErrorKind::corrupt);
        CHECK(message.find("quantizer section") != std::string::npos);
        if (kind != QuantKind::pq) { // a scale or length that is not a number
            crafted = file;
            const size_t qcod = section_index(file, rvx_tag_codes);
            const float nan = std::nanf("");
            std::memcpy(at(crafted, sections[qcod].offset + 7 * index.quantizer()->code_bytes()),
                        &nan, 4);
            reseal(crafted, qcod);
            CHECK(load_error(crafted, &message) == ErrorKind::corrupt);
            CHECK(message.find("row 7") != std::string::npos);
        }
        // The header's quantization must be the section's.
        const uint8_t other = kind == QuantKind::sq8 ? 3 : 1;
        crafted = file;
        at(crafted, 112)[0] = other;
        put_u64(at(crafted, 248), checksum64(crafted.data(), 248));
        CHECK(load_error(crafted) == ErrorKind::corrupt);
    }
}
