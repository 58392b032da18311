#include "perf/compare/run_comparison.hpp"

#include "perf/compare/change_interval.hpp"
#include "perf/compare/text_format.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/user_error.hpp"

#include <cmath>
#include <map>

namespace perf::compare {

namespace json = boost::json;

std::string_view metric_name(Metric m) {
  switch (m) {
    case Metric::p50:
      return "p50";
    case Metric::p95:
      return "p95";
    case Metric::p99:
      return "p99";
    case Metric::avg:
      return "avg";
    case Metric::throughput:
      return "throughput";
    case Metric::error_rate:
      return "error_rate";
  }
  return "";
}

std::string_view metric_unit(Metric m) {
  if (m == Metric::throughput) return "req/s";
  if (m == Metric::error_rate) return "%";
  return "ms";
}

std::optional<Metric> metric_from_name(std::string_view name) {
  for (const Metric m : all_metrics)
    if (metric_name(m) == name) return m;
  if (name == "error-rate" || name == "errors") return Metric::error_rate;
  if (name == "rps") return Metric::throughput;
  return std::nullopt;
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::regression:
      return "regression";
    case Verdict::improvement:
      return "improvement";
    case Verdict::no_change:
      return "no change";
    case Verdict::cannot_decide:
      return "cannot decide";
  }
  return "";
}

namespace {

// Latency and errors are worse when higher; throughput when lower.
bool higher_is_worse(Metric m) {
  return m != Metric::throughput;
}

}  // namespace

std::optional<double> metric_value(const api::Metrics& m, Metric metric) {
  const bool answered = m.latency.count() > 0;
  switch (metric) {
    case Metric::p50:
      return answered ? std::optional(m.percentile_ms(50)) : std::nullopt;
    case Metric::p95:
      return answered ? std::optional(m.percentile_ms(95)) : std::nullopt;
    case Metric::p99:
      return answered ? std::optional(m.percentile_ms(99)) : std::nullopt;
    case Metric::avg:
      return answered ? std::optional(m.latency.mean_us() / 1000.0) : std::nullopt;
    case Metric::throughput:
      return m.duration_s > 0 ? std::optional(m.throughput_rps()) : std::nullopt;
    case Metric::error_rate:
      return m.total_requests ? std::optional(m.error_rate_percent()) : std::nullopt;
  }
  return std::nullopt;
}

