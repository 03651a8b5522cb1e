// What the tests of the read search's modules share: random bases from a seeded generator, and
// the reverse complement of a sequence.
#pragma once

#include <random>
#include <string>

namespace ruvec::test {

// n bases, each drawn from `rng` (two bits of one draw per base).
inline std::string random_bases(size_t n, std::mt19937& rng) {
    std::string s(n, 'A');
    for (char& c : s) c = "ACGT"[rng() & 3];
    return s;
}

// The reverse complement of upper-case ACGT; other bytes are kept as they are.
inline std::string reverse_complement(const std::string& s) {
    std::string rc(s.rbegin(), s.rend());
    for (char& c : rc) c = c == 'A' ? 'T' : c == 'C' ? 'G' : c == 'G' ? 'C' : c == 'T' ? 'A' : c;
    return rc;
}

} // namespace ruvec::test
