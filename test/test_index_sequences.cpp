// The index's read search (index_sequences.cpp) and its sections SEQS, KIDX and RECS
// (index_file.cpp): a read's hits are the windows holding it, with the vector search's similarity
// and an identity from exact shared k-mers; the sections survive a save and load byte for byte,
// at any thread count; --add extends them; damaged or inconsistent sections are refused.
#include "index_test_support.hpp"
#include "ruvec/sequence_search.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;
using namespace ruvec::test;

namespace {

struct Genomes {
    std::vector<std::string> names, bases;
};

Genomes random_genomes(size_t count, size_t length, uint32_t seed) {
    std::mt19937 rng(seed);
    Genomes g;
    for (size_t i = 0; i < count; ++i) {
        g.names.push_back("genome" + std::to_string(i));
        std::string s(length + rng() % 1000, 'A');
        for (char& c : s) c = "ACGT"[rng() & 3];
        g.bases.push_back(s);
    }
    return g;
}

EmbedParams window_params() {
    EmbedParams p;
    p.dims = 256;
    p.window = 1000;
    p.step = 500;
    finalize_params(p);
    return p;
}

// Adds every window of the genomes [first, last) with its real vector, then its sequence.
void add_genomes(Index& index, const Genomes& g, size_t first, size_t last) {
    Embedder embedder(index.embed_params());
    std::vector<float> vector(index.embed_params().dims);
    for (size_t i = first; i < last; ++i) {
        for (const Window& w : windows_of(g.bases[i].size(), index.embed_params()))
            if (embedder.embed(g.bases[i], w, vector.data()) > 0)
                index.add({g.names[i], w.start, w.end}, vector.data());
        index.add_sequence(g.bases[i]);
    }
}

Index sequence_index(const Genomes& g, int threads = 2) {
    Index index(window_params(), graph_params(Metric::cosine, 8, 50));
    index.keep_sequences(SamplerParams{});
    add_genomes(index, g, 0, g.names.size());
    index.insert_pending(threads);
    index.index_sequences(threads);
    return index;
}

std::vector<SearchHit> read_hits(const Index& index, const std::string& read,
                                 const SearchOptions& o = options(5, false)) {
    std::vector<SearchHit> hits;
    index.search_bases(read, o, hits);
    return hits;
}

bool same_read_hits(const std::vector<SearchHit>& a, const std::vector<SearchHit>& b) {
    if (!same_hits(a, b)) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i].identity, &b[i].identity, 4) != 0) return false;
    return true;
}

const Genomes& genomes() {
    static const Genomes g = random_genomes(6, 8000, 51);
    return g;
}

const std::string& sequence_file() {
    static const std::string file = [] {
        Index index = sequence_index(genomes());
        return save(index);
    }();
    return file;
}

} // namespace

TEST_CASE("index_sequences: a read's hits are the windows holding it, identity from k-mers") {
    const Index index = load(sequence_file());
    const std::string read = genomes().bases[2].substr(1200, 150);
    const std::vector<SearchHit> hits = read_hits(index, read);
    // The windows [500, 1500) and [1000, 2000) of genome2 hold the whole read; no other window
    // shares a k-mer with it.
    REQUIRE(hits.size() == 2);
    for (const SearchHit& hit : hits) {
        CHECK(index.row_name(hit.row) == "genome2");
        const Window w = index.row_window(hit.row);
        CHECK(w.start <= 1200);
        CHECK(w.end >= 1350);
        CHECK(hit.identity == 1.0f);
    }
    // Windows sharing as many k-mers go by how near their centre is to the match: bases
    // 1200-1350 lie nearer the middle of [1000, 2000), bases 1100-1250 of [500, 1500).
    CHECK(index.row_window(hits[0].row).start == 1000);
    const std::string earlier = genomes().bases[2].substr(1100, 150);
    const std::vector<SearchHit> earlier_hits = read_hits(index, earlier);
    REQUIRE(earlier_hits.size() == 2);
    CHECK(index.row_window(earlier_hits[0].row).start == 500);
    // Many queries on threads: each query's hits, whatever the thread count.
    const std::vector<std::string> queries = {read, earlier, genomes().bases[0].substr(300, 2000),
                                              std::string(100, 'N'), genomes().bases[1].substr(50, 90)};
    for (int threads : {1, 3}) {
        std::vector<std::vector<SearchHit>> many;
        index.search_bases_many(queries, options(10, false), threads, many);
        REQUIRE(many.size() == queries.size());
        for (size_t q = 0; q < queries.size(); ++q) {
            const std::vector<SearchHit> one = read_hits(index, queries[q], options(10, false));
            REQUIRE(many[q].size() == one.size());
            for (size_t i = 0; i < one.size(); ++i) {
                CHECK(many[q][i].row == one[i].row);
                CHECK(std::memcmp(&many[q][i].distance, &one[i].distance, 4) == 0);
            }
        }
    }
    // The similarity is the vector search's, bit for bit.
    Embedder embedder(index.embed_params());
    std::vector<float> vector(index.embed_params().dims);
    embedder.embed(read, vector.data());
    const std::vector<SearchHit> exact = search(index, vector.data(), options(10, true));
    for (const SearchHit& hit : hits) {
        bool found = false;
        for (const SearchHit& e : exact)
            if (e.row == hit.row) {
                found = true;
                CHECK(std::memcmp(&e.similarity, &hit.similarity, 4) == 0);
                CHECK(std::memcmp(&e.distance, &hit.distance, 4) == 0);
            }
        CHECK(found);
    }
    // A read with a substitution: fewer shared k-mers, identity about 1 - 1/150.
    std::string mutated = read;
    mutated[75] = mutated[75] == 'A' ? 'C' : 'A';
    const std::vector<SearchHit> mutated_hits = read_hits(index, mutated);
    REQUIRE(!mutated_hits.empty());
    CHECK(mutated_hits[0].identity == doctest::Approx(1.0 - 1.0 / 150).epsilon(0.003));
    // From elsewhere: nothing.
    CHECK(read_hits(index, random_genomes(1, 150, 99).bases[0].substr(0, 150)).empty());
}

