#include "perf/report/merge.hpp"

#include "perf/report/recommendations.hpp"

#include "perf/verdict/case_checks.hpp"
#include "perf/verdict/run_thresholds.hpp"

#include "perf/util/user_error.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace perf::report {

namespace {

// Parts of one plan run at the same time (several load generators) or one after another:
// requests, status codes, errors, bytes and histograms add exactly; the duration is the longest
// part's, so throughput is all requests over the wall time they took.
void add_point(api::IntervalPoint& a, const api::IntervalPoint& b) {
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

void merge_metrics(api::Metrics& into, const api::Metrics& part) {
  // Per-second series, aligned on wall time: a point of the part lands on the merged point of
  // the same second since the earliest start (segments started by --start-at share their
  // seconds; a late one shifts by its delay). Counts and rates add; percentiles of a second
  // cannot be merged from points, so the worse of the parts is kept (an upper bound).
  const std::int64_t into_start = into.start_unix_ms ? into.start_unix_ms : part.start_unix_ms;
  const std::int64_t start =
      std::min(into_start, part.start_unix_ms ? part.start_unix_ms : into_start);
  const double into_shift = double(into_start - start) / 1000.0;
  const double part_shift =
      double((part.start_unix_ms ? part.start_unix_ms : start) - start) / 1000.0;
  if (into_shift != 0)
    for (auto& p : into.intervals) p.t_s += into_shift;
  for (auto point : part.intervals) {
    point.t_s += part_shift;
    auto same = std::find_if(into.intervals.begin(), into.intervals.end(),
                             [&](const auto& p) { return std::abs(p.t_s - point.t_s) < 0.5; });
    if (same != into.intervals.end()) {
      add_point(*same, point);
    } else {
      auto after = std::find_if(into.intervals.begin(), into.intervals.end(),
                                [&](const auto& p) { return p.t_s > point.t_s; });
      into.intervals.insert(after, point);
    }
  }
  into.add_counts(part);
  into.duration_s = std::max(into.duration_s, part.duration_s);
  into.start_unix_ms = start;
  into.end_unix_ms = std::max(into.end_unix_ms, part.end_unix_ms);
  into.peak_memory_mb = std::max(into.peak_memory_mb, part.peak_memory_mb);
}

// The segment of the merged run: every part a segment of one plan, each once, none missing
// (unless allowed). Parts that are not segments merge as before (any parts of one plan).
api::SegmentInfo merged_segments(const std::vector<api::RunSummary>& parts,
                                 const std::vector<std::string>& files, bool allow_partial) {
  api::SegmentInfo merged;
  const auto& first = parts.front().info.segment;
  const bool segmented = first.count > 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& s = parts[i].info.segment;
    const std::string& file = i < files.size() ? files[i] : "part " + std::to_string(i + 1);
    if ((s.count > 0) != segmented)
      throw UserError(file + ": /segment: " +
                      (segmented ? "not a segment, but " + files.front() + " is one"
                                 : "a segment, but " + files.front() + " is a whole run"));
    if (!segmented) continue;
    if (s.index < 0)
      throw UserError(file + ": /segment: already a merged result; merge the segments themselves");
    if (s.count != first.count)
      throw UserError(file + ": /segment/count: " + std::to_string(s.count) + ", but " +
                      files.front() + " has " + std::to_string(first.count));
    if (s.plan_sha256 != first.plan_sha256)
      throw UserError(file + ": /segment/plan_sha256: another plan than " + files.front() +
                      "'s; segments of different plans do not merge");
    if (std::find(merged.merged.begin(), merged.merged.end(), s.index) != merged.merged.end())
      throw UserError(file + ": /segment/index: segment " + std::to_string(s.index) + "/" +
                      std::to_string(s.count) + " is given twice");
    merged.merged.push_back(s.index);
  }
  if (!segmented) return merged;
  std::sort(merged.merged.begin(), merged.merged.end());
  merged.count = first.count;
  merged.plan_sha256 = first.plan_sha256;
  for (int k = 0; k < first.count; ++k)
    if (!std::binary_search(merged.merged.begin(), merged.merged.end(), k))
      merged.missing.push_back(k);
  if (!merged.missing.empty() && !allow_partial) {
    std::string list;
    for (int k : merged.missing) list += (list.empty() ? "" : ", ") + std::to_string(k);
    throw UserError("merge: segment(s) " + list + " of " + std::to_string(first.count) +
                    " missing; give every segment's result, or --allow-partial to merge what "
                    "there is (recorded in the result)");
  }
  merged.partial = !merged.missing.empty();
  return merged;
}

}  // namespace

api::RunSummary merge_results(std::vector<api::RunSummary> parts,
                              const std::vector<verdict::Threshold>& thresholds,
                              const std::vector<std::string>& files, bool allow_partial) {
  if (parts.empty()) throw UserError("merge: no results to merge");
  const auto segment = merged_segments(parts, files, allow_partial);
  // Segment 0 first: the cases it alone ran (probes) and its findings lead the merge.
  if (segment.count > 0)
    std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
      return a.info.segment.index < b.info.segment.index;
    });
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
  merged.info.segment = segment;
  if (segment.partial)
    merged.plan_notes.push_back("partial merge: " + std::to_string(segment.missing.size()) +
                                " of " + std::to_string(segment.count) +
                                " segments missing (--allow-partial)");
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
  merged.recommendations = recommend(merged.cases, merged.comparison);
  merged.verdict = any_failed ? "failed" : "passed";
  merged.exit_code = any_failed ? 1 : 0;
  return merged;
}

}  // namespace perf::report
