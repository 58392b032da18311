// A reporter: receives the run as it happens and writes its output at the end.
#pragma once

#include "perf/api/load.hpp"
#include "perf/api/test_case.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace perf::api {

struct ReporterConfig {
  std::string output_path;  // from --report KIND:PATH; "" for the reporter's default
  bool color = false;       // console: a TTY and NO_COLOR unset
  bool quiet = false;
};

// Which part of a distributed run this is (DESIGN §10.2, k6's execution segments): one segment
// I of N, or the merge of several. index -1 and count 0: the run was not segmented.
struct SegmentInfo {
  int index = -1;            // this segment; -1 for a merged result or no segment
  int count = 0;             // N; 0 when the run was not segmented
  std::string plan_sha256;   // the plan every segment ran
  std::vector<int> merged;   // merged result: the segments it holds
  bool partial = false;      // merged with --allow-partial and some segment missing
  std::vector<int> missing;  // those segments
  double late_start_s = 0;   // how long after --start-at this segment began
};

// Advice derived from a finding (DESIGN §10.4); none without a finding.
struct Recommendation {
  std::string case_id;
  std::string finding_id;
  std::string text;
  std::string evidence;  // the numbers behind it, in words
};

struct RunInfo {
  std::string tool;  // "perf-agent 0.1.0"
  std::string target;
  std::string spec;
  std::vector<std::string> test_types;
  std::size_t planned_cases = 0;
  std::int64_t started_unix_ms = 0;
  SegmentInfo segment;
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
  boost::json::object comparison;       // against a baseline result (compare); empty: none
  std::vector<Recommendation> recommendations;
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
