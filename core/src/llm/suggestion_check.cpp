#include "perf/llm/suggestion_check.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <regex>

namespace perf::llm {

namespace json = boost::json;

namespace {

using Problem = std::optional<std::string>;

double number_of(const json::value& v) {
  return v.to_number<double>();
}

bool is_integer(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  return v.is_double() && std::floor(v.get_double()) == v.get_double();
}

// The schema's types: "type" as a string or a list (3.1), plus "nullable" (3.0).
std::vector<std::string> types_of(const json::object& s) {
  std::vector<std::string> out;
  if (const auto* t = s.if_contains("type")) {
    if (t->is_string()) out.emplace_back(t->get_string());
    if (t->is_array())
      for (const auto& e : t->as_array())
        if (e.is_string()) out.emplace_back(e.get_string());
  }
  if (const auto* n = s.if_contains("nullable"); n && n->is_bool() && n->get_bool() && !out.empty())
    out.push_back("null");
  return out;
}

bool has_type(const json::value& v, const std::string& type) {
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_number() && is_integer(v);
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_bool();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  if (type == "null") return v.is_null();
  return true;
}

// The formats whose shape is certain enough to judge; others pass.
Problem format_problem(const std::string& s, const std::string& format) {
  static const std::map<std::string, std::regex> shapes = {
      {"date", std::regex(R"(\d{4}-\d{2}-\d{2})")},
      {"date-time",
       std::regex(R"(\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))")},
      {"email", std::regex(R"([^@\s]+@[^@\s]+\.[^@\s]+)")},
      {"uuid",
       std::regex(
           R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")},
      {"ipv4", std::regex(R"((\d{1,3}\.){3}\d{1,3})")},
      {"uri", std::regex(R"([A-Za-z][A-Za-z0-9+.-]*:\S*)")},
  };
  const auto it = shapes.find(format);
  if (it == shapes.end() || std::regex_match(s, it->second)) return std::nullopt;
  return "'" + s + "' is not a " + format;
}

Problem check(const json::value& v, const json::value& schema_value, const std::string& at,
              int depth) {
  if (!schema_value.is_object() || depth > 32) return std::nullopt;
  const auto& s = schema_value.as_object();
  const auto place = at.empty() ? std::string("/") : at;
  auto fail = [&](const std::string& what) -> Problem { return place + ": " + what; };

  if (const auto types = types_of(s); !types.empty()) {
    bool any = false;
    for (const auto& t : types) any = any || has_type(v, t);
    if (!any) {
      std::string list;
      for (const auto& t : types) list += (list.empty() ? "" : " or ") + t;
      return fail("expected " + list + ", got " + json::serialize(v));
    }
  }
  if (const auto* e = s.if_contains("enum"); e && e->is_array()) {
    bool found = false;
    for (const auto& option : e->as_array()) found = found || option == v;
    if (!found) return fail(json::serialize(v) + " is not one of " + json::serialize(*e));
  }
  if (const auto* c = s.if_contains("const"); c && *c != v)
    return fail(json::serialize(v) + " is not " + json::serialize(*c));
  auto bound = [&](const char* key) -> std::optional<double> {
    const auto* b = s.if_contains(key);
    return b && b->is_number() ? std::optional<double>(number_of(*b)) : std::nullopt;
  };
  if (v.is_number()) {
    const double x = number_of(v);
    if (auto m = bound("minimum"); m && x < *m)
      return fail("below minimum " + json::serialize(s.at("minimum")));
    if (auto m = bound("maximum"); m && x > *m)
      return fail("above maximum " + json::serialize(s.at("maximum")));
    // exclusiveMinimum is a number (3.1) or a flag on minimum (3.0).
    if (const auto* em = s.if_contains("exclusiveMinimum")) {
      const auto limit = em->is_number()
                             ? std::optional<double>(number_of(*em))
                             : (em->is_bool() && em->get_bool() ? bound("minimum") : std::nullopt);
      if (limit && x <= *limit) return fail("not above " + std::to_string(*limit));
    }
    if (const auto* em = s.if_contains("exclusiveMaximum")) {
      const auto limit = em->is_number()
                             ? std::optional<double>(number_of(*em))
                             : (em->is_bool() && em->get_bool() ? bound("maximum") : std::nullopt);
      if (limit && x >= *limit) return fail("not below " + std::to_string(*limit));
    }
    if (auto m = bound("multipleOf"); m && *m > 0 && std::fmod(x, *m) != 0)
      return fail("not a multiple of " + json::serialize(s.at("multipleOf")));
  }
  if (v.is_string()) {
    const std::string text(v.get_string());
    if (auto m = bound("minLength"); m && double(text.size()) < *m)
      return fail("shorter than minLength");
    if (auto m = bound("maxLength"); m && double(text.size()) > *m)
      return fail("longer than maxLength");
    if (const auto* p = s.if_contains("pattern"); p && p->is_string()) {
      try {
        if (!std::regex_search(text,
                               std::regex(std::string(p->get_string()), std::regex::ECMAScript)))
          return fail("'" + text + "' does not match " + std::string(p->get_string()));
      } catch (const std::regex_error&) {
        // A pattern std::regex cannot read is not judged.
      }
    }
    if (const auto* f = s.if_contains("format"); f && f->is_string())
      if (auto problem = format_problem(text, std::string(f->get_string()))) return fail(*problem);
  }
  if (v.is_array()) {
    const auto& a = v.as_array();
    if (auto m = bound("minItems"); m && double(a.size()) < *m)
      return fail("fewer items than minItems");
    if (auto m = bound("maxItems"); m && double(a.size()) > *m)
      return fail("more items than maxItems");
    if (const auto* items = s.if_contains("items"))
      for (std::size_t i = 0; i < a.size(); ++i)
        if (auto p = check(a[i], *items, at + "/" + std::to_string(i), depth + 1)) return p;
  }
  if (v.is_object()) {
    const auto& o = v.as_object();
    const json::object* props = nullptr;
    if (const auto* p = s.if_contains("properties"); p && p->is_object()) props = &p->as_object();
    if (const auto* r = s.if_contains("required"); r && r->is_array())
      for (const auto& name : r->as_array())
        if (name.is_string() && !o.contains(name.get_string()))
          return fail("missing required property " + std::string(name.get_string()));
    for (const auto& [key, value] : o) {
      const json::value* sub = props ? props->if_contains(key) : nullptr;
      if (sub) {
        if (auto p = check(value, *sub, at + "/" + std::string(key), depth + 1)) return p;
      } else if (const auto* ap = s.if_contains("additionalProperties")) {
        if (ap->is_bool() && !ap->get_bool())
          return fail("property " + std::string(key) + " is not allowed");
        if (auto p = check(value, *ap, at + "/" + std::string(key), depth + 1)) return p;
      }
    }
  }
  for (const char* key : {"allOf"})
    if (const auto* all = s.if_contains(key); all && all->is_array())
      for (const auto& sub : all->as_array())
        if (auto p = check(v, sub, at, depth + 1)) return p;
  for (const char* key : {"oneOf", "anyOf"})
    if (const auto* options = s.if_contains(key); options && options->is_array()) {
      bool any = false;
      std::string first;
      for (const auto& sub : options->as_array()) {
        auto p = check(v, sub, at, depth + 1);
        if (!p)
          any = true;
        else if (first.empty())
          first = *p;
      }
      if (!any) return first.empty() ? fail("matches none of " + std::string(key)) : first;
    }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> schema_problem(const json::value& value, const json::value& schema) {
  return check(value, schema, "", 0);
}

}  // namespace perf::llm
