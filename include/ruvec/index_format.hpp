// The .rvx index file: one file holding everything a search needs.
//
// Format 4, which this ruvec writes for every index, names its content by tagged sections: the
// section table says which sections the file holds, each entry flagged critical (a reader
// must understand it to answer correctly) or optional (a reader may skip it), as PNG's critical
// and ancillary chunks. A reader refuses a file holding a critical section it does not know,
// naming the section, and skips optional ones it does not know; so a new kind of content is a
// new tag, not a new format version. Formats 1 to 3 stood for features (2: quantized, 3: a
// shard) with a fixed list of sections each; they are still read, by their old rules.
//
// All integers and floats are little-endian. A fixed header, a section table, then the sections,
// each starting at a multiple of 64 bytes (zero padding between them). Every part is checked by
// XXH64 (seed 0) before it is used, and every count is checked against the file size before
// anything is allocated, so a damaged file is told apart from one of another format version.
//
//   Header, 256 bytes (struct RvxHeader below; the offsets are static_asserted)
//     off size
//       0    8  magic "\x89RVX\r\n\x1a\n" (the \r\n and \x1a catch text-mode mangling, as PNG)
//       8    4  format version (4; files of 1 to 3 are read), independent of the software version
//      12    4  header size (256)
//      16    4  k                      the embedding parameters, as in .rvec (one codec:
//      20    4  dims                   embed_params_codec.hpp); queries are embedded with them
//      24    1  canonical (0/1)
//      25    1  exact profile (0/1)
//      26    1  weight (0 count, 1 log, 2 binary)
//      27    1  metric (0 cosine, 1 l2, 2 ip)
//      28    4  hash id
//      32    8  hash seed
//      40    8  window (0: one vector per record)
//      48    8  step
//      56    8  rows N: windows (vectors in the graph, if any), deleted ones included
//               (1 .. 2^32 - 2)
//      64    8  deleted rows
//      72    8  names S: distinct sequence names (1 .. N)
//      80    4  M: links per node on levels >= 1 (2 M on level 0), 2 .. 512
//      84    4  ef of construction
//      88    8  seed of the node levels
//      96    4  graph top level L (<= 63)
//     100    4  entry point: the row where searches start (its level is L)
//     104    4  section count: entries in the section table (format 4: 1 .. 64, unknown optional
//               ones included; formats 1 to 3: 5, or 7 quantized, or 6 without VECT)
//     108    4  vector type (1 = float32)
//     112    1  quantization (0 none, 1 sq8, 2 pq, 3 binary); not 0 exactly when the file
//               holds QPAR and QCOD (format 2: always not 0)
//     113    1  quantization flags (bit 0: float vectors dropped, no VECT; unquantized: 0)
//     114    2  zero
//     116    4  shard i, 1-based, 1 .. shard count; 0 when the file is not a shard (formats 1
//               and 2: always 0; format 3: always a shard)
//     120    4  shard count n (0 when not a shard)
//     124    4  zero
//     128    8  first record of the shard, 0-based, in the order of all the inputs (0: no shard)
//     136    8  records in the shard (at least 1; 0: no shard)
//     144    8  records in all the inputs (first + records <= this; 0: no shard)
//     152   96  reserved, zero (readers refuse anything else)
//     248    8  XXH64 of bytes 0..247
//   Section table, section count x 32 bytes (struct RvxSection), then 8 bytes: XXH64 of the table
//       0    4  tag
//       4    4  flags: bit 0 optional (format 4; other bits zero; formats 1 to 3: all zero)
//       8    8  offset from the start of the file (a multiple of 64)
//      16    8  length in bytes
//      24    8  XXH64 of the section's bytes
//     Entries are in file order: offsets increase, sections do not overlap, and the last one
//     ends at the end of the file. In format 4 each known tag appears at most once, flagged as
//     below; NAME and ROWS are required; SEQS, KIDX and RECS come together or not at all;
//     GRPH is required but in an index of the read search alone (SEQS KIDX RECS, no VECT,
//     QPAR nor QCOD, not quantized, graph top level and entry point 0); with GRPH, VECT is
//     absent exactly when the header says the float vectors were dropped. Formats 1 to 3
//     hold exactly the sections listed for them, in the order listed.
//   Sections this ruvec knows, in the order it writes them:
//     PROV  (optional) UTF-8 text, one line per command that wrote the file:
//           "ruvec <version>\t<command line>\n" (build first, then each --add and --remove)
//     NAME  S distinct sequence names, each 1..65535 bytes and NUL-terminated
//     ROWS  N x 24 bytes: u64 start, u64 end (0-based half-open window of the sequence),
//           u32 name number (< S), u32 flags (bit 0: deleted; other bits zero)
//     VECT  N x dims float32, row-major, in row order (unit length when the metric is cosine)
//     GRPH  the HNSW graph as hnswlib 0.6.2 holds it in memory, without the vectors and labels
//           that its own saveIndex repeats (vectors are VECT; a row's label is its number):
//             level 0: N x (4 + 8 M) bytes: u16 link count (<= 2 M), u16 zero, then 2 M u32
//                      rows (slots past the count are unused)
//             levels:  N x u8, the top level of each row (<= L)
//             upper:   for each row r with level l_r > 0, in row order, l_r lists of
//                      (4 + 4 M) bytes, level 1 first: u16 count (<= M), u16 zero, M u32 rows,
//                      each of which has a level >= that list's level
//           hnswlib's bytes carry no version of their own; this layout pins them, and a new
//           hnswlib layout would get a new tag here.
//     QPAR  (quantized) the quantizer, as Quantizer::serialize writes it:
//             0    1  quantization (as header byte 112)
//             1    1  flags (bit 0: binary codes are taken around a centre)
//             2    2  zero
//             4    4  dims
//             8    4  code bytes C per row
//            12    4  pq: sub-spaces m (dims / m each), otherwise 0
//            16    4  pq: centroids per sub-space (256), otherwise 0
//            20    4  pq: k-means iterations, otherwise 0
//            24    8  rows sampled to train (pq, binary)
//            32    8  seed of the sample
//            40       pq: m x 256 x (dims / m) float32 centroids (sub-space, centroid,
//                     dimension); binary with a centre: dims float32; sq8: nothing
//           Code layouts (C bytes per row) are described in ruvec/quantize.hpp.
//     QCOD  (quantized) N x C bytes: the codes of the rows, in row order
//     SEQS  (read search) the sequences of the rows, 2 bits a base: packed_sequences.hpp
//     KIDX  (read search) the k-mer index of their samples: kmer_index.hpp
//     RECS  (read search) (R + 1) x u64: the first row of each of SEQS's R sequences, then N;
//           non-decreasing. Sequence r holds the windows of rows [first_r, first_r+1), all of
//           one name, each ending within the sequence (a sequence can have no row: one whose
//           every window lacks a valid k-mer)
//   Rewriting a file (--add, --remove) keeps the sections this ruvec knows and drops optional
//   ones it does not.
#pragma once

