#include "threshold_checks.hpp"

#include "perf/util/user_error.hpp"

namespace perf::host {

std::vector<verdict::Threshold> parse_thresholds(const std::vector<std::string>& texts) {
  std::vector<verdict::Threshold> out;
  for (const auto& t : texts) out.push_back(verdict::parse_threshold(t));
  return out;
}

void validate_case_thresholds(const std::vector<api::TestCase>& cases) {
  for (const auto& c : cases)
    for (const auto& t : c.thresholds) {
      try {
        verdict::parse_threshold(t);
      } catch (const UserError& e) {
        throw UserError(c.id + ": " + e.what());
      }
    }
}

void apply_case_thresholds(api::CaseResult& result) {
  for (const auto& text : result.test_case.thresholds) {
    const auto t = verdict::parse_threshold(text);
    const auto r = verdict::evaluate(t, {&result.metrics});
    if (r.evaluated && r.passed) continue;
    const std::string message = r.evaluated ? r.message : t.text + " (no matching requests)";
    result.failed_thresholds.push_back(message);
    if (result.verdict == api::verdict::passed || result.verdict == api::verdict::warning) {
      result.verdict = std::string(api::verdict::failed);
      result.reason = "threshold " + message;
    } else if (result.verdict == api::verdict::failed) {
      result.reason += "; threshold " + message;
    }
  }
}

std::vector<std::string> evaluate_run_thresholds(const std::vector<verdict::Threshold>& thresholds,
                                                 const std::vector<api::CaseResult>& cases) {
  std::vector<std::string> failures;
  for (const auto& t : thresholds) {
    std::vector<const metrics::RunMetrics*> parts;
    for (const auto& c : cases)
      if (t.matches(c.test_case)) parts.push_back(&c.metrics);
    const auto r = verdict::evaluate(t, parts);
    if (!r.evaluated)
      failures.push_back(t.text + " (no matching requests, cannot decide)");
    else if (!r.passed)
      failures.push_back(r.message);
  }
  return failures;
}

AbortWatch::AbortWatch(std::vector<verdict::Threshold> thresholds) {
  for (auto& t : thresholds)
    if (t.abort_on_fail) thresholds_.push_back(std::move(t));
}

void AbortWatch::set_case(const api::TestCase* c) {
  std::lock_guard lock(mutex_);
  current_ = c;
}

bool AbortWatch::violated(const api::Snapshot& s) {
  std::lock_guard lock(mutex_);
  if (!current_ || !reason_.empty() || s.point.requests == 0) return false;
  for (const auto& t : thresholds_) {
    if (!t.matches(*current_)) continue;
    double v = 0;
    if (t.metric == "http_req_failed")
      v = double(s.point.errors) / double(s.point.requests);
    else if (t.metric == "http_reqs")
      v = s.point.rps;
    else if (t.metric == "http_req_duration" && t.aggregation == "p")
      v = t.percentile >= 99   ? s.point.p99_ms
          : t.percentile >= 95 ? s.point.p95_ms
                               : s.point.p50_ms;
    else if (t.metric == "http_req_duration" && t.aggregation == "med")
      v = s.point.p50_ms;
    else
      continue;  // other aggregations are checked at the end of the case
    if (!verdict::compare(v, t.op, t.value)) {
      char b[96];
      std::snprintf(b, sizeof b, " (%.3f in the second ending at %.1f s of %s)", v, s.elapsed_s,
                    current_->id.c_str());
      reason_ = "abortOnFail threshold " + t.text + b;
      return true;
    }
  }
  return false;
}

std::optional<std::string> AbortWatch::reason() const {
  std::lock_guard lock(mutex_);
  if (reason_.empty()) return std::nullopt;
  return reason_;
}

}  // namespace perf::host
