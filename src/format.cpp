#include "ruvec/format.hpp"

// Header-only use of libxxhash, so the WebAssembly build needs no library of it.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ruvec {

uint64_t checksum64(const void* data, size_t size, uint64_t seed) {
    return XXH64(data, size, seed);
}

} // namespace ruvec
