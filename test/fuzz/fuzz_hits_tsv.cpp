// libFuzzer target: `ruvec merge`'s reader of `ruvec search` TSV, and the merge of what it reads
// (each query's hits merged with themselves, as two shards that agree).
#include "chunked_source.hpp"

#include "ruvec/error.hpp"
#include "ruvec/merge.hpp"

#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    ruvec::fuzz::ChunkedSource source(data, size);
    try {
        ruvec::HitsTsvReader reader(source, "fuzz.tsv");
        ruvec::QueryHits hits;
        ruvec::MergeOptions options;
        options.top = 4;
        std::string out;
        while (reader.next(hits)) {
            ruvec::merge_query_hits({&hits, &hits}, options, out);
            options.per_target = !options.per_target;
            options.full_precision = !options.full_precision;
            out.clear();
        }
    } catch (const ruvec::Error&) {
    }
    return 0;
}
