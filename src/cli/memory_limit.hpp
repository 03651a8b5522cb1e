// The memory ruvec index may fill (--max-memory): parsed from sizes such as "8G", by default
// what this machine or its container (cgroup) allows, so that an index too large to build stops
// with a message instead of swapping or being killed by the kernel.
#pragma once

#include <cstdint>
#include <string>

namespace ruvec::cli {

// The most memory an index may take while it is built (index_build_bytes), and how the limit
// was given, for the message that refuses more.
struct MemoryLimit {
    uint64_t bytes = UINT64_MAX;
    std::string described; // "--max-memory 8G", "the memory of this machine (31.3 GB)"
};

// --max-memory as typed; empty: available_memory_limit().
MemoryLimit memory_limit_option(const std::string& typed);

// "4096", "512K", "768M", "8G", "1.5T" (K M G T: powers of 1024, as samtools sort -m and sort -S
// take them). Throws Error(usage) naming `option` for anything else or 0.
uint64_t parse_memory_size(const std::string& text, const std::string& option);

// The smaller of the physical memory and the cgroup's memory limit (v2 memory.max, v1
// memory.limit_in_bytes) when one is set.
uint64_t available_memory_limit();

} // namespace ruvec::cli