TEST_CASE("index_sequences: a fragment is scored whole, so a strain differing in a few bases "
          "ranks below its source") {
    // Strain b is strain a with 4 substitutions in [6000, 9000); b comes first in the index,
    // so a window-by-window search, or ties by row, would favour it.
    Genomes g = random_genomes(1, 20000, 61);
    std::string a = g.bases[0], b = a;
    for (size_t at : {6100, 6900, 7700, 8500}) b[at] = b[at] == 'A' ? 'C' : 'A';
    Genomes strains;
    strains.names = {"strain_b", "strain_a", "other"};
    strains.bases = {b, a, random_genomes(1, 20000, 62).bases[0]};
    const Index index = sequence_index(strains);
    SearchOptions o = options(5, false);
    o.per_target = true;
    const std::string fragment = a.substr(5000, 5000);
    std::vector<SearchHit> hits = read_hits(index, fragment, o);
    REQUIRE(hits.size() == 2);
    CHECK(index.row_name(hits[0].row) == "strain_a");
    CHECK(hits[0].identity == 1.0f);
    CHECK(index.row_name(hits[1].row) == "strain_b");
    // 4 substitutions in 5000 bases: about 84 of 4980 k-mers lost, identity about 0.9992.
    CHECK(hits[1].identity == doctest::Approx(1.0 - 4.0 / 5000).epsilon(0.0003));
    // From b, the other way round.
    hits = read_hits(index, b.substr(5000, 5000), o);
    REQUIRE(hits.size() == 2);
    CHECK(index.row_name(hits[0].row) == "strain_b");
    // Without per target, the windows of the best region come first, those holding most of it
    // before the others.
    hits = read_hits(index, fragment, options(3, false));
    REQUIRE(hits.size() == 3);
    for (const SearchHit& hit : hits) CHECK(index.row_name(hit.row) == "strain_a");
}

TEST_CASE("index_sequences: per target, the top and the similarity floor apply") {
    const Index index = load(sequence_file());
    const std::string read = genomes().bases[4].substr(3100, 150);
    SearchOptions o = options(5, false);
    o.per_target = true;
    const std::vector<SearchHit> per_target = read_hits(index, read, o);
    REQUIRE(per_target.size() == 1);
    CHECK(index.row_name(per_target[0].row) == "genome4");
    CHECK(read_hits(index, read, options(1, false)).size() == 1);
    SearchOptions floor = options(5, false);
    floor.min_similarity = 1.1f;
    CHECK(read_hits(index, read, floor).empty());
}

