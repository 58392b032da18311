// The Artillery writer: YAML whose strings are JSON-quoted (valid YAML double-quoted scalars).
// Artillery has one set of phases per script, so each case is an environment (`-e case_N`)
// that runs its scenario alone; without -e the first case runs. Thresholds become `ensure`
// conditions; data rows a CSV payload.
#include "artillery_script.hpp"

#include "data_files.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace perf::exporter {

namespace {

std::string artillery_text(const Template& t) {
  return quoted_text(render_template(t, [](const TemplatePart& p) -> std::string {
    if (p.kind == TemplatePart::Kind::variable) return "{{ " + p.value + " }}";
    if (p.kind == TemplatePart::Kind::environment)
      return "{{ $processEnvironment." + p.value + " }}";
    return p.value;
  }));
}

// "/items/0/id" as JSONPath: $["items"][0]["id"].
std::string json_path(const std::string& pointer) {
  std::string out = "$";
  std::size_t i = 1;
  while (i <= pointer.size() && !pointer.empty()) {
    const auto end = std::min(pointer.find('/', i), pointer.size());
    const auto part = pointer.substr(i, end - i);
    const bool index = !part.empty() && std::all_of(part.begin(), part.end(),
                                                    [](char c) { return std::isdigit(c); });
    out += index ? "[" + part + "]" : "[" + quoted_text(part) + "]";
    i = end + 1;
  }
  return out;
}

// Artillery is open-model at heart: virtual users arrive and run the scenario once. A closed
// case becomes its users arriving over the ramp, each looping until its share of the time is up
// (loop count from the think time); an open case keeps its arrival rates.
std::string phases(const ScriptCase& c, const std::string& indent, NotCarried& notes) {
  std::ostringstream o;
  const auto& s = c.shape;
  double level = s.start;
  if (s.open) {
    for (const auto& st : s.stages) {
      o << indent << "- duration: " << number_text(std::max(1.0, std::round(st.duration_s))) << "\n"
        << indent << "  arrivalRate: " << number_text(std::round(level)) << "\n";
      if (st.target != level)
        o << indent << "  rampTo: " << number_text(std::round(st.target)) << "\n";
      if (std::round(st.target) != st.target || std::round(st.duration_s) != st.duration_s)
        notes.add(c.id, "Artillery phases take whole seconds and arrivals per second: rounded");
      level = st.target;
    }
    return o.str();
  }
  if (level >= 1)
    o << indent << "- duration: 1\n"
      << indent << "  arrivalCount: " << int(std::round(level)) << "\n";
  // Users stay until their loops end, so time without arrivals is only written (as a pause)
  // where later users must wait for it.
  double idle_s = 0;
  for (const auto& st : s.stages) {
    const int added = int(std::round(st.target - level));
    if (added > 0) {
      if (idle_s >= 0.5) o << indent << "- pause: " << number_text(std::round(idle_s)) << "\n";
      idle_s = 0;
      o << indent << "- duration: " << number_text(std::max(1.0, std::round(st.duration_s))) << "\n"
        << indent << "  arrivalCount: " << added << "\n";
    } else {
      idle_s += st.duration_s;
    }
    if (added < 0)
      notes.add(c.id, "Artillery cannot take users away: the drop to " + number_text(st.target) +
                          " users is not carried over");
    level = std::max(level, st.target);
  }
  return o.str();
}

// How often a closed-model user repeats the scenario.
int loop_count(const ScriptCase& c, NotCarried& notes) {
  const auto& s = c.shape;
  if (s.iterations > 0)
    return std::max(1, int(std::ceil(double(s.iterations) / std::max(1.0, std::round(s.peak())))));
  notes.add(c.id,
            "Artillery has no closed-loop users: each user repeats the scenario a fixed number "
            "of times (duration / think time, or once a second without think time) and leaves");
  return std::max(1, int(std::ceil(s.duration_s() / (s.think_time_s > 0 ? s.think_time_s : 1.0))));
}

std::string ensure(const ScriptCase& c, const std::string& indent, NotCarried& notes) {
  std::ostringstream o;
  for (const auto& t : c.thresholds) {
    std::string metric;
    if (t.metric == "http_req_duration" && t.tags.empty()) {
      if (t.aggregation == "p") {
        const auto p = number_text(t.percentile);
        if (p == "50" || p == "75" || p == "90" || p == "95" || p == "99" || p == "99.9")
          metric = p == "50" ? "http.response_time.median"
                             : "http.response_time.p" + (p == "99.9" ? std::string("999") : p);
      } else if (t.aggregation == "avg") {
        metric = "http.response_time.mean";
      } else if (t.aggregation == "med") {
        metric = "http.response_time.median";
      } else if (t.aggregation == "min" || t.aggregation == "max") {
        metric = "http.response_time." + t.aggregation;
      }
    } else if (t.metric == "http_reqs" && t.aggregation == "rate" && t.tags.empty()) {
      metric = "http.request_rate";
    } else if (t.metric == "http_reqs" && t.aggregation == "count" && t.tags.empty()) {
      metric = "http.requests";
    }
    if (metric.empty()) {
      notes.add(c.id, "threshold '" + t.text + "' has no Artillery ensure condition");
      continue;
    }
    o << indent << "  - expression: "
      << quoted_text(metric + " " + (t.op == "==" ? "==" : t.op) + " " + number_text(t.value))
      << "\n";
  }
  const auto text = o.str();
  return text.empty() ? "" : indent + "conditions:\n" + text;
}

void request_lines(std::ostringstream& o, const ScriptRequest& r, const std::string& indent) {
  std::string method = r.method;
  std::transform(method.begin(), method.end(), method.begin(), ::tolower);
  o << indent << "- " << method << ":\n";
  o << indent << "    name: " << quoted_text(r.name) << "\n";
  o << indent << "    url: " << artillery_text(r.url) << "\n";
  if (!r.headers.empty()) {
    o << indent << "    headers:\n";
    for (const auto& [k, v] : r.headers)
      o << indent << "      " << quoted_text(k) << ": " << artillery_text(v) << "\n";
  }
  if (!r.body.empty()) o << indent << "    body: " << artillery_text(r.body) << "\n";
  if (!r.extract.empty()) {
    o << indent << "    capture:\n";
    for (const auto& [var, from] : r.extract) {
      if (from.starts_with("header:"))
        o << indent << "      - header: " << quoted_text(from.substr(7)) << "\n";
      else
        o << indent << "      - json: " << quoted_text(json_path(from)) << "\n";
      o << indent << "        as: " << quoted_text(var) << "\n";
    }
  }
  if (r.think_time_s > 0) o << indent << "- think: " << number_text(r.think_time_s) << "\n";
}

// One environment's (or the top level's) phases, payload and ensure.
std::string case_config(const ScriptCase& c, const std::string& indent,
                        const std::string& script_name, NotCarried& notes) {
  std::ostringstream o;
  o << indent << "phases:\n" << phases(c, indent + "  ", notes);
  o << indent << "http:\n" << indent << "  timeout: " << number_text(c.shape.timeout_s) << "\n";
  if (!c.data.rows.empty()) {
    o << indent << "payload:\n"
      << indent << "  path: " << quoted_text(data_file_name(script_name, c)) << "\n"
      << indent << "  fields:\n";
    for (const auto& col : c.data.columns) o << indent << "    - " << quoted_text(col) << "\n";
    o << indent << "  order: sequence\n";
  }
  if (const auto e = ensure(c, indent + "  ", notes); !e.empty()) o << indent << "ensure:\n" << e;
  return o.str();
}

}  // namespace

