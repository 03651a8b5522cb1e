#include "ruvec/vecfile.hpp"

#include "ruvec/error.hpp"
#include "ruvec/format.hpp"

#include <doctest/doctest.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

using namespace ruvec;

namespace {

EmbedParams small_params(uint32_t dims = 8) {
    EmbedParams p;
    p.k = 5;
    p.dims = dims;
    p.weight = Weight::log;
    p.hash_seed = 0x1234567890abcdefULL;
    finalize_params(p);
    return p;
}

// Deterministic rows, with values that text or float conversion would mangle: -0, NaN with a
// payload, infinities, subnormals.
struct Rows {
    std::vector<VecRow> rows;
    std::vector<float> values; // rows.size() x dims
};

float float_from_bits(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

Rows make_rows(size_t n, uint32_t dims) {
    Rows r;
    uint64_t state = 42;
    for (size_t i = 0; i < n; ++i) {
        // Names of varied length, so blocks end at row counts that depend on the names.
        r.rows.push_back(
            {"seq" + std::to_string(i) + std::string(i % 7, 'x'), 10 * i, 10 * i + i % 13});
        for (uint32_t d = 0; d < dims; ++d) {
            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            r.values.push_back(static_cast<float>(static_cast<int32_t>(state >> 40)) / 8388608.0f);
        }
    }
    const float specials[] = {-0.0f, float_from_bits(0x7fc12345),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity(), float_from_bits(1)};
    for (size_t i = 0; i < std::size(specials) && i < r.values.size(); ++i)
        r.values[3 * i] = specials[i];
    return r;
}

std::string write_rvec(const Rows& rows, const EmbedParams& params, const std::string& provenance,
                       uint64_t target = rvec_target_block_bytes) {
    StringSink sink;
    auto writer = make_rvec_writer(sink, params, provenance, target);
    for (size_t i = 0; i < rows.rows.size(); ++i)
        writer->add(rows.rows[i], rows.values.data() + i * params.dims);
    CHECK(writer->rows_written() == rows.rows.size());
    writer->finish();
    return sink.bytes;
}

struct ReadBack {
    EmbedParams params;
    std::string provenance;
    Rows rows;
    size_t blocks = 0;
};

ReadBack read_rvec(ByteSource& source) {
    RvecReader reader(source, "test.rvec");
    ReadBack back;
    back.params = reader.params();
    back.provenance = reader.provenance();
    std::vector<VecRow> rows;
    std::vector<float> values;
    while (reader.next_block(rows, values)) {
        REQUIRE(values.size() == rows.size() * back.params.dims);
        back.rows.rows.insert(back.rows.rows.end(), rows.begin(), rows.end());
        back.rows.values.insert(back.rows.values.end(), values.begin(), values.end());
        ++back.blocks;
    }
    CHECK(!reader.next_block(rows, values)); // stays at the end
    CHECK(reader.rows_read() == back.rows.rows.size());
    return back;
}

ReadBack read_rvec(const std::string& bytes) {
    MemorySource source(bytes);
    return read_rvec(source);
}

ErrorKind read_error(const std::string& bytes, std::string* message = nullptr) {
    try {
        read_rvec(bytes);
    } catch (const Error& e) {
        if (message) *message = e.what();
        return e.kind();
    }
    FAIL("no error reading damaged bytes");
    return ErrorKind::usage;
}

void check_same(const ReadBack& back, const Rows& rows, const EmbedParams& params) {
    CHECK(back.params.k == params.k);
    CHECK(back.params.dims == params.dims);
    CHECK(back.params.canonical == params.canonical);
    CHECK(back.params.exact == params.exact);
    CHECK(back.params.weight == params.weight);
    CHECK(back.params.hash_id == params.hash_id);
    CHECK(back.params.hash_seed == params.hash_seed);
    CHECK(back.params.window == params.window);
    CHECK(back.params.step == params.step);
    REQUIRE(back.rows.rows.size() == rows.rows.size());
    for (size_t i = 0; i < rows.rows.size(); ++i) {
        CHECK(back.rows.rows[i].name == rows.rows[i].name);
        CHECK(back.rows.rows[i].start == rows.rows[i].start);
        CHECK(back.rows.rows[i].end == rows.rows[i].end);
    }
    REQUIRE(back.rows.values.size() == rows.values.size());
    // Bit-exact, so -0 and NaN payloads count.
    CHECK(std::memcmp(back.rows.values.data(), rows.values.data(), 4 * rows.values.size()) == 0);
}

// Hands out a few bytes per read, as pipes and decompressors do.
class TrickleSource : public ByteSource {
public:
    explicit TrickleSource(std::string_view bytes) : bytes_(bytes) {}
    size_t read(char* buffer, size_t capacity) override {
        size_t n = std::min({capacity, bytes_.size() - position_, 1 + position_ % 7});
        std::memcpy(buffer, bytes_.data() + position_, n);
        position_ += n;
        return n;
    }

private:
    std::string_view bytes_;
    size_t position_ = 0;
};

// A pipe: cannot patch what it has written.
class PipeSink : public ByteSink {
public:
    void write(const char* data, size_t size) override { bytes.append(data, size); }
    using ByteSink::write;
    std::string bytes;
};

unsigned char* at(std::string& bytes, size_t offset) {
    return reinterpret_cast<unsigned char*>(&bytes[offset]);
}

size_t header_end(const std::string& file) {
    return rvec_header_size + get_u32(reinterpret_cast<const unsigned char*>(file.data()) + 60);
}

// Rewrites the file header's checksum after a test has edited its fields.
void reseal_header(std::string& file) {
    std::string covered = file.substr(0, 120) + file.substr(128, header_end(file) - 128);
    put_u64(at(file, 120), checksum64(covered.data(), covered.size()));
}

void reseal_block_header(std::string& file, size_t offset) {
    put_u64(at(file, offset + 40), checksum64(at(file, offset), 40));
}

// Builds a file from hand-made blocks with every checksum right, so only the check under test
// can reject it.
struct CraftedBlock {
    uint32_t rows;
    std::string names;   // the names part, as stored
    std::string payload; // the whole raw payload
    std::string stored;  // empty: compress payload as one frame
};

std::string compress(const std::string& raw) {
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), 3);
    REQUIRE(!ZSTD_isError(n));
    out.resize(n);
    return out;
}

