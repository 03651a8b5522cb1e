// JSON string escaping (json.cpp), which every JSON ruvec prints goes through: sequence names
// and provenance come from users' files and may hold any byte.
#include "ruvec/json.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ruvec;

TEST_CASE("json: quotes, backslashes and control characters are escaped, nothing else") {
    CHECK(json_escape("") == "");
    CHECK(json_escape("chr1 plain name") == "chr1 plain name");
    CHECK(json_escape("a\"b") == "a\\\"b");
    CHECK(json_escape("a\\b") == "a\\\\b");
    CHECK(json_escape("ruvec 0.1.0\truvec index") == "ruvec 0.1.0\\u0009ruvec index");
    CHECK(json_escape("line\nnext\r") == "line\\u000anext\\u000d");
    CHECK(json_escape(std::string("nul\0byte", 8)) == "nul\\u0000byte");
    CHECK(json_escape("\x1f") == "\\u001f");
    CHECK(json_escape(" ") == " "); // 0x20 is the first byte left as it is
    CHECK(json_escape("\x7f") == "\x7f");
    // UTF-8 passes through byte for byte (JSON text is UTF-8).
    CHECK(json_escape("Escherichia coli \xc3\xa9") == "Escherichia coli \xc3\xa9");
}
