// Progress on stderr while it is a terminal (silent in pipelines), and the end-of-run summary of
// time and memory, as minimap2 logs real time, CPU time and peak RSS.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ruvec::cli {

class Progress {
public:
    // Shows nothing unless `enabled` and stderr is a terminal.
    Progress(std::string command, bool enabled);
    ~Progress();
    // Redraws at most a few times a second.
    void update(uint64_t records, uint64_t bases);
    // The same for work counted in items: "ruvec index: 120000 vectors linked, 5300/s".
    void update_items(uint64_t items, const char* what);
    // Clears the progress line.
    void finish();

private:
    std::string command_;
    bool active_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

// Seconds since the process started its work (steady clock), CPU seconds and peak RSS in bytes.
struct ResourceUsage {
    double wall_seconds;
    double cpu_seconds;
    uint64_t peak_rss_bytes;
};
ResourceUsage resource_usage(std::chrono::steady_clock::time_point start);
// "1.23 s wall, 2.34 s CPU, peak RSS 45.6 MB"
std::string describe(const ResourceUsage& usage);

// "12.3 MB", "4.56 GB": human-readable sizes and counts for messages.
std::string human_bytes(double bytes);
std::string human_bases(double bases); // "7.20 Mbp"

} // namespace ruvec::cli
