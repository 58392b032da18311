#include "perf/report/merge.hpp"

#include "perf/verdict/case_checks.hpp"
#include "perf/verdict/run_thresholds.hpp"

#include <algorithm>
#include <map>

namespace perf::report {

namespace {

// Parts of one plan run at the same time (several load generators) or one after another:
// requests, status codes, errors, bytes and histograms add exactly; the duration is the longest
// part's, so throughput is all requests over the wall time they took.
void merge_metrics(api::Metrics& into, const api::Metrics& part) {
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
    a.responses += b.responses;
    a.rps += b.rps;
    a.errors_per_s += b.errors_per_s;
    a.active_users += b.active_users;
    a.target += b.target;
    a.p50_ms = std::max(a.p50_ms, b.p50_ms);
    a.p90_ms = std::max(a.p90_ms, b.p90_ms);
    a.p95_ms = std::max(a.p95_ms, b.p95_ms);
    a.p99_ms = std::max(a.p99_ms, b.p99_ms);
  }
}

}  // namespace

api::RunSummary merge_results(std::vector<api::RunSummary> parts,
                              const std::vector<verdict::Threshold>& thresholds) {
  api::RunSummary merged;
  std::map<std::string, std::size_t> index;
  for (auto& part : parts) {
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
        auto& into = merged.cases[it->second];
        merge_metrics(into.metrics, c.metrics);
        // Flow cases: each step by (flow, name), and the iterations.
        for (const auto& step : c.steps) {
          auto same = std::find_if(into.steps.begin(), into.steps.end(), [&](const auto& s) {
            return s.flow == step.flow && s.name == step.name;
          });
          if (same == into.steps.end())
            into.steps.push_back(step);
          else
            merge_metrics(same->metrics, step.metrics);
        }
        into.flow.merge(c.flow);
      }
    }
  }
  // Verdicts again, on the merged numbers. The test types' own findings are kept from the first
  // part that had the case; assertions and thresholds are re-evaluated.
  bool any_failed = false;
  for (auto& c : merged.cases) {
    c.failed_thresholds.clear();
    if (c.verdict != api::Verdict::error || c.metrics.total_requests > 0) {
      c.verdict = api::Verdict::passed;
      c.reason.clear();
      const auto checks = verdict::check_case(c);
      verdict::conclude(c, checks);
      verdict::apply_case_thresholds(c);
    }
    any_failed |= c.verdict == api::Verdict::failed || c.verdict == api::Verdict::error;
  }
  merged.failed_thresholds = verdict::evaluate_run_thresholds(thresholds, merged.cases);
  any_failed |= !merged.failed_thresholds.empty();
  merged.verdict = any_failed ? "failed" : "passed";
  merged.exit_code = any_failed ? 1 : 0;
  return merged;
}

}  // namespace perf::report
