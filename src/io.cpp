#include "ruvec/io.hpp"

#include "ruvec/error.hpp"

#include <algorithm>
#include <cstring>

namespace ruvec {

size_t MemorySource::read(char* buffer, size_t capacity) {
    size_t n = std::min(capacity, bytes_.size() - position_);
    std::memcpy(buffer, bytes_.data() + position_, n);
    position_ += n;
    return n;
}

void ByteSink::write_at(uint64_t, const char*, size_t) {
    throw Error(ErrorKind::io, "this output cannot be rewritten (a pipe?)");
}

void StringSink::write_at(uint64_t offset, const char* data, size_t size) {
    if (offset > bytes.size() || size > bytes.size() - offset)
        throw Error(ErrorKind::io, "rewrite beyond the end of the output");
    std::memcpy(&bytes[offset], data, size);
}

std::shared_ptr<const RandomAccessSource> RandomAccessSource::share() const {
    return nullptr;
}

void MemoryRandomSource::read_at(uint64_t offset, char* buffer, size_t size) const {
    if (offset > bytes_.size() || size > bytes_.size() - offset)
        throw Error(ErrorKind::io, "read beyond the end of the file");
    std::memcpy(buffer, bytes_.data() + offset, size);
}

} // namespace ruvec
