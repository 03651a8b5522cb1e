// Search hits as the text `ruvec search` prints, and that text read back (what `ruvec merge`
// reads): the one codec of the hits TSV. The WebAssembly page formats its table and its downloads
// with the same code, so they are the CLI's bytes.
#pragma once

#include "ruvec/index.hpp"
#include "ruvec/io.hpp"
#include "ruvec/vecfile.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ruvec {

enum class HitsFormat { tsv, jsonl };

// The TSV header line, newline included: of the vector search, and of the read search, which
// adds an 11th and 12th column, shared_kmers and copies (what its hits are ranked by, and ruvec
// merge with them).
extern const char* const hits_tsv_header;
extern const char* const hits_tsv_read_search_header;

// Appends one line per hit of `query` (rank 1 first): query and target with 1-based inclusive
// coordinates, rank, similarity, distance and the identity (the read search's from shared
// k-mers, the vector search's estimate_identity), and for the read search's hits
// (SearchHit::identity >= 0) shared_kmers and copies. Similarity and distance have 6 decimals and the
// identity 4, or with `full_precision` 9 significant digits, which read back as the same float
// (what ruvec merge needs to rank the hits of shards exactly and apply --min-sim to them).
void append_hits(std::string& out, const VecRow& query, const std::vector<SearchHit>& hits,
                 const Index& index, HitsFormat format, bool full_precision = false);

// Appends the line of a query without a hit (ruvec search --unmatched), as minimap2
// --paf-no-hit writes one: target "*", rank 0, the numbers "*" (JSON: target null, rank 0);
// with an 11th and 12th column "*" for the read search. It keeps the query's place in the output, so
// ruvec merge can join shards in which different queries found hits.
void append_unmatched(std::string& out, const VecRow& query, HitsFormat format, bool read_search);

// One line of `ruvec search` TSV, its numeric columns parsed and its text columns kept. A
// query's unmatched line (append_unmatched) has rank 0 and the numbers 0.
struct HitLine {
    std::string query;       // query name
    std::string query_range; // "start\tend" as printed
    std::string target;      // target name
    std::string target_range;
    uint64_t rank = 0;    // 1-based within the query
    float similarity = 0; // as parsed
    float distance = 0;   // as parsed
    std::string identity; // as printed
    float identity_value = 0; // as parsed
    std::string similarity_text, distance_text;
    // The read search's 11th column; -1 on a line of the vector search, which has 10.
    int64_t shared_kmers = -1;
    uint32_t copies = 0; // the read search's 12th column
};

// The hits of one query in one input: a run of lines whose ranks go 1, 2, 3..., or its one
// unmatched line (rank 0).
struct QueryHits {
    std::vector<HitLine> hits;
    uint64_t first_line = 0; // line number of rank 1, for messages
};

// Reads `ruvec search` TSV (header line optional) one query at a time. Every line is checked:
// ten columns, numbers where numbers belong, ranks counting up from 1 within a query, a newline
// at the end. Errors are Error(input) naming `name` and the line.
class HitsTsvReader {
public:
    HitsTsvReader(ByteSource& source, std::string name);

    // The next query's hits; false at the end of the input.
    bool next(QueryHits& out);

    const std::string& name() const { return name_; }
    uint64_t line() const { return line_number_; } // lines read so far

private:
    bool next_line(std::string& line); // without its newline; false at end
    void parse(const std::string& line, HitLine& hit) const;

    ByteSource& source_;
    std::string name_;
    std::string buffer_;    // bytes read and not yet split into lines
    size_t buffer_pos_ = 0; // first byte of buffer_ not yet returned
    bool source_done_ = false;
    uint64_t line_number_ = 0;
    bool have_pending_ = false; // pending_ holds a rank-1 line that starts the next query
    HitLine pending_;
    uint64_t pending_line_ = 0;
};

// Appends `hit` as a line of the TSV with rank `rank`. Similarity and distance are printed as
// `ruvec search` prints them: "%.6f", or "%.9g" with `full_precision`; text that already reads so
// is copied as it is (nothing to add, nothing to lose). Rank 0: the query's unmatched line
// (append_unmatched), from its query, range and kind (shared_kmers >= 0: the read search).
void append_hit_line(std::string& out, const HitLine& hit, uint64_t rank, bool full_precision);

// "%.9g": enough significant digits to read the same float back.
void append_float_full(std::string& out, float value);

} // namespace ruvec
