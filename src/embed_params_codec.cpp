#include "ruvec/embed_params_codec.hpp"

#include "ruvec/error.hpp"
#include "ruvec/format.hpp"

namespace ruvec {

StoredEmbedParams stored_embed_params(const EmbedParams& params) {
    StoredEmbedParams s;
    s.k = params.k;
    s.dims = params.dims;
    s.canonical = params.canonical;
    s.exact = params.exact;
    s.weight = static_cast<uint8_t>(params.weight);
    s.hash_id = params.hash_id;
    s.hash_seed = params.hash_seed;
    s.window = params.window;
    s.step = params.step;
    return s;
}

void encode_embed_params(const StoredEmbedParams& s, unsigned char* header) {
    put_u32(header + 16, s.k);
    put_u32(header + 20, s.dims);
    put_u8(header + 24, s.canonical);
    put_u8(header + 25, s.exact);
    put_u8(header + 26, s.weight);
    put_u32(header + 28, s.hash_id);
    put_u64(header + 32, s.hash_seed);
    put_u64(header + 40, s.window);
    put_u64(header + 48, s.step);
}

StoredEmbedParams decode_embed_params(const unsigned char* header) {
    StoredEmbedParams s;
    s.k = get_u32(header + 16);
    s.dims = get_u32(header + 20);
    s.canonical = header[24];
    s.exact = header[25];
    s.weight = header[26];
    s.hash_id = get_u32(header + 28);
    s.hash_seed = get_u64(header + 32);
    s.window = get_u64(header + 40);
    s.step = get_u64(header + 48);
    return s;
}

std::string embed_params_from_stored(const StoredEmbedParams& s, EmbedParams& params) {
    if (s.canonical > 1) return "canonical is " + std::to_string(s.canonical) + ", not 0 or 1";
    if (s.exact > 1) return "exact is " + std::to_string(s.exact) + ", not 0 or 1";
    if (s.weight > static_cast<uint8_t>(Weight::binary)) return "weight " + std::to_string(s.weight);
    if (s.k < min_k || s.k > max_k) return "k = " + std::to_string(s.k);
    if (s.dims < 1 || s.dims > max_dims) return "dims = " + std::to_string(s.dims);
    EmbedParams p;
    p.k = s.k;
    p.dims = s.dims;
    p.canonical = s.canonical == 1;
    p.exact = s.exact == 1;
    p.weight = static_cast<Weight>(s.weight);
    p.hash_id = s.hash_id;
    p.hash_seed = s.hash_seed;
    p.window = s.window;
    p.step = s.step;
    EmbedParams finalized = p;
    try {
        finalize_params(finalized);
    } catch (const Error& e) {
        return e.what();
    }
    if (finalized.dims != p.dims)
        return "dims = " + std::to_string(p.dims) + " where the exact profile has " +
               std::to_string(finalized.dims);
    if (finalized.step != p.step) return "window without a step";
    params = p;
    return "";
}

} // namespace ruvec