namespace {

// A second's mean latency is not stored; its stored quantiles give it by the trapezoid rule over
// the quantile function (the mean is the integral of the quantile function over 0..1): the part
// below the median counted at the median, the top 1 % at the p99. Biased low for long tails, but
// alike in both runs, so the relative change survives (docs/analysis.md).
double mean_from_quantiles(const api::IntervalPoint& p) {
  return 0.5 * p.p50_ms + 0.4 * (p.p50_ms + p.p90_ms) / 2 + 0.05 * (p.p90_ms + p.p95_ms) / 2 +
         0.04 * (p.p95_ms + p.p99_ms) / 2 + 0.01 * p.p99_ms;
}

// The per-second values of a metric. Latencies and throughput are summed up by their median
// second; the error rate by all errors over all requests (errors come in bursts, and a burst in
// two seconds of nine is exactly what should count).
SecondSeries seconds_of(const api::Metrics& m, Metric metric) {
  SecondSeries s;
  if (metric == Metric::error_rate) s.summary = SecondSeries::Summary::ratio_of_sums;
  double previous_t = 0;
  for (const auto& p : m.intervals) {
    const double dt = p.t_s - previous_t;
    previous_t = p.t_s;
    // The last point of a run is often a sliver of a second: a few requests, a wild rate.
    const bool whole_second = dt >= 0.5;
    const bool answered = p.responses > 0 && whole_second;
    switch (metric) {
      case Metric::p50:
        if (answered) s.add(p.p50_ms, 1);
        break;
      case Metric::p95:
        if (answered) s.add(p.p95_ms, 1);
        break;
      case Metric::p99:
        if (answered) s.add(p.p99_ms, 1);
        break;
      case Metric::avg:
        if (answered) s.add(mean_from_quantiles(p), 1);
        break;
      case Metric::throughput:
        if (whole_second) s.add(double(p.requests), dt);
        break;
      case Metric::error_rate:
        if (p.requests) s.add(double(p.errors), double(p.requests));
        break;
    }
  }
  return s;
}

MetricComparison compare_metric(const api::Metrics& base, const api::Metrics& now, Metric metric,
                                const ComparisonOptions& options, const std::string& case_id) {
  MetricComparison c;
  c.metric = metric;
  c.in_points = metric == Metric::error_rate;
  c.base = metric_value(base, metric);
  c.now = metric_value(now, metric);
  const SecondSeries base_series = seconds_of(base, metric);
  const SecondSeries now_series = seconds_of(now, metric);
  c.base_seconds = base_series.size();
  c.now_seconds = now_series.size();
  if (!c.base || !c.now) {
    c.reason = "not measured in both runs";
    return c;
  }
  if (c.base_seconds < options.min_seconds || c.now_seconds < options.min_seconds) {
    c.reason = std::to_string(std::min(c.base_seconds, c.now_seconds)) +
               " seconds of data; at least " + std::to_string(options.min_seconds) + " needed";
    return c;
  }
  const auto scale = c.in_points ? ChangeScale::points : ChangeScale::relative;
  if (!c.in_points && !(summarize(base_series) > 0 && summarize(now_series) > 0)) {
    c.reason = "a value of 0 has no relative change";
    return c;
  }
  const auto interval =
      change_interval(base_series, now_series, scale, options.confidence, options.draws,
                      seed_for(case_id + "\n" + std::string(metric_name(metric))));
  const double unit = c.in_points ? 100.0 : 1.0;  // error rates: fractions on that scale
  c.base_typical = interval.base * unit;
  c.now_typical = interval.now * unit;
  c.change = interval.estimate;
  c.low = interval.low;
  c.high = interval.high;
  const bool certain = interval.low > 0 || interval.high < 0;
  const double floor = options.min_effect[metric];
  if (!certain || std::abs(interval.estimate) < floor) {
    c.verdict = Verdict::no_change;
  } else {
    const bool worse = (interval.estimate > 0) == higher_is_worse(metric);
    c.verdict = worse ? Verdict::regression : Verdict::improvement;
  }
  return c;
}

json::value optional_number(const std::optional<double>& v) {
  return v ? json::value(std::round(*v * 1000) / 1000) : json::value();
}

}  // namespace

Comparison compare_runs(const api::RunSummary& base, const api::RunSummary& now,
                        const ComparisonOptions& options) {
  Comparison out;
  out.options = options;
  out.base.started_unix_ms = base.info.started_unix_ms;
  out.now.started_unix_ms = now.info.started_unix_ms;
  std::map<std::string, const api::CaseResult*> base_cases;
  for (const auto& c : base.cases) base_cases.emplace(c.test_case.id, &c);
  std::map<std::string, bool> matched;
  for (const auto& c : now.cases) {
    const auto it = base_cases.find(c.test_case.id);
    if (it == base_cases.end()) {
      out.only_in_new.push_back(c.test_case.id);
      continue;
    }
    matched[c.test_case.id] = true;
    CaseComparison cc{c.test_case.id, {}};
    for (const Metric m : all_metrics)
      cc.metrics.push_back(compare_metric(it->second->metrics, c.metrics, m, options, cc.id));
    out.cases.push_back(std::move(cc));
  }
  for (const auto& c : base.cases)
    if (!matched.count(c.test_case.id)) out.only_in_base.push_back(c.test_case.id);
  return out;
}

ChangeLimit parse_change_limit(std::string_view text) {
  const auto colon = text.find(':');
  const auto fail = [&](const std::string& why) {
    return UserError("--max-change '" + std::string(text) + "': " + why);
  };
  if (colon == std::string_view::npos) throw fail("expected METRIC:PERCENT, e.g. p95:10%");
  const auto metric = metric_from_name(text.substr(0, colon));
  if (!metric) throw fail("unknown metric (p50, p95, p99, avg, throughput, error_rate)");
  const double value = parse_percent(text.substr(colon + 1), "--max-change", text);
  return {*metric, value};
}

