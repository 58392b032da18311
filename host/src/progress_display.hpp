// Live progress on stderr, an observer of the metrics bus: the case that starts, once per interval
// elapsed/planned, users or rate, req/s, p95, errors, the test types' progress lines and each
// verdict. A redrawn bar on a terminal, plain lines otherwise, nothing with --quiet.
#pragma once

#include "perf/run/metrics_bus.hpp"

#include <mutex>
#include <string>

namespace perf::host {

class ProgressDisplay final : public run::RunObserver {
 public:
  ProgressDisplay(bool enabled, bool terminal) : enabled_(enabled), terminal_(terminal) {}

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
};

}  // namespace perf::host
