#include "ruvec/hits.hpp"

#include "ruvec/error.hpp"
#include "ruvec/json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace ruvec {

const char* const hits_tsv_header = "query\tquery_start\tquery_end\ttarget\ttarget_start\t"
                                    "target_end\trank\tsimilarity\tdistance\tidentity\n";
const char* const hits_tsv_read_search_header =
    "query\tquery_start\tquery_end\ttarget\ttarget_start\ttarget_end\trank\tsimilarity\t"
    "distance\tidentity\tshared_kmers\tcopies\n";

void append_hits(std::string& out, const VecRow& query, const std::vector<SearchHit>& hits,
                 const Index& index, HitsFormat format, bool full_precision) {
    // "%.9g" gives back the same float when read (ruvec merge ranks by it); "%.6f" is for people.
    const char* const tsv_numbers = full_precision ? "\t%llu\t%llu\t%zu\t%.9g\t%.9g\t"
                                                   : "\t%llu\t%llu\t%zu\t%.6f\t%.6f\t";
    const char* const json_numbers =
        full_precision ? ",\"target_start\":%llu,\"target_end\":%llu,\"rank\":%zu,"
                         "\"similarity\":%.9g,\"distance\":%.9g,\"identity\":"
                       : ",\"target_start\":%llu,\"target_end\":%llu,\"rank\":%zu,"
                         "\"similarity\":%.6f,\"distance\":%.6f,\"identity\":";
    // The read search's identity is a float that --min-sim compares: full precision gives it
    // back exactly, as it does the similarity.
    const char* const identity_format = full_precision ? "%.9g" : "%.4f";
    const EmbedParams& params = index.embed_params();
    const auto query_start = static_cast<unsigned long long>(query.start + 1);
    const auto query_end = static_cast<unsigned long long>(query.end);
    char numbers[160];
    for (size_t rank = 0; rank < hits.size(); ++rank) {
        const SearchHit& hit = hits[rank];
        const Window target = index.row_window(hit.row);
        // The read search's identity is from exact shared k-mers; the vector search's, from the
        // similarity.
        const bool by_kmers = hit.identity >= 0;
        const double identity =
            by_kmers ? hit.identity
                     : estimate_identity(hit.similarity, query.end - query.start,
                                         target.end - target.start, params.k, params.dims);
        const std::string& target_name = index.row_name(hit.row);
        const auto target_start = static_cast<unsigned long long>(target.start + 1);
        const auto target_end = static_cast<unsigned long long>(target.end);
        char identity_text[32];
        std::snprintf(identity_text, sizeof identity_text, by_kmers ? identity_format : "%.4f",
                      identity);
        const std::string shared = by_kmers ? std::to_string(hit.shared_kmers) : std::string();
        const std::string copies = by_kmers ? std::to_string(hit.copies) : std::string();
        if (format == HitsFormat::tsv) {
            std::snprintf(numbers, sizeof numbers, "\t%llu\t%llu\t", query_start, query_end);
            out += query.name;
            out += numbers;
            out += target_name;
            std::snprintf(numbers, sizeof numbers, tsv_numbers, target_start, target_end, rank + 1,
                          hit.similarity, hit.distance);
            out += numbers;
            out += identity_text;
            if (by_kmers) out += "\t" + shared + "\t" + copies;
            out += '\n';
        } else {
            out += "{\"query\":\"" + json_escape(query.name) + "\"";
            std::snprintf(numbers, sizeof numbers, ",\"query_start\":%llu,\"query_end\":%llu",
                          query_start, query_end);
            out += numbers;
            out += ",\"target\":\"" + json_escape(target_name) + "\"";
            std::snprintf(numbers, sizeof numbers, json_numbers, target_start, target_end, rank + 1,
                          hit.similarity, hit.distance);
            out += numbers;
            out += identity_text;
            if (by_kmers) out += ",\"shared_kmers\":" + shared + ",\"copies\":" + copies;
            out += "}\n";
        }
    }
}

