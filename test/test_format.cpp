// The byte codec every ruvec file is written with (format.hpp, format.cpp): little-endian fields
// whatever the host, and XXH64 checksums, one-shot and streaming.
#include "ruvec/format.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace ruvec;

TEST_CASE("format: fields are little-endian and read back as written") {
    unsigned char b[8] = {};
    put_u32(b, 0x11223344u);
    CHECK(b[0] == 0x44);
    CHECK(b[1] == 0x33);
    CHECK(b[2] == 0x22);
    CHECK(b[3] == 0x11);
    CHECK(get_u32(b) == 0x11223344u);
    put_u64(b, 0x0102030405060708ull);
    for (int i = 0; i < 8; ++i) CHECK(b[i] == 8 - i);
    CHECK(get_u64(b) == 0x0102030405060708ull);
    put_u8(b, 0xfe);
    CHECK(b[0] == 0xfe);
    // 1.0f is 0x3f800000: its bytes in file order.
    put_f32(b, 1.0f);
    CHECK(b[0] == 0x00);
    CHECK(b[1] == 0x00);
    CHECK(b[2] == 0x80);
    CHECK(b[3] == 0x3f);
    for (float v : {0.0f, -0.0f, 1.5e-39f, -3.25f, std::numeric_limits<float>::max(),
                    std::numeric_limits<float>::infinity()}) {
        put_f32(b, v);
        const float back = get_f32(b);
        CHECK(back == v);
        CHECK(std::signbit(back) == std::signbit(v));
    }
    put_f32(b, std::numeric_limits<float>::quiet_NaN());
    CHECK(std::isnan(get_f32(b)));
}

TEST_CASE("format: checksum64 is XXH64, seeded") {
    // XXH64 reference values (xxHash's own test vectors): the empty input with seed 0, and
    // the seed changing the result.
    CHECK(checksum64("", 0) == 0xEF46DB3751D8E999ull);
    const std::string text = "ruvec";
    CHECK(checksum64(text.data(), text.size()) != checksum64(text.data(), text.size(), 1));
    CHECK(checksum64(text.data(), text.size()) == checksum64(text.data(), text.size()));
    CHECK(checksum64(text.data(), text.size()) != checksum64(text.data(), text.size() - 1));
}

TEST_CASE("format: the streaming checksum equals the one-shot one for any split") {
    std::mt19937 rng(7);
    std::vector<unsigned char> bytes(10000);
    for (unsigned char& c : bytes) c = static_cast<unsigned char>(rng());
    const uint64_t whole = checksum64(bytes.data(), bytes.size());
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{31}, size_t{32}, size_t{4096}, bytes.size()}) {
        CAPTURE(chunk);
        StreamingChecksum64 streaming;
        for (size_t at = 0; at < bytes.size(); at += chunk)
            streaming.update(bytes.data() + at, std::min(chunk, bytes.size() - at));
        CHECK(streaming.digest() == whole);
    }
    StreamingChecksum64 nothing;
    CHECK(nothing.digest() == checksum64("", 0));
    // digest() reads the state without ending it: more bytes may follow.
    StreamingChecksum64 partial;
    partial.update(bytes.data(), 100);
    CHECK(partial.digest() == checksum64(bytes.data(), 100));
    partial.update(bytes.data() + 100, bytes.size() - 100);
    CHECK(partial.digest() == whole);
}
