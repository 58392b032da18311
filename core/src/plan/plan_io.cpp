#include "perf/plan/plan_io.hpp"

#include "perf/util/document.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

#include <ctime>

namespace perf::plan {

namespace json = boost::json;

std::string iso8601_utc(std::int64_t unix_ms) {
  const std::time_t seconds = std::time_t(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, int(unix_ms % 1000));
  return out;
}

json::object to_json(const api::TestCase& c) {
  json::object o;
  o["id"] = c.id;
  o["test_type"] = c.test_type;
  o["endpoint"] = c.endpoint;
  o["method"] = c.method;
  o["description"] = c.description;
  o["performance_config"] = c.performance_config;
  json::object headers;
  for (const auto& [k, v] : c.headers) headers[k] = v;
  o["headers"] = std::move(headers);
  json::array assertions;
  for (const auto& a : c.assertions) {
    json::object ao{{"type", a.type},
                    {"condition", a.condition},
                    {"value", a.value},
                    {"description", a.description}};
    assertions.push_back(std::move(ao));
  }
  o["assertions"] = std::move(assertions);
  o["performance_thresholds"] = c.performance_thresholds;
  json::array thresholds;
  for (const auto& t : c.thresholds) thresholds.emplace_back(t);
  o["thresholds"] = std::move(thresholds);
  o["base_url"] = c.base_url;
  json::array requests;
  for (const auto& r : c.requests) {
    json::array headers_list;
    for (const auto& [k, v] : r.headers)
      headers_list.push_back(json::array{json::string(k), json::string(v)});
    requests.push_back(json::object{{"method", r.method},
                                    {"target", r.target},
                                    {"headers", std::move(headers_list)},
                                    {"body", r.body}});
  }
  o["requests"] = std::move(requests);
  o["parameters"] = c.parameters;
  return o;
}

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
  return o;
}

namespace {

struct Reader {
  const std::string& where;
  [[noreturn]] void fail(const std::string& pointer, const std::string& problem) const {
    throw UserError(where + ": " + pointer + ": " + problem);
  }
  const json::object& object(const json::value& v, const std::string& pointer) const {
    if (!v.is_object()) fail(pointer, "must be an object");
    return v.as_object();
  }
  std::string string(const json::object& o, const char* key, const std::string& pointer,
                     bool required = true) const {
    const auto* v = o.if_contains(key);
    if (!v) {
      if (required) fail(pointer + "/" + key, "missing");
      return "";
    }
    if (!v->is_string()) fail(pointer + "/" + key, "must be a string");
    return std::string(v->get_string());
  }
  double number(const json::value& v, const std::string& pointer) const {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return double(v.get_int64());
    if (v.is_uint64()) return double(v.get_uint64());
    fail(pointer, "must be a number");
  }
};

}  // namespace

api::TestCase test_case_from_json(const json::value& v, const std::string& where) {
  Reader r{where};
  const std::string at = "";
  const auto& o = r.object(v, at.empty() ? "/" : at);
  api::TestCase c;
  c.id = r.string(o, "id", at);
  c.test_type = r.string(o, "test_type", at);
  c.endpoint = r.string(o, "endpoint", at, false);
  c.method = r.string(o, "method", at, false);
  c.description = r.string(o, "description", at, false);
  if (const auto* pc = o.if_contains("performance_config"))
    c.performance_config = r.object(*pc, at + "/performance_config");
  if (const auto* h = o.if_contains("headers"))
    for (const auto& [k, val] : r.object(*h, at + "/headers")) {
      if (!val.is_string()) r.fail(at + "/headers/" + std::string(k), "must be a string");
      c.headers[std::string(k)] = std::string(val.get_string());
    }
  if (const auto* a = o.if_contains("assertions")) {
    if (!a->is_array()) r.fail(at + "/assertions", "must be an array");
    for (std::size_t i = 0; i < a->as_array().size(); ++i) {
      const std::string p = at + "/assertions/" + std::to_string(i);
      const auto& ao = r.object(a->as_array()[i], p);
      api::Assertion as;
      as.type = r.string(ao, "type", p);
      as.condition = r.string(ao, "condition", p);
      const auto* value = ao.if_contains("value");
      if (!value) r.fail(p + "/value", "missing");
      as.value = r.number(*value, p + "/value");
      as.description = r.string(ao, "description", p, false);
      c.assertions.push_back(std::move(as));
    }
  }
  if (const auto* t = o.if_contains("performance_thresholds"))
    c.performance_thresholds = r.object(*t, at + "/performance_thresholds");
  if (const auto* t = o.if_contains("thresholds")) {
    if (!t->is_array()) r.fail(at + "/thresholds", "must be an array of strings");
    for (const auto& e : t->as_array()) {
      if (!e.is_string()) r.fail(at + "/thresholds", "must be an array of strings");
      c.thresholds.emplace_back(e.get_string());
    }
  }
  c.base_url = r.string(o, "base_url", at, false);
  const auto* requests = o.if_contains("requests");
  if (!requests) r.fail(at + "/requests", "missing");
  if (!requests->is_array()) r.fail(at + "/requests", "must be an array");
  for (std::size_t i = 0; i < requests->as_array().size(); ++i) {
    const std::string p = at + "/requests/" + std::to_string(i);
    const auto& ro = r.object(requests->as_array()[i], p);
    api::RequestSpec spec;
    spec.method = r.string(ro, "method", p);
    spec.target = r.string(ro, "target", p);
    spec.body = r.string(ro, "body", p, false);
    if (const auto* h = ro.if_contains("headers")) {
      if (!h->is_array()) r.fail(p + "/headers", "must be an array of [name, value]");
      for (const auto& pair : h->as_array()) {
        const auto* pa = pair.if_array();
        if (!pa || pa->size() != 2 || !(*pa)[0].is_string() || !(*pa)[1].is_string())
          r.fail(p + "/headers", "must be an array of [name, value]");
        spec.headers.emplace_back(std::string((*pa)[0].get_string()),
                                  std::string((*pa)[1].get_string()));
      }
    }
    c.requests.push_back(std::move(spec));
  }
  if (c.requests.empty()) r.fail(at + "/requests", "must not be empty");
  if (const auto* p = o.if_contains("parameters")) c.parameters = r.object(*p, at + "/parameters");
  return c;
}

Plan plan_from_json(const json::value& v, const std::string& file) {
  Reader r{file};
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
  const auto* cases = o.if_contains("test_cases");
  if (!cases) r.fail("/test_cases", "missing");
  if (!cases->is_array()) r.fail("/test_cases", "must be an array");
  for (std::size_t i = 0; i < cases->as_array().size(); ++i) {
    try {
      plan.test_cases.push_back(test_case_from_json(cases->as_array()[i], file));
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
