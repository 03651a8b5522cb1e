// The distance suite of `ruvec bench`: the timings of ruvec/kernel_bench.hpp as figures.
#include "bench_distance.hpp"

#include "kernel_bench.hpp"
#include "ruvec/simd.hpp"

#include <cstring>
#include <string>

namespace ruvec::cli {

void distance_suite(const DistanceBenchOptions& options, std::vector<Figure>& figures) {
    for (size_t dim : options.dims) {
        std::vector<KernelTiming> scalar;
        for (simd::Isa isa : simd::all_isas) {
            if (!simd::isa_supported(isa)) continue;
            const std::vector<KernelTiming> timings =
                time_kernels(isa, dim, options.rows, options.repeats, 42);
            if (isa == simd::Isa::scalar) scalar = timings;
            for (size_t i = 0; i < timings.size(); ++i) {
                const KernelTiming& t = timings[i];
                figures.push_back({"distance", t.kernel, simd::isa_name(isa), 1, dim,
                                   t.ns_per_call_median, t.ns_min, t.ns_max, "ns/call",
                                   scalar[i].ns_per_call_median / t.ns_per_call_median});
                // Bytes read and written per second; for the 1-vs-N batches also the time per
                // row compared (a pair).
                const double speedup = scalar[i].ns_per_call_median / t.ns_per_call_median;
                const double bytes_per_call = t.gb_per_s * t.ns_per_call_median;
                figures.push_back({"distance", t.kernel + " bandwidth", simd::isa_name(isa), 1, dim,
                                   t.gb_per_s, bytes_per_call / t.ns_max, bytes_per_call / t.ns_min,
                                   "GB/s", speedup});
                auto ends_with = [&](const char* suffix) {
                    const size_t n = std::strlen(suffix);
                    return t.kernel.size() > n &&
                           t.kernel.compare(t.kernel.size() - n, n, suffix) == 0;
                };
                if (ends_with("_batch") || ends_with("_tile")) {
                    const double rows = static_cast<double>(options.rows) *
                                        (ends_with("_tile") ? kernel_bench_tile_queries : 1);
                    figures.push_back({"distance", t.kernel + " per pair", simd::isa_name(isa), 1,
                                       dim, t.ns_per_call_median / rows, t.ns_min / rows,
                                       t.ns_max / rows, "ns/pair", speedup});
                }
            }
        }
    }
}

} // namespace ruvec::cli
