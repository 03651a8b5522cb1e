// The per-ISA kernel tables, one per translation unit (kernels_<isa>.cpp), each compiled with its
// ISA's flags. Only dispatch.cpp calls them, and only after checking that the CPU can run them.
#pragma once

#include "ruvec/simd.hpp"

namespace ruvec::simd {

const Kernels& kernels_scalar();   // always built
const Kernels& kernels_sse2();     // when RUVEC_HAVE_SSE2
const Kernels& kernels_sse4_2();   // when RUVEC_HAVE_SSE4_2 (WebAssembly SIMD under emscripten)
const Kernels& kernels_avx2();     // when RUVEC_HAVE_AVX2 (AVX2 + FMA)
const Kernels& kernels_avx512bw(); // when RUVEC_HAVE_AVX512BW (with F, CD, DQ, VL)

} // namespace ruvec::simd
