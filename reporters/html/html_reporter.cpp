// html: one self-contained report file (inline CSS and SVG, no scripts, no external URL):
// the overall verdict, what to look at first (counts by verdict, the cases that did not pass with
// their reasons, recommendations, p95 and throughput of every case), a table of cases, and per
// case its findings, assertions, time series (req/s, p95, errors/s) and the charts its test type
// attached.
#include "perf/api/reporter_plugin.hpp"
#include "perf/plan/test_case_json.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/files.hpp"
#include "svg_chart.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <map>
#include <sstream>

namespace {

using namespace perf;
using html::escape;

const char* style = R"(
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2329;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#57606a;margin-bottom:14px}
.verdict{display:inline-block;padding:4px 12px;border-radius:4px;font-weight:600;color:#fff}
.passed{background:#1a7f37}.failed,.error{background:#cf222e}.warning{background:#9a6700}
span.passed,span.failed,span.error,span.warning{padding:1px 7px;border-radius:3px;color:#fff;font-size:12px}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
details{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:6px 10px}
summary{cursor:pointer;font-weight:600}
.chart{margin:6px 12px 6px 0;background:#fff}.frame{fill:none;stroke:#d0d7de}
.ct{font-size:12px;font-weight:600;fill:#1d2329}.ax{font-size:10px;fill:#57606a}
.why{color:#57606a}
.counts span{padding:2px 8px;border-radius:3px;color:#fff;font-weight:600}
rect.bar{fill:#1a7f37}rect.bar.failed,rect.bar.error{fill:#cf222e}rect.bar.warning{fill:#9a6700}
.samples pre{margin:0;max-width:60em;white-space:pre-wrap;word-break:break-all;font-size:12px}
)";

std::string num(double v, const char* format = "%.2f") {
  char b[32];
  std::snprintf(b, sizeof b, format, v);
  return b;
}

// A latency cell: "—" when no response came back, since 0.00 would read as instant.
std::string ms(const api::Metrics& m, double value) {
  return m.latency.count() ? num(value) : "&mdash;";
}

// The first answer of each non-2xx status and error kind: what the server said, to what.
std::string samples_table(const api::Metrics& m) {
  if (m.samples.empty() && !m.error_latency.count()) return "";
  std::string out;
  if (m.error_latency.count())
    out += "<p>" + std::to_string(m.error_latency.count()) +
           " requests failed before an answer, after " + num(m.error_latency.mean_us() / 1000.0) +
           " ms on average (max " + num(m.error_latency.max_us() / 1000.0) + " ms).</p>";
  if (m.samples.empty()) return out;
  out +=
      "<table class=\"samples\"><tr><th>answer</th><th>count</th><th>request</th><th>first "
      "response</th></tr>";
  for (const auto& sample : m.samples) {
    std::string first;
    if (sample.error_kind.empty()) {
      first = sample.status_line;
      for (const auto& [name, value] : sample.headers) first += "\n" + name + ": " + value;
      first += "\n\n" + sample.body;
      if (sample.body_bytes > sample.body.size())
        first += "\n[" + std::to_string(sample.body_bytes) + " bytes in all]";
    } else {
      first = sample.detail;
    }
    std::string request = sample.request;
    if (!sample.request_body.empty()) request += "\n\n" + sample.request_body;
    out += "<tr><td>" + escape(sample.key) + "</td><td class=\"n\">" +
           std::to_string(report::sample_count(m, sample)) + "</td><td><pre>" + escape(request) +
           "</pre></td><td><pre>" + escape(first) + "</pre></td></tr>";
  }
  return out + "</table>";
}

// A verdict word on its colour; `css` when the text is not the verdict itself ("3 failed").
std::string badge(const std::string& text, const std::string& css = "") {
  return "<span class=\"" + escape(css.empty() ? text : css) + "\">" + escape(text) + "</span>";
}

std::string value_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_double()) return report::format_number(v.get_double());
  return boost::json::serialize(v);
}

// run --baseline: every case and metric of the comparison (docs/analysis.md), regressions and
// improvements marked like failed and passed verdicts.
std::string comparison_table(const boost::json::object& comparison) {
  namespace json = boost::json;
  auto text = [](const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto cell = [](const json::object& o, const char* key, const char* format) {
    const auto* v = o.if_contains(key);
    return v && v->is_number() ? num(v->to_number<double>(), format) : std::string("&mdash;");
  };
  std::ostringstream h;
  const auto* base = comparison.if_contains("base");
  h << "<h2>Compared with the baseline</h2><p class=\"meta\">"
    << escape(base && base->is_object() ? text(base->as_object(), "file") : "")
    << ": base and new are the runs' values; the change and its 95 % interval are of the median "
       "second (the error rate: of the whole run).</p><table><tr><th>case</th><th>metric</th>"
       "<th>base</th><th>new</th><th>change</th><th>95 % interval</th><th>verdict</th></tr>";
  const auto* cases = comparison.if_contains("cases");
  for (const auto& c : cases && cases->is_array() ? cases->get_array() : json::array{}) {
    const auto& co = c.as_object();
    const auto* metrics = co.if_contains("metrics");
    for (const auto& mv : metrics && metrics->is_array() ? metrics->get_array() : json::array{}) {
      const auto& m = mv.as_object();
      const std::string verdict = text(m, "verdict"), unit = text(m, "change_unit");
      const char* css = verdict == "regression"    ? "failed"
                        : verdict == "improvement" ? "passed"
                                                   : "";
      h << "<tr><td>" << escape(text(co, "id")) << "</td><td>" << escape(text(m, "metric"))
        << "</td><td class=\"n\">" << cell(m, "base", "%.2f") << " " << escape(text(m, "unit"))
        << "</td><td class=\"n\">" << cell(m, "new", "%.2f") << " " << escape(text(m, "unit"))
        << "</td><td class=\"n\">" << cell(m, "change", "%+.1f") << " " << escape(unit)
        << "</td><td class=\"n\">[" << cell(m, "ci_low", "%+.1f") << ", "
        << cell(m, "ci_high", "%+.1f") << "]</td><td>"
        << (*css ? "<span class=\"" + std::string(css) + "\">" + escape(verdict) + "</span>"
                 : escape(verdict))
        << "</td></tr>";
    }
  }
  h << "</table>";
  return h.str();
}

std::string timeline(const api::CaseResult& c) {
  html::Series rps{"req/s", "#0969da", {}}, errors{"errors/s", "#cf222e", {}},
      p95{"p95 ms", "#8250df", {}};
  for (const auto& p : c.metrics.intervals) {
    rps.points.emplace_back(p.t_s, p.rps);
    errors.points.emplace_back(p.t_s, p.errors_per_s);
    if (p.responses) p95.points.emplace_back(p.t_s, p.p95_ms);  // no answers: no latency
  }
  if (rps.points.empty()) return "";
  return html::line_chart("Throughput and errors", "seconds", "per second", {rps, errors}) +
         html::line_chart("Latency (p95)", "seconds", "ms", {p95});
}

// Charts a test type attached: {"id": {"title","x_label","y_label","series":[{"name","points"}]}}.
std::string type_charts(const api::CaseResult& c) {
  static const char* colors[] = {"#0969da", "#cf222e", "#1a7f37", "#8250df", "#9a6700"};
  std::string out;
  for (const auto& [id, chart] : c.charts) {
    const auto* o = chart.if_object();
    if (!o) continue;
    auto text = [&](const char* key) {
      const auto* v = o->if_contains(key);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    std::vector<html::Series> series;
    if (const auto* s = o->if_contains("series"); s && s->is_array()) {
      std::size_t i = 0;
      for (const auto& entry : s->as_array()) {
        const auto* so = entry.if_object();
        if (!so) continue;
        html::Series line;
        line.name = so->contains("name") && so->at("name").is_string()
                        ? std::string(so->at("name").get_string())
                        : "";
        line.color = colors[i++ % 5];
        if (const auto* pts = so->if_contains("points"); pts && pts->is_array())
          for (const auto& pt : pts->as_array())
            if (const auto* pa = pt.if_array();
                pa && pa->size() == 2 && (*pa)[0].is_number() && (*pa)[1].is_number())
              line.points.emplace_back((*pa)[0].to_number<double>(), (*pa)[1].to_number<double>());
        series.push_back(std::move(line));
      }
    }
    out += html::line_chart(text("title").empty() ? std::string(id) : text("title"),
                            text("x_label"), text("y_label"), series);
  }
  return out;
}

std::string anchor(const api::CaseResult& c) {
  std::string a = "case-";
  for (char ch : c.test_case.id) a += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '-';
  return a;
}

// What a reader wants first: how many cases ended how, the cases that did not pass with their
// reasons (failed and errors before warnings), the advice, and every case's p95 and throughput
// side by side. The details below hold the rest.
std::string first_look(const api::RunSummary& s) {
  std::ostringstream h;
  std::map<api::Verdict, std::size_t> counts;
  for (const auto& c : s.cases) ++counts[c.verdict];
  h << "<p class=\"counts\">" << s.cases.size() << " case" << (s.cases.size() == 1 ? "" : "s");
  for (auto v :
       {api::Verdict::failed, api::Verdict::error, api::Verdict::warning, api::Verdict::passed})
    if (counts[v])
      h << " &middot; "
        << badge(std::to_string(counts[v]) + " " + std::string(api::to_string(v)),
                 std::string(api::to_string(v)));
  h << "</p>";
  std::vector<const api::CaseResult*> not_passed;
  for (auto v : {api::Verdict::failed, api::Verdict::error, api::Verdict::warning})
    for (const auto& c : s.cases)
      if (c.verdict == v) not_passed.push_back(&c);
  if (!not_passed.empty() || !s.recommendations.empty() || !s.failed_thresholds.empty()) {
    h << "<h2>What to look at first</h2><ul class=\"first\">";
    for (const auto& t : s.failed_thresholds)
      h << "<li>" << badge("failed") << " threshold " << escape(t) << "</li>";
    for (const auto* c : not_passed)
      h << "<li>" << badge(std::string(api::to_string(c->verdict))) << " <a href=\"#" << anchor(*c)
        << "\">" << escape(c->test_case.id) << "</a>: " << escape(c->reason) << "</li>";
    h << "</ul>";
    if (!s.recommendations.empty()) {
      h << "<h3>Recommendations</h3><ul>";
      for (const auto& r : s.recommendations)
        h << "<li>" << escape(r.text) << " <span class=\"meta\">(" << escape(r.case_id) << ", "
          << escape(r.finding_id) << (r.evidence.empty() ? "" : ": " + escape(r.evidence))
          << ")</span></li>";
      h << "</ul>";
    }
  }
  if (!s.cases.empty()) {
    std::vector<html::Bar> p95, rps;
    for (const auto& c : s.cases) {
      const std::string css(api::to_string(c.verdict));
      p95.push_back(
          {c.test_case.id, c.metrics.percentile_ms(95), css, c.metrics.latency.count() > 0});
      rps.push_back({c.test_case.id, c.metrics.throughput_rps(), css, true});
    }
    h << "<div>" << html::bar_chart("p95 latency by case", "ms", p95)
      << html::bar_chart("Throughput by case", "req/s", rps) << "</div>";
  }
  return h.str();
}

class HtmlReporter final : public api::Reporter {
 public:
  void configure(const api::ReporterConfig& config) override {
    path_ = config.output_path.empty() ? "report.html" : config.output_path;
  }

  void end(const api::RunSummary& s) override {
    std::ostringstream h;
    // No script may run in a report, even one opened from the dashboard's origin.
    h << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\"><title>perf-agent report</title>"
      << "<style>" << style << "</style></head><body>";
    h << "<h1>Performance report <span class=\"verdict " << escape(s.verdict) << "\">"
      << escape(s.verdict) << "</span></h1>";
    h << "<div class=\"meta\">" << escape(s.info.tool) << " &middot; target "
      << escape(s.info.target);
    if (!s.info.spec.empty()) h << " &middot; spec " << escape(s.info.spec);
    h << "<br>" << plan::iso8601_utc(s.info.started_unix_ms) << " to "
      << plan::iso8601_utc(s.finished_unix_ms) << " &middot; exit code " << s.exit_code
      << (s.interrupted ? " &middot; interrupted" : "") << "</div>";
    h << first_look(s);
    h << "<h2>Cases</h2><table><tr><th>case</th><th>verdict</th><th>requests</th><th>req/s</"
         "th><th>avg ms</th>"
         "<th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>max</th><th>errors "
         "%</th><th>why</th></tr>";
    for (const auto& c : s.cases) {
      h << "<tr><td><a href=\"#" << anchor(c) << "\">" << escape(c.test_case.id) << "</a></td><td>"
        << badge(std::string(api::to_string(c.verdict))) << "</td>" << numbers(c.metrics)
        << "<td class=\"why\">" << escape(c.reason) << "</td></tr>";
      // A flow case: a row per step under it.
      for (const auto& step : c.steps)
        h << "<tr class=\"step\"><td>&nbsp;&nbsp;step " << escape(step.name) << " ("
          << escape(step.method + " " + step.path) << ")</td><td></td>" << numbers(step.metrics)
          << "<td></td></tr>";
    }
    h << "</table>";
    if (!s.failed_thresholds.empty()) {
      h << "<h2>Failed thresholds</h2><ul>";
      for (const auto& t : s.failed_thresholds) h << "<li>" << escape(t) << "</li>";
      h << "</ul>";
    }
    h << "<h2>Details</h2>";
    for (const auto& c : s.cases) {
      h << "<details id=\"" << anchor(c) << "\""
        << (c.verdict == api::Verdict::passed ? "" : " open") << "><summary>"
        << badge(std::string(api::to_string(c.verdict))) << " " << escape(c.test_case.id)
        << "</summary>";
      h << "<p>" << escape(c.test_case.description)
        << (c.reason.empty() ? "" : " &mdash; " + escape(c.reason)) << "</p>";
      if (!c.findings.empty()) {
        h << "<table><tr><th>finding</th><th>value</th><th>unit</th><th>meaning</th></tr>";
        for (const auto& f : c.findings)
          h << "<tr><td>" << escape(f.id) << "</td><td class=\"n\">" << escape(value_text(f.value))
            << "</td><td>" << escape(f.unit) << "</td><td>" << escape(f.text) << "</td></tr>";
        h << "</table>";
      }
      if (!c.assertions.empty()) {
        h << "<table><tr><th>assertion</th><th>expected</th><th>actual</th><th>result</th></tr>";
        for (const auto& a : c.assertions)
          h << "<tr><td>" << escape(a.type) << "</td><td>" << escape(a.condition) << " "
            << num(a.value) << "</td><td class=\"n\">" << (a.actual ? num(*a.actual) : "-")
            << "</td><td>" << (a.passed ? badge(*a.passed ? "passed" : "failed") : "not evaluated")
            << "</td></tr>";
        h << "</table>";
      }
      for (const auto& t : c.failed_thresholds)
        h << "<div class=\"why\">threshold failed: " << escape(t) << "</div>";
      if (!c.test_case.flows.empty()) {
        const auto& f = c.flow;
        h << "<p>flow: " << f.iterations << " iterations, " << f.failed_iterations << " failed"
          << (f.interrupted_iterations
                  ? ", " + std::to_string(f.interrupted_iterations) + " cut off at the end"
                  : "")
          << "</p>";
        if (!f.failures.empty()) {
          h << "<table><tr><th>iteration failure</th><th>count</th></tr>";
          for (const auto& [reason, n] : f.failures)
            h << "<tr><td>" << escape(reason) << "</td><td class=\"n\">" << n << "</td></tr>";
          h << "</table>";
        }
      }
      h << samples_table(c.metrics);
      h << "<div>" << timeline(c) << type_charts(c) << "</div></details>";
    }
    if (!s.comparison.empty()) h << comparison_table(s.comparison);
    if (!s.plan_notes.empty()) {
      h << "<h2>Plan notes</h2><ul>";
      for (const auto& n : s.plan_notes) h << "<li>" << escape(n) << "</li>";
      h << "</ul>";
    }
    h << "</body></html>\n";
    util::write_file_atomically(path_, h.str());
  }

 private:
  // The number cells of a table row: requests, req/s, avg, p50, p90, p95, p99, max, errors %.
  static std::string numbers(const api::Metrics& m) {
    std::ostringstream h;
    h << "<td class=\"n\">" << m.total_requests << "</td><td class=\"n\">"
      << num(m.throughput_rps(), "%.1f") << "</td><td class=\"n\">"
      << ms(m, m.latency.mean_us() / 1000.0) << "</td><td class=\"n\">"
      << ms(m, m.percentile_ms(50)) << "</td><td class=\"n\">" << ms(m, m.percentile_ms(90))
      << "</td><td class=\"n\">" << ms(m, m.percentile_ms(95)) << "</td><td class=\"n\">"
      << ms(m, m.percentile_ms(99)) << "</td><td class=\"n\">" << ms(m, m.latency.max_us() / 1000.0)
      << "</td><td class=\"n\">" << num(m.error_rate_percent()) << "</td>";
    return h.str();
  }

  std::string path_ = "report.html";
};

}  // namespace

PERF_AGENT_REPORTER_PLUGIN(HtmlReporter, "html", "1.0.0",
                           "Self-contained HTML report with charts (report.html)")
