#include "progress.hpp"

#include "common.hpp"

#include <cstdio>
#include <sys/resource.h>

namespace ruvec::cli {

namespace {
constexpr auto redraw_interval = std::chrono::milliseconds(250);

std::string scaled(double value, const char* const* units, double base) {
    int unit = 0;
    while (value >= base && units[unit + 1] != nullptr) {
        value /= base;
        ++unit;
    }
    char text[64];
    std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.2f %s", value, units[unit]);
    return text;
}
} // namespace

Progress::Progress(std::string command, bool enabled)
    : command_(std::move(command)), active_(enabled && is_terminal(stderr)),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() {
    finish();
}

void Progress::update(uint64_t records, uint64_t bases) {
    if (!active_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < redraw_interval) return;
    last_draw_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r\033[Kruvec %s: %llu records, %s, %.1f Mbp/s", command_.c_str(),
                 static_cast<unsigned long long>(records),
                 human_bases(static_cast<double>(bases)).c_str(),
                 seconds > 0 ? static_cast<double>(bases) / seconds / 1e6 : 0.0);
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::update_items(uint64_t items, const char* what) {
    if (!active_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < redraw_interval) return;
    last_draw_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r\033[Kruvec %s: %llu %s, %.0f/s", command_.c_str(),
                 static_cast<unsigned long long>(items), what,
                 seconds > 0 ? static_cast<double>(items) / seconds : 0.0);
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::finish() {
    if (drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
    active_ = false;
}

ResourceUsage resource_usage(std::chrono::steady_clock::time_point start) {
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), cpu,
            static_cast<uint64_t>(usage.ru_maxrss) * 1024}; // Linux reports kilobytes
}

std::string describe(const ResourceUsage& usage) {
    char text[128];
    std::snprintf(text, sizeof text, "%.2f s wall, %.2f s CPU, peak RSS ", usage.wall_seconds,
                  usage.cpu_seconds);
    return text + human_bytes(static_cast<double>(usage.peak_rss_bytes));
}

std::string human_bytes(double bytes) {
    static const char* const units[] = {"B", "KB", "MB", "GB", "TB", nullptr};
    return scaled(bytes, units, 1000);
}

std::string human_bases(double bases) {
    static const char* const units[] = {"bp", "kbp", "Mbp", "Gbp", "Tbp", nullptr};
    return scaled(bases, units, 1000);
}

} // namespace ruvec::cli
