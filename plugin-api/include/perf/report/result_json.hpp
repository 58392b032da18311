// The JSON report (DESIGN §7; described by docs/result-schema.json): the run, each case with
// its verdict, findings, assertions and metrics. Also read back, for `perf-agent merge`.
#pragma once

#include "perf/api/reporter.hpp"

#include <boost/json/object.hpp>

#include <filesystem>

namespace perf::report {

boost::json::object to_json(const api::CaseResult& result);
boost::json::object to_json(const api::RunSummary& summary);
// "segment" of a result (DESIGN §10.2): written only when the run was segmented or merged.
boost::json::object to_json(const api::SegmentInfo& segment);

api::CaseResult case_result_from_json(const boost::json::value& v, const std::string& where);
api::RunSummary summary_from_json(const boost::json::value& v, const std::string& file);

// A number as people write it: shortest round-trip form ("393", "0.25", "1e-07").
std::string format_number(double value);

// How many requests of a case a sample stands for: the count of its status or error kind.
std::uint64_t sample_count(const api::Metrics& metrics, const api::ResponseSample& sample);
// One line for a terminal: `400 ×110, e.g. {"error":"invalid..."} (POST /v3/kv/put)`, the body
// on one line and cut to `body_chars`; a transport error shows its detail instead.
std::string sample_line(const api::Metrics& metrics, const api::ResponseSample& sample,
                        std::size_t body_chars = 100);

// Pretty-printed JSON text with a trailing newline.
std::string pretty(const boost::json::value& v);

}  // namespace perf::report
