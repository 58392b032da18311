// A planned test case (DESIGN §7, the original agent's structure) and its result.
#pragma once

#include "perf/api/request.hpp"
#include "perf/metrics/run_metrics.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perf::api {

struct Assertion {
  std::string type;       // "response_time", "p95_response_time", "throughput", "error_rate", ...
  std::string condition;  // "less_than", "greater_than", "equals"
  double value = 0;
  std::string description;
  std::optional<double> actual;  // set after the run
  std::optional<bool> passed;
};

struct TestCase {
  std::string id;  // "load_test:GET:/api/users:normal_load"
  std::string test_type;
  std::string endpoint;
  std::string method;
  std::string description;
  boost::json::object performance_config;  // concurrent_users, duration_seconds, ...
  std::map<std::string, std::string> headers;
  std::vector<Assertion> assertions;
  boost::json::object performance_thresholds;
  std::vector<std::string> thresholds;  // k6 expressions for this case
  // What to send: the operation's requests with parameters filled (several when --data gives
  // several rows; used round-robin) and the base URL they go to.
  std::string base_url;
  std::vector<RequestSpec> requests;
  boost::json::object parameters;  // test-type specific plan details (steps, sizes, ...)
};

struct Finding {
  std::string id;  // DESIGN §8 ids: "breaking_point_users", ...
  boost::json::value value;
  std::string unit;
  std::string text;
};

namespace verdict {
inline constexpr std::string_view passed = "passed";
inline constexpr std::string_view failed = "failed";
inline constexpr std::string_view warning = "warning";
inline constexpr std::string_view error = "error";
}  // namespace verdict

struct CaseResult {
  TestCase test_case;
  std::string verdict = "error";
  std::string reason;  // one sentence: why this verdict
  std::vector<Finding> findings;
  std::vector<Assertion> assertions;           // the case's assertions with actual and passed
  std::vector<std::string> failed_thresholds;  // "http_req_duration: p(95)<500 (actual 612.0)"
  metrics::RunMetrics metrics;                 // all phases of the case together
  boost::json::object charts;                  // test-type series for the HTML report
  bool interrupted = false;
};

}  // namespace perf::api
