#include "ruvec/io.hpp"

#include "ruvec/error.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

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

SectionReader::SectionReader(const RandomAccessSource& source, uint64_t offset, uint64_t length,
                             uint64_t checksum, std::string mismatch)
    : source_(source), offset_(offset), length_(length), checksum_(checksum),
      mismatch_(std::move(mismatch)) {}

SectionReader::SectionReader(std::string_view bytes)
    : owned_(std::make_unique<MemoryRandomSource>(bytes)), source_(*owned_), offset_(0),
      length_(bytes.size()), checksum_(checksum64(bytes.data(), bytes.size())) {}

void SectionReader::read(void* buffer, size_t size) {
    if (size > left()) throw Error(ErrorKind::corrupt, "read past the end of a section");
    // In pieces, each checksummed while it is still in the cache.
    constexpr size_t piece = size_t{4} << 20;
    auto* at = static_cast<char*>(buffer);
    for (size_t n = 0; n < size;) {
        const size_t count = std::min(piece, size - n);
        source_.read_at(offset_ + done_, at + n, count);
        hash_.update(at + n, count);
        done_ += count;
        n += count;
    }
}

void SectionReader::finish() {
    std::string rest(static_cast<size_t>(std::min<uint64_t>(left(), uint64_t{4} << 20)), '\0');
    while (left() > 0) read(rest.data(), static_cast<size_t>(std::min<uint64_t>(left(), rest.size())));
    if (!checksum_matches(hash_.digest(), checksum_)) throw Error(ErrorKind::corrupt, mismatch_);
}

void MemoryRandomSource::read_at(uint64_t offset, char* buffer, size_t size) const {
    if (offset > bytes_.size() || size > bytes_.size() - offset)
        throw Error(ErrorKind::io, "read beyond the end of the file");
    std::memcpy(buffer, bytes_.data() + offset, size);
}

} // namespace ruvec
