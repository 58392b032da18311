// Applies k6-style thresholds to a run: the plan's per-case thresholds to each case, the run's
// (--threshold, config file) to the cases their tag filters select, and abortOnFail ones to the
// live per-second snapshots so a run can stop early.
#pragma once

#include "perf/api/reporter.hpp"
#include "perf/verdict/threshold.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace perf::host {

std::vector<verdict::Threshold> parse_thresholds(const std::vector<std::string>& texts);

// Checks every case's own thresholds (TestCase::thresholds); a malformed one is a UserError
// naming the case.
void validate_case_thresholds(const std::vector<api::TestCase>& cases);

// Evaluates the case's own thresholds; failures make the verdict failed and are listed.
void apply_case_thresholds(api::CaseResult& result);

// Run-wide thresholds over the cases their filters match. Returns the failures ("no matching
// requests" is a failure: a threshold that cannot be evaluated is not a pass).
std::vector<std::string> evaluate_run_thresholds(const std::vector<verdict::Threshold>& thresholds,
                                                 const std::vector<api::CaseResult>& cases);

// abortOnFail: checks each live interval of the running case.
class AbortWatch {
 public:
  explicit AbortWatch(std::vector<verdict::Threshold> thresholds);
  bool any() const { return !thresholds_.empty(); }
  void set_case(const api::TestCase* c);
  // True (once) when an abortOnFail threshold is violated by this interval.
  bool violated(const api::Snapshot& snapshot);
  std::optional<std::string> reason() const;

 private:
  std::vector<verdict::Threshold> thresholds_;
  mutable std::mutex mutex_;
  const api::TestCase* current_ = nullptr;
  std::string reason_;
};

}  // namespace perf::host
