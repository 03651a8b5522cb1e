// Merging the hits that searches of several shards printed into the top n per query that one
// search over one index of all the shards would print: what `ruvec merge` does.
//
// Shards hold disjoint, contiguous blocks of the input records (ruvec index --shard), so the rows
// of one index over all of them are the shards' rows in shard order. A search ranks hits by
// distance and breaks ties by row; ranking the shards' hits by distance and breaking ties by
// input order (shard) and then by rank within the shard is therefore the same ranking. Distances
// printed to 6 decimals can make unequal distances equal, so `ruvec search --full-precision`
// prints them with 9 significant digits, from which the float is recovered exactly.
#pragma once

#include "ruvec/io.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace ruvec {

// One line of `ruvec search` TSV, its numeric columns parsed and its text columns kept.
struct HitLine {
    std::string query;       // query name
    std::string query_range; // "start\tend" as printed
    std::string target;      // target name
    std::string target_range;
    uint64_t rank = 0;    // 1-based within the query
    float similarity = 0; // as parsed
    float distance = 0;   // as parsed
    std::string identity; // as printed
    std::string similarity_text, distance_text;
};

// The hits of one query in one input: a run of lines whose ranks go 1, 2, 3...
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

struct MergeOptions {
    size_t top = 5;              // hits per query
    bool per_target = false;     // keep the best hit per target name
    bool full_precision = false; // print similarity and distance with 9 significant digits
    float min_similarity = -std::numeric_limits<float>::infinity();
};

// Ranks the hits of one query gathered from every input (`per_input[i]` from input i) and
// appends the merged lines, ranks renumbered, to `out`. Similarity and distance are printed as
// `ruvec search` prints them: "%.6f", or "%.9g" with full_precision. Returns the lines appended.
size_t merge_query_hits(const std::vector<const QueryHits*>& per_input, const MergeOptions& options,
                        std::string& out);

// "%.9g": enough significant digits to read the same float back.
void append_float_full(std::string& out, float value);

} // namespace ruvec
