// The doctest runner of ruvec_tests; each module's tests are in test/test_<module>.cpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
