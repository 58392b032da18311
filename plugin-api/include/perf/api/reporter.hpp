// A reporter: receives the run as it happens and writes its output at the end.
#pragma once

#include "perf/api/load.hpp"
#include "perf/api/test_case.hpp"

#include <string>
#include <vector>

namespace perf::api {

struct ReporterConfig {
  std::string output_path;  // from --report KIND:PATH; "" for the reporter's default
  bool color = false;       // console: a TTY and NO_COLOR unset
  bool quiet = false;
};

struct RunInfo {
  std::string tool;  // "perf-agent 0.1.0"
  std::string target;
  std::string spec;
  std::vector<std::string> test_types;
  std::size_t planned_cases = 0;
  std::int64_t started_unix_ms = 0;
};

struct RunSummary {
  RunInfo info;
  std::int64_t finished_unix_ms = 0;
  std::string verdict;  // "passed" or "failed"
  int exit_code = 0;
  bool interrupted = false;
  std::vector<std::string> failed_thresholds;  // run-wide (--threshold without tag filters)
  std::vector<CaseResult> cases;
  std::vector<std::string> plan_notes;  // skipped operations and why
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void configure(const ReporterConfig&) {}
  virtual void begin(const RunInfo&) {}
  virtual void interval(const Snapshot&) {}
  virtual void case_done(const CaseResult&) {}
  // Writes the output (files atomically: temporary file, then rename). Throws on failure.
  virtual void end(const RunSummary& summary) = 0;
};

}  // namespace perf::api
