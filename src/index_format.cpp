#include "ruvec/index_format.hpp"

#include "ruvec/format.hpp"

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
    put_u32(out + 4, s.zero);
    put_u64(out + 8, s.offset);
    put_u64(out + 16, s.length);
    put_u64(out + 24, s.checksum);
}

RvxSection decode_rvx_section(const unsigned char* in) {
    return {get_u32(in), get_u32(in + 4), get_u64(in + 8), get_u64(in + 16), get_u64(in + 24)};
}

const char* rvx_tag_name(uint32_t tag, char (&buffer)[12]) {
    for (int i = 0; i < 4; ++i) {
        const unsigned char c = static_cast<unsigned char>(tag >> (8 * i));
        if (c < 'A' || c > 'Z') {
            std::snprintf(buffer, sizeof buffer, "0x%08x", tag);
            return buffer;
        }
        buffer[i] = static_cast<char>(c);
    }
    buffer[4] = '\0';
    return buffer;
}

} // namespace ruvec