std::string craft(const EmbedParams& params, const std::vector<CraftedBlock>& blocks,
                  int64_t end_rows_delta = 0) {
    StringSink sink;
    make_rvec_writer(sink, params, "crafted\n")->finish();
    std::string file = sink.bytes.substr(0, header_end(sink.bytes));
    std::string sums;
    uint64_t rows = 0;
    for (const auto& b : blocks) {
        const std::string stored = b.stored.empty() ? compress(b.payload) : b.stored;
        unsigned char h[48] = {};
        std::memcpy(h, "VBLK", 4);
        put_u32(h + 4, b.rows);
        put_u64(h + 8, b.payload.size());
        put_u64(h + 16, b.names.size());
        put_u64(h + 24, stored.size());
        const uint64_t sum = checksum64(stored.data(), stored.size());
        put_u64(h + 32, sum);
        put_u64(h + 40, checksum64(h, 40));
        file.append(reinterpret_cast<char*>(h), 48).append(stored);
        unsigned char s[8];
        put_u64(s, sum);
        sums.append(reinterpret_cast<char*>(s), 8);
        rows += b.rows;
    }
    unsigned char e[48] = {};
    std::memcpy(e, "VEND", 4);
    put_u64(e + 8, rows + end_rows_delta);
    put_u64(e + 16, blocks.size());
    put_u64(e + 24, checksum64(sums.data(), sums.size()));
    put_u64(e + 40, checksum64(e, 40));
    return file.append(reinterpret_cast<char*>(e), 48);
}

// A payload of `names` (NUL-separated, as stored) with valid coordinates and zero vectors.
CraftedBlock block_of(uint32_t rows, const std::string& names, uint32_t dims, uint64_t start = 0,
                      uint64_t end = 5) {
    std::string payload = names;
    for (uint32_t i = 0; i < rows; ++i) {
        unsigned char c[16];
        put_u64(c, start);
        put_u64(c + 8, end);
        payload.append(reinterpret_cast<char*>(c), 16);
    }
    payload.append(4 * size_t{dims} * rows, '\0');
    return {rows, names, payload, ""};
}

} // namespace

