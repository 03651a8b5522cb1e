#include "ruvec/metric.hpp"

#include "ruvec/enum_names.hpp"

namespace ruvec {

namespace {
constexpr const char* metric_names[] = {"cosine", "l2", "ip"}; // by Metric's value
}

const char* metric_name(Metric metric) {
    return name_of(metric_names, metric);
}

bool parse_metric(std::string_view name, Metric& metric) {
    return parse_name(metric_names, name, metric);
}

} // namespace ruvec
