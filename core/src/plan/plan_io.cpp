#include "perf/plan/plan_io.hpp"

#include "perf/flow/flow_json.hpp"
#include "perf/util/document.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <ctime>

namespace perf::plan {

namespace json = boost::json;

json::object to_json(const Plan& plan) {
  json::object o;
  o["tool"] = plan.tool;
  o["format"] = 1;
  o["spec"] = plan.spec;
  o["target"] = plan.target;
  o["created_at"] = plan.created_at;
  o["api_title"] = plan.api_title;
  json::array schemes;
  for (const auto& s : plan.security_schemes)
    schemes.push_back(json::object{{"name", s.name},
                                   {"type", s.type},
                                   {"in", s.location},
                                   {"param_name", s.param_name},
                                   {"scheme", s.scheme}});
  o["security_schemes"] = std::move(schemes);
  json::array cases;
  for (const auto& c : plan.test_cases) cases.push_back(to_json(c));
  o["test_cases"] = std::move(cases);
  json::array skipped;
  for (const auto& s : plan.skipped)
    skipped.push_back(json::object{
        {"test_type", s.test_type}, {"method", s.method}, {"path", s.path}, {"reason", s.reason}});
  o["skipped"] = std::move(skipped);
  o["note"] = plan.note;
  if (!plan.flows.empty()) {
    json::array flows;
    for (const auto& f : plan.flows) flows.push_back(flow::to_json(f));
    o["flows"] = std::move(flows);
  }
  return o;
}

Plan plan_from_json(const json::value& v, const std::string& file) {
  FieldReader r{file};
  const auto& o = r.object(v, "/");
  Plan plan;
  plan.tool = r.string(o, "tool", "", false);
  plan.spec = r.string(o, "spec", "", false);
  plan.target = r.string(o, "target", "", false);
  plan.created_at = r.string(o, "created_at", "", false);
  plan.api_title = r.string(o, "api_title", "", false);
  plan.note = r.string(o, "note", "", false);
  if (const auto* s = o.if_contains("security_schemes"); s && s->is_array())
    for (const auto& e : s->as_array())
      if (const auto* so = e.if_object())
        plan.security_schemes.push_back(
            {r.string(*so, "name", "", false), r.string(*so, "type", "", false),
             r.string(*so, "in", "", false), r.string(*so, "param_name", "", false),
             r.string(*so, "scheme", "", false)});
  if (const auto* f = o.if_contains("flows")) {
    if (!f->is_array()) r.fail("/flows", "must be an array of flows");
    for (std::size_t i = 0; i < f->as_array().size(); ++i) {
      plan.flows.push_back(
          flow::flow_from_json(f->as_array()[i], file, "/flows/" + std::to_string(i)));
      flow::validate_flow(plan.flows.back(), file, true);
    }
  }
  const auto* cases = o.if_contains("test_cases");
  if (!cases) r.fail("/test_cases", "missing");
  if (!cases->is_array()) r.fail("/test_cases", "must be an array");
  for (std::size_t i = 0; i < cases->as_array().size(); ++i) {
    try {
      plan.test_cases.push_back(test_case_from_json(cases->as_array()[i], file));
      // A case names its flows; the plan holds what they are.
      for (auto& named : plan.test_cases.back().flows) {
        auto it = std::find_if(plan.flows.begin(), plan.flows.end(),
                               [&](const api::Flow& f) { return f.name == named.name; });
        if (it == plan.flows.end())
          r.fail("/flows", "unknown flow '" + named.name + "' (not in the plan's flows)");
        named = *it;
      }
    } catch (const UserError& e) {
      // Put the case's position into the pointer.
      std::string message = e.what();
      const std::string prefix = file + ": ";
      if (message.rfind(prefix, 0) == 0)
        message = prefix + "/test_cases/" + std::to_string(i) + message.substr(prefix.size());
      throw UserError(message);
    }
  }
  if (const auto* s = o.if_contains("skipped"); s && s->is_array())
    for (const auto& e : s->as_array())
      if (const auto* so = e.if_object())
        plan.skipped.push_back(
            {r.string(*so, "test_type", "", false), r.string(*so, "method", "", false),
             r.string(*so, "path", "", false), r.string(*so, "reason", "", false)});
  return plan;
}

Plan read_plan(const std::filesystem::path& path) {
  return plan_from_json(util::load_document(path), path.string());
}

void write_plan(const Plan& plan, const std::filesystem::path& path) {
  util::write_file_atomically(path, json::serialize(to_json(plan)) + "\n");
}

}  // namespace perf::plan