void append_unmatched(std::string& out, const VecRow& query, HitsFormat format,
                      bool read_search) {
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "%llu", static_cast<unsigned long long>(query.start + 1));
    const std::string start = numbers;
    std::snprintf(numbers, sizeof numbers, "%llu", static_cast<unsigned long long>(query.end));
    const std::string end = numbers;
    if (format == HitsFormat::tsv) {
        out += query.name + "\t" + start + "\t" + end + "\t*\t*\t*\t0\t*\t*\t*";
        out += read_search ? "\t*\t*\n" : "\n";
    } else {
        out += "{\"query\":\"" + json_escape(query.name) + "\",\"query_start\":" + start +
               ",\"query_end\":" + end + ",\"target\":null,\"rank\":0}\n";
    }
}

namespace {

// Two names of up to 65,535 bytes (the .rvx limit) and the numbers fit easily.
constexpr size_t max_line_bytes = size_t{1} << 20;
constexpr size_t read_bytes = size_t{1} << 16;
constexpr size_t columns = 10;             // the vector search's
constexpr size_t read_search_columns = 12; // and shared_kmers, copies

bool all_digits(std::string_view text) {
    return !text.empty() && text.size() <= 19 &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "%.6f" (decimals 6) or "%.4f" (4) as printed: an optional minus, digits, a point and the
// decimals.
bool fixed_decimals(std::string_view text, size_t decimals) {
    if (!text.empty() && text[0] == '-') text.remove_prefix(1);
    const size_t point = text.find('.');
    return point != std::string_view::npos && point > 0 && text.size() - point == decimals + 1 &&
           all_digits(text.substr(0, point)) && all_digits(text.substr(point + 1));
}

void append_float_six(std::string& out, float value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.6f", static_cast<double>(value));
    out += text;
}

// The header line as next_line returns it (without its newline).
std::string_view header_line() {
    const std::string_view header = hits_tsv_header;
    return header.substr(0, header.size() - 1);
}

std::string_view read_search_header_line() {
    const std::string_view header = hits_tsv_read_search_header;
    return header.substr(0, header.size() - 1);
}

} // namespace

void append_hit_line(std::string& out, const HitLine& hit, uint64_t rank, bool full_precision) {
    if (rank == 0) { // a query without hits
        out += hit.query + "\t" + hit.query_range + "\t*\t*\t*\t0\t*\t*\t*";
        out += hit.shared_kmers >= 0 ? "\t*\t*\n" : "\n";
        return;
    }
    out += hit.query;
    out += '\t';
    out += hit.query_range;
    out += '\t';
    out += hit.target;
    out += '\t';
    out += hit.target_range;
    out += '\t';
    out += std::to_string(rank);
    for (const auto& [text, value] :
         {std::pair<const std::string&, float>(hit.similarity_text, hit.similarity),
          std::pair<const std::string&, float>(hit.distance_text, hit.distance)}) {
        out += '\t';
        if (full_precision || fixed_decimals(text, 6))
            out += text; // as the search printed it: nothing to add, nothing to lose
        else
            append_float_six(out, value);
    }
    out += '\t';
    // The read search's identity, printed in full for merging, goes back to 4 decimals as search
    // prints it.
    if (full_precision || fixed_decimals(hit.identity, 4)) {
        out += hit.identity;
    } else {
        char text[32];
        std::snprintf(text, sizeof text, "%.4f", static_cast<double>(hit.identity_value));
        out += text;
    }
    if (hit.shared_kmers >= 0) {
        out += '\t';
        out += std::to_string(hit.shared_kmers);
        out += '\t';
        out += std::to_string(hit.copies);
    }
    out += '\n';
}

void append_float_full(std::string& out, float value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.9g", static_cast<double>(value));
    out += text;
}

HitsTsvReader::HitsTsvReader(ByteSource& source, std::string name)
    : source_(source), name_(std::move(name)) {}

bool HitsTsvReader::next_line(std::string& line) {
    for (;;) {
        const size_t newline = buffer_.find('\n', buffer_pos_);
        if (newline != std::string::npos) {
            line.assign(buffer_, buffer_pos_, newline - buffer_pos_);
            buffer_pos_ = newline + 1;
            ++line_number_;
            return true;
        }
        if (buffer_.size() - buffer_pos_ > max_line_bytes)
            throw Error(ErrorKind::input, name_ + ":" + std::to_string(line_number_ + 1) +
                                              ": line longer than 1 MiB: not ruvec search TSV");
        if (source_done_) {
            if (buffer_pos_ == buffer_.size()) return false;
            throw Error(ErrorKind::input, name_ + ":" + std::to_string(line_number_ + 1) +
                                              ": last line has no newline (truncated?)");
        }
        buffer_.erase(0, buffer_pos_);
        buffer_pos_ = 0;
        const size_t old_size = buffer_.size();
        buffer_.resize(old_size + read_bytes);
        const size_t got = source_.read(&buffer_[old_size], read_bytes);
        buffer_.resize(old_size + got);
        if (got == 0) source_done_ = true;
    }
}

void HitsTsvReader::parse(const std::string& line, HitLine& hit) const {
    // Built only for an error: this runs for every line.
    auto where = [&] { return name_ + ":" + std::to_string(line_number_) + ": "; };
    if (line.empty()) throw Error(ErrorKind::input, where() + "empty line");
    if (line[0] == '{')
        throw Error(ErrorKind::input,
                    where() + "JSON; merge reads the TSV of ruvec search (--format tsv)");
    if (line == header_line() || line == read_search_header_line())
        throw Error(ErrorKind::input,
                    where() + "a second header line: give each shard's output as its own file");
    std::string_view field[read_search_columns];
    size_t count = 0, begin = 0;
    for (;;) {
        const size_t tab = line.find('\t', begin);
        if (count == read_search_columns) {
            count = read_search_columns + 1;
            break;
        }
        field[count++] = std::string_view(line).substr(
            begin, tab == std::string::npos ? std::string::npos : tab - begin);
        if (tab == std::string::npos) break;
        begin = tab + 1;
    }
    if (count != columns && count != read_search_columns)
        throw Error(ErrorKind::input,
                    where() +
                        (count < columns ? "fewer than the 10 columns"
                         : count > read_search_columns
                             ? "more than the 12 columns"
                             : "11 columns, not the 10 or the 12") +
                        " of ruvec search TSV (query query_start query_end target target_start "
                        "target_end rank similarity distance identity; the read search's 11th "
                        "and 12th: shared_kmers copies)");
    if (field[6] == "0") { // a query without hits: its name and range, the rest as printed
        for (size_t c : {size_t{3}, size_t{4}, size_t{5}, size_t{7}, size_t{8}, size_t{9},
                         size_t{10}, size_t{11}})
            if (c < count && field[c] != "*")
                throw Error(ErrorKind::input, where() + "rank 0 (a query without hits) with '" +
                                                  std::string(field[c].substr(0, 40)) +
                                                  "' in column " + std::to_string(c + 1) +
                                                  ", not '*'");
        for (size_t c : {size_t{1}, size_t{2}})
            if (!all_digits(field[c]))
                throw Error(ErrorKind::input, where() + "column " + std::to_string(c + 1) +
                                                  " is '" + std::string(field[c].substr(0, 40)) +
                                                  "', not a whole number");
        hit = HitLine{};
        hit.query.assign(field[0]);
        hit.query_range.assign(field[1].data(),
                               field[2].data() + field[2].size() - field[1].data());
        hit.target = "*";
        hit.shared_kmers = count == read_search_columns ? 0 : -1;
        if (hit.query.empty()) throw Error(ErrorKind::input, where() + "empty query name");
        return;
    }
    if (count == read_search_columns)
        for (const auto& [c, what] : {std::pair<size_t, const char*>(10, "11 (shared_kmers)"),
                                      std::pair<size_t, const char*>(11, "12 (copies)")})
            if (!all_digits(field[c]) || (c == 11 && (field[c] == "0" || field[c].size() > 9)))
                throw Error(ErrorKind::input, where() + "column " + what + " is '" +
                                                  std::string(field[c].substr(0, 40)) + "', not " +
                                                  (c == 11 ? "a count from 1" : "a whole number"));
    for (size_t c : {size_t{1}, size_t{2}, size_t{4}, size_t{5}, size_t{6}})
        if (!all_digits(field[c]))
            throw Error(ErrorKind::input, where() + "column " + std::to_string(c + 1) + " is '" +
                                              std::string(field[c].substr(0, 40)) +
                                              "', not a whole number");
    if (field[0].empty() || field[3].empty())
        throw Error(ErrorKind::input, where() + "empty query or target name");
    auto parse_float = [&](size_t c, const char* what) {
        const std::string text(field[c]);
        char* end = nullptr;
        const float value = std::strtof(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || std::isnan(value))
            throw Error(ErrorKind::input,
                        where() + what + " '" + text.substr(0, 40) + "' is not a number");
        return value;
    };
    hit.query.assign(field[0]);
    hit.query_range.assign(field[1].data(), field[2].data() + field[2].size() - field[1].data());
    hit.target.assign(field[3]);
    hit.target_range.assign(field[4].data(), field[5].data() + field[5].size() - field[4].data());
    hit.rank = std::strtoull(std::string(field[6]).c_str(), nullptr, 10);
    if (hit.rank == 0) throw Error(ErrorKind::input, where() + "rank 0 written as '" +
                                                       std::string(field[6]) + "'");
    hit.similarity = parse_float(7, "similarity");
    hit.distance = parse_float(8, "distance");
    hit.identity_value = parse_float(9, "identity");
    hit.similarity_text.assign(field[7]);
    hit.distance_text.assign(field[8]);
    hit.identity.assign(field[9]);
    hit.shared_kmers = count == read_search_columns
                           ? static_cast<int64_t>(std::strtoull(std::string(field[10]).c_str(),
                                                                nullptr, 10))
                           : -1;
    hit.copies = count == read_search_columns
                     ? static_cast<uint32_t>(std::strtoul(std::string(field[11]).c_str(), nullptr, 10))
                     : 0;
}

bool HitsTsvReader::next(QueryHits& out) {
    out.hits.clear();
    std::string line;
    if (have_pending_) {
        out.hits.push_back(std::move(pending_));
        out.first_line = pending_line_;
        have_pending_ = false;
    } else {
        if (!next_line(line)) return false;
        if (line_number_ == 1 && (line == header_line() || line == read_search_header_line()) &&
            !next_line(line))
            return false;
        out.hits.emplace_back();
        parse(line, out.hits.back());
        out.first_line = line_number_;
        if (out.hits.back().rank > 1)
            throw Error(ErrorKind::input, name_ + ":" + std::to_string(line_number_) + ": rank " +
                                              std::to_string(out.hits.back().rank) +
                                              " where a query's hits start at rank 1");
    }
    while (next_line(line)) {
        HitLine hit;
        parse(line, hit);
        if (hit.rank <= 1) { // the next query's first hit, or its unmatched line
            pending_ = std::move(hit);
            pending_line_ = line_number_;
            have_pending_ = true;
            break;
        }
        const HitLine& previous = out.hits.back();
        if (hit.rank != previous.rank + 1 || hit.query != previous.query ||
            hit.query_range != previous.query_range)
            throw Error(ErrorKind::input, name_ + ":" + std::to_string(line_number_) + ": rank " +
                                              std::to_string(hit.rank) + " of query '" + hit.query +
                                              "' follows rank " + std::to_string(previous.rank) +
                                              " of '" + previous.query +
                                              "': not the order ruvec search prints");
        out.hits.push_back(std::move(hit));
    }
    return true;
}

} // namespace ruvec