TEST_CASE("display names and format names") {
    EmbedParams p = small_params();
    CHECK(display_name({"chr1", 0, 500}, p) == "chr1");
    p.window = 100;
    p.step = 50;
    CHECK(display_name({"chr1", 0, 100}, p) == "chr1:1-100");
    CHECK(display_name({"chr1", 150, 230}, p) == "chr1:151-230");

    VecFormat f = VecFormat::tsv;
    CHECK(parse_vec_format("rvec", f));
    CHECK(f == VecFormat::rvec);
    CHECK(parse_vec_format("npy", f));
    CHECK(f == VecFormat::npy);
    CHECK(!parse_vec_format("csv", f));
    CHECK(std::string(vec_format_name(VecFormat::tsv)) == "tsv");
    CHECK(vec_format_from_path("out/x.tsv", f));
    CHECK(f == VecFormat::tsv);
    CHECK(vec_format_from_path("x.txt", f));
    CHECK(f == VecFormat::tsv);
    CHECK(vec_format_from_path("x.npy", f));
    CHECK(f == VecFormat::npy);
    CHECK(vec_format_from_path("a.b.rvec", f));
    CHECK(f == VecFormat::rvec);
    CHECK(!vec_format_from_path("x.fa", f));
    CHECK(!vec_format_from_path("-", f));
}

TEST_CASE("rvec round trip in many small blocks") {
    EmbedParams p = small_params();
    p.window = 50;
    p.step = 25;
    const Rows rows = make_rows(40, p.dims);
    const std::string file = write_rvec(rows, p, "ruvec test\nruvec embed x.fa\n", 300);
    ReadBack back = read_rvec(file);
    check_same(back, rows, p);
    CHECK(back.provenance == "ruvec test\nruvec embed x.fa\n");
    CHECK(back.blocks > 5);
    // Each block stays within the target unless it holds a single row.
    CHECK(get_u32(reinterpret_cast<const unsigned char*>(file.data()) + 56) == 300 / (16 + 32));

    TrickleSource trickle(file);
    check_same(read_rvec(trickle), rows, p);

    // Same rows, same bytes: nothing in the file depends on time or memory addresses.
    CHECK(write_rvec(rows, p, "ruvec test\nruvec embed x.fa\n", 300) == file);
}

TEST_CASE("rvec round trip with the default block size spans several blocks") {
    const EmbedParams p = small_params(4096);
    const Rows rows = make_rows(1100, p.dims); // ~18 MB of floats
    const std::string file = write_rvec(rows, p, "");
    ReadBack back = read_rvec(file);
    check_same(back, rows, p);
    CHECK(back.blocks == 3);
    CHECK(back.provenance.empty());
    CHECK(write_rvec(rows, p, "") == file);
}

TEST_CASE("rvec with zero rows") {
    const EmbedParams p = small_params();
    const std::string file = write_rvec({}, p, "ruvec\n");
    CHECK(file.size() == rvec_header_size + 6 + rvec_block_header_size);
    ReadBack back = read_rvec(file);
    CHECK(back.rows.rows.empty());
    CHECK(back.blocks == 0);
    CHECK(back.provenance == "ruvec\n");
    CHECK(back.params.hash_seed == p.hash_seed);
}

TEST_CASE("rvec exact profile parameters survive") {
    EmbedParams p;
    p.k = 4;
    p.exact = true;
    p.weight = Weight::binary;
    finalize_params(p);
    REQUIRE(p.dims == 136);
    const Rows rows = make_rows(3, p.dims);
    check_same(read_rvec(write_rvec(rows, p, "x")), rows, p);
}

