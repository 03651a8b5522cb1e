// FASTA/FASTQ parsing: valid variants parse, every malformed record is reported with its line.
#include "ruvec/error.hpp"
#include "ruvec/seq.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using ruvec::Error;
using ruvec::MemorySource;
using ruvec::SeqReader;
using ruvec::SeqRecord;

namespace {

std::vector<SeqRecord> parse(const std::string& text) {
    MemorySource source(text);
    SeqReader reader(source, "in.fa");
    std::vector<SeqRecord> records;
    SeqRecord record;
    while (reader.next(record)) records.push_back(record);
    return records;
}

// The message of the Error that parsing `text` throws ("" if none).
std::string parse_error(const std::string& text) {
    try {
        parse(text);
    } catch (const Error& e) {
        CHECK(e.kind() == ruvec::ErrorKind::input);
        return e.what();
    }
    return "";
}

// A ByteSource that hands out one byte at a time, to exercise lines split across reads.
class TrickleSource : public ruvec::ByteSource {
public:
    explicit TrickleSource(std::string bytes) : bytes_(std::move(bytes)) {}
    size_t read(char* buffer, size_t capacity) override {
        if (position_ == bytes_.size() || capacity == 0) return 0;
        buffer[0] = bytes_[position_++];
        return 1;
    }

private:
    std::string bytes_;
    size_t position_ = 0;
};

} // namespace

TEST_CASE("multi-line FASTA with comments, lowercase, blank lines and no final newline") {
    auto records = parse(">chr1 first one\nACGT\nacgtNN\n\n>chr2\tsecond\nGG\nTT");
    REQUIRE(records.size() == 2);
    CHECK(records[0].name == "chr1");
    CHECK(records[0].comment == "first one");
    CHECK(records[0].seq == "ACGTacgtNN");
    CHECK(records[0].line == 1);
    CHECK(records[1].name == "chr2");
    CHECK(records[1].comment == "second");
    CHECK(records[1].seq == "GGTT");
    CHECK(records[1].line == 5);
}

TEST_CASE("blanks between '>' and the name are skipped") {
    auto records = parse("> GQ243758 segment 6\nACGT\n");
    REQUIRE(records.size() == 1);
    CHECK(records[0].name == "GQ243758");
    CHECK(records[0].comment == "segment 6");
}

TEST_CASE("Windows line endings are stripped") {
    auto records = parse(">r1\r\nACGT\r\nAC\r\n>r2\r\nTT\r\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].seq == "ACGTAC");
    CHECK(records[1].seq == "TT");
    auto fastq = parse("@q1\r\nACGT\r\n+\r\nIIII\r\n");
    REQUIRE(fastq.size() == 1);
    CHECK(fastq[0].qual == "IIII");
}

TEST_CASE("FASTQ, including '@' as a quality character and a repeated name on '+'") {
    auto records = parse("@r1 x\nACGT\n+r1\n@III\n@r2\nGGC\n+\n#!~\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].seq == "ACGT");
    CHECK(records[0].qual == "@III");
    CHECK(records[1].name == "r2");
    CHECK(records[1].qual == "#!~");
    CHECK(records[1].line == 5);
}

TEST_CASE("multi-line FASTQ") {
    auto records = parse("@r1\nACGT\nAC\n+\nIIII\nII\n");
    REQUIRE(records.size() == 1);
    CHECK(records[0].seq == "ACGTAC");
    CHECK(records[0].qual == "IIIIII");
}

TEST_CASE("empty input has no records; empty sequences are records") {
    CHECK(parse("").empty());
    CHECK(parse("\n\n").empty());
    auto records = parse(">a\n>b\nAC\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].seq.empty());
}

TEST_CASE("lines split across reads of the source") {
    const std::string text = ">long name\nACGTACGT\nTTTT\n>q\nAC\r\nGG";
    TrickleSource source(text);
    SeqReader reader(source, "t.fa");
    SeqRecord record;
    REQUIRE(reader.next(record));
    CHECK(record.seq == "ACGTACGTTTTT");
    CHECK(record.comment == "name");
    REQUIRE(reader.next(record));
    CHECK(record.seq == "ACGG");
    CHECK(record.line == 4);
    CHECK_FALSE(reader.next(record));
    CHECK(reader.records_read() == 2);
    CHECK(reader.bases_read() == 16);
}

TEST_CASE("a long single-line sequence") {
    std::string text = ">chr\n" + std::string(3'000'000, 'A') + "C\n";
    auto records = parse(text);
    REQUIRE(records.size() == 1);
    CHECK(records[0].seq.size() == 3'000'001);
    CHECK(records[0].seq.back() == 'C');
}

TEST_CASE("malformed input is reported with file and line") {
    CHECK(parse_error("@r1\nACGT\n+\nIII\n") == "in.fa:4: quality length 3 != sequence length 4");
    CHECK(parse_error("@r1\nACGT\n+\nIIIII\n") == "in.fa:4: quality length 5 != sequence length 4");
    CHECK(parse_error("@r1\nACGT\n+\nIII\n@r2\nAC\n+\nII\n") ==
          "in.fa:4: quality length 3 != sequence length 4");
    CHECK(parse_error("@r1\nACGT\n+\n") ==
          "in.fa:3: truncated FASTQ record 'r1': quality length 0 != sequence length 4");
    CHECK(parse_error("@r1\nACGT\nIIII\n@r2\nAC\n+\nII\n") ==
          "in.fa:4: FASTQ record 'r1' has no '+' line");
    CHECK(parse_error("@r1\nACGT\n#III\n") ==
          "in.fa:3: invalid '#' in the sequence of record 'r1' (missing '+' line?)");
    CHECK(parse_error("@r1\nACGT") == "in.fa:2: truncated FASTQ record 'r1': no '+' line");
    CHECK(parse_error(">\nACGT\n") == "in.fa:1: record with an empty name");
    CHECK(parse_error(">  \nACGT\n") == "in.fa:1: record with an empty name");
    CHECK(parse_error(">ok\nAC\n>\n") == "in.fa:3: record with an empty name");
    CHECK(parse_error(">r\nAC\x01GT\n") ==
          "in.fa:2: invalid byte 0x01 in the sequence of record 'r'");
    CHECK(parse_error(std::string(">r\nAC\0GT\n", 9)) ==
          "in.fa:2: invalid byte 0x00 in the sequence of record 'r'");
    CHECK(parse_error("\x7f"
                      "ELF\x02\x01") ==
          "in.fa:1: not FASTA or FASTQ: a record must start with '>' or '@', found byte 0x7f");
    CHECK(parse_error("hello\n") ==
          "in.fa:1: not FASTA or FASTQ: a record must start with '>' or '@', found 'h'");
    CHECK(parse_error("@r1\nAC\n+\nII\nxyz\n") ==
          "in.fa:5: expected a record header ('>' or '@'), found 'x'");
    CHECK(parse_error("@r1\nAC\n+r2\nII\n") == "in.fa:3: '+' line names 'r2', not 'r1'");
    CHECK(parse_error("@r1\nAC\n+\nI \n") == "in.fa:4: invalid quality ' ' in record 'r1'");
}