std::string artillery_script(const std::vector<ScriptCase>& cases, const std::string& title,
                             const std::string& script_name, NotCarried& notes) {
  // Several cases: each environment's variables give its own scenario weight 1 and the others
  // 0 (Artillery templates weights), so `-e case_N` runs case N alone; the top level is case 1.
  const bool several = cases.size() > 1;
  auto weights = [&](const ScriptCase& chosen, const std::string& indent) {
    std::string out = indent + "variables:\n";
    for (const auto& c : cases)
      out += indent + "  perf_weight_" + c.identifier + ": " + (&c == &chosen ? "1" : "0") + "\n";
    return out;
  };
  std::ostringstream body;
  body << "config:\n  target: " << quoted_text(cases.front().base_url) << "\n";
  body << case_config(cases.front(), "  ", script_name, notes);
  if (several) body << weights(cases.front(), "  ");
  body << "  plugins:\n    ensure: {}\n";
  if (several) {
    body << "  environments:\n";
    for (const auto& c : cases)
      body << "    " << c.identifier << ":\n"
           << case_config(c, "      ", script_name, notes) << weights(c, "      ");
    notes.add("plan",
              "Artillery runs one case per run: artillery run -e case_N (without -e: case_1)");
  }
  body << "scenarios:\n";
  for (const auto& c : cases) {
    body << "  # " << c.id << "\n  - name: " << quoted_text(c.identifier) << "\n";
    if (several) body << "    weight: \"{{ perf_weight_" << c.identifier << " }}\"\n";
    body << "    flow:\n";
    const bool closed = !c.shape.open;
    std::string indent = "      ";
    if (closed) {
      body << "      - loop:\n";
      indent = "          ";
    }
    if (!c.flows.empty()) {
      if (c.flows.size() > 1)
        notes.add(c.id, "Artillery runs the case's first flow only (" + c.flows.front().name +
                            "); weighted flows are separate scenarios in perf-agent");
      for (const auto& st : c.flows.front().steps) request_lines(body, st, indent);
    } else {
      request_lines(body, c.requests.front(), indent);
      if (c.shape.think_time_s > 0)
        body << indent << "- think: " << number_text(c.shape.think_time_s) << "\n";
    }
    if (closed) body << "        count: " << loop_count(c, notes) << "\n";
  }
  std::ostringstream o;
  o << "# Artillery 2.x script exported by perf-agent from the plan for " << title << " ("
    << cases.size() << " cases).\n"
    << "# Run: artillery run " << (script_name.empty() ? "script.yml" : script_name) << "\n"
    << "# Credentials, when the export was given them, come from the environment:\n"
       "# PERF_AGENT_BEARER_TOKEN, PERF_AGENT_BASIC_B64 (base64 of user:password),\n"
       "# PERF_AGENT_API_KEY_VALUE.\n"
    << notes.as_comments("# ") << body.str();
  return o.str();
}

}  // namespace perf::exporter
