// What the three script writers share: a case's requests reduced to templates (text with
// flow variables and secrets the tool fills at run time), its data rows, and its checks as k6
// threshold expressions (each tool translates those it has).
#pragma once

#include "perf/export/export_script.hpp"
#include "perf/export/load_shape.hpp"
#include "perf/verdict/threshold.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace perf::exporter {

// A piece of a templated string: literal text, a variable of the virtual user (a flow's
// extracted value, a data row's column) or an environment value (a credential).
struct TemplatePart {
  enum class Kind { text, variable, environment };
  Kind kind = Kind::text;
  std::string value;  // the text, or the variable's or environment variable's name
};
using Template = std::vector<TemplatePart>;

// Tool-neutral marker of a credential inside header values and targets before templating.
std::string environment_marker(std::string_view name);
// Splits `s` into parts; with `variables`, `${name}` is a variable (flow steps and data rows),
// otherwise literal text. Environment markers are always recognised.
Template make_template(std::string_view s, bool variables);
// Every part through `render(part)`, joined.
template <class Render>
std::string render_template(const Template& t, Render render) {
  std::string out;
  for (const auto& p : t) out += render(p);
  return out;
}

struct ScriptRequest {
  std::string name;    // "GET /items/{id}" or the flow step's name: the tools' request label
  std::string method;  // upper case
  Template url;        // base URL + target (+ credential query), templated
  std::vector<std::pair<std::string, Template>> headers;
  Template body;                                             // empty: no body
  std::vector<std::pair<std::string, std::string>> extract;  // flow steps: var -> pointer/header
  double think_time_s = 0;                                   // after this request
};

// Several data rows (`--data`) give several concrete requests; they become a data set whose
// columns the request templates name (`perf_target`, `perf_body`), one row per iteration.
struct DataSet {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct ScriptFlow {
  std::string name;
  double weight = 1;
  std::vector<ScriptRequest> steps;
};

// A plan case as the writers see it.
struct ScriptCase {
  std::string id;          // the plan's case id
  std::string identifier;  // "case_1": a name every tool accepts
  std::string base_url;    // scheme://host:port[/prefix] the requests go to
  LoadShape shape;
  std::vector<ScriptRequest> requests;         // one, or one templated over `data`
  DataSet data;                                // empty unless several rows
  std::vector<ScriptFlow> flows;               // non-empty: flows instead of requests
  std::vector<verdict::Threshold> thresholds;  // case-scoped (tags that name the case removed)
};

std::vector<ScriptCase> script_cases(const plan::Plan& plan, const ExportOptions& options,
                                     NotCarried& notes);

// The k6 expression again ("p(95)<500"), without the metric.
std::string condition_text(const verdict::Threshold& t);
// Seconds as k6 and Artillery like them: "30s", "1.5s", "250ms".
std::string duration_text(double seconds);
// `s` as a JSON string literal, which is also a JS string and a YAML double-quoted scalar.
std::string quoted_text(std::string_view s);
// A number without trailing zeros: 2.5, 10.
std::string number_text(double v);

}  // namespace perf::exporter
