#include "perf/verdict/case_checks.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

namespace perf::verdict {

std::optional<double> metric_value(const api::Metrics& m, std::string_view name) {
  if (name == "response_time" || name == "avg_response_time" || name == "avg_response_time_ms")
    return m.latency.mean_us() / 1000.0;
  if (name == "min_response_time") return m.latency.min_us() / 1000.0;
  if (name == "max_response_time" || name == "max_response_time_ms")
    return m.latency.max_us() / 1000.0;
  if (name == "p50_response_time" || name == "median_response_time") return m.percentile_ms(50);
  if (name == "p90_response_time") return m.percentile_ms(90);
  if (name == "p95_response_time" || name == "p95_response_time_ms") return m.percentile_ms(95);
  if (name == "p99_response_time" || name == "p99_response_time_ms") return m.percentile_ms(99);
  if (name == "throughput" || name == "throughput_rps") return m.throughput_rps();
  if (name == "error_rate" || name == "error_rate_percent") return m.error_rate_percent();
  if (name == "success_rate" || name == "success_rate_percent")
    return m.total_requests ? 100.0 - m.error_rate_percent() : 0.0;
  if (name == "total_requests") return double(m.total_requests);
  return std::nullopt;
}

namespace {

bool is_latency(std::string_view name) {
  return name.find("response_time") != std::string_view::npos;
}

std::string format(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  return buffer;
}

bool holds(double actual, std::string_view condition, double expected) {
  if (condition == "less_than") return actual < expected;
  if (condition == "less_or_equal" || condition == "at_most") return actual <= expected;
  if (condition == "greater_than") return actual > expected;
  if (condition == "greater_or_equal" || condition == "at_least") return actual >= expected;
  if (condition == "equals") return std::fabs(actual - expected) < 1e-9;
  return false;
}

}  // namespace

CheckOutcome check_case(api::CaseResult& result) {
  CheckOutcome outcome;
  const auto& m = result.metrics;
  result.assertions = result.test_case.assertions;
  for (auto& a : result.assertions) {
    auto actual = metric_value(m, a.type);
    // Flow cases: iterations that failed (a step's status, an extraction), not requests.
    if (a.type == "failed_iterations_percent" && result.flow.iterations > 0)
      actual = 100.0 * double(result.flow.failed_iterations) / double(result.flow.iterations);
    const bool known_condition = a.condition == "less_than" || a.condition == "greater_than" ||
                                 a.condition == "equals" || a.condition == "less_or_equal" ||
                                 a.condition == "greater_or_equal" || a.condition == "at_most" ||
                                 a.condition == "at_least";
    if (!actual || !known_condition) {
      outcome.unknown.push_back(a.type + " " + a.condition);
      continue;
    }
    if (is_latency(a.type) && m.latency.count() == 0) {
      // Nothing answered: no latency is good enough, and 0 ms must not pass as fast.
      a.passed = false;
      outcome.all_passed = false;
      outcome.failures.push_back(a.type + ": no response to measure");
      continue;
    }
    a.actual = std::round(*actual * 1000.0) / 1000.0;
    a.passed = holds(*actual, a.condition, a.value);
    if (!*a.passed) {
      outcome.all_passed = false;
      outcome.failures.push_back(a.type + " " + format(*actual) + ", expected " + a.condition +
                                 " " + format(a.value));
    }
  }
  // performance_thresholds: upper bounds on times and error rate, lower bounds on the rest.
  for (const auto& [key, value] : result.test_case.performance_thresholds) {
    if (!value.is_number()) continue;
    const double limit = value.to_number<double>();
    const auto actual = metric_value(m, key);
    if (!actual) {
      outcome.unknown.push_back(std::string(key));
      continue;
    }
    if (is_latency(key) && m.latency.count() == 0) {
      outcome.all_passed = false;
      const std::string text = std::string(key) + ": no response to measure";
      result.failed_thresholds.push_back(text);
      outcome.failures.push_back(text);
      continue;
    }
    const bool lower_bound = key == "throughput_rps" || key == "success_rate_percent";
    const bool ok = lower_bound ? *actual >= limit : *actual <= limit;
    if (!ok) {
      outcome.all_passed = false;
      const std::string text =
          std::string(key) + " " + format(*actual) + (lower_bound ? " < " : " > ") + format(limit);
      result.failed_thresholds.push_back(text);
      outcome.failures.push_back(text);
    }
  }
  return outcome;
}

void conclude(api::CaseResult& result, const CheckOutcome& checks) {
  if (result.verdict == api::Verdict::error && !result.reason.empty()) return;
  if (result.metrics.total_requests == 0) {
    result.verdict = api::Verdict::error;
    result.reason = result.interrupted ? "interrupted before any request completed"
                                       : "no request was sent, so nothing can be judged";
    return;
  }
  if (!checks.all_passed) {
    result.verdict = api::Verdict::failed;
    std::string reason;
    for (const auto& f : checks.failures) reason += (reason.empty() ? "" : "; ") + f;
    result.reason = reason;
  } else if (!checks.unknown.empty()) {
    result.verdict = api::Verdict::warning;
    std::string reason = "could not evaluate:";
    for (const auto& u : checks.unknown) reason += " " + u;
    result.reason = reason;
  } else {
    result.verdict = api::Verdict::passed;
    if (result.reason.empty()) result.reason = "all assertions and thresholds held";
  }
}

}  // namespace perf::verdict
