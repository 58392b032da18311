#include "script_parts.hpp"

#include "perf/util/user_error.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

namespace perf::exporter {

namespace {

// Credentials become markers here and each writer's own syntax for "read it at run time".
constexpr char marker_open = '\x01', marker_close = '\x02';

// The plan's checks in k6 words. Assertions and performance_thresholds use the original agent's
// names; those with no k6 counterpart are listed, never dropped silently.
std::vector<std::string> case_threshold_texts(const api::TestCase& c, NotCarried& notes) {
  std::vector<std::string> out;
  auto latency = [](const std::string& name) -> std::string {
    if (name == "avg_response_time") return "avg";
    if (name == "max_response_time" || name == "response_time") return "max";
    if (name == "min_response_time") return "min";
    static const std::regex p(R"(p(\d+)_response_time)");
    std::smatch m;
    if (std::regex_match(name, m, p)) return "p(" + m[1].str() + ")";
    return "";
  };
  for (const auto& a : c.assertions) {
    const bool less = a.condition == "less_than", greater = a.condition == "greater_than";
    const std::string lt = less ? "<" : ">";
    if (const auto agg = latency(a.type); !agg.empty() && (less || greater))
      out.push_back("http_req_duration: " + agg + lt + number_text(a.value));
    else if (a.type == "error_rate" && (less || greater))
      out.push_back("http_req_failed: rate" + lt + number_text(a.value / 100));
    else if (a.type == "throughput" && (less || greater))
      out.push_back("http_reqs: rate" + lt + number_text(a.value));
    else
      notes.add(c.id, "assertion " + a.type + " " + a.condition + " " + number_text(a.value) +
                          " has no threshold in the exported script");
  }
  for (const auto& [key, value] : c.performance_thresholds) {
    if (!value.is_number()) continue;
    const double v = value.to_number<double>();
    const std::string k(key);
    if (k.ends_with("_ms") && !latency(k.substr(0, k.size() - 3)).empty())
      out.push_back("http_req_duration: " + latency(k.substr(0, k.size() - 3)) +
                    "<=" + number_text(v));
    else if (k == "error_rate_percent")
      out.push_back("http_req_failed: rate<=" + number_text(v / 100));
    else if (k == "success_rate_percent")
      out.push_back("http_req_failed: rate<=" + number_text((100 - v) / 100));
    else if (k == "throughput_rps")
      out.push_back("http_reqs: rate>=" + number_text(v));
    else
      notes.add(c.id, "performance threshold " + k + " has no threshold in the exported script");
  }
  for (const auto& t : c.thresholds) out.push_back(t);
  return out;
}

// The case's thresholds with the tags that only choose the case removed: in the script they
// are scoped to the case already.
std::vector<verdict::Threshold> case_thresholds(const api::TestCase& c,
                                                const std::vector<std::string>& global,
                                                NotCarried& notes) {
  std::vector<verdict::Threshold> out;
  auto add = [&](const std::string& text) {
    auto t = verdict::parse_threshold(text);
    if (!t.matches(c)) return;
    for (const char* k : {"endpoint", "method", "test_type", "case"}) t.tags.erase(k);
    if (t.window_s > 0 || t.abort_on_fail)
      notes.add(c.id, "threshold '" + text +
                          "': its window or abortOnFail is perf-agent's; the script checks the "
                          "condition over the whole case");
    out.push_back(std::move(t));
  };
  for (const auto& text : case_threshold_texts(c, notes)) add(text);
  for (const auto& text : global) add(text);
  return out;
}

struct Decoration {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string query;  // "name=<marker>" or ""
};

Decoration decoration(const ExportCredentials& credentials,
                      const std::vector<api::SecurityScheme>& schemes) {
  Decoration d;
  d.headers = credentials.headers;
  if (credentials.bearer)
    d.headers.emplace_back("Authorization",
                           "Bearer " + environment_marker("PERF_AGENT_BEARER_TOKEN"));
  if (credentials.basic)
    d.headers.emplace_back("Authorization", "Basic " + environment_marker("PERF_AGENT_BASIC_B64"));
  if (!credentials.api_key_name.empty()) {
    std::string where = "header";
    for (const auto& s : schemes)
      if (s.type == "apiKey" && s.param_name == credentials.api_key_name) where = s.location;
    const auto value = environment_marker("PERF_AGENT_API_KEY_VALUE");
    if (where == "query")
      d.query = credentials.api_key_name + "=" + value;
    else if (where == "cookie")
      d.headers.emplace_back("Cookie", credentials.api_key_name + "=" + value);
    else
      d.headers.emplace_back(credentials.api_key_name, value);
  }
  return d;
}

std::string with_query(std::string target, const std::string& query) {
  if (query.empty()) return target;
  return target + (target.find('?') == std::string::npos ? "?" : "&") + query;
}

ScriptRequest script_request(const api::RequestSpec& r, const std::string& base_url,
                             const Decoration& d, bool variables, std::string name) {
  ScriptRequest out;
  out.name = std::move(name);
  out.method = r.method;
  out.url = make_template(base_url + with_query(r.target, d.query), variables);
  auto has = [&](const std::string& header) {
    return std::any_of(out.headers.begin(), out.headers.end(), [&](const auto& h) {
      return std::equal(h.first.begin(), h.first.end(), header.begin(), header.end(),
                        [](char a, char b) { return std::tolower(a) == std::tolower(b); });
    });
  };
  for (const auto& [k, v] : r.headers) out.headers.emplace_back(k, make_template(v, variables));
  for (const auto& [k, v] : d.headers)
    if (!has(k)) out.headers.emplace_back(k, make_template(v, variables));
  if (!r.body.empty()) out.body = make_template(r.body, variables);
  return out;
}

// --target at export time wins over the URL the plan was made for.
std::string case_base_url(const api::TestCase& c, const plan::Plan& plan,
                          const ExportOptions& options) {
  if (!options.target.empty()) return options.target;
  return !c.base_url.empty() ? c.base_url : plan.target;
}

}  // namespace

std::string environment_marker(std::string_view name) {
  return std::string(1, marker_open) + std::string(name) + marker_close;
}

Template make_template(std::string_view s, bool variables) {
  Template out;
  auto text = [&](std::string_view t) {
    if (t.empty()) return;
    if (!out.empty() && out.back().kind == TemplatePart::Kind::text)
      out.back().value += t;
    else
      out.push_back({TemplatePart::Kind::text, std::string(t)});
  };
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == marker_open) {
      const auto end = s.find(marker_close, i);
      out.push_back({TemplatePart::Kind::environment, std::string(s.substr(i + 1, end - i - 1))});
      i = end + 1;
    } else if (variables && s.compare(i, 2, "${") == 0 &&
               s.find('}', i) != std::string_view::npos) {
      const auto end = s.find('}', i);
      out.push_back({TemplatePart::Kind::variable, std::string(s.substr(i + 2, end - i - 2))});
      i = end + 1;
    } else {
      const auto next = std::min(s.find(marker_open, i), variables ? s.find("${", i + 1) : s.npos);
      const auto stop = std::max(i + 1, std::min(next, s.size()));
      text(s.substr(i, stop - i));
      i = stop;
    }
  }
  return out;
}

