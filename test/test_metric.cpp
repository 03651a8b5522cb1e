// Metric names (metric.cpp) through the one enum <-> name table (enum_names.hpp): what --metric
// accepts, what info and the files' headers print back.
#include "ruvec/metric.hpp"

#include "ruvec/enum_names.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ruvec;

TEST_CASE("metric: every metric's name parses back to it") {
    for (Metric m : {Metric::cosine, Metric::l2, Metric::ip}) {
        Metric back = m == Metric::cosine ? Metric::l2 : Metric::cosine;
        REQUIRE(parse_metric(metric_name(m), back));
        CHECK(back == m);
    }
    CHECK(std::string(metric_name(Metric::cosine)) == "cosine");
    CHECK(std::string(metric_name(Metric::l2)) == "l2");
    CHECK(std::string(metric_name(Metric::ip)) == "ip");
}

TEST_CASE("metric: unknown names are refused and leave the value alone") {
    Metric m = Metric::ip;
    for (const char* name : {"", "Cosine", "L2", "euclidean", "cosine ", "dot"}) {
        CAPTURE(name);
        CHECK_FALSE(parse_metric(name, m));
        CHECK(m == Metric::ip);
    }
}

TEST_CASE("metric: a value past the table (an unchecked byte from a file) is named 'unknown'") {
    CHECK(std::string(metric_name(static_cast<Metric>(3))) == "unknown");
    CHECK(std::string(metric_name(static_cast<Metric>(255))) == "unknown");
    constexpr const char* names[] = {"zero", "one"};
    CHECK(std::string(name_of(names, 1)) == "one");
    CHECK(std::string(name_of(names, 2, "none")) == "none");
    int value = 9;
    CHECK(parse_name(names, "zero", value));
    CHECK(value == 0);
    CHECK_FALSE(parse_name(names, "two", value));
    CHECK(value == 0);
}
