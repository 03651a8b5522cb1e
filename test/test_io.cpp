// The core's byte streams over memory (io.hpp, io.cpp): what the WebAssembly build and the tests
// read and write through, the errors a read or rewrite out of range gives, and a section read
// in pieces with its checksum checked at the end.
#include "ruvec/io.hpp"

#include "ruvec/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ruvec;

TEST_CASE("io: MemorySource hands out its bytes in order, then 0 at the end") {
    const std::string bytes = "ACGTACGTNN";
    MemorySource source(bytes);
    char buffer[4];
    std::string got;
    size_t n;
    while ((n = source.read(buffer, sizeof buffer)) != 0) got.append(buffer, n);
    CHECK(got == bytes);
    CHECK(source.read(buffer, sizeof buffer) == 0);
    MemorySource empty("");
    CHECK(empty.read(buffer, sizeof buffer) == 0);
}

TEST_CASE("io: StringSink appends and rewrites bytes it holds, nothing beyond") {
    StringSink sink;
    CHECK(sink.can_rewrite());
    sink.write("header--");
    sink.write(std::string_view("body"));
    sink.write_at(6, "OK", 2);
    CHECK(sink.bytes == "headerOKbody");
    sink.write_at(12, "", 0); // an empty rewrite at the end is in range
    CHECK_THROWS_AS(sink.write_at(11, "xy", 2), Error);
    CHECK_THROWS_AS(sink.write_at(13, "", 0), Error);
    CHECK(sink.bytes == "headerOKbody");
}

TEST_CASE("io: a sink that cannot rewrite says so, and refuses a rewrite as an I/O error") {
    struct PipeLike : ByteSink {
        std::string bytes;
        void write(const char* data, size_t size) override { bytes.append(data, size); }
    } pipe;
    CHECK_FALSE(pipe.can_rewrite());
    pipe.ByteSink::write("abc");
    CHECK(pipe.bytes == "abc");
    try {
        pipe.write_at(0, "x", 1);
        FAIL("write_at on a pipe did not throw");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::io);
    }
}

TEST_CASE("io: MemoryRandomSource reads any range inside it and refuses ranges outside") {
    const std::string bytes = "0123456789";
    MemoryRandomSource source(bytes);
    CHECK(source.size() == 10);
    char buffer[4] = {};
    source.read_at(6, buffer, 4);
    CHECK(std::string(buffer, 4) == "6789");
    source.read_at(10, buffer, 0);
    CHECK_THROWS_AS(source.read_at(7, buffer, 4), Error);
    CHECK_THROWS_AS(source.read_at(11, buffer, 0), Error);
    // Memory neither outlives its owner nor maps: callers read what they need now.
    CHECK_FALSE(static_cast<bool>(source.share()));
    CHECK(source.map() == static_cast<const char*>(nullptr));
}

TEST_CASE("io: SectionReader reads a section in pieces and checks its checksum at the end") {
    const std::string file = "....section bytes....";
    MemoryRandomSource source(file);
    const std::string_view section = std::string_view(file).substr(4, 13);
    const uint64_t sum = checksum64(section.data(), section.size());
    {
        SectionReader reader(source, 4, 13, sum, "bad sum");
        CHECK(reader.length() == 13);
        char piece[8] = {};
        reader.read(piece, 7);
        CHECK(std::string(piece, 7) == "section");
        CHECK(reader.left() == 6);
        CHECK_THROWS_AS(reader.read(piece, 7), Error); // past the section's end
        reader.finish(); // reads " bytes" unseen: the checksum is of all 13
        CHECK(reader.left() == 0);
    }
    {
        SectionReader reader(source, 4, 13, sum ^ 1, "x.rvx: checksum mismatch in section KIDX");
        char piece[3];
        reader.read(piece, 3);
        try {
            reader.finish();
            FAIL("a wrong checksum was accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::corrupt);
            CHECK(std::string(e.what()) == "x.rvx: checksum mismatch in section KIDX");
        }
    }
    // Bytes in memory carry their own checksum.
    SectionReader in_memory(section);
    in_memory.finish();
}
