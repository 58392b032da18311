// console: a k6-like end-of-run summary on stdout: per case verdict, requests, req/s,
// avg/p50/p90/p95/p99/max, error rate, why it failed, what it found, and the first answer of
// each non-2xx status and error kind. Colour on a terminal
// unless NO_COLOR is set.
#include "perf/api/reporter_plugin.hpp"
#include "perf/report/result_json.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>

namespace {

using namespace perf;

class ConsoleReporter final : public api::Reporter {
 public:
  void configure(const api::ReporterConfig& config) override { color_ = config.color; }

  void end(const api::RunSummary& s) override {
    std::ostringstream out;
    out << "\n" << bold(s.info.tool) << "  target " << s.info.target;
    if (!s.info.spec.empty()) out << "  spec " << s.info.spec;
    out << "\n\n";
    char line[512];
    std::snprintf(line, sizeof line, "  %-46s %-8s %8s %9s %8s %8s %8s %8s %8s %8s %6s\n", "case",
                  "verdict", "reqs", "req/s", "avg", "p50", "p90", "p95", "p99", "max", "err%");
    out << line;
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const auto& c : s.cases) {
      const auto& m = c.metrics;
      out << paint(row(c.test_case.id, std::string(api::to_string(c.verdict)), m),
                   api::to_string(c.verdict));
      // A flow case: a row per step under it, then its iterations.
      for (const auto& step : c.steps)
        out << row("  step " + step.name + " (" + step.method + " " + step.path + ")", "",
                   step.metrics);
      if (!c.test_case.flows.empty()) out << "      " << flow_line(c.flow) << "\n";
      ++counts[std::size_t(c.verdict)];
      if (c.verdict != api::Verdict::passed && !c.reason.empty())
        out << "      " << paint("why: " + c.reason, api::to_string(c.verdict)) << "\n";
      if (!c.findings.empty()) {
        std::string f = "found:";
        for (const auto& finding : c.findings) {
          std::string value =
              finding.value.is_string()   ? std::string(finding.value.get_string())
              : finding.value.is_double() ? report::format_number(finding.value.get_double())
              : finding.value.is_array()  ? "(" + std::to_string(finding.value.get_array().size()) +
                                               " entries, in the JSON report)"
                                         : boost::json::serialize(finding.value);
          f += " " + finding.id + "=" + value + (finding.unit.empty() ? "" : " " + finding.unit) +
               ";";
        }
        out << "      " << f << "\n";
      }
      for (const auto& sample : m.samples)
        out << "      " << report::sample_line(m, sample) << "\n";
      if (m.error_latency.count())
        std::snprintf(line, sizeof line,
                      "      failed before an answer: %llu, after avg %.2f ms, max %.2f ms\n",
                      static_cast<unsigned long long>(m.error_latency.count()),
                      m.error_latency.mean_us() / 1000.0, m.error_latency.max_us() / 1000.0),
            out << line;
    }
    out << "\n  " << s.cases.size() << " cases: " << counts[0] << " passed, " << counts[1]
        << " failed, " << counts[2] << " warning, " << counts[3] << " error";
    if (s.interrupted) out << " (interrupted)";
    out << "   verdict: " << paint(s.verdict == "passed" ? "PASSED" : "FAILED", s.verdict) << "\n";
    for (const auto& t : s.failed_thresholds)
      out << "  " << paint("threshold failed: " + t, "failed") << "\n";
    for (const auto& r : s.recommendations)
      out << "  recommendation (" << r.case_id << ", " << r.finding_id << "): " << r.text
          << (r.evidence.empty() ? "" : " [" + r.evidence + "]") << "\n";
    if (!s.comparison.empty()) out << comparison_section(s.comparison);
    if (!s.plan_notes.empty())
      out << "  " << s.plan_notes.size()
          << " plan notes (skipped operations and why) are in the JSON report\n";
    std::cout << out.str() << std::flush;
  }

 private:
  // One table row: a case (with its verdict) or a step of a flow case (verdict "").
  static std::string row(std::string label, const std::string& verdict, const api::Metrics& m) {
    if (label.size() > 46) label = label.substr(0, 43) + "...";
    // Latency columns show "—" when no response came back (every request failed before an
    // answer): 0.00 would read as instant.
    const bool answered = m.latency.count() > 0;
    auto ms = [answered](double v) {
      char cell[32];
      if (answered)
        std::snprintf(cell, sizeof cell, "%8.2f", v);
      else
        std::snprintf(cell, sizeof cell, "%7s\u2014", "");
      return std::string(cell);
    };
    char line[512];
    std::snprintf(line, sizeof line, "  %-46s %-8s %8llu %9.1f %s %s %s %s %s %s %6.2f\n",
                  label.c_str(), verdict.c_str(), static_cast<unsigned long long>(m.total_requests),
                  m.throughput_rps(), ms(m.latency.mean_us() / 1000.0).c_str(),
                  ms(m.percentile_ms(50)).c_str(), ms(m.percentile_ms(90)).c_str(),
                  ms(m.percentile_ms(95)).c_str(), ms(m.percentile_ms(99)).c_str(),
                  ms(m.latency.max_us() / 1000.0).c_str(), m.error_rate_percent());
    return line;
  }

