// The calling thread's number in the enclosing OpenMP team (0 outside one, and in builds without
// OpenMP: the browser's), for per-thread scratch space indexed by it.
#pragma once

#ifdef _OPENMP
#include <omp.h>
#endif

namespace ruvec {

inline int thread_index() {
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

} // namespace ruvec
