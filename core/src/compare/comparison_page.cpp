#include "perf/compare/comparison_page.hpp"

#include "perf/compare/comparison_text.hpp"
#include "perf/compare/svg_plot.hpp"
#include "perf/util/markup.hpp"

#include <cmath>
#include <map>
#include <sstream>

namespace perf::compare {

namespace {

constexpr const char* base_color = "#7f8c8d";
constexpr const char* new_color = "#2471a3";

std::string esc(const std::string& s) {
  return util::escape_markup(s);
}

// HdrHistogram's percentile plot: x = log10(1 / (1 - p)), so p90, p99 and p99.9 are equally
// spaced and the tail, where runs differ, gets as much room as the body.
PlotLine distribution(const std::string& name, const char* color, const api::Metrics& m) {
  PlotLine line{name, color, {}, false};
  if (m.latency.count() == 0) return line;
  for (double x = 0; x <= 3.0001; x += 0.05) {
    const double p = 100.0 * (1 - std::pow(10.0, -x));
    line.points.emplace_back(x, double(m.latency.value_at_percentile(p)) / 1000.0);
  }
  return line;
}

PlotLine series(const std::string& name, const char* color, const api::Metrics& m,
                double api::IntervalPoint::*field) {
  PlotLine line{name, color, {}, false};
  double previous_t = 0;
  for (const auto& p : m.intervals) {
    // A closing sliver of a second has a wild rate; the comparison leaves it out too.
    if (p.t_s - previous_t >= 0.5) line.points.emplace_back(p.t_s, p.*field);
    previous_t = p.t_s;
  }
  return line;
}

std::string verdict_class(Verdict v) {
  switch (v) {
    case Verdict::regression:
      return "bad";
    case Verdict::improvement:
      return "good";
    case Verdict::no_change:
      return "same";
    case Verdict::cannot_decide:
      return "unknown";
  }
  return "";
}

}  // namespace

std::string comparison_sections(const Comparison& comparison, const api::RunSummary& base,
                                const api::RunSummary& now) {
  std::map<std::string, const api::Metrics*> base_metrics, new_metrics;
  for (const auto& c : base.cases) base_metrics[c.test_case.id] = &c.metrics;
  for (const auto& c : now.cases) new_metrics[c.test_case.id] = &c.metrics;
  std::ostringstream h;
  for (const auto& c : comparison.cases) {
    const auto& b = *base_metrics.at(c.id);
    const auto& n = *new_metrics.at(c.id);
    h << "<section class=\"case\"><h2>" << esc(c.id) << "</h2><table><tr><th>metric</th>"
      << "<th>base</th><th>new</th><th>change</th><th>95 % interval</th><th>verdict</th></tr>";
    for (const auto& m : c.metrics)
      h << "<tr><td>" << metric_name(m.metric) << "</td><td>" << esc(format_value(m.base, m.metric))
        << "</td><td>" << esc(format_value(m.now, m.metric)) << "</td><td>" << esc(format_change(m))
        << "</td><td>" << esc(format_interval(m)) << "</td><td class=\"" << verdict_class(m.verdict)
        << "\">" << verdict_name(m.verdict) << (m.reason.empty() ? "" : " (" + esc(m.reason) + ")")
        << "</td></tr>";
    h << "</table><div class=\"plots\">"
      << svg_plot({"Latency distribution",
                   "percentile (log scale: 1 = p90, 2 = p99, 3 = p99.9)",
                   "ms",
                   {distribution("base", base_color, b), distribution("new", new_color, n)},
                   {},
                   false})
      << svg_plot({"p95 per second",
                   "seconds since the case started",
                   "ms",
                   {series("base", base_color, b, &api::IntervalPoint::p95_ms),
                    series("new", new_color, n, &api::IntervalPoint::p95_ms)},
                   {},
                   false})
      << svg_plot({"Throughput per second",
                   "seconds since the case started",
                   "req/s",
                   {series("base", base_color, b, &api::IntervalPoint::rps),
                    series("new", new_color, n, &api::IntervalPoint::rps)},
                   {},
                   true})
      << "</div></section>";
  }
  return h.str();
}

std::string comparison_page(const Comparison& comparison, const api::RunSummary& base,
                            const api::RunSummary& now) {
  std::size_t regressions = 0, improvements = 0;
  for (const auto& c : comparison.cases)
    for (const auto& m : c.metrics) {
      regressions += m.verdict == Verdict::regression;
      improvements += m.verdict == Verdict::improvement;
    }
  std::ostringstream h;
  h << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>perf-agent "
       "comparison</title><style>"
       "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222}"
       "table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;text-align:right;"
       "border-bottom:1px solid #ddd}td:first-child,th:first-child{text-align:left}"
       ".bad{color:#b03a2e;font-weight:600}.good{color:#1e8449;font-weight:600}"
       ".same{color:#555}.unknown{color:#9a7d0a}.plots{display:flex;flex-wrap:wrap;gap:8px}"
       ".pt{font-weight:600;font-size:13px}.pa{font-size:11px;fill:#444}"
       "</style></head><body><h1>Comparison</h1><p>Base <b>"
    << esc(comparison.base.file) << "</b>, new <b>" << esc(comparison.now.file)
    << "</b>: " << comparison.cases.size() << " cases compared, " << regressions << " regressions, "
    << improvements
    << " improvements. Base and new are the runs' values; the change and its 95 % interval are "
       "of the median second (the error rate: of the whole run), from a block bootstrap over the "
       "runs' per-second series. A change counts when its interval excludes 0 and it is at "
       "least: "
    << esc(min_effects_text(comparison.options.min_effect)) << ".</p>";
  for (const auto& id : comparison.only_in_base)
    h << "<p>Only in base (not compared): " << esc(id) << "</p>";
  for (const auto& id : comparison.only_in_new)
    h << "<p>Only in new (not compared): " << esc(id) << "</p>";
  h << comparison_sections(comparison, base, now) << "</body></html>\n";
  return h.str();
}

}  // namespace perf::compare
