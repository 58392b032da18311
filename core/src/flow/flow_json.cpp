#include "perf/flow/flow_json.hpp"

#include "perf/flow/extraction.hpp"
#include "perf/flow/template.hpp"
#include "perf/plan/test_case_json.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

namespace perf::flow {

namespace json = boost::json;

json::object to_json(const api::Flow& flow) {
  json::array steps;
  for (const auto& s : flow.steps) {
    json::object extract;
    for (const auto& [var, source] : s.extract) extract[var] = source;
    // The request's own fields, with the step's beside them.
    json::object step = plan::to_json(s.request);
    step["name"] = s.name;
    step["path"] = s.path;
    step["extract"] = std::move(extract);
    step["think_time"] = s.think_time_s;
    if (!s.operation_id.empty()) step["operation_id"] = s.operation_id;
    if (s.expect_status) step["expect"] = s.expect_status;
    steps.push_back(std::move(step));
  }
  json::array data;
  for (const auto& row : flow.data) {
    json::object o;
    for (const auto& [k, v] : row) o[k] = v;
    data.push_back(std::move(o));
  }
  return json::object{{"name", flow.name},         {"weight", flow.weight},
                      {"source", flow.source},     {"base_url", flow.base_url},
                      {"steps", std::move(steps)}, {"data", std::move(data)}};
}

api::Flow flow_from_json(const json::value& v, const std::string& where,
                         const std::string& pointer) {
  plan::FieldReader r{where};
  const auto& o = r.object(v, pointer);
  api::Flow flow;
  flow.name = r.string(o, "name", pointer);
  flow.source = r.string(o, "source", pointer, false);
  flow.base_url = r.string(o, "base_url", pointer, false);
  if (const auto* w = o.if_contains("weight")) flow.weight = r.number(*w, pointer + "/weight");
  const auto* steps = o.if_contains("steps");
  if (!steps || !steps->is_array()) r.fail(pointer + "/steps", "must be an array of steps");
  for (std::size_t i = 0; i < steps->as_array().size(); ++i) {
    const std::string p = pointer + "/steps/" + std::to_string(i);
    const auto& so = r.object(steps->as_array()[i], p);
    api::FlowStep step;
    step.name = r.string(so, "name", p);
    step.request = r.request(so, p);
    step.path = r.string(so, "path", p, false);
    step.operation_id = r.string(so, "operation_id", p, false);
    if (const auto* e = so.if_contains("extract"))
      for (const auto& [var, source] : r.object(*e, p + "/extract")) {
        if (!source.is_string()) r.fail(p + "/extract/" + std::string(var), "must be a string");
        step.extract.emplace_back(std::string(var), std::string(source.get_string()));
      }
    if (const auto* t = so.if_contains("think_time"))
      step.think_time_s = r.number(*t, p + "/think_time");
    if (const auto* x = so.if_contains("expect"))
      step.expect_status = int(r.number(*x, p + "/expect"));
    if (step.path.empty()) step.path = step.request.target;
    flow.steps.push_back(std::move(step));
  }
  if (const auto* d = o.if_contains("data"); d && d->is_array())
    for (const auto& row : d->as_array())
      if (const auto* ro = row.if_object()) {
        auto& out = flow.data.emplace_back();
        for (const auto& [k, val] : *ro)
          out[std::string(k)] =
              val.is_string() ? std::string(val.get_string()) : json::serialize(val);
      }
  return flow;
}

void validate_flow(const api::Flow& flow, const std::string& where, bool unsafe_allowed) {
  const std::string at = where + ": flow '" + flow.name + "'";
  if (flow.steps.empty()) throw UserError(at + ": has no steps");
  if (!(flow.weight > 0)) throw UserError(at + ": weight must be above 0");
  std::set<std::string> known;
  for (const auto& row : flow.data)
    for (const auto& [k, v] : row) known.insert(k);
  std::set<std::string> names;
  for (const auto& step : flow.steps) {
    const std::string place = at + ", step '" + step.name + "': ";
    if (step.name.empty()) throw UserError(at + ": a step has no name");
    if (!names.insert(step.name).second) throw UserError(place + "a second step of this name");
    const auto& m = step.request.method;
    if (!unsafe_allowed && m != "GET" && m != "HEAD" && m != "OPTIONS")
      throw UserError(place + "unsafe method " + m + ": give --allow-unsafe-methods");
    std::vector<std::string> used = placeholders(step.request.target);
    for (const auto& [k, v] : step.request.headers)
      for (auto& name : placeholders(v)) used.push_back(std::move(name));
    for (auto& name : placeholders(step.request.body)) used.push_back(std::move(name));
    for (const auto& name : used)
      if (!known.count(name))
        throw UserError(place + "unknown variable ${" + name +
                        "}: no earlier step extracts it and --data has no such column");
    for (const auto& [var, source] : step.extract) {
      if (auto problem = check_source(source))
        throw UserError(place + "extract " + var + ": " + *problem);
      known.insert(var);
    }
  }
}

}  // namespace perf::flow
