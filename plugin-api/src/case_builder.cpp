#include "perf/cases/case_builder.hpp"

#include "perf/verdict/case_checks.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace perf::cases {

namespace json = boost::json;

api::TestCase make_case(const std::string& test_type, const api::Operation& op,
                        const std::string& variant, const std::string& description,
                        const api::PlanContext& context) {
  api::TestCase c;
  c.id = test_type + ":" + op.method + ":" + op.path + (variant.empty() ? "" : ":" + variant);
  c.test_type = test_type;
  c.endpoint = op.path;
  c.method = op.method;
  c.description = description;
  c.base_url = context.requests.base_url_for(op);
  c.requests = context.requests.requests_for(op);
  for (const auto& [k, v] : c.requests.front().headers) c.headers[k] = v;
  return c;
}

api::TestCase make_flow_case(const std::string& test_type, const api::Flow& flow,
                             const std::string& variant, const std::string& description) {
  api::TestCase c;
  c.id = test_type + ":FLOW:" + flow.name + (variant.empty() ? "" : ":" + variant);
  c.test_type = test_type;
  c.endpoint = flow.name;
  c.method = "FLOW";
  c.description = description;
  c.base_url = flow.base_url;
  c.flows = {flow};
  // The pre-flight needs one request that changes nothing: the first step when it is a read
  // without placeholders, else GET of the base URL (any answer proves the server is there).
  const auto& first = flow.steps.front().request;
  const bool plain = first.target.find("${") == std::string::npos &&
                     (first.method == "GET" || first.method == "HEAD");
  c.requests = {plain ? first : api::RequestSpec("GET", "/")};
  return c;
}

bool has_explicit_load(const api::Settings& s) {
  return s.users || s.duration_s || s.ramp_up_s_override || s.think_time_s_override || s.rate_rps ||
         !s.stages.empty() || s.iterations;
}

api::LoadPattern explicit_pattern(const api::Settings& s) {
  api::LoadPattern p;
  p.name = "custom";
  p.users = s.users.value_or(s.default_users);
  p.duration_s = s.duration_s.value_or(s.test_duration_s);
  p.ramp_up_s = s.ramp_up_s_override.value_or(0);
  p.think_time_s = s.think_time_s_override.value_or(0);
  return p;
}

api::LoadPattern pattern_or(const api::Settings& settings, const std::string& fallback) {
  if (settings.pattern)
    if (const auto* p = settings.find_pattern(*settings.pattern)) return *p;
  if (const auto* p = settings.find_pattern(fallback)) return *p;
  return explicit_pattern(settings);
}

json::object load_config(const api::LoadPattern& p, const api::Settings& s) {
  // Patterns are capped by performance_max_users; users given explicitly (--users) are not.
  const int users = p.name == "custom" ? p.users : std::min(p.users, s.max_users);
  json::object config{{"pattern", p.name},
                      {"concurrent_users", users},
                      {"duration_seconds", p.duration_s},
                      {"ramp_up_seconds", p.ramp_up_s},
                      {"think_time", p.think_time_s},
                      {"timeout", s.timeout_s}};
  if (s.rate_rps) config["rate_rps"] = *s.rate_rps;
  if (p.name == "custom") {
    if (!s.stages.empty()) {
      json::array stages;
      for (const auto& [seconds, target] : s.stages) stages.push_back(json::array{seconds, target});
      config["stages"] = std::move(stages);
    }
    if (s.iterations) config["iterations"] = *s.iterations;
  }
  return config;
}

double config_number(const json::object& config, const char* key, double fallback) {
  const auto* v = config.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : fallback;
}

std::string config_text(const json::object& config, const char* key, std::string fallback) {
  const auto* v = config.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}

