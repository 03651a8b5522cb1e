#include "memory_limit.hpp"

#include "progress.hpp"
#include "ruvec/error.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace ruvec::cli {

uint64_t parse_memory_size(const std::string& text, const std::string& option) {
    const auto bad = [&] {
        return Error(ErrorKind::usage, option + " '" + text +
                                           "' is not a size: a number of bytes, or one with K, "
                                           "M, G or T after it, such as 8G");
    };
    if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.'))
        throw bad();
    errno = 0;
    char* end = nullptr;
    const double number = std::strtod(text.c_str(), &end);
    if (errno != 0 || end == text.c_str()) throw bad();
    double scale = 1;
    const std::string suffix(end);
    if (suffix == "K" || suffix == "k")
        scale = 1024.0;
    else if (suffix == "M" || suffix == "m")
        scale = 1024.0 * 1024;
    else if (suffix == "G" || suffix == "g")
        scale = 1024.0 * 1024 * 1024;
    else if (suffix == "T" || suffix == "t")
        scale = 1024.0 * 1024 * 1024 * 1024;
    else if (!suffix.empty())
        throw bad();
    const double bytes = std::floor(number * scale);
    if (!(bytes >= 1) || bytes > 1e18) throw bad();
    return static_cast<uint64_t>(bytes);
}

namespace {

// The first number in a cgroup file, or 0 when it is missing or says "max" (no limit).
uint64_t cgroup_limit(const char* path) {
    std::ifstream in(path);
    std::string value;
    if (!(in >> value) || value.empty() || !std::isdigit(static_cast<unsigned char>(value[0])))
        return 0;
    return std::strtoull(value.c_str(), nullptr, 10);
}

} // namespace

uint64_t available_memory_limit() {
    const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    uint64_t limit = pages > 0 && page_size > 0
                         ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size)
                         : UINT64_MAX;
    // cgroup v1 reports "no limit" as a huge number, which min() leaves out.
    for (const char* path :
         {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"})
        if (const uint64_t cgroup = cgroup_limit(path); cgroup > 0) limit = std::min(limit, cgroup);
    return limit;
}

MemoryLimit memory_limit_option(const std::string& typed) {
    if (!typed.empty()) return {parse_memory_size(typed, "--max-memory"), "--max-memory " + typed};
    const uint64_t bytes = available_memory_limit();
    return {bytes, "the memory of this machine (" + human_bytes(static_cast<double>(bytes)) +
                       "; --max-memory)"};
}

} // namespace ruvec::cli
