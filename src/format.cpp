#include "ruvec/format.hpp"

// Header-only use of libxxhash, so the WebAssembly build needs no library of it.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ruvec {

uint64_t checksum64(const void* data, size_t size, uint64_t seed) {
    return XXH64(data, size, seed);
}

static_assert(sizeof(XXH64_state_t) <= 96, "StreamingChecksum64::state_ holds an XXH64_state_t");

StreamingChecksum64::StreamingChecksum64() {
    XXH64_reset(reinterpret_cast<XXH64_state_t*>(state_), 0);
}

StreamingChecksum64::~StreamingChecksum64() = default;

void StreamingChecksum64::update(const void* data, size_t size) {
    XXH64_update(reinterpret_cast<XXH64_state_t*>(state_), data, size);
}

uint64_t StreamingChecksum64::digest() const {
    return XXH64_digest(reinterpret_cast<const XXH64_state_t*>(state_));
}

} // namespace ruvec