TEST_CASE("rvec writer refuses what its reader would refuse") {
    const EmbedParams p = small_params();
    const std::vector<float> v(p.dims, 0.5f);
    StringSink sink;
    auto w = make_rvec_writer(sink, p, "");
    CHECK_THROWS_AS(w->add({"", 0, 1}, v.data()), Error);
    CHECK_THROWS_AS(w->add({std::string("a\0b", 3), 0, 1}, v.data()), Error);
    CHECK_THROWS_AS(w->add({std::string(rvec_max_name + 1, 'n'), 0, 1}, v.data()), Error);
    CHECK_THROWS_AS(w->add({"a", 5, 4}, v.data()), Error);
    w->add({std::string(rvec_max_name, 'n'), 0, 1}, v.data());
    w->finish();
    CHECK(read_rvec(sink.bytes).rows.rows.at(0).name.size() == rvec_max_name);

    try {
        make_rvec_writer(sink, p, std::string(rvec_max_provenance + 1, 'p'));
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
    EmbedParams unfinished = p;
    unfinished.window = 100; // step 0 not yet set by finalize_params
    CHECK_THROWS_AS(make_rvec_writer(sink, unfinished, ""), Error);
}

TEST_CASE("rvec truncated anywhere is reported, never read past") {
    const EmbedParams p = small_params();
    const Rows rows = make_rows(12, p.dims);
    const std::string file = write_rvec(rows, p, "prov\n", 150);
    REQUIRE(read_rvec(file).blocks >= 3);
    for (size_t n = 0; n < file.size(); ++n) {
        CAPTURE(n);
        // A copy of exactly n bytes, so ASan sees any read beyond them.
        const std::string cut = file.substr(0, n);
        std::string message;
        CHECK(read_error(cut, &message) == ErrorKind::corrupt);
        CHECK(message.find("truncated") != std::string::npos);
    }
}

TEST_CASE("rvec with any byte changed is refused") {
    const EmbedParams p = small_params();
    const Rows rows = make_rows(12, p.dims);
    const std::string file = write_rvec(rows, p, "prov\n", 150);
    for (size_t i = 0; i < file.size(); ++i) {
        for (unsigned char flip : {0x01, 0x80}) {
            CAPTURE(i);
            std::string bad = file;
            bad[i] = static_cast<char>(bad[i] ^ flip);
            // The magic and the version say "not this format"; every other byte is damage.
            CHECK(read_error(bad) == (i < 12 ? ErrorKind::format : ErrorKind::corrupt));
        }
    }
}

TEST_CASE("rvec magic and version errors say what to do") {
    std::string message;
    CHECK(read_error(std::string(200, 'A'), &message) == ErrorKind::format);
    CHECK(message == "test.rvec: not a ruvec embedding file (.rvec)");
    CHECK(read_error("\x93NUMPY", &message) == ErrorKind::format);

    const std::string file = write_rvec(make_rows(2, 8), small_params(), "p");
    std::string newer = file;
    put_u32(at(newer, 8), 2);
    reseal_header(newer);
    CHECK(read_error(newer, &message) == ErrorKind::format);
    CHECK(message == "test.rvec: written by a newer ruvec (rvec format 2; this ruvec reads format "
                     "1): upgrade ruvec");
    std::string older = file;
    put_u32(at(older, 8), 0);
    reseal_header(older);
    CHECK(read_error(older, &message) == ErrorKind::format);
    CHECK(message.find("old rvec format 0") != std::string::npos);
    CHECK(message.find("re-embed") != std::string::npos);

    std::string damaged = file;
    damaged[20] ^= 1;
    CHECK(read_error(damaged, &message) == ErrorKind::corrupt);
    CHECK(message == "test.rvec: file header checksum mismatch: the file is damaged");
}

TEST_CASE("rvec header parameters are validated even with a good checksum") {
    const std::string file = write_rvec(make_rows(2, 8), small_params(), "p");
    const auto with = [&](auto edit) {
        std::string bad = file;
        edit(bad);
        reseal_header(bad);
        std::string message;
        CHECK(read_error(bad, &message) == ErrorKind::corrupt);
        return message;
    };
    CHECK(with([](std::string& f) { put_u32(at(f, 16), 0); }).find("invalid parameters") !=
          std::string::npos);
    with([](std::string& f) { put_u32(at(f, 16), 32); });
    with([](std::string& f) { put_u32(at(f, 20), 7); });
    with([](std::string& f) { put_u32(at(f, 20), 65537); });
    with([](std::string& f) { put_u32(at(f, 20), 0xffffffff); });
    with([](std::string& f) { f[24] = 2; });
    with([](std::string& f) { f[25] = 2; });
    with([](std::string& f) { f[25] = 1; }); // exact k = 5 is not allowed
    with([](std::string& f) { f[26] = 3; });
    with([](std::string& f) { f[27] = 2; });
    with([](std::string& f) { put_u32(at(f, 28), 2); });
    with([](std::string& f) { put_u64(at(f, 48), 10); });  // a step without a window
    with([](std::string& f) { put_u64(at(f, 40), 100); }); // a window without a step
    with([](std::string& f) { put_u32(at(f, 12), 129); });
    with([](std::string& f) { f[100] = 1; });
    // Checked before the provenance is allocated or read.
    CHECK(with([](std::string& f) {
              put_u32(at(f, 60), rvec_max_provenance + 1);
          }).find("provenance") != std::string::npos);
    // Larger than the file: truncated, not allocated from a bogus length alone.
    CHECK(with([](std::string& f) { put_u32(at(f, 60), rvec_max_provenance); }).find("truncated") !=
          std::string::npos);
}

TEST_CASE("rvec block headers with impossible sizes are refused before allocating") {
    const EmbedParams p = small_params();
    const std::string file = write_rvec(make_rows(3, p.dims), p, "p");
    const size_t block = header_end(file);
    const auto with = [&](auto edit) {
        std::string bad = file;
        edit(bad);
        reseal_block_header(bad, block);
        std::string message;
        CHECK(read_error(bad, &message) == ErrorKind::corrupt);
        CHECK(message.find("block 1") != std::string::npos);
        return message;
    };
    with([&](std::string& f) { put_u32(at(f, block + 4), 1u << 31); });
    with([&](std::string& f) { put_u32(at(f, block + 4), 0); });
    with([&](std::string& f) { put_u64(at(f, block + 8), uint64_t{1} << 60); });
    // Consistent with each other, yet far beyond any block this ruvec writes.
    with([&](std::string& f) {
        const uint64_t r = 1u << 31;
        put_u32(at(f, block + 4), static_cast<uint32_t>(r));
        put_u64(at(f, block + 16), 2 * r);
        put_u64(at(f, block + 8), 2 * r + (16 + 4 * 8) * r);
    });
    with([&](std::string& f) { put_u64(at(f, block + 16), get_u64(at(f, block + 16)) + 1); });
    with([&](std::string& f) { put_u64(at(f, block + 24), uint64_t{1} << 60); });
    with([&](std::string& f) { put_u64(at(f, block + 24), 0); });
    with([&](std::string& f) { put_u64(at(f, block + 24), get_u64(at(f, block + 24)) - 1); });
    with([&](std::string& f) { std::memcpy(at(f, block), "VBLX", 4); });
}

TEST_CASE("rvec payloads are checked after decompression") {
    const EmbedParams p = small_params();
    const uint32_t d = p.dims;
    // The crafting helper itself makes readable files.
    const std::string good = craft(p, {block_of(2, std::string("ab\0c\0", 5), d)});
    ReadBack back = read_rvec(good);
    REQUIRE(back.rows.rows.size() == 2);
    CHECK(back.rows.rows[1].name == "c");
    CHECK(back.provenance == "crafted\n");

    const auto refused = [&](const std::vector<CraftedBlock>& blocks, int64_t delta = 0) {
        std::string message;
        CHECK(read_error(craft(p, blocks, delta), &message) == ErrorKind::corrupt);
        return message;
    };
    CHECK(refused({block_of(2, std::string("abcd\0", 5), d)}).find("fewer than 2 names") !=
          std::string::npos);
    refused({block_of(2, std::string("a\0\0bc\0", 6), d)});  // an empty name
    refused({block_of(2, std::string("a\0b\0c\0", 6), d)});  // three names
    refused({block_of(1, std::string("ab\0", 3), d, 7, 6)}); // start after end
    refused({block_of(1, std::string("a\0", 2), d)}, 1);     // end block counts another row
    refused({block_of(1, std::string("a\0", 2), d), block_of(1, std::string("b\0", 2), d)}, -1);

    CraftedBlock shorter = block_of(1, std::string("a\0", 2), d);
    shorter.stored = compress(shorter.payload.substr(4));
    CHECK(refused({shorter}).find("zstd frame") != std::string::npos);
    CraftedBlock two_frames = block_of(1, std::string("a\0", 2), d);
    two_frames.stored =
        compress(two_frames.payload.substr(0, 10)) + compress(two_frames.payload.substr(10));
    refused({two_frames});
    CraftedBlock not_zstd = block_of(1, std::string("a\0", 2), d);
    not_zstd.stored = std::string(20, 'z');
    refused({not_zstd});
    // A frame without its content size: zstd would have to guess how much to allocate.
    CraftedBlock unsized = block_of(1, std::string("a\0", 2), d);
    {
        ZSTD_CCtx* c = ZSTD_createCCtx();
        ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
        std::string out(ZSTD_compressBound(unsized.payload.size()), '\0');
        size_t n = ZSTD_compress2(c, out.data(), out.size(), unsized.payload.data(),
                                  unsized.payload.size());
        ZSTD_freeCCtx(c);
        REQUIRE(!ZSTD_isError(n));
        unsized.stored = out.substr(0, n);
    }
    refused({unsized});
}

TEST_CASE("rvec end block is checked and must end the file") {
    const EmbedParams p = small_params();
    const std::string file = write_rvec(make_rows(5, p.dims), p, "p", 200);
    std::string message;
    CHECK(read_error(file + "x", &message) == ErrorKind::corrupt);
    CHECK(message.find("after the end block") != std::string::npos);
    CHECK(read_error(file + file) == ErrorKind::corrupt);

    // Drop a whole block and fix nothing else: the end block's totals catch it.
    const size_t first = header_end(file);
    const size_t size =
        48 + get_u64(reinterpret_cast<const unsigned char*>(file.data()) + first + 24);
    std::string dropped = file.substr(0, first) + file.substr(first + size);
    CHECK(read_error(dropped, &message) == ErrorKind::corrupt);
    CHECK(message.find("end block") != std::string::npos);
}

TEST_CASE("npy output") {
    const EmbedParams p = small_params();
    const Rows rows = make_rows(3, p.dims);
    StringSink matrix, names;
    auto w = make_npy_writer(matrix, names, p);
    for (size_t i = 0; i < 3; ++i) w->add(rows.rows[i], rows.values.data() + i * p.dims);
    w->finish();
    const std::string& m = matrix.bytes;
    REQUIRE(m.size() > 10);
    CHECK(m.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    const size_t header_len = static_cast<unsigned char>(m[8]) | static_cast<unsigned char>(m[9])
                                                                     << 8;
    const size_t preamble = 10 + header_len;
    CHECK(preamble % 64 == 0);
    const std::string dict = m.substr(10, header_len);
    CHECK(dict.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 8), }", 0) == 0);
    CHECK(dict.back() == '\n');
    CHECK(dict.find_first_not_of(' ', dict.find('}') + 1) == dict.size() - 1);
    REQUIRE(m.size() == preamble + 4 * rows.values.size());
    for (size_t i = 0; i < rows.values.size(); ++i) {
        const uint32_t want = [&] {
            uint32_t b;
            std::memcpy(&b, &rows.values[i], 4);
            return b;
        }();
        CHECK(get_u32(reinterpret_cast<const unsigned char*>(m.data()) + preamble + 4 * i) == want);
    }
    CHECK(names.bytes == "name\tsequence\tstart\tend\nseq0\tseq0\t1\t0\nseq1x\tseq1x\t11\t11\n"
                         "seq2xx\tseq2xx\t21\t22\n");

    // The header keeps its length for the largest row count.
    StringSink empty_matrix, empty_names;
    make_npy_writer(empty_matrix, empty_names, p)->finish();
    CHECK(empty_matrix.bytes.size() == preamble);
    CHECK(empty_matrix.bytes.find("'shape': (0, 8), }") != std::string::npos);

    PipeSink pipe;
    try {
        make_npy_writer(pipe, names, p);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()) == "npy output needs a regular file (use -o FILE)");
    }
}

