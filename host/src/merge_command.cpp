#include "commands.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/document.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"
#include "perf/verdict/case_checks.hpp"
#include "threshold_checks.hpp"

#include <algorithm>
#include <iostream>
#include <map>

namespace perf::host {

namespace {

// Parts of one plan run at the same time (several load generators) or one after another:
// requests, status codes, errors, bytes and histograms add exactly; the duration is the longest
// part's, so throughput is all requests over the wall time they took.
void merge_metrics(metrics::RunMetrics& into, const metrics::RunMetrics& part) {
  into.add_counts(part);
  into.duration_s = std::max(into.duration_s, part.duration_s);
  into.start_unix_ms =
      into.start_unix_ms ? std::min(into.start_unix_ms, part.start_unix_ms) : part.start_unix_ms;
  into.end_unix_ms = std::max(into.end_unix_ms, part.end_unix_ms);
  into.peak_memory_mb = std::max(into.peak_memory_mb, part.peak_memory_mb);
  // Per-second series: counts and rates add; percentiles of a second cannot be merged from
  // points, so the worse of the parts is kept (documented as an upper bound).
  for (std::size_t i = 0; i < part.intervals.size(); ++i) {
    if (i >= into.intervals.size()) {
      into.intervals.push_back(part.intervals[i]);
      continue;
    }
    auto& a = into.intervals[i];
    const auto& b = part.intervals[i];
    a.requests += b.requests;
    a.errors += b.errors;
    a.rps += b.rps;
    a.errors_per_s += b.errors_per_s;
    a.active_users += b.active_users;
    a.target += b.target;
    a.p50_ms = std::max(a.p50_ms, b.p50_ms);
    a.p95_ms = std::max(a.p95_ms, b.p95_ms);
    a.p99_ms = std::max(a.p99_ms, b.p99_ms);
  }
}

}  // namespace

int merge_command(const CommandLine& cl) {
  if (cl.inputs.size() < 2) throw UserError("merge: give at least two result files");
  if (cl.output.empty()) throw UserError("merge: -o FILE is required");
  const auto run_thresholds = parse_thresholds(cl.thresholds);
  api::RunSummary merged;
  std::map<std::string, std::size_t> index;
  for (const auto& file : cl.inputs) {
    auto part = report::summary_from_json(util::load_document(file), file);
    if (merged.info.tool.empty()) {
      merged.info = part.info;
      merged.finished_unix_ms = part.finished_unix_ms;
    }
    merged.info.started_unix_ms = std::min(merged.info.started_unix_ms, part.info.started_unix_ms);
    merged.finished_unix_ms = std::max(merged.finished_unix_ms, part.finished_unix_ms);
    for (auto& c : part.cases) {
      auto it = index.find(c.test_case.id);
      if (it == index.end()) {
        index[c.test_case.id] = merged.cases.size();
        merged.cases.push_back(std::move(c));
      } else {
        merge_metrics(merged.cases[it->second].metrics, c.metrics);
      }
    }
  }
  // Verdicts again, on the merged numbers. The test types' own findings are kept from the first
  // part that had the case; assertions and thresholds are re-evaluated.
  bool any_failed = false;
  for (auto& c : merged.cases) {
    c.failed_thresholds.clear();
    if (c.verdict != api::verdict::error || c.metrics.total_requests > 0) {
      c.verdict = std::string(api::verdict::passed);
      c.reason.clear();
      const auto checks = verdict::check_case(c);
      verdict::conclude(c, checks);
      apply_case_thresholds(c);
    }
    any_failed |= c.verdict == api::verdict::failed || c.verdict == api::verdict::error;
  }
  merged.failed_thresholds = evaluate_run_thresholds(run_thresholds, merged.cases);
  any_failed |= !merged.failed_thresholds.empty();
  merged.verdict = any_failed ? "failed" : "passed";
  merged.exit_code = any_failed ? 1 : 0;
  util::write_file_atomically(cl.output, report::pretty(report::to_json(merged)));
  if (!cl.quiet)
    std::cerr << "perf-agent: merged " << cl.inputs.size() << " results into " << cl.output << " ("
              << merged.cases.size() << " cases, verdict " << merged.verdict << ")\n";
  return merged.exit_code;
}

}  // namespace perf::host
