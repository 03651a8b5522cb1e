// JSON string escaping for the JSON ruvec prints (search hits, info, bench).
#pragma once

#include <string>

namespace ruvec {

// `s` with '"', '\\' and control characters escaped, ready to go between double quotes.
std::string json_escape(const std::string& s);

} // namespace ruvec
