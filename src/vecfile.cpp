#include "ruvec/vecfile.hpp"

#include "ruvec/embed_params_codec.hpp"

#include "ruvec/error.hpp"
#include "ruvec/format.hpp"

#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace ruvec {

namespace {

constexpr char block_tag[4] = {'V', 'B', 'L', 'K'};
constexpr char end_tag[4] = {'V', 'E', 'N', 'D'};
constexpr uint8_t dtype_float32 = 1;
constexpr int zstd_level = 3;
// Text and npy output is handed to the sink in chunks this large: few writes, bounded memory.
constexpr size_t text_chunk = 1u << 20;

// Bytes one row adds to a block's raw payload.
uint64_t row_raw_bytes(size_t name_size, uint32_t dims) {
    return name_size + 1 + 16 + 4 * uint64_t{dims};
}

// Rows are checked on the way in, so no writer can produce a file its reader refuses.
void check_row(const VecRow& row) {
    if (row.name.empty() || row.name.size() > rvec_max_name)
        throw Error(ErrorKind::usage, "sequence names must be 1.." + std::to_string(rvec_max_name) +
                                          " bytes, not " + std::to_string(row.name.size()));
    if (row.name.find('\0') != std::string::npos)
        throw Error(ErrorKind::usage, "sequence name contains a NUL byte");
    if (row.start > row.end)
        throw Error(ErrorKind::usage, "window of " + row.name + " starts after it ends");
}

// A tab or line break in a name would shift every later column of a TSV line.
void check_text_row(const VecRow& row) {
    check_row(row);
    if (row.name.find_first_of("\t\n\r") != std::string::npos)
        throw Error(ErrorKind::usage,
                    "sequence name \"" + row.name + "\" contains a tab or line break (not in TSV)");
}

// Writers store what they are given, so parameters that finalize_params would still change
// (exact dims, a default step) would describe vectors that were not made with them.
EmbedParams checked_params(const EmbedParams& params) {
    EmbedParams finalized = params;
    finalize_params(finalized);
    if (finalized.dims != params.dims || finalized.step != params.step)
        throw Error(ErrorKind::usage, "embedding parameters must pass finalize_params before "
                                      "vectors are written");
    return params;
}

struct CCtxFree {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
    void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

// ---------------------------------------------------------------------------------------------
// .rvec writer

class RvecWriter final : public VectorWriter {
public:
    RvecWriter(ByteSink& out, const EmbedParams& params, std::string provenance,
               uint64_t target_block_bytes)
        : out_(out), params_(checked_params(params)), target_(target_block_bytes) {
        if (provenance.size() > rvec_max_provenance)
            throw Error(ErrorKind::usage, "provenance is longer than " +
                                              std::to_string(rvec_max_provenance) + " bytes");
        if (target_ == 0 || target_ > rvec_max_block_bytes)
            throw Error(ErrorKind::usage, "rvec block target must be 1.." +
                                              std::to_string(rvec_max_block_bytes) + " bytes");
        cctx_.reset(ZSTD_createCCtx());
        if (!cctx_) throw Error(ErrorKind::resource, "cannot allocate a zstd compressor");
        check_zstd(ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_compressionLevel, zstd_level));
        check_zstd(ZSTD_CCtx_setParameter(cctx_.get(), ZSTD_c_checksumFlag, 1));
        write_header(provenance);
    }

    void add(const VecRow& row, const float* vector) override {
        if (finished_) throw Error(ErrorKind::usage, "rows added to a finished .rvec writer");
        check_row(row);
        const uint64_t bytes = row_raw_bytes(row.name.size(), params_.dims);
        if (block_rows_ > 0 && block_raw_ + bytes > target_) write_block();
        names_.append(row.name);
        names_.push_back('\0');
        unsigned char coords[16];
        put_u64(coords, row.start);
        put_u64(coords + 8, row.end);
        coords_.append(reinterpret_cast<const char*>(coords), 16);
        const size_t at = vectors_.size();
        vectors_.resize(at + 4 * size_t{params_.dims});
        auto* p = reinterpret_cast<unsigned char*>(&vectors_[at]);
        for (uint32_t i = 0; i < params_.dims; ++i) put_f32(p + 4 * i, vector[i]);
        block_raw_ += bytes;
        ++block_rows_;
        ++rows_;
    }

