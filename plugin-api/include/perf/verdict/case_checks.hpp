// Checks a case's planned assertions and performance_thresholds (DESIGN §7) against what it
// measured, so every test type judges them the same way.
#pragma once

#include "perf/api/test_case.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perf::verdict {

// The value of a named metric ("p95_response_time", "throughput", "error_rate", ...);
// nullopt for a name it does not know.
std::optional<double> metric_value(const api::Metrics& m, std::string_view name);

struct CheckOutcome {
  bool all_passed = true;
  std::vector<std::string> failures;  // "p95_response_time 612.0 ms, expected less_than 500"
  std::vector<std::string> unknown;   // assertion types it could not evaluate
};

// Sets actual/passed on result.assertions (copied from the test case) and appends failed
// performance_thresholds to result.failed_thresholds.
CheckOutcome check_case(api::CaseResult& result);

// Decides passed/failed/warning from the checks and sets verdict and reason, unless the test
// type already decided error. No requests at all is an error, never a pass.
void conclude(api::CaseResult& result, const CheckOutcome& checks);

}  // namespace perf::verdict