#include "ruvec/embed_params_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ruvec {

class RandomAccessSource;

inline constexpr char rvx_magic[8] = {'\x89', 'R', 'V', 'X', '\r', '\n', '\x1a', '\n'};
inline constexpr uint32_t rvx_format_version = 4; // tagged sections: what this ruvec writes
// The feature versions before it, still read: a fixed list of sections each.
inline constexpr uint32_t rvx_plain_format_version = 1;     // no codes, not a shard
inline constexpr uint32_t rvx_quantized_format_version = 2; // quantized, not a shard
inline constexpr uint32_t rvx_shard_format_version = 3;     // a shard, quantized or not
inline constexpr size_t rvx_header_size = 256;
inline constexpr size_t rvx_section_entry_size = 32;
inline constexpr uint64_t rvx_section_alignment = 64;
inline constexpr uint32_t rvx_vector_float32 = 1;
inline constexpr uint32_t rvx_row_deleted = 1;        // ROWS flag bit 0
inline constexpr uint8_t rvx_floats_dropped = 1;      // header byte 113, bit 0
inline constexpr size_t rvx_row_size = 24;            // bytes per ROWS entry
inline constexpr uint32_t rvx_max_level = 63;         // deeper graphs are refused
inline constexpr uint64_t rvx_max_rows = 0xFFFFFFFEu; // hnswlib numbers nodes with u32
inline constexpr uint64_t rvx_max_provenance = 16u << 20;

