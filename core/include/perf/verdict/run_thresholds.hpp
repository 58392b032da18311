// Applies k6-style thresholds to a run: the plan's per-case thresholds to each case, the run's
// (--threshold, config file) to the cases their tag filters select, and abortOnFail ones live,
// as an observer of the metrics bus that stops the run.
#pragma once

#include "perf/api/reporter.hpp"
#include "perf/run/metrics_bus.hpp"
#include "perf/verdict/threshold.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace perf::verdict {

std::vector<Threshold> parse_thresholds(const std::vector<std::string>& texts);

// Checks every case's own thresholds (TestCase::thresholds); a malformed one is a UserError
// naming the case.
void validate_case_thresholds(const std::vector<api::TestCase>& cases);

// Evaluates the case's own thresholds; failures make the verdict failed and are listed.
void apply_case_thresholds(api::CaseResult& result);

// Run-wide thresholds over the cases their filters match. Returns the failures ("no matching
// requests" is a failure: a threshold that cannot be evaluated is not a pass).
std::vector<std::string> evaluate_run_thresholds(const std::vector<Threshold>& thresholds,
                                                 const std::vector<api::CaseResult>& cases);

// abortOnFail: judges each live interval of the running case by the per-second rule
// (per_second_value), and thresholds that have no per-second value at the end of each case.
// On the first violation it calls `stop` with the reason, once; `stop` says whether it stopped
// the run (false when a stop, e.g. Ctrl-C, came first: then the watch keeps no reason).
class AbortWatch final : public run::RunObserver {
 public:
  AbortWatch(std::vector<Threshold> thresholds, std::function<bool(const std::string&)> stop);
  bool any() const { return !thresholds_.empty(); }
  void case_started(const api::TestCase& c, std::size_t, std::size_t) override;
  void interval(const api::Snapshot& snapshot) override;
  void case_done(const api::CaseResult& result) override;
  std::optional<std::string> reason() const;

 private:
  void violated(std::string reason);
  std::vector<Threshold> thresholds_;
  std::function<bool(const std::string&)> stop_;
  mutable std::mutex mutex_;
  std::optional<api::TestCase> current_;
  std::string reason_;
};

}  // namespace perf::verdict
