#include "perf/verdict/threshold.hpp"

#include "perf/util/user_error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <regex>

namespace perf::verdict {

namespace {

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw UserError("threshold '" + text + "': " + why);
}

// A number the patterns let through: they also match "1.2.3", "." and "1e999", which are not
// numbers (std::stod would read "1.2", or throw something other than a UserError).
double number(const std::string& text, const std::string& digits) {
  double v = 0;
  const char* end = digits.data() + digits.size();
  const auto [last, ec] = std::from_chars(digits.data(), end, v);
  if (ec != std::errc() || last != end || !std::isfinite(v))
    bad(text, "'" + digits + "' is not a number");
  return v;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

bool duration_metric(const std::string& m) {
  return m == "http_req_duration" || m == "http_req_waiting" || m == "http_req_connecting" ||
         m == "http_req_tls_handshaking" || m == "http_req_sending" || m == "http_req_receiving" ||
         m == "http_req_blocked";
}

}  // namespace

bool Threshold::matches(const api::TestCase& c) const {
  for (const auto& [k, v] : tags) {
    if (k == "endpoint" && c.endpoint != v) return false;
    if (k == "method" && c.method != v) return false;
    if (k == "test_type" && c.test_type != v) return false;
    if (k == "case" && c.id != v) return false;
    if (k == "flow" && std::none_of(c.flows.begin(), c.flows.end(),
                                    [&value = v](const api::Flow& f) { return f.name == value; }))
      return false;
    if (k == "step" && c.flows.empty()) return false;  // the step itself: selected_metrics
  }
  return true;
}

std::vector<const api::Metrics*> selected_metrics(const Threshold& t, const api::CaseResult& r) {
  const auto step = t.tags.find("step");
  if (step == t.tags.end()) return {&r.metrics};
  const auto flow = t.tags.find("flow");
  std::vector<const api::Metrics*> out;
  for (const auto& s : r.steps)
    if (s.name == step->second && (flow == t.tags.end() || s.flow == flow->second))
      out.push_back(&s.metrics);
  return out;
}

Threshold parse_threshold(const std::string& text) {
  Threshold t;
  t.text = trim(text);
  const auto colon = t.text.find(':');
  const auto brace = t.text.find('{');
  std::size_t head_end = colon;
  if (brace != std::string::npos && brace < colon) {
    const auto close = t.text.find('}', brace);
    if (close == std::string::npos) bad(text, "unclosed '{' in the tag filter");
    head_end = t.text.find(':', close);
    std::string filters = t.text.substr(brace + 1, close - brace - 1);
    t.metric = trim(t.text.substr(0, brace));
    std::size_t start = 0;
    while (start <= filters.size()) {
      auto comma = filters.find(',', start);
      std::string pair =
          filters.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const auto sep = pair.find(':');
      if (sep == std::string::npos) bad(text, "tag filter '" + pair + "' must be name:value");
      const std::string key = trim(pair.substr(0, sep));
      if (key != "endpoint" && key != "method" && key != "test_type" && key != "case" &&
          key != "step" && key != "flow")
        bad(text, "unknown tag '" + key + "' (endpoint, method, test_type, case, step, flow)");
      t.tags[key] = trim(pair.substr(sep + 1));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    if (colon == std::string::npos) bad(text, "expected 'METRIC: AGGREGATION OP VALUE'");
    t.metric = trim(t.text.substr(0, colon));
  }
  if (head_end == std::string::npos) bad(text, "expected ':' after the metric");
  static const std::vector<std::string> metrics = {
      "http_req_duration",   "http_req_failed",          "http_reqs",        "http_req_waiting",
      "http_req_connecting", "http_req_tls_handshaking", "http_req_sending", "http_req_receiving",
      "http_req_blocked",    "dropped_iterations"};
  if (std::find(metrics.begin(), metrics.end(), t.metric) == metrics.end())
    bad(text, "unknown metric '" + t.metric + "'");
  std::string rest = trim(t.text.substr(head_end + 1));
  if (const auto at = rest.find("abortOnFail"); at != std::string::npos) {
    t.abort_on_fail = true;
    rest = trim(rest.erase(at, 11));
  }
  static const std::regex over(R"(^(.*\S)\s+over\s+([0-9.]+)\s*(ms|s|m)$)");
  std::smatch m;
  if (std::regex_match(rest, m, over)) {
    double w = number(text, m[2]);
    if (m[3] == "ms") w /= 1000;
    if (m[3] == "m") w *= 60;
    t.window_s = w;
    rest = m[1];
  }
  static const std::regex condition(
      R"(^(avg|min|max|med|count|rate|p\(\s*([0-9.]+)\s*\))\s*(<=|>=|==|!=|<|>)\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)$)");
  if (!std::regex_match(rest, m, condition))
    bad(text,
        "expected AGGREGATION OP VALUE, e.g. p(95)<500 (aggregations: avg min max med p(N) rate "
        "count)");
  t.aggregation = m[1].str().rfind("p(", 0) == 0 ? "p" : m[1].str();
  if (t.aggregation == "p") {
    t.percentile = number(text, m[2]);
    if (t.percentile < 0 || t.percentile > 100) bad(text, "a percentile is between 0 and 100");
  }
  t.op = m[3];
  t.value = number(text, m[4]);
  const bool duration = duration_metric(t.metric);
  if (duration && t.aggregation == "rate")
    bad(text, t.metric + " has no rate; use avg, min, max, med or p(N)");
  if (!duration && (t.aggregation == "p" || t.aggregation == "med" || t.aggregation == "min" ||
                    t.aggregation == "max"))
    bad(text, t.metric + " supports rate" +
                  std::string(t.metric == "http_req_failed" ? "" : " and count"));
  if (duration && t.metric != "http_req_duration" && t.aggregation != "avg")
    bad(text, "only avg is recorded for " + t.metric);
  if (t.window_s > 0 && !judged_per_second(t))
    bad(text,
        "a windowed threshold works on med, p(50), p(90), p(95), p(99) of http_req_duration, or "
        "the rate of http_req_failed or http_reqs (the per-second series)");
  return t;
}

bool compare(double a, const std::string& op, double b) {
  if (op == "<") return a < b;
  if (op == "<=") return a <= b;
  if (op == ">") return a > b;
  if (op == ">=") return a >= b;
  if (op == "==") return std::fabs(a - b) < 1e-9;
  return std::fabs(a - b) >= 1e-9;
}

std::optional<double> threshold_value(const Threshold& t, const api::Metrics& m) {
  if (m.total_requests == 0 && t.metric != "dropped_iterations") return std::nullopt;
  if (t.metric == "http_req_duration") {
    if (m.latency.count() == 0) return std::nullopt;
    if (t.aggregation == "avg") return m.latency.mean_us() / 1000.0;
    if (t.aggregation == "min") return m.latency.min_us() / 1000.0;
    if (t.aggregation == "max") return m.latency.max_us() / 1000.0;
    if (t.aggregation == "med") return m.percentile_ms(50);
    if (t.aggregation == "p") return m.percentile_ms(t.percentile);
    if (t.aggregation == "count") return double(m.latency.count());
  }
  if (t.metric == "http_req_failed") {
    if (t.aggregation == "rate") return double(m.failed_requests) / double(m.total_requests);
    return double(m.failed_requests);
  }
  if (t.metric == "http_reqs")
    return t.aggregation == "rate" ? m.throughput_rps() : double(m.total_requests);
  if (t.metric == "dropped_iterations")
    return t.aggregation == "rate" ? (m.duration_s > 0 ? m.dropped_iterations / m.duration_s : 0)
                                   : double(m.dropped_iterations);
  if (m.timing.requests == 0) return std::nullopt;
  const double n = double(m.timing.requests) * 1000.0;
  if (t.metric == "http_req_waiting") return m.timing.wait_us / n;
  if (t.metric == "http_req_connecting") return m.timing.connect_us / n;
  if (t.metric == "http_req_tls_handshaking") return m.timing.tls_us / n;
  if (t.metric == "http_req_sending") return m.timing.send_us / n;
  if (t.metric == "http_req_receiving") return m.timing.receive_us / n;
  if (t.metric == "http_req_blocked") return m.timing.dns_us / n;
  return std::nullopt;
}

bool judged_per_second(const Threshold& t) {
  if (t.metric == "http_reqs" || t.metric == "http_req_failed") return t.aggregation == "rate";
  if (t.metric != "http_req_duration") return false;
  if (t.aggregation == "med") return true;
  return t.aggregation == "p" &&
         (t.percentile == 50 || t.percentile == 90 || t.percentile == 95 || t.percentile == 99);
}

std::optional<double> per_second_value(const Threshold& t, const api::IntervalPoint& p) {
  if (!judged_per_second(t) || p.requests == 0) return std::nullopt;
  if (t.metric == "http_reqs") return p.rps;
  if (t.metric == "http_req_failed") return double(p.errors) / double(p.requests);
  const double n = t.aggregation == "med" ? 50 : t.percentile;
  return n == 50 ? p.p50_ms : n == 90 ? p.p90_ms : n == 95 ? p.p95_ms : p.p99_ms;
}

namespace {
std::string describe(const Threshold& t, double actual) {
  char b[64];
  std::snprintf(b, sizeof b, " (actual %.3f)", actual);
  return t.text + b;
}

}  // namespace

ThresholdResult evaluate(const Threshold& t, const std::vector<const api::Metrics*>& parts) {
  ThresholdResult r;
  if (t.window_s > 0) {
    // Fails when the condition is violated in consecutive intervals covering the window.
    double worst = 0;
    for (const auto* m : parts) {
      double violated_since = -1;
      double previous_t = 0;
      for (const auto& p : m->intervals) {
        const auto value = per_second_value(t, p);
        if (!value) continue;  // a second without requests says nothing
        const double v = *value;
        r.evaluated = true;
        if (!compare(v, t.op, t.value)) {
          if (violated_since < 0) violated_since = previous_t;
          worst = v;
          if (p.t_s - violated_since >= t.window_s - 1e-6) r.passed = false;
        } else {
          violated_since = -1;
        }
        previous_t = p.t_s;
      }
    }
    r.actual = worst;
    r.message = describe(t, worst) + (r.passed ? "" : " for at least the window");
    return r;
  }
  api::Metrics merged;
  for (const auto* m : parts) {
    merged.add_counts(*m);
    merged.duration_s += m->duration_s;
  }
  const auto v = threshold_value(t, merged);
  if (!v) return r;
  r.evaluated = true;
  r.actual = *v;
  r.passed = compare(*v, t.op, t.value);
  r.message = describe(t, *v);
  return r;
}

}  // namespace perf::verdict
