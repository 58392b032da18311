// The comparison as a terminal table (perf-agent compare, and the console reporter's
// "Compared with baseline" section): one block per case, one row per metric.
#pragma once

#include "perf/compare/run_comparison.hpp"

#include <string>

namespace perf::compare {

std::string comparison_table(const Comparison& comparison);

// "+14.7 % [+14.1, +15.3]" style figures shared by the table and the HTML page.
std::string format_change(const MetricComparison& m);
std::string format_interval(const MetricComparison& m);
std::string format_value(const std::optional<double>& value, Metric metric);

}  // namespace perf::compare