std::vector<ScriptCase> script_cases(const plan::Plan& plan, const ExportOptions& options,
                                     NotCarried& notes) {
  std::vector<ScriptCase> out;
  const auto d = decoration(options.credentials, plan.security_schemes);
  for (const auto& c : plan.test_cases) {
    ScriptCase sc;
    sc.id = c.id;
    sc.identifier = "case_" + std::to_string(out.size() + 1);
    sc.shape = load_shape(c, options.time_scale, notes);
    sc.thresholds = case_thresholds(c, options.thresholds, notes);
    const auto base = case_base_url(c, plan, options);
    sc.base_url = base;
    const std::string label = c.method + " " + c.endpoint;
    for (const auto& f : c.flows) {
      ScriptFlow flow{f.name, f.weight, {}};
      for (const auto& step : f.steps) {
        auto r = script_request(step.request,
                                !options.target.empty() || f.base_url.empty() ? base : f.base_url,
                                d, true, step.name);
        r.extract = step.extract;
        r.think_time_s = step.think_time_s;
        if (step.expect_status)
          notes.add(c.id, "flow " + f.name + " step " + step.name + ": expected status " +
                              std::to_string(step.expect_status) +
                              " is not checked; the script counts any status below 400 as passed");
        flow.steps.push_back(std::move(r));
      }
      if (!f.data.empty())
        notes.add(c.id, "flow " + f.name +
                            ": its data rows (seeding each user's variables) are not carried over");
      sc.flows.push_back(std::move(flow));
    }
    if (sc.flows.empty() && c.requests.empty()) {
      notes.add(c.id, "has no request to send; left out");
      continue;
    }
    if (sc.flows.empty() && c.requests.size() == 1) {
      sc.requests.push_back(script_request(c.requests.front(), base, d, false, label));
    } else if (sc.flows.empty()) {
      // Several rows: the first request with its target and body from the data set.
      auto first = c.requests.front();
      const bool bodies = std::any_of(c.requests.begin(), c.requests.end(),
                                      [](const api::RequestSpec& r) { return !r.body.empty(); });
      sc.data.columns = bodies ? std::vector<std::string>{"perf_target", "perf_body"}
                               : std::vector<std::string>{"perf_target"};
      for (const auto& r : c.requests) {
        if (r.headers != first.headers || r.method != first.method)
          notes.add(c.id, "data rows that change headers are sent with the first row's headers");
        sc.data.rows.push_back(bodies ? std::vector<std::string>{r.target, r.body}
                                      : std::vector<std::string>{r.target});
      }
      auto req = script_request(first, base, Decoration{d.headers, ""}, false, label);
      req.url = make_template(base, false);
      req.url.push_back({TemplatePart::Kind::variable, "perf_target"});
      if (!d.query.empty())  // the credential after the row's own query, if it has one
        for (auto& p :
             make_template(with_query(first.target, d.query).substr(first.target.size()), false))
          req.url.push_back(std::move(p));
      if (bodies) req.body = {{TemplatePart::Kind::variable, "perf_body"}};
      sc.requests.push_back(std::move(req));
    }
    out.push_back(std::move(sc));
  }
  if (out.empty()) throw UserError("export: the plan has no test case with a request to send");
  return out;
}

std::string condition_text(const verdict::Threshold& t) {
  std::string agg = t.aggregation == "p" ? "p(" + number_text(t.percentile) + ")" : t.aggregation;
  return agg + t.op + number_text(t.value);
}

std::string quoted_text(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string duration_text(double seconds) {
  if (seconds > 0 && seconds < 1) return number_text(std::round(seconds * 1000)) + "ms";
  return number_text(std::round(seconds * 1000) / 1000) + "s";
}

}  // namespace perf::exporter
