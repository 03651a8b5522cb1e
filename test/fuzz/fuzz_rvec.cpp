// libFuzzer target: the .rvec reader, block by block to the end block. Built with every checksum
// accepted (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION), so mutations reach the checks behind them.
#include "chunked_source.hpp"

#include "ruvec/error.hpp"
#include "ruvec/vecfile.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ruvec::fuzz::ChunkedSource source(data, size);
    try {
        ruvec::RvecReader reader(source, "fuzz.rvec");
        const size_t dims = reader.params().dims;
        std::vector<ruvec::VecRow> rows;
        std::vector<float> vectors;
        while (reader.next_block(rows, vectors)) {
            // What the reader promises of every block it returns.
            if (vectors.size() != rows.size() * dims) std::abort();
            for (float v : vectors)
                if (!std::isfinite(v)) std::abort();
        }
    } catch (const ruvec::Error&) {
    }
    return 0;
}
