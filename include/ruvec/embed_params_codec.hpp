// The embedding parameters as ruvec's files store them: bytes 16..55 of the .rvec header and of
// the .rvx header alike, so that vectors and indexes made with the same parameters say so in the
// same bytes. Byte 27, amid them, belongs to each file (the value type of .rvec, the metric of
// .rvx) and is left alone here. All little-endian:
//   16 u32 k   20 u32 dims   24 u8 canonical (0/1)   25 u8 exact profile (0/1)
//   26 u8 weight (0 count, 1 log, 2 binary)   28 u32 hash id   32 u64 hash seed
//   40 u64 window (0: one vector per record)   48 u64 step
#pragma once

#include "ruvec/embed.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace ruvec {

inline constexpr size_t embed_params_begin = 16, embed_params_end = 56; // header bytes [16, 56)

// The fields as they lie in a header, before anything is checked (the .rvx loader and the tests
// that craft damaged headers handle them raw).
struct StoredEmbedParams {
    uint32_t k = 0;
    uint32_t dims = 0;
    uint8_t canonical = 0;
    uint8_t exact = 0;
    uint8_t weight = 0;
    uint32_t hash_id = 0;
    uint64_t hash_seed = 0;
    uint64_t window = 0;
    uint64_t step = 0;
};

StoredEmbedParams stored_embed_params(const EmbedParams& params);
// Writes bytes 16..55 of `header` but byte 27.
void encode_embed_params(const StoredEmbedParams& stored, unsigned char* header);
StoredEmbedParams decode_embed_params(const unsigned char* header);

// The parameters the stored fields describe, checked as every reader checks them: flags 0 or 1,
// a known weight, k and dims in range (dims sizes every later allocation), finalize_params
// accepting them and leaving dims and step as stored (a writer stores finalised parameters).
// Returns "" when they are valid, else what is wrong, for the reader's message.
std::string embed_params_from_stored(const StoredEmbedParams& stored, EmbedParams& params);

} // namespace ruvec
