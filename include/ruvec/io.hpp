// Byte streams the core reads and writes through. The CLI backs them with htslib and files, the
// WebAssembly build with memory, so the core itself never touches the file system.
#pragma once

#include "ruvec/format.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ruvec {

// A source of bytes read front to back.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Reads up to `capacity` bytes into `buffer`; returns the count, 0 only at end of stream.
    // Throws Error (io or input) when the underlying stream fails, e.g. a truncated gzip member.
    virtual size_t read(char* buffer, size_t capacity) = 0;
};

// A ByteSource over bytes already in memory (the WebAssembly build, tests).
class MemorySource : public ByteSource {
public:
    explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
    size_t read(char* buffer, size_t capacity) override;

private:
    std::string_view bytes_; // not owned; must outlive the source
    size_t position_ = 0;    // next byte to hand out
};

// A sink of bytes written front to back, optionally able to patch bytes already written.
class ByteSink {
public:
    virtual ~ByteSink() = default;
    // Writes all `size` bytes or throws Error(io).
    virtual void write(const char* data, size_t size) = 0;
    void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
    // True when write_at may be called (a regular file, memory), false for pipes.
    virtual bool can_rewrite() const { return false; }
    // Overwrites bytes at an absolute offset already written; only when can_rewrite().
    virtual void write_at(uint64_t offset, const char* data, size_t size);
    // Pushes buffered bytes to the operating system; throws Error(io) on failure.
    virtual void flush() {}
};

// A ByteSink into a growing string (the WebAssembly build, tests).
class StringSink : public ByteSink {
public:
    void write(const char* data, size_t size) override { bytes.append(data, size); }
    using ByteSink::write;
    bool can_rewrite() const override { return true; }
    void write_at(uint64_t offset, const char* data, size_t size) override;

    std::string bytes; // everything written so far
};

// Random access to a whole file's bytes, for formats read by sections (.rvx indexes). The CLI
// backs it with pread on a file, the WebAssembly build and tests with memory.
class RandomAccessSource {
public:
    virtual ~RandomAccessSource() = default;
    virtual uint64_t size() const = 0; // bytes in the file
    // Reads exactly `size` bytes at `offset`, which the caller has checked against size();
    // throws Error(io) when the operating system fails.
    virtual void read_at(uint64_t offset, char* buffer, size_t size) const = 0;
    // A handle on the same bytes that stays valid after this one is gone (the CLI duplicates
    // its file descriptor), so that bytes needed rarely can be left in the file and read when
    // needed: the float vectors of a quantized index, read only to re-rank. Null when the
    // source cannot outlive its owner (the default): the caller then reads what it needs now.
    virtual std::shared_ptr<const RandomAccessSource> share() const;
    // The whole file, mapped read-only from the operating system's page cache, so that every
    // process mapping the same file shares one copy of its pages; valid while this source
    // lives. Null when the source cannot map (the default). Not for concurrent first calls.
    virtual const char* map() const { return nullptr; }
};

// One section of a file read front to back, each piece straight into where it belongs, its
// checksum computed on the way: a decoder of a large section (the read search's k-mer index
// and sequences) need not hold it twice, once as bytes and once decoded, to check it. A decoder
// calls finish() before it trusts any field beyond the sizes it needs to allocate: finish reads
// what is left, if anything, and throws the mismatch error when the checksum differs, so a
// damaged section is reported as damaged, not as whatever its damage looks like.
class SectionReader {
public:
    // `length` bytes at `offset` of `source` (the caller has checked they lie in it), whose
    // XXH64 should be `checksum`; Error(corrupt, mismatch) otherwise.
    SectionReader(const RandomAccessSource& source, uint64_t offset, uint64_t length,
                  uint64_t checksum, std::string mismatch);
    // Bytes already in memory, checked by the caller: their checksum is computed here, so
    // finish() never throws (fuzzers and tests decode sections this way).
    explicit SectionReader(std::string_view bytes);

    uint64_t length() const noexcept { return length_; }
    uint64_t left() const noexcept { return length_ - done_; }
    // The next `size` bytes into `buffer`; `size` <= left() (Error(corrupt) otherwise).
    void read(void* buffer, size_t size);
    // Reads and checksums the rest; throws Error(corrupt, mismatch) if the checksum differs.
    void finish();

private:
    std::unique_ptr<RandomAccessSource> owned_; // the memory source of the second constructor
    const RandomAccessSource& source_;
    uint64_t offset_, length_, done_ = 0;
    uint64_t checksum_;
    std::string mismatch_;
    StreamingChecksum64 hash_;
};

// A RandomAccessSource over bytes already in memory.
class MemoryRandomSource : public RandomAccessSource {
public:
    explicit MemoryRandomSource(std::string_view bytes) : bytes_(bytes) {}
    uint64_t size() const override { return bytes_.size(); }
    void read_at(uint64_t offset, char* buffer, size_t size) const override;

private:
    std::string_view bytes_; // not owned; must outlive the source
};

} // namespace ruvec