TEST_CASE("index_sequences: saved and loaded byte for byte, at any thread count") {
    const std::string& file = sequence_file();
    const std::vector<TaggedSection> sections = sections_of(file);
    REQUIRE(sections.size() == 8);
    CHECK(sections[5].tag == rvx_tag_sequences);
    CHECK(sections[6].tag == rvx_tag_kmers);
    CHECK(sections[7].tag == rvx_tag_records);
    for (const TaggedSection& s : sections) CHECK(s.flags == rvx_known_tag_flags(s.tag));
    Index loaded = load(file);
    REQUIRE(loaded.sequence_search() != nullptr);
    CHECK(loaded.sequence_search()->sequences().records() == 6);
    CHECK(same_file(save(loaded), file));
    Index one_thread = sequence_index(genomes(), 1);
    CHECK(same_file(save(one_thread), file));
    const std::string read = genomes().bases[0].substr(7000, 150);
    CHECK(same_read_hits(read_hits(loaded, read), read_hits(one_thread, read)));
}

TEST_CASE("index_sequences: --add extends the sequences, removed ones stop answering") {
    const Genomes g = random_genomes(4, 5000, 52);
    Index first(window_params(), graph_params(Metric::cosine, 8, 50));
    first.keep_sequences(SamplerParams{});
    add_genomes(first, g, 0, 3);
    Index index = load(save(first));
    add_genomes(index, g, 3, 4);
    index.insert_pending(2);
    index.index_sequences(2);
    Index added = load(save(index));
    const std::string read = g.bases[3].substr(2000, 150);
    std::vector<SearchHit> hits = read_hits(added, read);
    REQUIRE(!hits.empty());
    CHECK(added.row_name(hits[0].row) == "genome3");
    std::vector<std::string> missing;
    added.remove({"genome3"}, &missing);
    CHECK(read_hits(added, read).empty());
    CHECK(read_hits(load(save(added)), read).empty());
}

TEST_CASE("index_sequences: an index without vectors gives the same hits from a fraction of "
          "the file") {
    Index index(window_params(), graph_params(Metric::cosine, 8, 50));
    index.keep_sequences(SamplerParams{}, /*keep_vectors=*/false);
    CHECK_FALSE(index.has_vectors());
    const Genomes& g = genomes();
    for (size_t i = 0; i < g.names.size(); ++i) {
        for (const Window& w : windows_of(g.bases[i].size(), index.embed_params()))
            if (has_valid_kmer(g.bases[i], w, index.embed_params().k))
                index.add({g.names[i], w.start, w.end}, nullptr);
        index.add_sequence(g.bases[i]);
    }
    index.index_sequences(2);
    const std::string file = save(index);
    const std::vector<TaggedSection> sections = sections_of(file);
    REQUIRE(sections.size() == 6); // PROV NAME ROWS SEQS KIDX RECS
    CHECK(sections[3].tag == rvx_tag_sequences);
    CHECK(file.size() * 2 < sequence_file().size());
    Index loaded = load(file);
    CHECK_FALSE(loaded.has_vectors());
    CHECK(loaded.rows() == load(sequence_file()).rows());
    CHECK(same_file(save(loaded), file));
    // The similarity of each hit, from the window's vector embedded again, is the one the
    // index of vectors stores, bit for bit; so are the hits and their order.
    const Index with_vectors = load(sequence_file());
    for (size_t i = 0; i < g.names.size(); ++i) {
        std::string read = g.bases[i].substr(300 + 900 * i, 150);
        read[40] = read[40] == 'A' ? 'G' : 'A';
        const std::vector<SearchHit> hits = read_hits(loaded, read);
        REQUIRE(!hits.empty());
        CHECK(loaded.row_name(hits[0].row) == g.names[i]);
        CHECK(same_read_hits(hits, read_hits(with_vectors, read)));
    }
    // What needs vectors is refused, saying so.
    std::vector<float> vector(index.embed_params().dims, 1.0f);
    CHECK_THROWS_AS(search(loaded, vector.data(), options(5, true)), Error);
    CHECK_THROWS_AS(loaded.add({"new", 0, 1000}, vector.data()), Error);
    CHECK_THROWS_AS(loaded.quantize(QuantParams{}, 1), Error);
    Index vectors_needed(window_params(), graph_params(Metric::cosine, 8, 50));
    CHECK_THROWS_AS(vectors_needed.add({"new", 0, 1000}, nullptr), Error);
    // Removing works on the rows alone.
    loaded.remove({g.names[1]}, nullptr);
    CHECK(read_hits(load(save(loaded)), g.bases[1].substr(2000, 150)).empty());
    // Vectors without a graph, or no read search, are refused.
    std::vector<TaggedSection> edited = sections;
    edited.insert(edited.begin() + 3, sections_of(sequence_file())[3]); // VECT
    REQUIRE(edited[3].tag == rvx_tag_vectors);
    std::string message;
    CHECK(load_error(tagged_file(file, edited), &message) == ErrorKind::corrupt);
    CHECK(message == "test.rvx: vectors or codes without the section 'GRPH': the file is damaged");
    edited.assign(sections.begin(), sections.begin() + 3);
    CHECK(load_error(tagged_file(file, edited), &message) == ErrorKind::corrupt);
    CHECK(message == "test.rvx: section 'GRPH' is missing: the file is damaged");
}