void apply_min_effect(MinEffects& effects, std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    const double value = parse_percent(text, "--min-effect", text);
    for (auto m : all_metrics)
      if (m != Metric::error_rate) effects[m] = value;
    return;
  }
  const auto metric = metric_from_name(text.substr(0, colon));
  if (!metric)
    throw UserError("--min-effect '" + std::string(text) +
                    "': unknown metric (p50, p95, p99, avg, throughput, error_rate)");
  effects[*metric] = parse_percent(text.substr(colon + 1), "--min-effect", text);
}

void apply_min_effects(MinEffects& effects, const std::vector<std::string>& texts) {
  for (const auto& text : texts)
    if (text.find(':') == std::string::npos) apply_min_effect(effects, text);
  for (const auto& text : texts)
    if (text.find(':') != std::string::npos) apply_min_effect(effects, text);
}

std::string min_effects_text(const MinEffects& effects) {
  std::string out;
  for (auto m : all_metrics) {
    if (!out.empty()) out += ", ";
    out += m == Metric::error_rate ? "error rate " : std::string(metric_name(m)) + " ";
    out += report::format_number(effects[m]) + (m == Metric::error_rate ? " pp" : " %");
  }
  return out;
}

std::vector<std::string> exceeded_limits(const Comparison& comparison,
                                         const std::vector<ChangeLimit>& limits) {
  std::vector<std::string> out;
  for (const auto& c : comparison.cases)
    for (const auto& m : c.metrics)
      for (const auto& limit : limits) {
        if (limit.metric != m.metric || m.verdict != Verdict::regression) continue;
        if (std::abs(*m.change) <= limit.max_change) continue;
        const char* unit = m.in_points ? " pp" : " %";
        out.push_back(c.id + " " + std::string(metric_name(m.metric)) + ": " +
                      (*m.change > 0 ? "+" : "") +
                      report::format_number(std::round(*m.change * 10) / 10) + unit +
                      " exceeds --max-change " + report::format_number(limit.max_change) + unit);
      }
  return out;
}

json::object to_json(const Comparison& comparison) {
  json::object o;
  auto label = [](const RunLabel& l) {
    return json::object{{"file", l.file}, {"started_unix_ms", l.started_unix_ms}};
  };
  o["base"] = label(comparison.base);
  o["new"] = label(comparison.now);
  o["method"] =
      "median second (error rate: all errors over all requests), circular block bootstrap, "
      "Student's t over the independent blocks";
  o["confidence"] = comparison.options.confidence;
  json::object min_effect;  // per metric: percent, the error rate in percentage points
  for (auto m : all_metrics) min_effect[metric_name(m)] = comparison.options.min_effect[m];
  o["min_effect"] = std::move(min_effect);
  // The single floors of earlier versions, for readers of the old fields: p50's, and the error
  // rate's in percentage points.
  o["min_effect_percent"] = comparison.options.min_effect[Metric::p50];
  o["min_effect_points"] = comparison.options.min_effect[Metric::error_rate];
  json::array cases;
  for (const auto& c : comparison.cases) {
    json::array metrics;
    for (const auto& m : c.metrics) {
      json::object mo{{"metric", metric_name(m.metric)},
                      {"unit", metric_unit(m.metric)},
                      {"base", optional_number(m.base)},
                      {"new", optional_number(m.now)},
                      {"base_typical", optional_number(m.base_typical)},
                      {"new_typical", optional_number(m.now_typical)},
                      {"change_unit", m.in_points ? "pp" : "%"},
                      {"change", optional_number(m.change)},
                      {"ci_low", optional_number(m.low)},
                      {"ci_high", optional_number(m.high)},
                      {"verdict", verdict_name(m.verdict)},
                      {"base_seconds", m.base_seconds},
                      {"new_seconds", m.now_seconds}};
      if (!m.reason.empty()) mo["reason"] = m.reason;
      metrics.push_back(std::move(mo));
    }
    cases.push_back(json::object{{"id", c.id}, {"metrics", std::move(metrics)}});
  }
  o["cases"] = std::move(cases);
  auto names = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
  };
  o["only_in_base"] = names(comparison.only_in_base);
  o["only_in_new"] = names(comparison.only_in_new);
  return o;
}

}  // namespace perf::compare
