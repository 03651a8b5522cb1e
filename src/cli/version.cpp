// ruvec --version: what a bug report needs, including the SIMD ISA actually in use.
#include "ruvec/version.hpp"
#include "commands.hpp"
#include "ruvec/simd.hpp"
#include "ruvec/vecfile.hpp"

#include <htslib/hts.h>
#include <zstd.h>

#include <string>

namespace ruvec::cli {

void print_version(std::FILE* out) {
    std::string compiled, supported;
    for (simd::Isa isa : simd::all_isas) {
        if (!simd::isa_compiled(isa)) continue;
        compiled += std::string(compiled.empty() ? "" : " ") + simd::isa_name(isa);
    }
    std::fprintf(out,
                 "ruvec %s\n"
                 "htslib %s\n"
                 "zstd %s\n"
                 "simd %s (best on this CPU: %s; compiled: %s; RUVEC_ISA picks a lower one)\n"
                 "rvec format %u\n",
                 RUVEC_VERSION, hts_version(), ZSTD_versionString(),
                 simd::isa_name(simd::active_isa()), simd::isa_name(simd::best_isa()),
                 compiled.c_str(), rvec_format_version);
}

} // namespace ruvec::cli
