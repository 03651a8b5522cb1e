#include "ruvec/index_format.hpp"

#include "ruvec/error.hpp"
#include "ruvec/format.hpp"
#include "ruvec/io.hpp"
#include "ruvec/vecfile.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace ruvec {

StoredEmbedParams rvx_embed_fields(const RvxHeader& h) {
    StoredEmbedParams s;
    s.k = h.k;
    s.dims = h.dims;
    s.canonical = h.canonical;
    s.exact = h.exact;
    s.weight = h.weight;
    s.hash_id = h.hash_id;
    s.hash_seed = h.hash_seed;
    s.window = h.window;
    s.step = h.step;
    return s;
}

void set_rvx_embed_fields(RvxHeader& h, const EmbedParams& params) {
    const StoredEmbedParams s = stored_embed_params(params);
    h.k = s.k;
    h.dims = s.dims;
    h.canonical = s.canonical;
    h.exact = s.exact;
    h.weight = s.weight;
    h.hash_id = s.hash_id;
    h.hash_seed = s.hash_seed;
    h.window = s.window;
    h.step = s.step;
}

void encode_rvx_header(const RvxHeader& h, unsigned char* out) {
    std::memset(out, 0, rvx_header_size);
    std::memcpy(out, h.magic, 8);
    put_u32(out + 8, h.version);
    put_u32(out + 12, h.header_size);
    encode_embed_params(rvx_embed_fields(h), out);
    put_u8(out + 27, h.metric);
    put_u64(out + 56, h.rows);
    put_u64(out + 64, h.deleted_rows);
    put_u64(out + 72, h.names);
    put_u32(out + 80, h.M);
    put_u32(out + 84, h.ef_construction);
    put_u64(out + 88, h.seed);
    put_u32(out + 96, h.max_level);
    put_u32(out + 100, h.entry_point);
    put_u32(out + 104, h.section_count);
    put_u32(out + 108, h.vector_type);
    put_u8(out + 112, h.quantization);
    put_u8(out + 113, h.quant_flags);
    std::memcpy(out + 114, h.zero0, sizeof h.zero0);
    put_u32(out + 116, h.shard);
    put_u32(out + 120, h.shard_count);
    put_u32(out + 124, h.zero1);
    put_u64(out + 128, h.shard_first_record);
    put_u64(out + 136, h.shard_records);
    put_u64(out + 144, h.total_records);
    std::memcpy(out + 152, h.reserved, sizeof h.reserved);
    put_u64(out + 248, checksum64(out, 248));
}

RvxHeader decode_rvx_header(const unsigned char* in) {
    RvxHeader h;
    std::memcpy(h.magic, in, 8);
    h.version = get_u32(in + 8);
    h.header_size = get_u32(in + 12);
    const StoredEmbedParams embed = decode_embed_params(in);
    h.k = embed.k;
    h.dims = embed.dims;
    h.canonical = embed.canonical;
    h.exact = embed.exact;
    h.weight = embed.weight;
    h.metric = in[27];
    h.hash_id = embed.hash_id;
    h.hash_seed = embed.hash_seed;
    h.window = embed.window;
    h.step = embed.step;
    h.rows = get_u64(in + 56);
    h.deleted_rows = get_u64(in + 64);
    h.names = get_u64(in + 72);
    h.M = get_u32(in + 80);
    h.ef_construction = get_u32(in + 84);
    h.seed = get_u64(in + 88);
    h.max_level = get_u32(in + 96);
    h.entry_point = get_u32(in + 100);
    h.section_count = get_u32(in + 104);
    h.vector_type = get_u32(in + 108);
    h.quantization = in[112];
    h.quant_flags = in[113];
    std::memcpy(h.zero0, in + 114, sizeof h.zero0);
    h.shard = get_u32(in + 116);
    h.shard_count = get_u32(in + 120);
    h.zero1 = get_u32(in + 124);
    h.shard_first_record = get_u64(in + 128);
    h.shard_records = get_u64(in + 136);
    h.total_records = get_u64(in + 144);
    std::memcpy(h.reserved, in + 152, sizeof h.reserved);
    h.checksum = get_u64(in + 248);
    return h;
}