// Section tags, as the four ASCII bytes read little-endian.
inline constexpr uint32_t rvx_tag(const char (&name)[5]) {
    return static_cast<uint32_t>(static_cast<unsigned char>(name[0])) |
           static_cast<uint32_t>(static_cast<unsigned char>(name[1])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(name[2])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(name[3])) << 24;
}
inline constexpr uint32_t rvx_tag_provenance = rvx_tag("PROV");
inline constexpr uint32_t rvx_tag_names = rvx_tag("NAME");
inline constexpr uint32_t rvx_tag_rows = rvx_tag("ROWS");
inline constexpr uint32_t rvx_tag_vectors = rvx_tag("VECT");
inline constexpr uint32_t rvx_tag_graph = rvx_tag("GRPH");
inline constexpr uint32_t rvx_tag_quantizer = rvx_tag("QPAR");
inline constexpr uint32_t rvx_tag_codes = rvx_tag("QCOD");
// The read search (sequence_search.hpp): present together or not at all.
inline constexpr uint32_t rvx_tag_sequences = rvx_tag("SEQS"); // packed_sequences.hpp
inline constexpr uint32_t rvx_tag_kmers = rvx_tag("KIDX");     // kmer_index.hpp
inline constexpr uint32_t rvx_tag_records = rvx_tag("RECS");   // each sequence's first row
inline constexpr uint32_t rvx_known_sections = 10;    // the tags above
inline constexpr uint32_t rvx_max_sections = 64;      // entries a format-4 table may hold
inline constexpr uint32_t rvx_plain_section_count = 5; // PROV NAME ROWS VECT GRPH
inline constexpr uint32_t rvx_section_optional = 1;    // section flag bit 0

// What an index holds, as its sections say.
struct RvxContent {
    bool vectors = true;         // float vectors (unless dropped) or codes, and the graph
    bool quantized = false;      // QPAR and QCOD
    bool floats_dropped = false; // quantized without VECT
    bool sequences = false;      // SEQS, KIDX and RECS: the read search
};

// The sections this ruvec writes for an index, in file order: PROV NAME ROWS [VECT] [GRPH]
// [QPAR QCOD] [SEQS KIDX RECS] (with vectors and without the last three, the sections of a file
// of formats 1 to 3). Returns how many were written to `tags`.
inline uint32_t rvx_sections(const RvxContent& content, uint32_t (&tags)[rvx_known_sections]) {
    uint32_t n = 0;
    tags[n++] = rvx_tag_provenance;
    tags[n++] = rvx_tag_names;
    tags[n++] = rvx_tag_rows;
    if (content.vectors) {
        if (!content.floats_dropped) tags[n++] = rvx_tag_vectors;
        tags[n++] = rvx_tag_graph;
        if (content.quantized) {
            tags[n++] = rvx_tag_quantizer;
            tags[n++] = rvx_tag_codes;
        }
    }
    if (content.sequences) {
        tags[n++] = rvx_tag_sequences;
        tags[n++] = rvx_tag_kmers;
        tags[n++] = rvx_tag_records;
    }
    return n;
}

// The header's fields in file order (encoded field by field, never by memcpy of the struct).
struct RvxHeader {
    char magic[8];            // rvx_magic
    uint32_t version;         // rvx_format_version
    uint32_t header_size;     // rvx_header_size
    uint32_t k;               // k-mer length
    uint32_t dims;            // vector length
    uint8_t canonical;        // 1: k-mer and reverse complement counted as one
    uint8_t exact;            // 1: exact k-mer profile instead of hashing
    uint8_t weight;           // ruvec::Weight
    uint8_t metric;           // ruvec::Metric
    uint32_t hash_id;         // which k-mer hash
    uint64_t hash_seed;       // its seed
    uint64_t window;          // window length, 0: one vector per record
    uint64_t step;            // distance between window starts
    uint64_t rows;            // vectors in the graph, deleted ones included
    uint64_t deleted_rows;    // rows flagged deleted
    uint64_t names;           // distinct sequence names
    uint32_t M;               // links per node on upper levels
    uint32_t ef_construction; // candidate list size while building
    uint64_t seed;            // seed of the node levels
    uint32_t max_level;       // top level of the graph
    uint32_t entry_point;     // row where searches start
    uint32_t section_count;   // entries in the section table
    uint32_t vector_type;     // rvx_vector_float32
    uint8_t quantization;     // ruvec::QuantKind
    uint8_t quant_flags;      // rvx_floats_dropped
    uint8_t zero0[2];
    uint32_t shard;       // 1-based; 0: not a shard
    uint32_t shard_count; // 0: not a shard
    uint32_t zero1;
    uint64_t shard_first_record; // 0-based, over all the inputs
    uint64_t shard_records;      // records in the shard
    uint64_t total_records;      // records in all the inputs
    uint8_t reserved[96];        // zero
    uint64_t checksum;           // XXH64 of bytes 0..247
};
static_assert(sizeof(RvxHeader) == rvx_header_size, "the .rvx header is 256 bytes");
static_assert(offsetof(RvxHeader, metric) == 27 && offsetof(RvxHeader, rows) == 56 &&
                  offsetof(RvxHeader, M) == 80 && offsetof(RvxHeader, section_count) == 104 &&
                  offsetof(RvxHeader, quantization) == 112 && offsetof(RvxHeader, shard) == 116 &&
                  offsetof(RvxHeader, shard_first_record) == 128 &&
                  offsetof(RvxHeader, reserved) == 152 && offsetof(RvxHeader, checksum) == 248,
              "RvxHeader fields sit at the documented offsets");