    void finish() override {
        if (finished_) throw Error(ErrorKind::usage, ".rvec writer finished twice");
        finished_ = true;
        if (block_rows_ > 0) write_block();
        unsigned char end[rvec_block_header_size] = {};
        std::memcpy(end, end_tag, 4);
        put_u64(end + 8, rows_);
        put_u64(end + 16, blocks_);
        put_u64(end + 24, checksum64(payload_sums_.data(), payload_sums_.size()));
        put_u64(end + 40, checksum64(end, 40));
        out_.write(reinterpret_cast<const char*>(end), sizeof end);
        out_.flush();
    }

    uint64_t rows_written() const override { return rows_; }

private:
    static void check_zstd(size_t code) {
        if (ZSTD_isError(code))
            throw Error(ErrorKind::resource, std::string("zstd: ") + ZSTD_getErrorName(code));
    }

    void write_header(const std::string& provenance) {
        std::string h(rvec_header_size, '\0');
        auto* p = reinterpret_cast<unsigned char*>(h.data());
        std::memcpy(p, rvec_magic, 8);
        put_u32(p + 8, rvec_format_version);
        put_u32(p + 12, rvec_header_size);
        encode_embed_params(stored_embed_params(params_), p);
        put_u8(p + 27, dtype_float32);
        const uint64_t per_block =
            std::max<uint64_t>(1, target_ / (16 + 4 * uint64_t{params_.dims}));
        put_u32(p + 56, static_cast<uint32_t>(per_block));
        put_u32(p + 60, static_cast<uint32_t>(provenance.size()));
        // The checksum covers the provenance too, so it is hashed right after bytes 0..119.
        std::string covered = h.substr(0, 120) + provenance;
        put_u64(p + 120, checksum64(covered.data(), covered.size()));
        out_.write(h);
        out_.write(provenance);
    }

    void write_block() {
        raw_.clear();
        raw_.append(names_).append(coords_).append(vectors_);
        stored_.resize(ZSTD_compressBound(raw_.size()));
        const size_t stored_size =
            ZSTD_compress2(cctx_.get(), stored_.data(), stored_.size(), raw_.data(), raw_.size());
        check_zstd(stored_size);
        const uint64_t sum = checksum64(stored_.data(), stored_size);
        unsigned char h[rvec_block_header_size] = {};
        std::memcpy(h, block_tag, 4);
        put_u32(h + 4, static_cast<uint32_t>(block_rows_));
        put_u64(h + 8, raw_.size());
        put_u64(h + 16, names_.size());
        put_u64(h + 24, stored_size);
        put_u64(h + 32, sum);
        put_u64(h + 40, checksum64(h, 40));
        out_.write(reinterpret_cast<const char*>(h), sizeof h);
        out_.write(stored_.data(), stored_size);
        unsigned char sum_bytes[8];
        put_u64(sum_bytes, sum);
        payload_sums_.append(reinterpret_cast<const char*>(sum_bytes), 8);
        ++blocks_;
        names_.clear();
        coords_.clear();
        vectors_.clear();
        block_rows_ = 0;
        block_raw_ = 0;
    }

    ByteSink& out_;
    EmbedParams params_;
    uint64_t target_; // raw payload bytes a block may reach before the next row starts another
    std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx_;
    std::string names_, coords_, vectors_; // the current block's payload parts, already encoded
    std::string raw_, stored_;             // scratch for assembling and compressing a block
    std::string payload_sums_;             // 8-byte checksums of the blocks written, for the end
    uint64_t block_rows_ = 0, block_raw_ = 0, rows_ = 0, blocks_ = 0;
    bool finished_ = false;
};

// ---------------------------------------------------------------------------------------------
// .npy writer

class NpyWriter final : public VectorWriter {
public:
    NpyWriter(ByteSink& matrix, ByteSink& names, const EmbedParams& params)
        : matrix_(matrix), names_(names), params_(params) {
        if (!matrix_.can_rewrite())
            throw Error(ErrorKind::usage, "npy output needs a regular file (use -o FILE)");
        // Room for a 20-digit row count, so patching the real one in never moves the data.
        const size_t widest = dict(std::numeric_limits<uint64_t>::max()).size();
        preamble_size_ = (10 + widest + 1 + 63) / 64 * 64;
        matrix_.write(preamble(0));
        names_.write("name\tsequence\tstart\tend\n");
    }