TEST_CASE("npy names of windows") {
    EmbedParams p = small_params();
    p.window = 10;
    p.step = 10;
    StringSink matrix, names;
    auto w = make_npy_writer(matrix, names, p);
    const std::vector<float> v(p.dims, 1.0f);
    w->add({"chr2", 10, 20}, v.data());
    w->finish();
    CHECK(names.bytes == "name\tsequence\tstart\tend\nchr2:11-20\tchr2\t11\t20\n");
}

TEST_CASE("tsv output") {
    const EmbedParams p = small_params();
    PipeSink out; // TSV streams: no rewriting needed
    auto w = make_tsv_writer(out, p);
    const float a[8] = {0.0f, -0.5f, 0.1f, 1e-8f, 1.0f, -0.0f, 3.4028235e38f, 0.33333334f};
    const float b[8] = {1, 2, 3, 4, 5, 6, 7, 0.25f};
    w->add({"r1", 0, 100}, a);
    w->add({"r2", 0, 7}, b);
    CHECK_THROWS_AS(w->add({"bad\tname", 0, 1}, b), Error);
    w->finish();
    CHECK(w->rows_written() == 2);
    CHECK(out.bytes == "r1\t0\t-0.5\t0.1\t1e-08\t1\t-0\t3.4028235e+38\t0.33333334\n"
                       "r2\t1\t2\t3\t4\t5\t6\t7\t0.25\n");
}