TEST_CASE("index_sequences: sequences are given for the rows added, of one name, holding them") {
    Index index(window_params(), graph_params(Metric::cosine, 8, 50));
    Embedder embedder(index.embed_params());
    std::vector<float> vector(index.embed_params().dims);
    const std::string bases = genomes().bases[0].substr(0, 3000);
    embedder.embed(bases, {0, 1000}, vector.data());
    CHECK_THROWS_AS(index.add_sequence(bases), Error); // keeps no sequences
    index.add({"a", 0, 1000}, vector.data());
    CHECK_THROWS_AS(index.keep_sequences(SamplerParams{}), Error); // not from the first row

    Index kept(window_params(), graph_params(Metric::cosine, 8, 50));
    kept.keep_sequences(SamplerParams{});
    kept.add({"a", 0, 1000}, vector.data());
    kept.add({"b", 0, 1000}, vector.data());
    CHECK_THROWS_AS(kept.add_sequence(bases), Error); // two names
    Index past(window_params(), graph_params(Metric::cosine, 8, 50));
    past.keep_sequences(SamplerParams{});
    past.add({"a", 2000, 3000}, vector.data());
    CHECK_THROWS_AS(past.add_sequence(bases.substr(0, 2500)), Error); // window past the bases
    StringSink sink;
    CHECK_THROWS_AS(past.save(sink), Error); // a row without its sequence
    past.add_sequence(bases);
    past.save(sink);
    // A sequence without rows (every window lacking a valid k-mer) is kept, answering nothing.
    past.add_sequence(std::string(1500, 'N'));
    Index back = load(save(past));
    CHECK(back.sequence_search()->sequences().records() == 2);
}

TEST_CASE("index_sequences: damaged or inconsistent read-search sections are refused") {
    const std::string& file = sequence_file();
    const std::vector<TaggedSection> sections = sections_of(file);
    auto message_of = [&](const std::vector<TaggedSection>& edited) {
        std::string message;
        CHECK(load_error(tagged_file(file, edited), &message) == ErrorKind::corrupt);
        return message;
    };
    std::vector<TaggedSection> without_records(sections.begin(), sections.end() - 1);
    CHECK(message_of(without_records) ==
          "test.rvx: sections 'SEQS', 'KIDX' and 'RECS' are not all present: the file is damaged");
    std::vector<TaggedSection> edited = sections;
    edited[7].bytes.resize(edited[7].bytes.size() - 8);
    CHECK(message_of(edited) ==
          "test.rvx: records section has 48 bytes for 6 sequences: the file is damaged");
    edited = sections;
    put_u64(reinterpret_cast<unsigned char*>(&edited[7].bytes[8]), 0); // sequence 2 from row 0
    CHECK(message_of(edited).find("does not lie in sequence 2") != std::string::npos);
    edited = sections;
    put_u64(reinterpret_cast<unsigned char*>(&edited[7].bytes[16]), 1); // before sequence 1's
    CHECK(message_of(edited) == "test.rvx: records section: the sequences' first rows are out of "
                                "order: the file is damaged");
    edited = sections;
    std::string& rows = edited[2].bytes; // ROWS: genome0's first two windows swapped
    std::swap_ranges(rows.begin(), rows.begin() + 24, rows.begin() + 24);
    CHECK(message_of(edited) == "test.rvx: records section: the rows of sequence 1 are out of "
                                "order: the file is damaged");
    edited = sections;
    edited[5].bytes[0] = 7; // 7 sequences: the lengths no longer add up
    CHECK(message_of(edited).find("sequence section") != std::string::npos);
    // The k-mer index of other sequences.
    Index other = sequence_index(random_genomes(6, 8000, 53));
    const std::vector<TaggedSection> theirs = sections_of(save(other));
    edited = sections;
    edited[6] = theirs[6];
    const std::string message = message_of(edited);
    CHECK((message.find("the k-mer index is of") != std::string::npos ||
           message.find("k-mer index section") != std::string::npos));
    // A damaged KIDX or SEQS: their own codecs' messages, naming the file.
    edited = sections;
    edited[6].bytes[32] = 0; // bucket bits 0
    CHECK(message_of(edited) ==
          "test.rvx: k-mer index section: bucket bits 0 not in 1..32: the file is damaged");
}