    void add(const VecRow& row, const float* vector) override {
        if (finished_) throw Error(ErrorKind::usage, "rows added to a finished npy writer");
        check_text_row(row);
        const size_t at = values_.size();
        values_.resize(at + 4 * size_t{params_.dims});
        auto* p = reinterpret_cast<unsigned char*>(&values_[at]);
        for (uint32_t i = 0; i < params_.dims; ++i) put_f32(p + 4 * i, vector[i]);
        if (values_.size() >= text_chunk) {
            matrix_.write(values_);
            values_.clear();
        }
        text_.append(display_name(row, params_)).push_back('\t');
        text_.append(row.name).push_back('\t');
        text_.append(std::to_string(row.start + 1)).push_back('\t');
        text_.append(std::to_string(row.end)).push_back('\n');
        if (text_.size() >= text_chunk) {
            names_.write(text_);
            text_.clear();
        }
        ++rows_;
    }

    void finish() override {
        if (finished_) throw Error(ErrorKind::usage, "npy writer finished twice");
        finished_ = true;
        matrix_.write(values_);
        values_.clear();
        names_.write(text_);
        text_.clear();
        const std::string header = preamble(rows_);
        matrix_.write_at(0, header.data(), header.size());
        matrix_.flush();
        names_.flush();
    }

    uint64_t rows_written() const override { return rows_; }

private:
    std::string dict(uint64_t rows) const {
        return "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
               std::to_string(params_.dims) + "), }";
    }

    // NumPy format 1.0: magic, version, u16 header length, then the dict padded with spaces and
    // ended by '\n' so the data starts 64-byte aligned, as numpy itself writes it.
    std::string preamble(uint64_t rows) const {
        std::string d = dict(rows);
        const size_t header_len = preamble_size_ - 10;
        d.resize(header_len - 1, ' ');
        d.push_back('\n');
        std::string out("\x93NUMPY\x01\x00", 8);
        out.push_back(static_cast<char>(header_len & 0xff));
        out.push_back(static_cast<char>(header_len >> 8));
        return out + d;
    }

    ByteSink& matrix_;
    ByteSink& names_;
    EmbedParams params_;
    size_t preamble_size_ = 0; // bytes before the first float; fixed once the file is started
    std::string values_;       // encoded floats not yet written
    std::string text_;         // names-file lines not yet written
    uint64_t rows_ = 0;
    bool finished_ = false;
};

// ---------------------------------------------------------------------------------------------
// TSV writer

// Writes the shortest "%.Ng" text (N = 6..9) that reads back to the same float. printf's %g is
// correctly rounded in glibc and in emscripten's musl alike, so native and WebAssembly builds
// print identical text (std::to_chars(float) is missing from emscripten's libc++). The program
// never calls setlocale, so the decimal point is always '.'.
size_t format_float(float value, char* text) {
    if (value == 0.0f) {
        if (!std::signbit(value)) {
            text[0] = '0';
            return 1;
        }
        text[0] = '-';
        text[1] = '0';
        return 2;
    }
    int length = 0;
    for (int digits = 6; digits <= 9; ++digits) {
        length = std::snprintf(text, 32, "%.*g", digits, static_cast<double>(value));
        if (std::strtof(text, nullptr) == value) break;
    }
    return static_cast<size_t>(length);
}

class TsvWriter final : public VectorWriter {
public:
    TsvWriter(ByteSink& out, const EmbedParams& params) : out_(out), params_(params) {}

    void add(const VecRow& row, const float* vector) override {
        if (finished_) throw Error(ErrorKind::usage, "rows added to a finished TSV writer");
        check_text_row(row);
        text_.append(display_name(row, params_));
        char number[32];
        for (uint32_t i = 0; i < params_.dims; ++i) {
            text_.push_back('\t');
            text_.append(number, format_float(vector[i], number));
        }
        text_.push_back('\n');
        if (text_.size() >= text_chunk) {
            out_.write(text_);
            text_.clear();
        }
        ++rows_;
    }

    void finish() override {
        if (finished_) throw Error(ErrorKind::usage, "TSV writer finished twice");
        finished_ = true;
        out_.write(text_);
        text_.clear();
        out_.flush();
    }

    uint64_t rows_written() const override { return rows_; }

private:
    ByteSink& out_;
    EmbedParams params_;
    std::string text_; // lines not yet written
    uint64_t rows_ = 0;
    bool finished_ = false;
};

} // namespace

