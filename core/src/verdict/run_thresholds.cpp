#include "perf/verdict/run_thresholds.hpp"

#include "perf/util/user_error.hpp"

#include <cstdio>

namespace perf::verdict {

std::vector<Threshold> parse_thresholds(const std::vector<std::string>& texts) {
  std::vector<Threshold> out;
  for (const auto& t : texts) out.push_back(parse_threshold(t));
  return out;
}

void validate_case_thresholds(const std::vector<api::TestCase>& cases) {
  for (const auto& c : cases)
    for (const auto& t : c.thresholds) {
      try {
        parse_threshold(t);
      } catch (const UserError& e) {
        throw UserError(c.id + ": " + e.what());
      }
    }
}

void apply_case_thresholds(api::CaseResult& result) {
  for (const auto& text : result.test_case.thresholds) {
    const auto t = parse_threshold(text);
    const auto r = evaluate(t, selected_metrics(t, result));
    if (r.evaluated && r.passed) continue;
    const std::string message = r.evaluated ? r.message : t.text + " (no matching requests)";
    result.failed_thresholds.push_back(message);
    if (result.verdict == api::Verdict::passed || result.verdict == api::Verdict::warning) {
      result.verdict = api::Verdict::failed;
      result.reason = "threshold " + message;
    } else if (result.verdict == api::Verdict::failed) {
      result.reason += "; threshold " + message;
    }
  }
}

std::vector<std::string> evaluate_run_thresholds(const std::vector<Threshold>& thresholds,
                                                 const std::vector<api::CaseResult>& cases) {
  std::vector<std::string> failures;
  for (const auto& t : thresholds) {
    std::vector<const api::Metrics*> parts;
    for (const auto& c : cases)
      if (t.matches(c.test_case))
        for (const auto* m : selected_metrics(t, c)) parts.push_back(m);
    const auto r = evaluate(t, parts);
    if (!r.evaluated)
      failures.push_back(t.text + " (no matching requests, cannot decide)");
    else if (!r.passed)
      failures.push_back(r.message);
  }
  return failures;
}

AbortWatch::AbortWatch(std::vector<Threshold> thresholds,
                       std::function<bool(const std::string&)> stop)
    : stop_(std::move(stop)) {
  for (auto& t : thresholds)
    if (t.abort_on_fail) thresholds_.push_back(std::move(t));
}

void AbortWatch::case_started(const api::TestCase& c, std::size_t, std::size_t) {
  std::lock_guard lock(mutex_);
  current_ = c;
}

void AbortWatch::violated(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (!reason_.empty()) return;
  }
  if (!stop_(reason)) return;  // the run was already stopping: not this threshold's doing
  std::lock_guard lock(mutex_);
  if (reason_.empty()) reason_ = std::move(reason);
}

void AbortWatch::interval(const api::Snapshot& s) {
  std::string reason;
  {
    std::lock_guard lock(mutex_);
    if (!current_ || !reason_.empty()) return;
    for (const auto& t : thresholds_) {
      // A step has no per-second series of its own: judged at the case's end.
      if (!t.matches(*current_) || t.tags.count("step")) continue;
      const auto v = per_second_value(t, s.point);
      if (!v || compare(*v, t.op, t.value)) continue;
      char b[96];
      std::snprintf(b, sizeof b, " (%.3f in the second ending at %.1f s of %s)", *v, s.elapsed_s,
                    current_->id.c_str());
      reason = "abortOnFail threshold " + t.text + b;
      break;
    }
  }
  if (!reason.empty()) violated(std::move(reason));
}

// Thresholds without a per-second value (avg, max, count, ...) are judged on the whole case.
void AbortWatch::case_done(const api::CaseResult& result) {
  std::string reason;
  {
    std::lock_guard lock(mutex_);
    current_.reset();
    if (!reason_.empty()) return;
    for (const auto& t : thresholds_) {
      const bool live = judged_per_second(t) && !t.tags.count("step");
      if (live || !t.matches(result.test_case)) continue;
      const auto r = evaluate(t, selected_metrics(t, result));
      if (!r.evaluated || r.passed) continue;
      reason = "abortOnFail threshold " + r.message + " in " + result.test_case.id;
      break;
    }
  }
  if (!reason.empty()) violated(std::move(reason));
}

std::optional<std::string> AbortWatch::reason() const {
  std::lock_guard lock(mutex_);
  if (reason_.empty()) return std::nullopt;
  return reason_;
}

}  // namespace perf::verdict