  // "flow: 120 iterations, 3 failed (extract id: no /id in response of step create ×3),
  // iteration p95 41.20 ms"
  static std::string flow_line(const api::FlowMetrics& f) {
    std::string text = "flow: " + std::to_string(f.iterations) + " iterations, " +
                       std::to_string(f.failed_iterations) + " failed";
    if (!f.failures.empty()) {
      std::string reasons;
      for (const auto& [reason, n] : f.failures)
        reasons += (reasons.empty() ? "" : "; ") + reason + " \u00d7" + std::to_string(n);
      text += " (" + reasons + ")";
    }
    if (f.interrupted_iterations)
      text += ", " + std::to_string(f.interrupted_iterations) + " cut off at the end";
    if (f.iteration_duration.count()) {
      char b[96];
      std::snprintf(b, sizeof b, ", iteration avg %.2f ms, p95 %.2f ms",
                    f.iteration_duration.mean_us() / 1000.0,
                    double(f.iteration_duration.value_at_percentile(95)) / 1000.0);
      text += b;
    }
    return text;
  }

  // run --baseline: the counts of verdicts, and a line per metric that changed (the full table
  // is in the JSON and HTML reports). Read from the comparison's JSON (docs/analysis.md).
  std::string comparison_section(const boost::json::object& comparison) const {
    namespace json = boost::json;
    auto number = [](const json::value* v) {
      return v && v->is_number() ? v->to_number<double>() : 0.0;
    };
    auto text = [](const json::value* v) {
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    std::map<std::string, int> counts;
    std::string changed;
    const auto* cases = comparison.if_contains("cases");
    for (const auto& c : cases && cases->is_array() ? cases->get_array() : json::array{}) {
      const auto* metrics = c.as_object().if_contains("metrics");
      for (const auto& mv : metrics && metrics->is_array() ? metrics->get_array() : json::array{}) {
        const auto& m = mv.as_object();
        const std::string verdict = text(m.if_contains("verdict"));
        ++counts[verdict];
        if (verdict != "regression" && verdict != "improvement") continue;
        const bool points = text(m.if_contains("change_unit")) == "pp";
        char line[160];
        std::snprintf(line, sizeof line, "%+.1f%s [%+.1f, %+.1f]", number(m.if_contains("change")),
                      points ? " pp" : " %", number(m.if_contains("ci_low")),
                      number(m.if_contains("ci_high")));
        changed += "    " + paint(verdict, verdict == "regression" ? "failed" : "passed") + "  " +
                   text(c.as_object().if_contains("id")) + " " + text(m.if_contains("metric")) +
                   " " + line + "\n";
      }
    }
    const auto* base = comparison.if_contains("base");
    const std::string file =
        base && base->is_object() ? text(base->as_object().if_contains("file")) : "";
    return "  compared with " + file + ": " + std::to_string(counts["regression"]) +
           " regressions, " + std::to_string(counts["improvement"]) + " improvements, " +
           std::to_string(counts["no change"]) + " no change, " +
           std::to_string(counts["cannot decide"]) + " cannot decide" +
           unmatched(comparison, "only_in_base", "of the baseline not run") +
           unmatched(comparison, "only_in_new", "not in the baseline") + "\n" + changed;
  }
  static std::string unmatched(const boost::json::object& comparison, const char* key,
                               const char* what) {
    const auto* v = comparison.if_contains(key);
    const auto n = v && v->is_array() ? v->get_array().size() : 0;
    return n ? "; " + std::to_string(n) + (n == 1 ? " case " : " cases ") + what : "";
  }

  std::string bold(const std::string& text) const {
    return color_ ? "\033[1m" + text + "\033[0m" : text;
  }
  std::string paint(const std::string& text, std::string_view verdict) const {
    if (!color_) return text;
    const char* code = verdict == "passed"    ? "\033[32m"
                       : verdict == "warning" ? "\033[33m"
                                              : "\033[31m";
    return code + text + "\033[0m";
  }
  bool color_ = false;
};

}  // namespace

PERF_AGENT_REPORTER_PLUGIN(ConsoleReporter, "console", "1.0.0",
                           "End-of-run summary on the terminal")