void encode_rvx_section(const RvxSection& s, unsigned char* out) {
    put_u32(out, s.tag);
    put_u32(out + 4, s.flags);
    put_u64(out + 8, s.offset);
    put_u64(out + 16, s.length);
    put_u64(out + 24, s.checksum);
}

RvxSection decode_rvx_section(const unsigned char* in) {
    return {get_u32(in), get_u32(in + 4), get_u64(in + 8), get_u64(in + 16), get_u64(in + 24)};
}

bool rvx_tag_known(uint32_t tag) {
    switch (tag) {
    case rvx_tag_provenance:
    case rvx_tag_names:
    case rvx_tag_rows:
    case rvx_tag_vectors:
    case rvx_tag_graph:
    case rvx_tag_quantizer:
    case rvx_tag_codes:
    case rvx_tag_sequences:
    case rvx_tag_kmers:
    case rvx_tag_records:
        return true;
    default:
        return false;
    }
}

const char* rvx_tag_name(uint32_t tag, char (&buffer)[12]) {
    for (int i = 0; i < 4; ++i) {
        const unsigned char c = static_cast<unsigned char>(tag >> (8 * i));
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            std::snprintf(buffer, sizeof buffer, "0x%08x", tag);
            return buffer;
        }
        buffer[i] = static_cast<char>(c);
    }
    buffer[4] = '\0';
    return buffer;
}

std::string rvx_section_title(uint32_t tag) {
    switch (tag) {
    case rvx_tag_provenance:
        return "provenance";
    case rvx_tag_names:
        return "names";
    case rvx_tag_rows:
        return "rows";
    case rvx_tag_vectors:
        return "vectors";
    case rvx_tag_graph:
        return "graph";
    case rvx_tag_quantizer:
        return "quantizer";
    case rvx_tag_codes:
        return "codes";
    case rvx_tag_sequences:
        return "sequences";
    case rvx_tag_kmers:
        return "k-mer index";
    case rvx_tag_records:
        return "records";
    default: {
        char name[12];
        return std::string("'") + rvx_tag_name(tag, name) + "'";
    }
    }
}

const RvxSection* RvxLayout::find(uint32_t tag) const {
    for (const RvxSection& s : sections)
        if (s.tag == tag) return &s;
    return nullptr;
}

