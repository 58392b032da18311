// Comparing two runs, benchstat's way: per case (matched by id) and metric, the change with a
// 95 % interval from a block bootstrap over each run's per-second series, and a verdict only when
// the interval excludes no change and the change is large enough to matter (docs/analysis.md).
#pragma once

#include "perf/api/reporter.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perf::compare {

enum class Metric { p50, p95, p99, avg, throughput, error_rate };
inline constexpr Metric all_metrics[] = {Metric::p50, Metric::p95,        Metric::p99,
                                         Metric::avg, Metric::throughput, Metric::error_rate};

std::string_view metric_name(Metric m);  // "p95", "error_rate"
std::string_view metric_unit(Metric m);  // "ms", "req/s", "%"
std::optional<Metric> metric_from_name(std::string_view name);

// A run's own value of a metric, as its report shows it (ms, req/s, %); none when the run has
// nothing to measure it by (no answer at all for latencies).
std::optional<double> metric_value(const api::Metrics& metrics, Metric metric);

enum class Verdict { regression, improvement, no_change, cannot_decide };
std::string_view verdict_name(Verdict v);  // "regression", "no change", ...

// The smallest change of each metric counted as a regression or improvement (percent; the error
// rate in percentage points), in all_metrics order. The tails get wider floors than the median:
// between back-to-back runs of one unchanged server a run's p95 and p99 wander more than the
// interval within a run shows. Chosen on a recorded A/A calibration pair (docs/analysis.md).
struct MinEffects {
  double of[std::size(all_metrics)] = {3, 10, 15, 3, 3, 0.1};
  double operator[](Metric m) const { return of[std::size_t(m)]; }
  double& operator[](Metric m) { return of[std::size_t(m)]; }
};

struct ComparisonOptions {
  MinEffects min_effect;  // smaller changes are "no change" even when certain
  double confidence = 0.95;
  std::size_t draws = 2000;     // bootstrap resamples per run and metric
  std::size_t min_seconds = 5;  // fewer seconds with data in either run: cannot decide
};

struct MetricComparison {
  Metric metric = Metric::p50;
  std::optional<double> base, now;  // the runs' own values (ms, req/s, %); none when unmeasured
  // What the change is of: the median second's value (the error rate: the run's), so that a stall
  // of two seconds in one run does not read as a change of the code (docs/analysis.md).
  std::optional<double> base_typical, now_typical;
  // The change of the typical values: percent of the base, or percentage points for the error rate
  // (a relative change is undefined at 0 % errors). Absent when the verdict is cannot decide.
  std::optional<double> change, low, high;
  bool in_points = false;  // change in percentage points, not percent
  Verdict verdict = Verdict::cannot_decide;
  std::string reason;                             // why it cannot decide; "" otherwise
  std::size_t base_seconds = 0, now_seconds = 0;  // per-second samples behind the interval
};

struct CaseComparison {
  std::string id;
  std::vector<MetricComparison> metrics;  // in all_metrics order
};

struct RunLabel {
  std::string file;  // as given on the command line
  std::int64_t started_unix_ms = 0;
};

struct Comparison {
  RunLabel base, now;
  ComparisonOptions options;
  std::vector<CaseComparison> cases;  // in the new run's order
  std::vector<std::string> only_in_base, only_in_new;
};

Comparison compare_runs(const api::RunSummary& base, const api::RunSummary& now,
                        const ComparisonOptions& options = {});

// --min-effect PCT (every metric but the error rate) or METRIC:PCT (one metric; error_rate in
// percentage points), applied to `effects`. Throws perf::UserError naming the flag and value.
void apply_min_effect(MinEffects& effects, std::string_view text);
// Every --min-effect given: bare PCTs first, so `p95:5% --min-effect 2` keeps p95 at 5 %.
void apply_min_effects(MinEffects& effects, const std::vector<std::string>& texts);
// "p50 3 %, p95 10 %, p99 15 %, avg 3 %, throughput 3 %, error rate 0.1 pp": for the reports.
std::string min_effects_text(const MinEffects& effects);

// --max-change METRIC:PERCENT (percentage points for error_rate).
struct ChangeLimit {
  Metric metric = Metric::p95;
  double max_change = 0;
};
// Throws perf::UserError naming the flag and value.
ChangeLimit parse_change_limit(std::string_view text);

// One line per significant regression larger than its limit ("load_test:GET:/ p95: +14.7 % >
// 10 %"); empty when every limit held.
std::vector<std::string> exceeded_limits(const Comparison& comparison,
                                         const std::vector<ChangeLimit>& limits);

// The comparison as the JSON report's `comparison` object and `perf-agent compare
// --report json:FILE` (docs/analysis.md describes the fields).
boost::json::object to_json(const Comparison& comparison);

}  // namespace perf::compare
