// Run-time choice of the kernel table: which ISAs this binary has, which of them the CPU runs,
// and the one in use.
#include "kernels.hpp"

#include "ruvec/enum_names.hpp"

#include <atomic>
#include <string>

#if !defined(__EMSCRIPTEN__) && (defined(__x86_64__) || defined(__i386__))
#define RUVEC_X86_CPUID 1
#include <xsimd/config/xsimd_cpuid.hpp>
#endif

namespace ruvec::simd {
namespace {

constexpr const char* isa_names[] = {"scalar", "sse2", "sse4_2", "avx2", "avx512bw"}; // by Isa

// The table compiled for isa, or nullptr.
const Kernels* compiled_table(Isa isa) {
    switch (isa) {
    case Isa::scalar:
        return &kernels_scalar();
#ifdef RUVEC_HAVE_SSE2
    case Isa::sse2:
        return &kernels_sse2();
#endif
#ifdef RUVEC_HAVE_SSE4_2
    case Isa::sse4_2:
        return &kernels_sse4_2();
#endif
#ifdef RUVEC_HAVE_AVX2
    case Isa::avx2:
        return &kernels_avx2();
#endif
#ifdef RUVEC_HAVE_AVX512BW
    case Isa::avx512bw:
        return &kernels_avx512bw();
#endif
    default:
        return nullptr;
    }
}

// Whether this CPU (and OS) can run code built with isa's compile flags (see CMakeLists.txt).
bool cpu_runs(Isa isa) {
    if (isa == Isa::scalar) return true;
#if defined(__EMSCRIPTEN__)
    // A module built with -msimd128 does not even load on an engine without WebAssembly SIMD.
    return true;
#elif defined(RUVEC_X86_CPUID)
    // xsimd 8.1 reads CPUID only. libgcc's __builtin_cpu_supports also checks that the OS saves
    // the ymm/zmm registers (XCR0) and covers POPCNT and AVX512VL, which our flags enable too.
    const auto cpu = xsimd::available_architectures();
    __builtin_cpu_init(); // we may run before libgcc's own constructor
    const bool popcnt = __builtin_cpu_supports("popcnt");
    const bool avx2_fma = cpu.avx2 && cpu.fma3_avx2 && __builtin_cpu_supports("avx2") &&
                          __builtin_cpu_supports("fma");
    switch (isa) {
    case Isa::sse2:
        return cpu.sse2;
    case Isa::sse4_2:
        return cpu.sse4_2 && popcnt;
    case Isa::avx2:
        return avx2_fma && popcnt;
    case Isa::avx512bw:
        // xsimd sets avx512bw only together with F, CD and DQ.
        return cpu.avx512bw && avx2_fma && popcnt && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl");
    default:
        return false;
    }
#else
    return false;
#endif
}

// The active table; nullptr until the first use or select_isa.
std::atomic<const Kernels*> active_table{nullptr};

[[noreturn]] void refuse(Isa isa, const char* why) {
    throw IsaUnavailable(std::string("ISA ") + isa_name(isa) + " is " + why + " (best: " +
                         isa_name(best_isa()) + ")");
}

} // namespace

const char* isa_name(Isa isa) {
    return name_of(isa_names, isa);
}

bool parse_isa(std::string_view name, Isa& isa) {
    return parse_name(isa_names, name, isa);
}

bool isa_compiled(Isa isa) {
    return compiled_table(isa) != nullptr;
}

bool isa_supported(Isa isa) {
    return isa_compiled(isa) && cpu_runs(isa);
}

Isa best_isa() {
    static const Isa best = [] {
        Isa found = Isa::scalar;
        for (Isa isa : all_isas)
            if (isa_supported(isa)) found = isa;
        return found;
    }();
    return best;
}

const Kernels& kernels_for(Isa isa) {
    const Kernels* table = compiled_table(isa);
    if (table == nullptr) refuse(isa, "not compiled into this build");
    if (!cpu_runs(isa)) refuse(isa, "not supported by this CPU");
    return *table;
}

void select_isa(Isa isa) {
    active_table.store(&kernels_for(isa), std::memory_order_release);
}

Isa active_isa() {
    return active().isa;
}

const Kernels& active() {
    const Kernels* table = active_table.load(std::memory_order_acquire);
    if (table != nullptr) return *table;
    // First use: install the best table, unless a concurrent select_isa got there first.
    const Kernels* best = &kernels_for(best_isa());
    if (active_table.compare_exchange_strong(table, best, std::memory_order_acq_rel)) return *best;
    return *table;
}

} // namespace ruvec::simd