// ---------------------------------------------------------------------------------------------
// Names and formats

std::string display_name(const VecRow& row, const EmbedParams& params) {
    if (params.window == 0) return row.name;
    return row.name + ':' + std::to_string(row.start + 1) + '-' + std::to_string(row.end);
}

const char* vec_format_name(VecFormat format) {
    switch (format) {
    case VecFormat::rvec:
        return "rvec";
    case VecFormat::npy:
        return "npy";
    case VecFormat::tsv:
        return "tsv";
    }
    return "?";
}

bool parse_vec_format(std::string_view name, VecFormat& format) {
    for (VecFormat f : {VecFormat::rvec, VecFormat::npy, VecFormat::tsv}) {
        if (name == vec_format_name(f)) {
            format = f;
            return true;
        }
    }
    return false;
}

bool vec_format_from_path(std::string_view path, VecFormat& format) {
    const auto ends_with = [&](std::string_view suffix) {
        return path.size() > suffix.size() &&
               path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with(".rvec"))
        format = VecFormat::rvec;
    else if (ends_with(".npy"))
        format = VecFormat::npy;
    else if (ends_with(".tsv") || ends_with(".txt"))
        format = VecFormat::tsv;
    else
        return false;
    return true;
}

std::unique_ptr<VectorWriter> make_rvec_writer(ByteSink& out, const EmbedParams& params,
                                               std::string provenance,
                                               uint64_t target_block_bytes) {
    return std::make_unique<RvecWriter>(out, params, std::move(provenance), target_block_bytes);
}

std::unique_ptr<VectorWriter> make_npy_writer(ByteSink& matrix, ByteSink& names,
                                              const EmbedParams& params) {
    return std::make_unique<NpyWriter>(matrix, names, checked_params(params));
}

std::unique_ptr<VectorWriter> make_tsv_writer(ByteSink& out, const EmbedParams& params) {
    return std::make_unique<TsvWriter>(out, checked_params(params));
}

// ---------------------------------------------------------------------------------------------
// .rvec reader: every field is checked before it sizes an allocation or is trusted.

struct RvecReader::State {
    ByteSource& source;
    std::string name;         // how errors name the source
    EmbedParams params;       // from the header
    std::string provenance;   // from the header
    uint64_t offset = 0;      // bytes consumed so far, to say where damage is
    uint64_t blocks = 0;      // blocks read so far
    uint64_t rows = 0;        // rows read so far
    std::string payload_sums; // 8-byte payload checksums of the blocks read, for the end block
    bool done = false;        // the end block has been read and checked
    std::string stored;       // one block's compressed payload
    std::string raw;          // one block's decompressed payload
    std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx;

    State(ByteSource& s, std::string n) : source(s), name(std::move(n)) {}

    [[noreturn]] void damaged(const std::string& what) const {
        throw Error(ErrorKind::corrupt, name + ": " + what + ": the file is damaged");
    }
    [[noreturn]] void truncated(const std::string& where) const {
        throw Error(ErrorKind::corrupt,
                    name + ": truncated in " + where + ": the file is incomplete or damaged");
    }
    std::string block_where() const {
        return "block " + std::to_string(blocks + 1) + " (byte " + std::to_string(offset) + ")";
    }

    // Reads until `size` bytes or the end of the stream; a source may return less than asked.
    size_t read_fully(char* buffer, size_t size) {
        size_t got = 0;
        while (got < size) {
            const size_t n = source.read(buffer + got, size - got);
            if (n == 0) break;
            got += n;
        }
        offset += got;
        return got;
    }
    void read_exactly(char* buffer, size_t size, const std::string& where) {
        if (read_fully(buffer, size) != size) truncated(where);
    }

    void read_header();
    EmbedParams parse_params(const unsigned char* h) const;
    bool read_block(std::vector<VecRow>& rows, std::vector<float>& vectors);
    void read_end(const unsigned char* h);
};

