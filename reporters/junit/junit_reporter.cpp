// junit: JUnit XML for CI systems (valid against the Jenkins xUnit junit-10.xsd): one testsuite
// per test type, one testcase per case, a <failure> listing every failed assertion and threshold
// with actual and expected values, an <error> for cases that could not run, the key metrics as
// suite <properties> (the schema allows none on testcases) and as each case's system-out.
#include "perf/api/reporter_plugin.hpp"
#include "perf/plan/test_case_json.hpp"
#include "perf/util/files.hpp"
#include "perf/util/markup.hpp"

#include <cstdio>
#include <map>
#include <sstream>

namespace {

using namespace perf;

std::string xml(const std::string& text) {
  return util::escape_markup(text, true);
}

std::string seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", s < 0 ? 0 : s);
  return b;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", v);
  return b;
}

std::vector<std::pair<std::string, std::string>> key_metrics(const api::Metrics& m) {
  // No answer, no latency: "none" rather than 0.000, which would read as instant.
  auto ms = [&m](double v) { return m.latency.count() ? num(v) : std::string("none"); };
  return {{"requests", std::to_string(m.total_requests)},
          {"throughput_rps", num(m.throughput_rps())},
          {"avg_ms", ms(m.latency.mean_us() / 1000.0)},
          {"p50_ms", ms(m.percentile_ms(50))},
          {"p95_ms", ms(m.percentile_ms(95))},
          {"p99_ms", ms(m.percentile_ms(99))},
          {"error_rate_percent", num(m.error_rate_percent())}};
}

class JunitReporter final : public api::Reporter {
 public:
  void configure(const api::ReporterConfig& config) override {
    path_ = config.output_path.empty() ? "junit.xml" : config.output_path;
  }

  void end(const api::RunSummary& s) override {
    std::map<std::string, std::vector<const api::CaseResult*>> suites;
    for (const auto& c : s.cases) suites[c.test_case.test_type].push_back(&c);
    std::size_t tests = 0, failures = 0, errors = 0;
    double total_time = 0;
    std::ostringstream body;
    for (const auto& [type, cases] : suites) {
      std::size_t f = 0, e = 0;
      double time = 0;
      for (const auto* c : cases) {
        f += c->verdict == api::Verdict::failed;
        e += c->verdict == api::Verdict::error;
        time += c->metrics.duration_s;
      }
      tests += cases.size();
      failures += f;
      errors += e;
      total_time += time;
      body << "  <testsuite name=\"" << xml(type) << "\" tests=\"" << cases.size()
           << "\" failures=\"" << f << "\" errors=\"" << e << "\" skipped=\"0\" time=\""
           << seconds(time) << "\" timestamp=\"" << xml(plan::iso8601_utc(s.info.started_unix_ms))
           << "\">\n    <properties>\n";
      body << "      <property name=\"target\" value=\"" << xml(s.info.target) << "\"/>\n";
      for (const auto* c : cases) {
        for (const auto& [name, value] : key_metrics(c->metrics))
          body << "      <property name=\"" << xml(c->test_case.id + ":" + name) << "\" value=\""
               << value << "\"/>\n";
        // Flow cases: each step's numbers under the case ("CASE:step:create:p95_ms").
        for (const auto& step : c->steps)
          for (const auto& [name, value] : key_metrics(step.metrics))
            body << "      <property name=\""
                 << xml(c->test_case.id + ":step:" + step.name + ":" + name) << "\" value=\""
                 << value << "\"/>\n";
      }
      body << "    </properties>\n";
      for (const auto* c : cases) write_case(body, *c, s.recommendations);
      body << "  </testsuite>\n";
    }
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"perf-agent\" tests=\""
        << tests << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" time=\""
        << seconds(total_time) << "\">\n"
        << body.str() << "</testsuites>\n";
    util::write_file_atomically(path_, out.str());
  }

 private:
  static void write_case(std::ostringstream& out, const api::CaseResult& c,
                         const std::vector<api::Recommendation>& recommendations) {
    out << "    <testcase name=\"" << xml(c.test_case.id) << "\" classname=\""
        << xml(c.test_case.test_type) << "\" time=\"" << seconds(c.metrics.duration_s) << "\">\n";
    if (c.verdict == api::Verdict::failed) {
      std::string details;
      for (const auto& a : c.assertions)
        if (a.passed && !*a.passed)
          details += a.type + ": actual " + num(a.actual.value_or(0)) + ", expected " +
                     a.condition + " " + num(a.value) + "\n";
      for (const auto& t : c.failed_thresholds) details += "threshold " + t + "\n";
      if (details.empty()) details = c.reason + "\n";
      out << "      <failure type=\"performance\" message=\"" << xml(c.reason) << "\">"
          << xml(details) << "</failure>\n";
    } else if (c.verdict == api::Verdict::error) {
      out << "      <error type=\"could_not_run\" message=\"" << xml(c.reason) << "\">"
          << xml(c.reason) << "</error>\n";
    }
    std::string summary;
    for (const auto& [name, value] : key_metrics(c.metrics)) summary += name + "=" + value + "\n";
    for (const auto& step : c.steps) {
      summary += "step " + step.name + " (" + step.method + " " + step.path + "):";
      for (const auto& [name, value] : key_metrics(step.metrics))
        summary += " " + name + "=" + value;
      summary += "\n";
    }
    if (!c.test_case.flows.empty()) {
      summary += "flow iterations=" + std::to_string(c.flow.iterations) +
                 " failed_iterations=" + std::to_string(c.flow.failed_iterations) + "\n";
      for (const auto& [reason, n] : c.flow.failures)
        summary += "flow failure ×" + std::to_string(n) + ": " + reason + "\n";
    }
    for (const auto& f : c.findings) {
      const std::string value = f.value.is_string()   ? std::string(f.value.get_string())
                                : f.value.is_number() ? num(f.value.to_number<double>())
                                                      : "";
      summary += "finding " + f.id + "=" + value + (f.unit.empty() ? "" : " " + f.unit) + "\n";
    }
    if (c.verdict == api::Verdict::warning) summary += "warning: " + c.reason + "\n";
    for (const auto& r : recommendations)
      if (r.case_id == c.test_case.id)
        summary += "recommendation: " + r.text +
                   (r.evidence.empty() ? "" : " [" + r.evidence + "]") + "\n";
    out << "      <system-out>" << xml(summary) << "</system-out>\n    </testcase>\n";
  }

  std::string path_ = "junit.xml";
};

}  // namespace

PERF_AGENT_REPORTER_PLUGIN(JunitReporter, "junit", "1.0.0", "JUnit XML for CI systems (junit.xml)")
