// The k6 writer: an ES module with one scenario per case, run one after another (startTime),
// each with the executor matching its load shape, thresholds per scenario, data rows inline
// and flows as groups. The default function sends every case's requests once (a smoke run:
// `k6 run --vus 1 --iterations 1 script.js`).
#include "k6_script.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace perf::exporter {

namespace {

// A JS template literal: text escaped, variables from `vars`, credentials from __ENV.
std::string js_template(const Template& t) {
  return "`" +
         render_template(t,
                         [](const TemplatePart& p) -> std::string {
                           if (p.kind == TemplatePart::Kind::variable)
                             return "${vars[" + quoted_text(p.value) + "]}";
                           if (p.kind == TemplatePart::Kind::environment)
                             return "${__ENV." + p.value + " || ''}";
                           std::string out;
                           for (std::size_t i = 0; i < p.value.size(); ++i) {
                             const char c = p.value[i];
                             if (c == '`' || c == '\\' ||
                                 (c == '$' && i + 1 < p.value.size() && p.value[i + 1] == '{'))
                               out += '\\';
                             out += c;
                           }
                           return out;
                         }) +
         "`";
}

std::string executor(const ScriptCase& c, double start_s) {
  const auto& s = c.shape;
  std::ostringstream o;
  o << "    " << c.identifier << ": {\n";
  auto stages = [&] {
    std::string out = "[";
    for (const auto& st : s.stages)
      out += "{ duration: '" + duration_text(st.duration_s) +
             "', target: " + number_text(s.open ? st.target : std::round(st.target)) + " }, ";
    return out + "]";
  };
  const int peak = std::max(1, int(std::ceil(s.peak())));
  if (s.iterations > 0) {
    o << "      executor: 'shared-iterations', vus: " << peak << ", iterations: " << s.iterations
      << ", maxDuration: '" << duration_text(s.duration_s()) << "',\n";
  } else if (s.open && s.constant()) {
    o << "      executor: 'constant-arrival-rate', rate: " << number_text(s.start)
      << ", timeUnit: '1s', duration: '" << duration_text(s.duration_s())
      << "', preAllocatedVUs: " << peak << ", maxVUs: " << 10 * peak << ",\n";
  } else if (s.open) {
    o << "      executor: 'ramping-arrival-rate', startRate: " << number_text(s.start)
      << ", timeUnit: '1s', preAllocatedVUs: " << peak << ", maxVUs: " << 10 * peak
      << ",\n      stages: " << stages() << ",\n";
  } else if (s.constant()) {
    o << "      executor: 'constant-vus', vus: " << peak << ", duration: '"
      << duration_text(s.duration_s()) << "',\n";
  } else {
    o << "      executor: 'ramping-vus', startVUs: " << int(std::round(s.start))
      << ", stages: " << stages() << ",\n";
  }
  o << "      startTime: '" << duration_text(start_s) << "', exec: '" << c.identifier
    << "', tags: { perf_case: " << quoted_text(c.id) << " },\n    },\n";
  return o.str();
}

std::string request_call(const ScriptRequest& r, double timeout_s, bool step) {
  std::ostringstream o;
  o << "http.request(" << quoted_text(r.method) << ", " << js_template(r.url) << ", "
    << (r.body.empty() ? "null" : js_template(r.body)) << ", { headers: {";
  for (const auto& [k, v] : r.headers) o << " " << quoted_text(k) << ": " << js_template(v) << ",";
  o << " }, timeout: '" << duration_text(timeout_s) << "', tags: { name: " << quoted_text(r.name);
  if (step) o << ", step: " << quoted_text(r.name);
  o << " } })";
  return o.str();
}

std::string case_function(const ScriptCase& c) {
  std::ostringstream o;
  o << "// " << c.id << "\nexport function " << c.identifier << "() {\n";
  if (!c.flows.empty()) {
    // Each iteration runs one flow, chosen by weight as perf-agent mixes them.
    o << "  const flows = [";
    for (std::size_t i = 0; i < c.flows.size(); ++i)
      o << "[" << number_text(c.flows[i].weight) << ", " << c.identifier << "_flow_" << i + 1
        << "], ";
    o << "];\n  const total = flows.reduce((sum, f) => sum + f[0], 0);\n"
         "  let pick = Math.random() * total;\n"
         "  for (const [weight, flow] of flows) {\n"
         "    if ((pick -= weight) < 0 || weight === total) return flow();\n  }\n"
         "  return flows[flows.length - 1][1]();\n}\n";
    for (std::size_t i = 0; i < c.flows.size(); ++i) {
      const auto& f = c.flows[i];
      o << "function " << c.identifier << "_flow_" << i + 1 << "() {\n  const vars = {};\n"
        << "  group(" << quoted_text(f.name) << ", function () {\n    let res;\n";
      for (const auto& st : f.steps) {
        o << "    res = " << request_call(st, c.shape.timeout_s, true) << ";\n";
        o << "    if (res.status === 0 || res.status >= 400) return;\n";
        for (const auto& [var, from] : st.extract) {
          o << "    vars[" << quoted_text(var) << "] = "
            << (from.starts_with("header:") ? "perfHeader(res, " + quoted_text(from.substr(7)) + ")"
                                            : "perfPointer(res, " + quoted_text(from) + ")")
            << ";\n    if (vars[" << quoted_text(var) << "] === undefined) return;\n";
        }
        if (st.think_time_s > 0) o << "    sleep(" << number_text(st.think_time_s) << ");\n";
      }
      o << "  });\n}\n";
    }
    return o.str();
  }
  const auto& r = c.requests.front();
  if (c.data.rows.empty()) {
    o << "  const vars = {};\n";
  } else {
    o << "  const vars = " << c.identifier << "_rows[__ITER % " << c.identifier
      << "_rows.length];\n";
  }
  o << "  " << request_call(r, c.shape.timeout_s, false) << ";\n";
  if (c.shape.think_time_s > 0) o << "  sleep(" << number_text(c.shape.think_time_s) << ");\n";
  o << "}\n";
  return o.str();
}

std::string data_rows(const ScriptCase& c) {
  if (c.data.rows.empty()) return "";
  std::ostringstream o;
  o << "// " << c.id << ": its --data rows, one per iteration in turn\nconst " << c.identifier
    << "_rows = [\n";
  for (const auto& row : c.data.rows) {
    o << "  {";
    for (std::size_t i = 0; i < row.size(); ++i)
      o << " " << quoted_text(c.data.columns[i]) << ": " << quoted_text(row[i]) << ",";
    o << " },\n";
  }
  o << "];\n";
  return o.str();
}

}  // namespace