void RvecReader::State::read_header() {
    unsigned char h[rvec_header_size];
    const size_t got = read_fully(reinterpret_cast<char*>(h), sizeof h);
    // A short prefix of the magic is a truncated .rvec (a crashed writer), anything else is not
    // one at all.
    if (std::memcmp(h, rvec_magic, std::min<size_t>(got, 8)) != 0)
        throw Error(ErrorKind::format, name + ": not a ruvec embedding file (.rvec)");
    if (got < 12) truncated("the file header");
    const uint32_t version = get_u32(h + 8);
    if (version > rvec_format_version)
        throw Error(ErrorKind::format, name + ": written by a newer ruvec (rvec format " +
                                           std::to_string(version) + "; this ruvec reads format " +
                                           std::to_string(rvec_format_version) +
                                           "): upgrade ruvec");
    if (version != rvec_format_version)
        throw Error(ErrorKind::format, name + ": old rvec format " + std::to_string(version) +
                                           " (this ruvec reads format " +
                                           std::to_string(rvec_format_version) +
                                           "): re-embed the sequences with this ruvec");
    if (got < sizeof h) truncated("the file header");
    if (get_u32(h + 12) != rvec_header_size)
        damaged("header size " + std::to_string(get_u32(h + 12)) + " is not " +
                std::to_string(rvec_header_size));
    const uint32_t provenance_size = get_u32(h + 60);
    if (provenance_size > rvec_max_provenance)
        damaged("provenance of " + std::to_string(provenance_size) + " bytes (at most " +
                std::to_string(rvec_max_provenance) + ")");
    std::string covered(reinterpret_cast<const char*>(h), 120);
    covered.resize(120 + size_t{provenance_size});
    read_exactly(&covered[120], provenance_size, "the provenance");
    if (!checksum_matches(checksum64(covered.data(), covered.size()), get_u64(h + 120)))
        damaged("file header checksum mismatch");
    for (size_t i = 64; i < 120; ++i)
        if (h[i] != 0) damaged("reserved header byte " + std::to_string(i) + " is not zero");
    params = parse_params(h);
    provenance = covered.substr(120);
    dctx.reset(ZSTD_createDCtx());
    if (!dctx) throw Error(ErrorKind::resource, "cannot allocate a zstd decompressor");
}

EmbedParams RvecReader::State::parse_params(const unsigned char* h) const {
    const auto invalid = [&](const std::string& what) {
        throw Error(ErrorKind::corrupt, name + ": invalid parameters in header: " + what);
    };
    if (h[27] != dtype_float32) invalid("dtype " + std::to_string(h[27]) + " (1 is float32)");
    EmbedParams p;
    const std::string fault = embed_params_from_stored(decode_embed_params(h), p);
    if (!fault.empty()) invalid(fault);
    return p;
}

