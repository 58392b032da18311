// k6-style thresholds: `METRIC[{tag:value,...}]: AGG OP VALUE [over Ns] [abortOnFail]`,
// e.g. `http_req_duration{endpoint:/users}: p(95)<500`, `http_req_failed: rate<0.01`,
// `http_reqs: rate>100`. Durations in ms, rates of failure as fractions (k6's units).
#pragma once

#include "perf/api/test_case.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace perf::verdict {

struct Threshold {
  std::string text;    // as written, for messages
  std::string metric;  // http_req_duration, http_req_failed, http_reqs, http_req_waiting, ...
  std::map<std::string, std::string> tags;  // endpoint, method, test_type, case, step, flow
  std::string aggregation;                  // avg, min, max, med, p, rate, count
  double percentile = 0;                    // for p(N)
  std::string op;                           // <, <=, >, >=, ==, !=
  double value = 0;
  double window_s = 0;  // > 0: fails only when violated for this long (per-interval series)
  bool abort_on_fail = false;

  bool matches(const api::TestCase& c) const;
};

// The metrics `t` judges in one case: the case's, or with a `step` tag that step's (in each of
// the case's flows that has it, or in the `flow` tag's), so `http_req_duration{step:create}`
// sees the create requests alone.
std::vector<const api::Metrics*> selected_metrics(const Threshold& t, const api::CaseResult& r);

// Throws perf::UserError "threshold 'TEXT': problem" for anything malformed or unsupported.
Threshold parse_threshold(const std::string& text);

// The aggregated value over `m`; nullopt when `m` has no data for it.
std::optional<double> threshold_value(const Threshold& t, const api::Metrics& m);
bool compare(double actual, const std::string& op, double expected);

// The one rule that maps a threshold to a per-second value, for windowed thresholds and live
// abortOnFail checks alike: the rate of http_reqs and http_req_failed, and med, p(50), p(90),
// p(95), p(99) of http_req_duration (the percentiles each interval keeps). Anything else has no
// per-second value (judged_per_second false). nullopt too for a second without requests.
bool judged_per_second(const Threshold& t);
std::optional<double> per_second_value(const Threshold& t, const api::IntervalPoint& point);

struct ThresholdResult {
  bool passed = true;
  bool evaluated = false;  // false: no matching data
  double actual = 0;
  std::string message;  // "http_req_duration: p(95)<500 (actual 612.3)"
};

// Evaluates over the merged metrics (whole-run thresholds) or, with a window, over the
// per-interval series of each metrics object given.
ThresholdResult evaluate(const Threshold& t, const std::vector<const api::Metrics*>& parts);

}  // namespace perf::verdict
