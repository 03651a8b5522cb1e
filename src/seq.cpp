#include "ruvec/seq.hpp"

#include "ruvec/error.hpp"

#include <array>
#include <cstring>

namespace ruvec {

namespace {

constexpr size_t read_chunk = size_t{1} << 20;

// What a byte may be inside a sequence line.
enum ByteClass : uint8_t { residue = 0, skipped = 1, invalid = 2 };

constexpr std::array<uint8_t, 256> make_sequence_classes() {
    std::array<uint8_t, 256> classes{};
    for (auto& c : classes) c = invalid;
    // Any letter is kept (IUPAC codes and the rest just break k-mers), as are gap and stop marks.
    for (int c = 'A'; c <= 'Z'; ++c) classes[c] = classes[c + ('a' - 'A')] = residue;
    classes['*'] = classes['-'] = classes['.'] = residue;
    classes[' '] = classes['\t'] = classes['\r'] = skipped;
    return classes;
}
constexpr std::array<uint8_t, 256> sequence_classes = make_sequence_classes();

// Shows a byte in a message: printable as 'c', anything else as "byte 0xNN".
std::string describe_byte(unsigned char c) {
    if (c >= 0x20 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    static const char hex[] = "0123456789abcdef";
    return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

bool is_blank(std::string_view line) {
    for (char c : line)
        if (c != ' ' && c != '\t') return false;
    return true;
}

} // namespace

SeqReader::SeqReader(ByteSource& source, std::string source_name)
    : source_(source), source_name_(std::move(source_name)), buffer_(read_chunk) {}

SeqReader::~SeqReader() = default;

void SeqReader::fail(uint64_t line, const std::string& message) const {
    throw Error(ErrorKind::input, source_name_ + ":" + std::to_string(line) + ": " + message);
}

bool SeqReader::fill() {
    if (eof_) return false;
    begin_ = 0;
    end_ = source_.read(buffer_.data(), buffer_.size());
    if (end_ == 0) eof_ = true;
    return end_ > 0;
}

// The view stays valid until the next call. A last line without a newline still counts.
bool SeqReader::read_line(std::string_view& line) {
    line_carry_.clear();
    bool carried = false;
    for (;;) {
        if (begin_ == end_ && !fill()) {
            if (!carried) return false;
            line = line_carry_;
            break;
        }
        const char* start = buffer_.data() + begin_;
        const size_t available = end_ - begin_;
        const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
        if (newline == nullptr) {
            line_carry_.append(start, available);
            carried = true;
            begin_ = end_;
            continue;
        }
        const size_t length = static_cast<size_t>(newline - start);
        if (carried) {
            line_carry_.append(start, length);
            line = line_carry_;
        } else {
            line = std::string_view(start, length);
        }
        begin_ += length + 1;
        break;
    }
    ++line_number_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1); // Windows line endings
    return true;
}

bool SeqReader::parse_header(std::string_view line, uint64_t line_number, SeqRecord& record) {
    const unsigned char type = static_cast<unsigned char>(line[0]);
    if (type != '>' && type != '@') {
        if (records_ == 0)
            fail(line_number, "not FASTA or FASTQ: a record must start with '>' or '@', found " +
                                  describe_byte(type));
        fail(line_number, "expected a record header ('>' or '@'), found " + describe_byte(type));
    }
    for (unsigned char c : line)
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            fail(line_number, "invalid " + describe_byte(c) + " in a record header");
    // Whitespace between '>' and the name is skipped, as Biopython does: real files have it
    // ("> GQ243758" in adegenet's influenza set).
    size_t name_start = 1;
    while (name_start < line.size() && (line[name_start] == ' ' || line[name_start] == '\t'))
        ++name_start;
    size_t name_end = name_start;
    while (name_end < line.size() && line[name_end] != ' ' && line[name_end] != '\t') ++name_end;
    if (name_end == name_start) fail(line_number, "record with an empty name");
    record.name.assign(line.data() + name_start, name_end - name_start);
    size_t comment_start = name_end;
    while (comment_start < line.size() &&
           (line[comment_start] == ' ' || line[comment_start] == '\t'))
        ++comment_start;
    record.comment.assign(line.data() + comment_start, line.size() - comment_start);
    record.line = line_number;
    record.seq.clear();
    record.qual.clear();
    return type == '@';
}

void SeqReader::append_sequence(std::string_view line, SeqRecord& record, bool fastq) {
    uint8_t seen = 0;
    for (unsigned char c : line) seen |= sequence_classes[c];
    if (seen == residue) {
        record.seq.append(line.data(), line.size());
        return;
    }
    // Blanks inside the line (GenBank-style blocks of ten, a trailing '\r'): copy the runs of
    // residues between them whole, not byte by byte.
    size_t run = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        const uint8_t cls = sequence_classes[c];
        if (cls == residue) continue;
        record.seq.append(line.data() + run, i - run);
        run = i + 1;
        if (cls == invalid)
            fail(line_number_, "invalid " + describe_byte(c) + " in the sequence of record '" +
                                   record.name + "'" + (fastq ? " (missing '+' line?)" : ""));
    }
    record.seq.append(line.data() + run, line.size() - run);
}

void SeqReader::append_quality(std::string_view line, SeqRecord& record) {
    for (unsigned char c : line)
        if (c < '!' || c > '~')
            fail(line_number_,
                 "invalid quality " + describe_byte(c) + " in record '" + record.name + "'");
    record.qual.append(line.data(), line.size());
}

void SeqReader::read_fastq_body(SeqRecord& record) {
    std::string_view line;
    uint64_t sequence_lines = 0;
    for (;;) {
        if (!read_line(line))
            fail(line_number_, "truncated FASTQ record '" + record.name + "': no '+' line");
        if (!line.empty() && line[0] == '+') break;
        if (!line.empty() && line[0] == '@')
            fail(line_number_, "FASTQ record '" + record.name + "' has no '+' line");
        append_sequence(line, record, true);
        ++sequence_lines;
    }
    const std::string_view repeated_name = line.substr(1);
    if (!repeated_name.empty() && repeated_name != record.name &&
        repeated_name.substr(0, repeated_name.find_first_of(" \t")) != record.name)
        fail(line_number_,
             "'+' line names '" + std::string(repeated_name) + "', not '" + record.name + "'");
    // A sequence on one line has its qualities on one line: stopping there reports a short
    // quality string as such, instead of swallowing the next header as qualities.
    while (record.qual.size() < record.seq.size()) {
        if (!read_line(line))
            fail(line_number_, "truncated FASTQ record '" + record.name + "': quality length " +
                                   std::to_string(record.qual.size()) + " != sequence length " +
                                   std::to_string(record.seq.size()));
        append_quality(line, record);
        if (sequence_lines <= 1) break;
    }
    if (record.qual.size() != record.seq.size())
        fail(line_number_, "quality length " + std::to_string(record.qual.size()) +
                               " != sequence length " + std::to_string(record.seq.size()));
}

bool SeqReader::next(SeqRecord& record) {
    std::string_view line;
    bool fastq;
    if (pending_line_ != 0) {
        const uint64_t header_line = pending_line_;
        pending_line_ = 0;
        fastq = parse_header(pending_header_, header_line, record);
    } else {
        do {
            if (!read_line(line)) return false;
        } while (is_blank(line));
        fastq = parse_header(line, line_number_, record);
    }
    if (fastq) {
        read_fastq_body(record);
    } else {
        while (read_line(line)) {
            if (!line.empty() && line[0] == '>') {
                pending_header_.assign(line.data(), line.size());
                pending_line_ = line_number_;
                break;
            }
            append_sequence(line, record, false);
        }
    }
    ++records_;
    bases_ += record.seq.size();
    return true;
}

} // namespace ruvec