// True for the tags this ruvec knows; the flags a format-4 file gives a known tag.
bool rvx_tag_known(uint32_t tag);
inline uint32_t rvx_known_tag_flags(uint32_t tag) {
    return tag == rvx_tag_provenance ? rvx_section_optional : 0;
}

// One entry of the section table.
struct RvxSection {
    uint32_t tag;      // rvx_tag_*
    uint32_t flags;    // rvx_section_optional (format 4), otherwise 0
    uint64_t offset;   // from the start of the file
    uint64_t length;   // bytes
    uint64_t checksum; // XXH64 of the bytes
};
static_assert(sizeof(RvxSection) == rvx_section_entry_size, "section entries are 32 bytes");

// The header's embedding fields (bytes 16..55 but the metric, embed_params_codec.hpp), as
// stored, and set from parameters.
StoredEmbedParams rvx_embed_fields(const RvxHeader& header);
void set_rvx_embed_fields(RvxHeader& header, const EmbedParams& params);

// Field-by-field little-endian encoding; decode does not validate (the index loader does).
void encode_rvx_header(const RvxHeader& header, unsigned char* out);    // 256 bytes; sets checksum
RvxHeader decode_rvx_header(const unsigned char* in);                   // 256 bytes
void encode_rvx_section(const RvxSection& section, unsigned char* out); // 32 bytes
RvxSection decode_rvx_section(const unsigned char* in);                 // 32 bytes
// "PROV" for a tag of letters and digits, or its hex value otherwise.
const char* rvx_tag_name(uint32_t tag, char (&buffer)[12]);
// What a section holds, for messages: "vectors" for VECT, the quoted tag for one not known.
std::string rvx_section_title(uint32_t tag);

// A file's header and section table, validated: what a loader may trust before it reads a
// section. The header's embedding and graph parameters and its shard fields (when `shard`) are
// left for the loader to check with their owners' rules.
struct RvxLayout {
    RvxHeader header{};
    // GRPH is present, with VECT or QPAR and QCOD; false only for an index of the read search
    // alone (format 4, SEQS KIDX RECS present), whose header then has top level and entry 0
    bool vectors = true;
    bool quantized = false;      // QPAR and QCOD are present (and the header's quantization set)
    bool floats_dropped = false; // no VECT
    bool shard = false;          // the header's shard fields describe a shard (else all zero)
    bool sequences = false;      // SEQS, KIDX and RECS are present (the read search)
    std::vector<RvxSection> sections; // the whole table, in file order, unknown ones included
    // The entry of a known tag, or null when the file lacks it.
    const RvxSection* find(uint32_t tag) const;
};

// Reads and validates the header and section table of `source`, named `source_name` in errors:
// magic, version, checksums of header and table, reserved bytes, counts and sections against the
// file size, the sections' tags, flags and order. Throws Error(format) for a file that is not an
// index, is of a format this ruvec does not read or needs a section it does not know (naming
// it), and Error(corrupt) for damage, each message starting with "<source_name>: ".
RvxLayout read_rvx_layout(const RandomAccessSource& source, const std::string& source_name);

} // namespace ruvec