std::string k6_script(const std::vector<ScriptCase>& cases, const std::string& title,
                      const NotCarried& notes) {
  std::ostringstream o;
  o << "// k6 script exported by perf-agent from the plan for " << title << " (" << cases.size()
    << " cases, run one after another).\n"
       "// Run: k6 run script.js   (k6 >= 0.45; a smoke run of every case once: k6 run --vus 1 "
       "--iterations 1 script.js)\n"
       "// Credentials, when the export was given them, are read from the environment:\n"
       "// PERF_AGENT_BEARER_TOKEN, PERF_AGENT_BASIC_B64 (base64 of user:password),\n"
       "// PERF_AGENT_API_KEY_VALUE (k6 run -e NAME=value or the shell's environment).\n"
    << notes.as_comments("// ")
    << "import http from 'k6/http';\nimport { group, sleep } from 'k6';\n\n"
       "export const options = {\n  scenarios: {\n";
  double start = 0;
  for (const auto& c : cases) {
    o << executor(c, start);
    start += c.shape.duration_s();
  }
  o << "  },\n  thresholds: {\n";
  std::map<std::string, std::vector<std::string>> thresholds;  // k6 wants one key per metric
  for (const auto& c : cases)
    for (const auto& t : c.thresholds) {
      std::string key = t.metric + "{scenario:" + c.identifier;
      for (const auto& [k, v] : t.tags) key += "," + k + ":" + v;
      thresholds[key + "}"].push_back(condition_text(t));
    }
  for (const auto& [metric, conditions] : thresholds) {
    o << "    " << quoted_text(metric) << ": [";
    for (const auto& c : conditions) o << quoted_text(c) << ", ";
    o << "],\n";
  }
  o << "  },\n};\n\n";
  o << "// A JSON pointer into the response body (perf-agent's extract), undefined when absent.\n"
       "function perfPointer(res, pointer) {\n"
       "  let v;\n  try { v = res.json(); } catch (e) { return undefined; }\n"
       "  for (const part of pointer.split('/').slice(1)) {\n"
       "    if (v === null || typeof v !== 'object') return undefined;\n"
       "    v = v[part.replace(/~1/g, '/').replace(/~0/g, '~')];\n  }\n"
       "  return v === undefined || v === null ? undefined : String(v);\n}\n\n"
       "function perfHeader(res, name) {\n"
       "  for (const key of Object.keys(res.headers || {}))\n"
       "    if (key.toLowerCase() === name.toLowerCase()) return res.headers[key];\n"
       "  return undefined;\n}\n\n";
  for (const auto& c : cases) o << data_rows(c) << case_function(c) << "\n";
  o << "// Every case once.\nexport default function () {\n";
  for (const auto& c : cases) o << "  " << c.identifier << "();\n";
  o << "}\n";
  return o.str();
}

}  // namespace perf::exporter
