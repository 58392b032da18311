// A test case as JSON (DESIGN §7, the original agent's structure) and back, with errors that
// name the file and the JSON pointer: shared by plan files and result files.
#include "perf/plan/test_case_json.hpp"

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
  for (const auto& r : c.requests) requests.push_back(to_json(r));
  o["requests"] = std::move(requests);
  if (!c.flows.empty()) {
    // By name: a plan lists each flow once (its top-level "flows"), where it can be edited.
    json::array names;
    for (const auto& f : c.flows) names.emplace_back(f.name);
    o["flows"] = std::move(names);
  }
  o["parameters"] = c.parameters;
  return o;
}

json::object to_json(const api::RequestSpec& r) {
  json::array headers;
  for (const auto& [k, v] : r.headers)
    headers.push_back(json::array{json::string(k), json::string(v)});
  return json::object{{"method", r.method},
                      {"target", r.target},
                      {"headers", std::move(headers)},
                      {"body", r.body}};
}

api::RequestSpec FieldReader::request(const json::object& o, const std::string& pointer) const {
  api::RequestSpec spec;
  spec.method = string(o, "method", pointer);
  spec.target = string(o, "target", pointer);
  spec.body = string(o, "body", pointer, false);
  if (const auto* h = o.if_contains("headers")) {
    if (!h->is_array()) fail(pointer + "/headers", "must be an array of [name, value]");
    for (const auto& pair : h->as_array()) {
      const auto* pa = pair.if_array();
      if (!pa || pa->size() != 2 || !(*pa)[0].is_string() || !(*pa)[1].is_string())
        fail(pointer + "/headers", "must be an array of [name, value]");
      spec.headers.emplace_back(std::string((*pa)[0].get_string()),
                                std::string((*pa)[1].get_string()));
    }
  }
  return spec;
}

[[noreturn]] void FieldReader::fail(const std::string& pointer, const std::string& problem) const {
  throw UserError(where + ": " + pointer + ": " + problem);
}
const json::object& FieldReader::object(const json::value& v, const std::string& pointer) const {
  if (!v.is_object()) fail(pointer, "must be an object");
  return v.as_object();
}
std::string FieldReader::string(const json::object& o, const char* key, const std::string& pointer,
                                bool required) const {
  const auto* v = o.if_contains(key);
  if (!v) {
    if (required) fail(pointer + "/" + key, "missing");
    return "";
  }
  if (!v->is_string()) fail(pointer + "/" + key, "must be a string");
  return std::string(v->get_string());
}
double FieldReader::number(const json::value& v, const std::string& pointer) const {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return double(v.get_int64());
  if (v.is_uint64()) return double(v.get_uint64());
  fail(pointer, "must be a number");
}

api::TestCase test_case_from_json(const json::value& v, const std::string& where) {
  FieldReader r{where};
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
    c.requests.push_back(r.request(r.object(requests->as_array()[i], p), p));
  }
  if (c.requests.empty()) r.fail(at + "/requests", "must not be empty");
  if (const auto* f = o.if_contains("flows")) {
    // Names only; a plan reader puts the plan's definitions in their place.
    if (!f->is_array()) r.fail(at + "/flows", "must be an array of flow names");
    for (const auto& name : f->as_array()) {
      if (!name.is_string()) r.fail(at + "/flows", "must be an array of flow names");
      c.flows.emplace_back().name = std::string(name.get_string());
    }
  }
  if (const auto* p = o.if_contains("parameters")) c.parameters = r.object(*p, at + "/parameters");
  return c;
}

}  // namespace perf::plan
