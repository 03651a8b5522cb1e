#include "ruvec/metric.hpp"

#include <cstddef>

namespace ruvec {

namespace {
constexpr const char* metric_names[] = {"cosine", "l2", "ip"};
}

const char* metric_name(Metric metric) {
    return metric_names[static_cast<size_t>(metric)];
}

bool parse_metric(std::string_view name, Metric& metric) {
    for (size_t i = 0; i < 3; ++i)
        if (name == metric_names[i]) {
            metric = static_cast<Metric>(i);
            return true;
        }
    return false;
}

} // namespace ruvec
