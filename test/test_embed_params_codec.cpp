// The embedding parameters as both file headers store them (embed_params_codec.hpp): bytes
// 16..55 round-trip, byte 27 is left to the file, and every bad field is named.
#include "ruvec/embed_params_codec.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using namespace ruvec;

namespace {

EmbedParams windowed() {
    EmbedParams p;
    p.k = 15;
    p.dims = 300;
    p.canonical = false;
    p.weight = Weight::log;
    p.hash_seed = 0x1234567890abcdefULL;
    p.window = 1000;
    finalize_params(p); // the step the CLI would choose
    return p;
}

// What embed_params_from_stored says of the stored fields of `p` after `edit`.
template <class Edit> std::string fault_after(Edit edit) {
    StoredEmbedParams s = stored_embed_params(windowed());
    edit(s);
    EmbedParams out;
    return embed_params_from_stored(s, out);
}

} // namespace

TEST_CASE("embed_params_codec: bytes 16..55 round-trip and byte 27 is the file's") {
    const EmbedParams p = windowed();
    unsigned char header[64];
    std::memset(header, 0xAB, sizeof header);
    encode_embed_params(stored_embed_params(p), header);
    CHECK(header[27] == 0xAB);
    for (size_t i = 0; i < embed_params_begin; ++i) CHECK(header[i] == 0xAB);
    for (size_t i = embed_params_end; i < sizeof header; ++i) CHECK(header[i] == 0xAB);
    CHECK(header[16] == 15); // little-endian k
    CHECK(header[26] == static_cast<uint8_t>(Weight::log));
    EmbedParams back;
    CHECK(embed_params_from_stored(decode_embed_params(header), back) == "");
    CHECK(back.k == p.k);
    CHECK(back.dims == p.dims);
    CHECK(back.canonical == p.canonical);
    CHECK(back.exact == p.exact);
    CHECK(back.weight == p.weight);
    CHECK(back.hash_id == p.hash_id);
    CHECK(back.hash_seed == p.hash_seed);
    CHECK(back.window == p.window);
    CHECK(back.step == p.step);
}

TEST_CASE("embed_params_codec: each bad field is refused by name") {
    CHECK(fault_after([](StoredEmbedParams& s) { s.canonical = 2; }) ==
          "canonical is 2, not 0 or 1");
    CHECK(fault_after([](StoredEmbedParams& s) { s.exact = 7; }) == "exact is 7, not 0 or 1");
    CHECK(fault_after([](StoredEmbedParams& s) { s.weight = 9; }) == "weight 9");
    CHECK(fault_after([](StoredEmbedParams& s) { s.k = 0; }) == "k = 0");
    CHECK(fault_after([](StoredEmbedParams& s) { s.k = 32; }) == "k = 32");
    CHECK(fault_after([](StoredEmbedParams& s) { s.dims = 0; }) == "dims = 0");
    CHECK(fault_after([](StoredEmbedParams& s) { s.dims = max_dims + 1; }) ==
          "dims = " + std::to_string(max_dims + 1));
    // finalize_params' own refusal, in its words.
    CHECK(fault_after([](StoredEmbedParams& s) { s.dims = 4; }).find("dims") != std::string::npos);
    // An exact profile has the dims its k gives: 136 canonical 4-mers.
    CHECK(fault_after([](StoredEmbedParams& s) {
              s.exact = 1;
              s.canonical = 1;
              s.k = 4;
              s.dims = 100;
          }) == "dims = 100 where the exact profile has 136");
    CHECK(fault_after([](StoredEmbedParams& s) { s.step = 0; }) == "window without a step");
    // A refused decode leaves the caller's parameters as they were.
    StoredEmbedParams s = stored_embed_params(windowed());
    s.k = 0;
    EmbedParams untouched;
    untouched.k = 9;
    CHECK_FALSE(embed_params_from_stored(s, untouched).empty());
    CHECK(untouched.k == 9);
}
