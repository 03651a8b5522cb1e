#include "ruvec/hits.hpp"

#include "ruvec/json.hpp"

#include <cstdio>

namespace ruvec {

const char* const hits_tsv_header = "query\tquery_start\tquery_end\ttarget\ttarget_start\t"
                                    "target_end\trank\tsimilarity\tdistance\tidentity\n";

void append_hits(std::string& out, const VecRow& query, const std::vector<SearchHit>& hits,
                 const Index& index, HitsFormat format, bool full_precision) {
    // "%.9g" gives back the same float when read (ruvec merge ranks by it); "%.6f" is for people.
    const char* const tsv_numbers = full_precision ? "\t%llu\t%llu\t%zu\t%.9g\t%.9g\t%.4f\n"
                                                   : "\t%llu\t%llu\t%zu\t%.6f\t%.6f\t%.4f\n";
    const char* const json_numbers =
        full_precision ? ",\"target_start\":%llu,\"target_end\":%llu,\"rank\":%zu,"
                         "\"similarity\":%.9g,\"distance\":%.9g,\"identity\":%.4f}\n"
                       : ",\"target_start\":%llu,\"target_end\":%llu,\"rank\":%zu,"
                         "\"similarity\":%.6f,\"distance\":%.6f,\"identity\":%.4f}\n";
    const EmbedParams& params = index.embed_params();
    const auto query_start = static_cast<unsigned long long>(query.start + 1);
    const auto query_end = static_cast<unsigned long long>(query.end);
    char numbers[160];
    for (size_t rank = 0; rank < hits.size(); ++rank) {
        const SearchHit& hit = hits[rank];
        const Window target = index.row_window(hit.row);
        const double identity = estimate_identity(hit.similarity, query.end - query.start,
                                                  target.end - target.start, params.k, params.dims);
        const std::string& target_name = index.row_name(hit.row);
        const auto target_start = static_cast<unsigned long long>(target.start + 1);
        const auto target_end = static_cast<unsigned long long>(target.end);
        if (format == HitsFormat::tsv) {
            std::snprintf(numbers, sizeof numbers, "\t%llu\t%llu\t", query_start, query_end);
            out += query.name;
            out += numbers;
            out += target_name;
            std::snprintf(numbers, sizeof numbers, tsv_numbers, target_start, target_end, rank + 1,
                          hit.similarity, hit.distance, identity);
            out += numbers;
        } else {
            out += "{\"query\":\"" + json_escape(query.name) + "\"";
            std::snprintf(numbers, sizeof numbers, ",\"query_start\":%llu,\"query_end\":%llu",
                          query_start, query_end);
            out += numbers;
            out += ",\"target\":\"" + json_escape(target_name) + "\"";
            std::snprintf(numbers, sizeof numbers, json_numbers, target_start, target_end, rank + 1,
                          hit.similarity, hit.distance, identity);
            out += numbers;
        }
    }
}

} // namespace ruvec