bool RvecReader::State::read_block(std::vector<VecRow>& rows, std::vector<float>& vectors) {
    const std::string where = block_where();
    unsigned char h[rvec_block_header_size];
    const size_t got = read_fully(reinterpret_cast<char*>(h), sizeof h);
    if (got == 0)
        throw Error(ErrorKind::corrupt, name + ": truncated: no end block after " +
                                            std::to_string(blocks) +
                                            " blocks: the file is incomplete or damaged");
    if (got < sizeof h) truncated("the header of " + where);
    if (!checksum_matches(checksum64(h, 40), get_u64(h + 40)))
        damaged(where + ": block header checksum mismatch");
    if (std::memcmp(h, end_tag, 4) == 0) {
        read_end(h);
        return false;
    }
    if (std::memcmp(h, block_tag, 4) != 0) damaged(where + ": unknown block tag");

    const uint32_t r = get_u32(h + 4);
    const uint64_t raw_size = get_u64(h + 8);
    const uint64_t names_size = get_u64(h + 16);
    const uint64_t stored_size = get_u64(h + 24);
    const uint64_t dims = params.dims;
    // r < 2^32 and dims <= 2^16, so the fixed part cannot overflow.
    const uint64_t fixed = (16 + 4 * dims) * r;
    const auto impossible = [&](const std::string& what) { damaged(where + ": " + what); };
    if (r == 0) impossible("no rows");
    if (raw_size > rvec_max_block_bytes)
        impossible("raw size " + std::to_string(raw_size) + " exceeds " +
                   std::to_string(rvec_max_block_bytes));
    if (raw_size < fixed || raw_size - fixed != names_size)
        impossible("raw size " + std::to_string(raw_size) + " does not fit " + std::to_string(r) +
                   " rows of " + std::to_string(dims) + " dims and " + std::to_string(names_size) +
                   " bytes of names");
    if (names_size < 2 * uint64_t{r} || names_size > (rvec_max_name + 1) * uint64_t{r})
        impossible(std::to_string(names_size) + " bytes of names for " + std::to_string(r) +
                   " rows");
    if (stored_size == 0 || stored_size > ZSTD_compressBound(raw_size))
        impossible("stored size " + std::to_string(stored_size) + " for raw size " +
                   std::to_string(raw_size));

    stored.resize(stored_size);
    read_exactly(stored.data(), stored_size, where);
    const uint64_t sum = checksum64(stored.data(), stored.size());
    if (!checksum_matches(sum, get_u64(h + 32))) damaged(where + ": payload checksum mismatch");
    // Past the checksum the bytes are what the writer wrote, yet zstd is still not trusted to
    // agree with the header.
    if (ZSTD_findFrameCompressedSize(stored.data(), stored.size()) != stored.size() ||
        ZSTD_getFrameContentSize(stored.data(), stored.size()) != raw_size)
        impossible("payload is not one zstd frame of " + std::to_string(raw_size) + " bytes");
    raw.resize(raw_size);
    const size_t n =
        ZSTD_decompressDCtx(dctx.get(), raw.data(), raw.size(), stored.data(), stored.size());
    if (ZSTD_isError(n)) impossible(std::string("zstd: ") + ZSTD_getErrorName(n));
    if (n != raw_size) impossible("payload decompresses to " + std::to_string(n) + " bytes");

    rows.resize(r);
    size_t pos = 0;
    for (uint32_t i = 0; i < r; ++i) {
        const void* nul = std::memchr(raw.data() + pos, '\0', names_size - pos);
        if (!nul) impossible("fewer than " + std::to_string(r) + " names");
        const size_t len = static_cast<const char*>(nul) - (raw.data() + pos);
        if (len == 0 || len > rvec_max_name)
            impossible("name " + std::to_string(i + 1) + " has " + std::to_string(len) + " bytes");
        rows[i].name.assign(raw.data() + pos, len);
        pos += len + 1;
    }
    if (pos != names_size) impossible("more than " + std::to_string(r) + " names");
    const auto* coords = reinterpret_cast<const unsigned char*>(raw.data() + names_size);
    for (uint32_t i = 0; i < r; ++i) {
        rows[i].start = get_u64(coords + 16 * size_t{i});
        rows[i].end = get_u64(coords + 16 * size_t{i} + 8);
        if (rows[i].start > rows[i].end)
            impossible("row " + std::to_string(i + 1) + " starts after it ends");
    }
    const auto* values = coords + 16 * size_t{r};
    vectors.resize(size_t{r} * dims);
    for (size_t i = 0; i < vectors.size(); ++i) vectors[i] = get_f32(values + 4 * i);

    unsigned char sum_bytes[8];
    put_u64(sum_bytes, sum);
    payload_sums.append(reinterpret_cast<const char*>(sum_bytes), 8);
    ++blocks;
    this->rows += r;
    return true;
}

void RvecReader::State::read_end(const unsigned char* h) {
    const std::string where = "the end block (byte " + std::to_string(offset - 48) + ")";
    if (get_u32(h + 4) != 0 || get_u64(h + 32) != 0) damaged(where + ": reserved bytes not zero");
    if (get_u64(h + 8) != rows || get_u64(h + 16) != blocks)
        damaged(where + ": it counts " + std::to_string(get_u64(h + 8)) + " rows in " +
                std::to_string(get_u64(h + 16)) + " blocks, the file has " + std::to_string(rows) +
                " in " + std::to_string(blocks));
    if (!checksum_matches(checksum64(payload_sums.data(), payload_sums.size()), get_u64(h + 24)))
        damaged(where + ": checksum of the block checksums mismatch");
    char extra;
    if (read_fully(&extra, 1) != 0) damaged("bytes after the end block");
    done = true;
}

RvecReader::RvecReader(ByteSource& source, std::string source_name)
    : state_(std::make_unique<State>(source, std::move(source_name))) {
    state_->read_header();
}

RvecReader::~RvecReader() = default;

const EmbedParams& RvecReader::params() const noexcept {
    return state_->params;
}

const std::string& RvecReader::provenance() const noexcept {
    return state_->provenance;
}

bool RvecReader::next_block(std::vector<VecRow>& rows, std::vector<float>& vectors) {
    if (state_->done) return false;
    return state_->read_block(rows, vectors);
}

uint64_t RvecReader::rows_read() const noexcept {
    return state_->rows;
}

} // namespace ruvec
