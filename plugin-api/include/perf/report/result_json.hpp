// The JSON report (DESIGN §7; described by docs/result-schema.json): the run, each case with
// its verdict, findings, assertions and metrics. Also read back, for `perf-agent merge`.
#pragma once

#include "perf/api/reporter.hpp"

#include <boost/json/object.hpp>

#include <filesystem>

namespace perf::report {

boost::json::object to_json(const api::CaseResult& result);
boost::json::object to_json(const api::RunSummary& summary);

api::CaseResult case_result_from_json(const boost::json::value& v, const std::string& where);
api::RunSummary summary_from_json(const boost::json::value& v, const std::string& file);

// A number as people write it: shortest round-trip form ("393", "0.25", "1e-07").
std::string format_number(double value);

// Pretty-printed JSON text with a trailing newline.
std::string pretty(const boost::json::value& v);

}  // namespace perf::report
