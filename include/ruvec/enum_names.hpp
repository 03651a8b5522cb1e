// Names of an enum's values, written once per enum as a table indexed by the value (the enums
// it serves number their values 0, 1, 2, ...): name_of gives a value's name, parse_name the value
// of a name. Header-only and dependent on nothing, so every layer may use it (simd included).
#pragma once

#include <cstddef>
#include <string_view>

namespace ruvec {

// names[value], or `unknown` for a value past the table (an unchecked byte from a file).
template <class Enum, size_t N>
constexpr const char* name_of(const char* const (&names)[N], Enum value,
                              const char* unknown = "unknown") {
    const auto i = static_cast<size_t>(value);
    return i < N ? names[i] : unknown;
}

// The value whose name is `name`; false, leaving `value` alone, when there is none.
template <class Enum, size_t N>
bool parse_name(const char* const (&names)[N], std::string_view name, Enum& value) {
    for (size_t i = 0; i < N; ++i)
        if (name == names[i]) {
            value = static_cast<Enum>(i);
            return true;
        }
    return false;
}

} // namespace ruvec
