// Embedding files: ruvec's own .rvec, NumPy .npy (+ names), and TSV.
//
// .rvec format version 1. All integers and floats little-endian. A stream: it can be written to a
// pipe and read from one, and every part is checksummed (XXH64, seed 0) so damage is told from an
// old format.
//
//   File header, 128 bytes
//     off size
//       0    8  magic "\x89RVEC\r\n\x1a" (the \r\n and \x1a catch text-mode mangling, as PNG)
//       8    4  format version (1), independent of the software version
//      12    4  header size (128)
//      16    4  k
//      20    4  dims
//      24    1  canonical (0/1)
//      25    1  exact profile (0/1)
//      26    1  weight (0 count, 1 log, 2 binary)
//      27    1  dtype (1 = float32)
//      28    4  hash id (1 = fmix64 v1)
//      32    8  hash seed
//      40    8  window (0 = one vector per record)
//      48    8  step
//      56    4  rows of dims floats that fit the writer's block target, names aside
//               (informative)
//      60    4  provenance length P (<= 1 MiB)
//      64   56  reserved, zero (readers refuse anything else)
//     120    8  XXH64 of bytes 0..119 followed by the P provenance bytes
//   Provenance, P bytes: UTF-8 text, "ruvec <version>\n<command line>\n"
//   Blocks, each a 48-byte block header then a payload:
//       0    4  tag "VBLK"
//       4    4  rows R (>= 1)
//       8    8  raw payload size = N + 16 R + 4 dims R (<= 64 MiB)
//      16    8  N = bytes of the names part
//      24    8  stored size S of the payload (one zstd frame declaring its content size)
//      32    8  XXH64 of the S stored bytes
//      40    8  XXH64 of bytes 0..39 of this block header
//     payload, after zstd decompression:
//       names: R NUL-terminated sequence names (each 1..65535 bytes)
//       coordinates: R x (u64 start, u64 end), 0-based half-open (start <= end)
//       vectors: R x dims float32 (IEEE 754 binary32), row-major
//     A writer starts a new block when the next row would take the raw payload past its target
//     size (8 MiB), so the blocks depend only on the rows, never on threads or timing.
//   End block, 48 bytes, then end of file:
//       0    4  tag "VEND"
//       4    4  zero
//       8    8  total rows
//      16    8  total blocks
//      24    8  XXH64 of the concatenated 8-byte payload checksums of all blocks, in order
//      32    8  zero
//      40    8  XXH64 of bytes 0..39
#pragma once

#include "ruvec/embed.hpp"
#include "ruvec/io.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ruvec {

inline constexpr char rvec_magic[8] = {'\x89', 'R', 'V', 'E', 'C', '\r', '\n', '\x1a'};
inline constexpr uint32_t rvec_format_version = 1;
inline constexpr size_t rvec_header_size = 128;
inline constexpr size_t rvec_block_header_size = 48;
inline constexpr uint32_t rvec_max_provenance = 1u << 20;
inline constexpr size_t rvec_max_name = 65535;
// Blocks hold at most this many raw payload bytes, or one row if a single row is larger.
inline constexpr uint64_t rvec_target_block_bytes = 8u << 20;
// Readers refuse blocks claiming more raw bytes than this (a crafted size never over-allocates).
inline constexpr uint64_t rvec_max_block_bytes = 64u << 20;

// Where one vector came from.
struct VecRow {
    std::string name; // sequence (record) name
    uint64_t start;   // first base of the window, 0-based
    uint64_t end;     // one past its last base
};

// The name users see: the record name, or "name:start-end" (1-based, inclusive, as samtools
// regions) when vectors are per window.
std::string display_name(const VecRow& row, const EmbedParams& params);

enum class VecFormat { rvec, npy, tsv };

const char* vec_format_name(VecFormat format);                   // "rvec", "npy", "tsv"
bool parse_vec_format(std::string_view name, VecFormat& format); // false if unknown
// From a path's suffix: .rvec, .npy, .tsv or .txt; false when the suffix says nothing.
bool vec_format_from_path(std::string_view path, VecFormat& format);

// Writes vectors in input order. Not thread-safe; rows are added by one thread.
class VectorWriter {
public:
    virtual ~VectorWriter() = default;
    // Adds one row; `vector` holds dims floats.
    virtual void add(const VecRow& row, const float* vector) = 0;
    // Writes what is buffered and any trailer. Must be called once, after the last add; a writer
    // destroyed without finish() leaves an incomplete file (the CLI then deletes it).
    virtual void finish() = 0;
    virtual uint64_t rows_written() const = 0;
};

// .rvec; `provenance` is stored verbatim (see the layout above). `params` must have passed
// finalize_params. Tests lower `target_block_bytes` to get many small blocks.
std::unique_ptr<VectorWriter>
make_rvec_writer(ByteSink& out, const EmbedParams& params, std::string provenance,
                 uint64_t target_block_bytes = rvec_target_block_bytes);
// .npy float32 matrix (shape rows x dims, C order) into `matrix`, which must can_rewrite() so the
// row count can be patched into the header at finish(); names go to `names` as TSV with a header
// line "name\tsequence\tstart\tend" (start 1-based, end inclusive).
std::unique_ptr<VectorWriter> make_npy_writer(ByteSink& matrix, ByteSink& names,
                                              const EmbedParams& params);
// One line per row: display name, then the dims values, tab-separated, each float written in
// its shortest form that reads back to the same float.
std::unique_ptr<VectorWriter> make_tsv_writer(ByteSink& out, const EmbedParams& params);

// Reads an .rvec stream, validating as it goes. Errors name `source_name`: Error(format) for a
// file that is not .rvec or is of another format version, Error(corrupt) for damage or truncation.
class RvecReader {
public:
    RvecReader(ByteSource& source, std::string source_name); // reads and checks the header
    ~RvecReader();
    RvecReader(const RvecReader&) = delete;
    RvecReader& operator=(const RvecReader&) = delete;

    const EmbedParams& params() const noexcept; // the parameters the vectors were made with
    const std::string& provenance() const noexcept;
    // Replaces rows and vectors (rows.size() x dims floats) with the next block's; returns false
    // after the end block has been read and checked (and nothing follows it).
    bool next_block(std::vector<VecRow>& rows, std::vector<float>& vectors);
    uint64_t rows_read() const noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace ruvec
