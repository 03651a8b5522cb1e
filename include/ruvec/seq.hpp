// FASTA/FASTQ parsing from any ByteSource.
//
// A hand-written parser rather than htslib's kseq: kseq cannot say on which line a record went
// wrong, skips any garbage before the first record, accepts a FASTQ record without its '+' line as
// FASTA, and returns a bare -2 for a truncated quality string. Users need "reads.fq:1234: quality
// length 149 != sequence length 150", so this parser tracks lines and validates every record.
#pragma once

#include "ruvec/io.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ruvec {

// One FASTA or FASTQ record.
struct SeqRecord {
    std::string name;    // first word of the header (after '>' or '@' and any blanks); never empty
    std::string comment; // rest of the header line after that whitespace (may be empty)
    std::string seq;     // residues as written (case kept; whitespace and '\r' removed)
    std::string qual;    // FASTQ qualities, same length as seq; empty for FASTA
    uint64_t line = 0;   // 1-based line number of the header in its file
};

// Reads records one at a time. Every error is an Error(input) whose message starts with
// "<source name>:<line>: ", e.g. "reads.fq:1234: quality length 149 != sequence length 150".
class SeqReader {
public:
    // `source_name` is used only in messages (a path, or "-" for standard input).
    SeqReader(ByteSource& source, std::string source_name);
    ~SeqReader();
    SeqReader(const SeqReader&) = delete;
    SeqReader& operator=(const SeqReader&) = delete;

    // Fills `record` with the next record; returns false at a clean end of input.
    bool next(SeqRecord& record);

    uint64_t records_read() const noexcept { return records_; } // records returned so far
    uint64_t bases_read() const noexcept { return bases_; }     // residues in those records
    const std::string& source_name() const noexcept { return source_name_; }

private:
    bool fill();                            // refills the buffer; false at end of stream
    bool read_line(std::string_view& line); // next line without its terminator; false at EOF
    // Fills name and comment; returns true for a FASTQ ('@') header.
    bool parse_header(std::string_view line, uint64_t line_number, SeqRecord& record);
    void append_sequence(std::string_view line, SeqRecord& record, bool fastq);
    void append_quality(std::string_view line, SeqRecord& record);
    void read_fastq_body(SeqRecord& record); // sequence, '+' line and qualities
    [[noreturn]] void fail(uint64_t line, const std::string& message) const;

    ByteSource& source_;
    std::string source_name_;
    std::vector<char> buffer_;   // bytes read from source_
    size_t begin_ = 0, end_ = 0; // the part of buffer_ not parsed yet
    bool eof_ = false;           // source_ has returned 0
    std::string line_carry_;     // a line split across two buffer fills
    uint64_t line_number_ = 0;   // lines consumed so far
    std::string pending_header_; // a header line read ahead while finishing the previous record
    uint64_t pending_line_ = 0;  // its line number (0 when there is none)
    uint64_t records_ = 0;
    uint64_t bases_ = 0;
};

} // namespace ruvec
