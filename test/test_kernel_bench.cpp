// The kernel timings of `ruvec bench` (src/cli/kernel_bench.cpp): every kernel timed, figures
// consistent, bad requests refused.
#include "cli/kernel_bench.hpp"

#include "ruvec/error.hpp"
#include "ruvec/simd.hpp"

#include <doctest/doctest.h>

using namespace ruvec::simd;

TEST_CASE("kernel_bench: timings cover every kernel") {
    const auto timings = ruvec::time_kernels(best_isa(), 32, 4, 3, 7);
    REQUIRE(timings.size() == 11);
    CHECK(timings.front().kernel == "dot");
    CHECK(timings[6].kernel == "dot_tile");
    CHECK(timings[7].kernel == "l2sq_tile");
    CHECK(timings.back().kernel == "hash_kmers");
    for (const auto& t : timings) {
        CAPTURE(t.kernel);
        CHECK(t.isa == best_isa());
        CHECK(t.dim == 32);
        CHECK(t.ns_min <= t.ns_per_call_median);
        CHECK(t.ns_per_call_median <= t.ns_max);
        CHECK(t.gb_per_s > 0);
    }
    CHECK_THROWS_AS(ruvec::time_kernels(Isa::scalar, 0, 4, 3, 7), ruvec::Error);
    CHECK_THROWS_AS(ruvec::time_kernels(static_cast<Isa>(99), 32, 4, 3, 7), ruvec::Error);
}