RvxLayout read_rvx_layout(const RandomAccessSource& source, const std::string& source_name) {
    auto error = [&](ErrorKind kind, const std::string& message) {
        return Error(kind, source_name + ": " + message);
    };
    auto damaged = [&](const std::string& message) {
        return error(ErrorKind::corrupt, message + ": the file is damaged");
    };
    const uint64_t file_size = source.size();
    unsigned char head[rvx_header_size];
    const size_t head_bytes = static_cast<size_t>(std::min<uint64_t>(file_size, rvx_header_size));
    source.read_at(0, reinterpret_cast<char*>(head), head_bytes);
    if (head_bytes < 8 || std::memcmp(head, rvx_magic, 8) != 0) {
        if (head_bytes >= 8 && std::memcmp(head, rvec_magic, 8) == 0)
            throw error(ErrorKind::format,
                        "is an .rvec embedding file, not an index: build one with 'ruvec index'");
        throw error(ErrorKind::format, file_size == 0 ? "empty file, not a ruvec index (.rvx)"
                                                      : "not a ruvec index (.rvx)");
    }
    if (head_bytes < 12) throw damaged("truncated in the header");
    const uint32_t version = get_u32(head + 8);
    if (version < rvx_plain_format_version || version > rvx_format_version) {
        if (version > rvx_format_version)
            throw error(ErrorKind::format,
                        "index format " + std::to_string(version) +
                            " was written by a newer "
                            "ruvec; this one reads formats 1 to " +
                            std::to_string(rvx_format_version) +
                            ": upgrade ruvec or rebuild the index with this one");
        throw error(ErrorKind::format, "built by an older ruvec (index format " +
                                           std::to_string(version) +
                                           "); rebuild it with 'ruvec index'");
    }
    const bool tagged = version == rvx_format_version;
    if (file_size < rvx_header_size) throw damaged("truncated in the header");
    RvxLayout layout;
    const RvxHeader& h = layout.header = decode_rvx_header(head);
    if (!checksum_matches(checksum64(head, 248), h.checksum))
        throw damaged("header checksum mismatch");
    if (h.header_size != rvx_header_size)
        throw damaged("header size " + std::to_string(h.header_size) + " is not 256");
    for (unsigned char b : h.reserved)
        if (b != 0) throw damaged("reserved header bytes are not zero");
    if (h.zero0[0] != 0 || h.zero0[1] != 0 || h.zero1 != 0)
        throw damaged("reserved header bytes are not zero");
    // Format 3 is always a shard; format 4 is one when it names its shard.
    layout.shard = version == rvx_shard_format_version || (tagged && h.shard != 0);
    if (!layout.shard && (h.shard != 0 || h.shard_count != 0 || h.shard_first_record != 0 ||
                          h.shard_records != 0 || h.total_records != 0))
        throw damaged(tagged ? std::string("shard fields set in an index that is not a shard")
                             : "shard fields set in an index of format " + std::to_string(version));
    layout.quantized = version == rvx_quantized_format_version ||
                       ((version == rvx_shard_format_version || tagged) && h.quantization != 0);
    if (layout.quantized ? (h.quantization < 1 || h.quantization > 3 ||
                            (h.quant_flags & ~rvx_floats_dropped) != 0)
                         : (h.quantization != 0 || h.quant_flags != 0))
        throw damaged("bad quantization bytes in the header");
    layout.floats_dropped = h.quant_flags & rvx_floats_dropped;
    uint32_t tags[rvx_known_sections];
    RvxContent features;
    features.quantized = layout.quantized;
    features.floats_dropped = layout.floats_dropped;
    const uint32_t feature_count = rvx_sections(features, tags);
    if (h.vector_type != rvx_vector_float32)
        throw damaged("unknown vector type " + std::to_string(h.vector_type));
    if (tagged ? (h.section_count == 0 || h.section_count > rvx_max_sections)
               : h.section_count != feature_count)
        throw damaged("section count " + std::to_string(h.section_count) +
                      (tagged ? std::string(" is out of range")
                              : " is not " + std::to_string(feature_count)));
    if (h.rows == 0 || h.rows > rvx_max_rows)
        throw damaged("row count " + std::to_string(h.rows) + " is out of range");
    if (h.deleted_rows > h.rows || h.names == 0 || h.names > h.rows)
        throw damaged("deleted or name counts exceed the row count");
    if (h.max_level > rvx_max_level || h.entry_point >= h.rows)
        throw damaged("graph top level or entry point out of range");

    const size_t count = h.section_count, table_bytes = count * rvx_section_entry_size;
    if (file_size < rvx_header_size + table_bytes + 8)
        throw damaged("truncated in the section table");
    std::vector<unsigned char> table(table_bytes + 8);
    source.read_at(rvx_header_size, reinterpret_cast<char*>(table.data()), table.size());
    if (!checksum_matches(checksum64(table.data(), table_bytes),
                          get_u64(table.data() + table_bytes)))
        throw damaged("section table checksum mismatch");
    layout.sections.resize(count);
    uint64_t end = rvx_header_size + table_bytes + 8;
    uint32_t unknown_critical = 0; // the first such tag; 0 when none
    char name[12], expected[12];
    for (size_t i = 0; i < count; ++i) {
        RvxSection& s = layout.sections[i];
        s = decode_rvx_section(table.data() + i * rvx_section_entry_size);
        const std::string number = std::to_string(i + 1);
        if (!tagged) {
            if (s.tag != tags[i] || s.flags != 0)
                throw damaged("section " + number + " is '" + rvx_tag_name(s.tag, name) +
                              "', expected '" + rvx_tag_name(tags[i], expected) + "'");
        } else if ((s.flags & ~rvx_section_optional) != 0) {
            throw damaged("section " + number + " ('" + rvx_tag_name(s.tag, name) +
                          "') has unknown flags");
        } else if (rvx_tag_known(s.tag)) {
            if (s.flags != rvx_known_tag_flags(s.tag))
                throw damaged("section " + number + " ('" + rvx_tag_name(s.tag, name) + "') is " +
                              (s.flags ? "marked optional" : "not marked optional"));
            for (size_t j = 0; j < i; ++j)
                if (layout.sections[j].tag == s.tag)
                    throw damaged(std::string("section '") + rvx_tag_name(s.tag, name) +
                                  "' appears twice");
        } else if (!(s.flags & rvx_section_optional) && unknown_critical == 0) {
            unknown_critical = s.tag;
        }
        if (s.offset % rvx_section_alignment != 0 || s.offset < end || s.offset > file_size ||
            s.length > file_size - s.offset)
            throw damaged("section " + rvx_section_title(s.tag) + " lies outside the file (" +
                          std::to_string(file_size) + " bytes; truncated?)");
        end = s.offset + s.length;
    }
    if (end != file_size)
        throw damaged(std::to_string(file_size - end) + " bytes follow the last section");
    if (unknown_critical != 0)
        throw error(ErrorKind::format, std::string("needs section '") +
                                           rvx_tag_name(unknown_critical, name) +
                                           "', which this ruvec does not know: upgrade ruvec");
    if (tagged) {
        // The sections present say what the file holds; they must agree with the header.
        for (uint32_t tag : {rvx_tag_names, rvx_tag_rows})
            if (!layout.find(tag))
                throw damaged(std::string("section '") + rvx_tag_name(tag, name) + "' is missing");
        const bool has_quantizer = layout.find(rvx_tag_quantizer) != nullptr;
        const bool has_codes = layout.find(rvx_tag_codes) != nullptr;
        if (has_quantizer != layout.quantized || has_codes != layout.quantized)
            throw damaged(layout.quantized
                              ? "a quantized index without its 'QPAR' and 'QCOD' sections"
                              : "'QPAR' or 'QCOD' in an index that is not quantized");
        const int read_search = (layout.find(rvx_tag_sequences) != nullptr) +
                                (layout.find(rvx_tag_kmers) != nullptr) +
                                (layout.find(rvx_tag_records) != nullptr);
        if (read_search != 0 && read_search != 3)
            throw damaged("sections 'SEQS', 'KIDX' and 'RECS' are not all present");
        layout.sequences = read_search == 3;
        const bool has_vectors = layout.find(rvx_tag_vectors) != nullptr;
        layout.vectors = layout.find(rvx_tag_graph) != nullptr;
        if (!layout.vectors) {
            // The read search alone: no vector of any kind, and a header to match.
            if (!layout.sequences)
                throw damaged("section 'GRPH' is missing");
            if (has_vectors || layout.quantized || layout.floats_dropped)
                throw damaged("vectors or codes without the section 'GRPH'");
            if (h.max_level != 0 || h.entry_point != 0)
                throw damaged("graph top level or entry point set in an index without a graph");
        } else if (has_vectors == layout.floats_dropped)
            throw damaged(layout.floats_dropped
                              ? "section 'VECT' in an index whose float vectors were dropped"
                              : "section 'VECT' is missing");
    }
    return layout;
}

} // namespace ruvec