void add_standard_checks(api::TestCase& c, const api::Settings& s, double expected_rps) {
  c.assertions.push_back(
      {"p95_response_time",
       "less_than",
       s.response_threshold_ms,
       "95% of responses within " + std::to_string(int(s.response_threshold_ms)) + " ms",
       {},
       {}});
  c.assertions.push_back(
      {"error_rate",
       "less_than",
       s.error_threshold_percent,
       "Error rate below " + std::to_string(s.error_threshold_percent).substr(0, 4) + " %",
       {},
       {}});
  if (expected_rps > 0)
    c.assertions.push_back({"throughput",
                            "greater_than",
                            expected_rps,
                            "Throughput should exceed " +
                                std::to_string(int(std::round(expected_rps))) + " requests/second",
                            {},
                            {}});
  // A flow whose iterations fail (an extraction finds nothing, a step answers 404) may still
  // have every request answered below 400: its iterations are judged too.
  if (!c.flows.empty())
    c.assertions.push_back({"failed_iterations_percent",
                            "less_than",
                            s.error_threshold_percent,
                            "Failed flow iterations below " +
                                std::to_string(s.error_threshold_percent).substr(0, 4) + " %",
                            {},
                            {}});
  c.performance_thresholds =
      json::object{{"avg_response_time_ms", 2 * s.response_threshold_ms},
                   {"p95_response_time_ms", 3 * s.response_threshold_ms},
                   {"success_rate_percent", 100.0 - s.error_threshold_percent},
                   {"error_rate_percent", s.error_threshold_percent}};
}

api::Phase phase_from_config(const api::TestCase& c, const api::Settings& s,
                             const std::string& name) {
  const auto& config = c.performance_config;
  api::Phase phase;
  phase.name = name;
  phase.base_url = c.base_url;
  phase.requests = c.requests;
  phase.flows = c.flows;
  phase.timeout_s = config_number(config, "timeout", s.timeout_s);
  phase.duration_s = config_number(config, "duration_seconds", s.test_duration_s);
  const double rate = config_number(config, "rate_rps", 0);
  // Stages: [[seconds, target], ...]; targets are users, or req/s in the open model.
  if (const auto* stages = config.if_contains("stages"); stages && stages->is_array())
    for (const auto& st : stages->as_array())
      if (const auto* a = st.if_array();
          a && a->size() == 2 && (*a)[0].is_number() && (*a)[1].is_number())
        phase.stages.push_back({(*a)[0].to_number<double>(), (*a)[1].to_number<double>()});
  if (rate > 0) {
    phase.model = api::LoadModel::open;
    phase.rate_rps = rate;
    phase.max_connections = s.max_connections;
  } else {
    phase.users = std::max(1, int(config_number(config, "concurrent_users", s.default_users)));
    phase.ramp_up_s = config_number(config, "ramp_up_seconds", 0);
    phase.think_time_s = config_number(config, "think_time", 0);
    phase.iterations = std::uint64_t(config_number(config, "iterations", 0));
  }
  return phase;
}

void conclude_case(api::CaseResult& result) {
  const auto checks = verdict::check_case(result);
  verdict::conclude(result, checks);
}

const json::object& options_for(const api::Settings& settings, std::string_view test_type) {
  static const json::object empty;
  const auto* v = settings.test_options.if_contains(test_type);
  return v && v->is_object() ? v->as_object() : empty;
}

json::array to_array(const std::vector<double>& values) {
  json::array a;
  for (double v : values) a.emplace_back(v);
  return a;
}

json::object chart(
    const std::string& title, const std::string& x_label, const std::string& y_label,
    const std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>>& series) {
  json::array lines;
  for (const auto& [name, points] : series) {
    json::array pts;
    for (const auto& [x, y] : points)
      pts.push_back(json::array{std::round(x * 1000) / 1000, std::round(y * 1000) / 1000});
    lines.push_back(json::object{{"name", name}, {"points", std::move(pts)}});
  }
  return json::object{
      {"title", title}, {"x_label", x_label}, {"y_label", y_label}, {"series", std::move(lines)}};
}

api::Finding no_finding(std::string id, std::string unit, std::string text) {
  return {std::move(id), nullptr, std::move(unit), std::move(text)};
}

std::string parameter_text(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (const auto* a = value.if_array()) {
    std::string out;
    for (const auto& item : *a) {
      if (!out.empty()) out += ',';
      out += parameter_text(item);
    }
    return out;
  }
  if (value.is_null()) return "";
  return json::serialize(value);
}

api::Finding finding(std::string id, double value, std::string unit, std::string text) {
  const double rounded = std::round(value * 1000.0) / 1000.0;
  return {std::move(id), json::value(rounded), std::move(unit), std::move(text)};
}

}  // namespace perf::cases
