// A planned test case (DESIGN §7, the original agent's structure) and its result.
#pragma once

#include "perf/api/flow.hpp"
#include "perf/api/metrics.hpp"
#include "perf/api/request.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
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
  // Non-empty: the case runs these flows instead of `requests` (which then only hold what the
  // pre-flight sends). A plan file lists the flows once and cases name them.
  std::vector<Flow> flows;
  boost::json::object parameters;  // test-type specific plan details (steps, sizes, ...)
};

struct Finding {
  std::string id;  // DESIGN §8 ids: "breaking_point_users", ...
  boost::json::value value;
  std::string unit;
  std::string text;
};

// A case's verdict. "error" means the test type could not decide (and says why), never a pass.
enum class Verdict { passed, failed, warning, error };

// "passed", "failed", "warning", "error": the report's words.
constexpr std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::passed:
      return "passed";
    case Verdict::failed:
      return "failed";
    case Verdict::warning:
      return "warning";
    case Verdict::error:
      return "error";
  }
  return "error";
}
// The verdict a report word names; nullopt for any other word.
constexpr std::optional<Verdict> verdict_from_string(std::string_view word) {
  for (auto v : {Verdict::passed, Verdict::failed, Verdict::warning, Verdict::error})
    if (to_string(v) == word) return v;
  return std::nullopt;
}

struct CaseResult {
  TestCase test_case;
  Verdict verdict = Verdict::error;
  std::string reason;  // one sentence: why this verdict
  std::vector<Finding> findings;
  std::vector<Assertion> assertions;           // the case's assertions with actual and passed
  std::vector<std::string> failed_thresholds;  // "http_req_duration: p(95)<500 (actual 612.0)"
  Metrics metrics;                             // all phases of the case together
  boost::json::object charts;                  // test-type series for the HTML report
  bool interrupted = false;
  std::vector<StepResult> steps;  // flow cases: per step, all phases together
  FlowMetrics flow;               // flow cases: iterations and their failures
};

}  // namespace perf::api
