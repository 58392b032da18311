// Live progress on stderr, once per interval: elapsed/planned, users or rate, req/s, p95,
// errors. A redrawn bar on a terminal, plain lines otherwise, nothing with --quiet.
#pragma once

#include "perf/api/load.hpp"
#include "perf/api/test_case.hpp"

#include <mutex>
#include <string>

namespace perf::host {

class ProgressDisplay {
 public:
  ProgressDisplay(bool enabled, bool terminal) : enabled_(enabled), terminal_(terminal) {}

  void case_started(const api::TestCase& c, std::size_t index, std::size_t total);
  void snapshot(const api::Snapshot& s);
  void line(std::string_view text);
  void case_finished(const api::CaseResult& r);

 private:
  void end_bar();
  std::mutex mutex_;
  bool enabled_;
  bool terminal_;
  bool bar_shown_ = false;
};

}  // namespace perf::host
