// How vectors are compared, by the index and by the quantized codes alike.
#pragma once

#include <cstdint>
#include <string_view>

namespace ruvec {

// Embeddings are unit vectors, for which all three rank alike.
enum class Metric : uint8_t {
    cosine = 0, // 1 - cosine similarity; vectors are normalised when added
    l2 = 1,     // Euclidean distance
    ip = 2,     // 1 - inner product (vectors used as given)
};
const char* metric_name(Metric metric);                   // "cosine", "l2", "ip"
bool parse_metric(std::string_view name, Metric& metric); // false if unknown

} // namespace ruvec
