// libFuzzer target: the .rvx loader, every section, then the loaded index in use: searched by
// graph and by brute force (with vectors) and by bases (with a k-mer index), described and
// saved again. Built with every checksum accepted (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION), so
// a mutated section reaches the validation that must stop a hostile file whose checksums are
// right.
#include "ruvec/error.hpp"
#include "ruvec/index.hpp"
#include "ruvec/io.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ruvec::MemoryRandomSource source(
        std::string_view(reinterpret_cast<const char*>(data), size));
    try {
        ruvec::Index index = ruvec::Index::load(source, "fuzz.rvx");
        std::vector<float> query(index.embed_params().dims);
        for (size_t i = 0; i < query.size(); ++i) query[i] = 1.0f + static_cast<float>(i % 3);
        std::vector<ruvec::SearchHit> hits;
        ruvec::SearchOptions options;
        options.top = 3;
        options.ef = 16;
        if (index.has_vectors()) { // an index of the read search alone has none to search
            index.search(query.data(), options, hits);
            for (const ruvec::SearchHit& hit : hits) index.row_name(hit.row);
            options.per_target = true;
            index.search(query.data(), options, hits);
            options.exact = true;
            index.search(query.data(), options, hits);
        }
        if (index.sequence_search()) { // the read search over the loaded k-mer index
            options.exact = false;
            index.search_bases("ACGTTGCAACGGTACCATGGCATTACGATCGATCGGATCCAAGCTTGCATGC", options,
                               hits);
            for (const ruvec::SearchHit& hit : hits) index.row_name(hit.row);
        }
        index.graph_stats();
        index.memory();
        ruvec::StringSink out;
        index.save(out);
    } catch (const ruvec::Error&) {
    }
    return 0;
}
