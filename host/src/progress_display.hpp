// Live progress on stderr, an observer of the metrics bus: the case that starts, once per interval
// elapsed/planned, users or rate, req/s, p95, errors, the test types' progress lines and each
// verdict. A redrawn bar on a terminal, plain lines otherwise, nothing with --quiet.
#pragma once

#include "perf/run/metrics_bus.hpp"

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace perf::host {

class ProgressDisplay final : public run::RunObserver {
 public:
  ProgressDisplay(bool enabled, bool terminal) : enabled_(enabled), terminal_(terminal) {}
  // The plan's cases with their planned run seconds: each case's line then says how long the
  // rest of the run should take.
  void set_plan(const std::vector<api::TestCase>& cases, double time_scale);

  void case_started(const api::TestCase& c, std::size_t index, std::size_t total) override;
  void interval(const api::Snapshot& s) override;
  void progress(std::string_view text) override;
  void case_done(const api::CaseResult& r) override;

 private:
  void end_bar();
  std::mutex mutex_;
  bool enabled_;
  bool terminal_;
  bool bar_shown_ = false;
  std::map<std::string, double> planned_s_;  // by case id; timed cases only
  double planned_left_s_ = 0;                // of the cases not started yet
  std::string last_phase_;                   // case id and phase of the last interval shown
  double last_elapsed_s_ = 0;
};

}  // namespace perf::host
