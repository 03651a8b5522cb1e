// Bases as 2-bit codes, the one table every k-mer in ruvec is read through (embedding, k-mer
// sampling, packed sequences), so that they all break k-mers at the same bases.
#pragma once

#include <array>
#include <cstdint>

namespace ruvec {

// A=0 C=1 G=2 T=3 in either case (U reads as T); 4 for anything else, which breaks k-mers.
inline constexpr std::array<uint8_t, 256> base_codes = [] {
    std::array<uint8_t, 256> codes{};
    for (auto& c : codes) c = 4;
    codes['A'] = codes['a'] = 0;
    codes['C'] = codes['c'] = 1;
    codes['G'] = codes['g'] = 2;
    codes['T'] = codes['t'] = 3;
    codes['U'] = codes['u'] = 3;
    return codes;
}();

// The code of a byte of sequence.
inline uint8_t base_code(char base) noexcept {
    return base_codes[static_cast<unsigned char>(base)];
}

} // namespace ruvec
