#include "perf/openapi/example_generator.hpp"

#include "perf/cases/case_builder.hpp"
#include "perf/openapi/pattern_example.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace perf::openapi {

namespace json = boost::json;

namespace {

struct Generator {
  const ExampleOptions& options;
  std::uint64_t state;

  std::uint64_t next() {  // splitmix64: deterministic, seedable, good enough for ids
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  static const json::object* obj(const json::value& v) { return v.if_object(); }

  static double number(const json::value& v, double fallback) {
    if (v.is_double()) return v.get_double();
    if (v.is_int64()) return double(v.get_int64());
    if (v.is_uint64()) return double(v.get_uint64());
    return fallback;
  }

  // A length or count from a schema (minLength, maxItems...) as a size, within [0, cap]: a
  // schema from anywhere may say 1e300 or -5, and converting such a double to an integer type is
  // undefined behaviour (found by the example_generator fuzz target). The cap keeps one example
  // within a megabyte whatever a minLength asks.
  static std::size_t size_of(const json::value& v, double fallback,
                             std::size_t cap = max_example_length) {
    const double n = number(v, fallback);
    if (!(n > 0)) return 0;  // NaN and negatives too
    return n >= double(cap) ? cap : std::size_t(n);
  }
  static constexpr std::size_t max_example_length = 1 << 20;

  static std::string type_of(const json::object& o) {
    const auto* t = o.if_contains("type");
    if (!t) {
      if (o.contains("properties") || o.contains("additionalProperties")) return "object";
      if (o.contains("items")) return "array";
      return "";
    }
    if (t->is_string()) return std::string(t->get_string());
    if (const auto* a = t->if_array())  // 3.1: ["string", "null"]
      for (const auto& item : *a)
        if (item.is_string() && item.get_string() != "null") return std::string(item.get_string());
    return "";
  }

  // allOf: one schema with the properties and constraints of all parts.
  static json::object merge_all_of(const json::object& o) {
    json::object merged;
    json::object properties;
    json::array required;
    auto absorb = [&](const json::object& part, auto& self) -> void {
      for (const auto& [k, v] : part) {
        if (k == "allOf") {
          if (const auto* a = v.if_array())
            for (const auto& p : *a)
              if (const auto* po = p.if_object()) self(*po, self);
        } else if (k == "properties") {
          if (const auto* po = v.if_object())
            for (const auto& [pk, pv] : *po) properties[pk] = pv;
        } else if (k == "required") {
          if (const auto* ra = v.if_array())
            for (const auto& r : *ra) required.push_back(r);
        } else {
          merged[k] = v;
        }
      }
    };
    absorb(o, absorb);
    if (!properties.empty()) merged["properties"] = std::move(properties);
    if (!required.empty()) merged["required"] = std::move(required);
    return merged;
  }

  std::string uuid() {
    const std::uint64_t a = next(), b = next();
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%08x-%04x-4%03x-%04x-%012llx", unsigned(a >> 32),
                  unsigned((a >> 16) & 0xffff), unsigned(a & 0xfff),
                  unsigned(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    return buffer;
  }

  json::value string_value(const json::object& o) {
    const auto* f = o.if_contains("format");
    const std::string format = f && f->is_string() ? std::string(f->get_string()) : "";
    std::string s;
    if (format == "date-time")
      s = "2024-01-15T12:00:00Z";
    else if (format == "date")
      s = "2024-01-15";
    else if (format == "time")
      s = "12:00:00";
    else if (format == "uuid")
      s = uuid();
    else if (format == "email")
      s = "user@example.com";
    else if (format == "uri" || format == "url" || format == "uri-reference")
      s = "https://example.com/";
    else if (format == "hostname")
      s = "example.com";
    else if (format == "ipv4")
      s = "192.0.2.1";
    else if (format == "ipv6")
      s = "2001:db8::1";
    else if (format == "byte")
      s = "ZXhhbXBsZQ==";
    else if (format == "password")
      s = "secret-password";
    else if (integer_formats.count(format))
      // gRPC-gateway and many JSON APIs write 64-bit numbers as strings: digits, in bounds.
      s = number_text(number_value(o, true));
    else if (decimal_formats.count(format))
      s = number_text(number_value(o, false));
    else
      s = "example";
    if (const auto* min = o.if_contains("minLength")) {
      const auto n = size_of(*min, 0);
      // Digits stay digits: a number written as a string grows with leading zeros ("007").
      const bool numeric = integer_formats.count(format) || decimal_formats.count(format);
      if (s.size() < n && numeric)
        s.insert(s.front() == '-' ? 1 : 0, n - s.size(), '0');
      else if (s.size() < n)
        s.append(n - s.size(), 'x');
    }
    if (const auto* max = o.if_contains("maxLength")) {
      const auto n = size_of(*max, 0);
      if (s.size() > n) s.resize(n);
    }
    // A pattern the value does not meet: a value made from the pattern, when it is simple
    // enough; otherwise the value stays and the plan says why (options.notes).
    if (const auto* p = o.if_contains("pattern"); p && p->is_string()) {
      const std::string pattern(p->get_string());
      if (!matches_pattern(s, pattern)) {
        if (auto made = example_matching(pattern))
          s = *made;
        else if (options.notes)
          options.notes->push_back("no example meets the pattern '" + pattern + "'; sent '" + s +
                                   "'");
      }
    }
    return json::string(s);
  }

  // A number as digits: integers whole, others in their shortest round-trip form ("1.5").
  static std::string number_text(const json::value& v) {
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.to_number<double>());
    return ec == std::errc() ? std::string(buffer, end) : "0";
  }

  inline static const std::set<std::string> integer_formats = {"int32",  "int64", "uint32",
                                                               "uint64", "long",  "integer"};
  inline static const std::set<std::string> decimal_formats = {"double", "float", "decimal",
                                                               "number"};

  json::value number_value(const json::object& o, bool integer) {
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    if (const auto* v = o.if_contains("minimum")) low = number(*v, low);
    if (const auto* v = o.if_contains("maximum")) high = number(*v, high);
    const double step = integer ? 1.0 : 0.5;
    // 3.0 uses booleans, 3.1 numbers for the exclusive bounds.
    if (const auto* v = o.if_contains("exclusiveMinimum")) {
      if (v->is_bool() && v->get_bool())
        low += step;
      else if (!v->is_bool())
        low = number(*v, low) + step;
    }
    if (const auto* v = o.if_contains("exclusiveMaximum")) {
      if (v->is_bool() && v->get_bool())
        high -= step;
      else if (!v->is_bool())
        high = number(*v, high) - step;
    }
    double x = integer ? 1 : 1.5;
    if (x < low) x = low;
    if (x > high) x = high;
    if (const auto* m = o.if_contains("multipleOf")) {
      const double multiple = number(*m, 0);
      if (multiple > 0) {
        x = std::ceil(x / multiple) * multiple;
        if (std::isfinite(high) && x > high) x -= multiple;
      }
    }
    if (integer) return std::int64_t(std::llround(x));
    return x;
  }

  // The body policy: required properties always; optional ones by --body-fields.
  bool wanted(const json::object& object_schema, std::string_view name,
              const json::object* property) const {
    if (options.body_fields == BodyFields::all) return true;
    if (const auto* req = object_schema.if_contains("required"); req && req->is_array())
      for (const auto& r : req->as_array())
        if (r.is_string() && r.get_string() == name) return true;
    if (options.body_fields == BodyFields::required || !property) return false;
    // An optional flag is a choice the user did not make (ignore_value, dry_run, force).
    if (type_of(*property) == "boolean") return false;
    for (const char* given : {"example", "examples", "default", "enum", "const"})
      if (property->contains(given)) return true;
    return false;
  }

  json::value generate(const json::value& schema, int depth) {
    const auto* o = obj(schema);
    if (!o) return "example";
    if (const auto* v = o->if_contains("example")) return *v;
    if (const auto* v = o->if_contains("examples")) {
      if (const auto* a = v->if_array(); a && !a->empty()) return a->front();
    }
    if (const auto* v = o->if_contains("default")) return *v;
    if (const auto* v = o->if_contains("const")) return *v;
    if (const auto* v = o->if_contains("enum"); v && v->is_array())
      for (const auto& item : v->as_array())
        if (!item.is_null()) return item;
    if (o->contains("x-perf-cut")) return json::object{};
    if (o->contains("allOf")) return generate(merge_all_of(*o), depth);
    for (const char* key : {"oneOf", "anyOf"}) {
      if (const auto* v = o->if_contains(key); v && v->is_array()) {
        for (const auto& branch : v->as_array()) {
          const auto* bo = branch.if_object();
          if (bo && type_of(*bo) == "null") continue;
          return generate(branch, depth + 1);
        }
      }
    }
    const std::string type = type_of(*o);
    if (type == "string") return string_value(*o);
    if (type == "integer") return number_value(*o, true);
    if (type == "number") return number_value(*o, false);
    if (type == "boolean") return true;
    if (type == "null") return nullptr;
    if (type == "array") {
      json::array items;
      if (depth >= options.max_depth) return items;
      std::size_t count = 1;
      if (const auto* min = o->if_contains("minItems"))
        count = std::clamp<std::size_t>(size_of(*min, 1), 1, 3);
      if (const auto* max = o->if_contains("maxItems"); max && number(*max, 1) < 1) count = 0;
      const auto* item_schema = o->if_contains("items");
      for (std::size_t i = 0; i < count; ++i)
        items.push_back(item_schema ? generate(*item_schema, depth + 1) : json::value("example"));
      return items;
    }
    if (type == "object") {
      json::object out;
      if (depth >= options.max_depth) return out;
      if (const auto* props = o->if_contains("properties"); props && props->is_object()) {
        std::size_t added = 0;
        for (const auto& [name, property] : props->as_object()) {
          const auto* po = property.if_object();
          if (options.for_request_body && po) {
            const auto* ro = po->if_contains("readOnly");
            if (ro && ro->is_bool() && ro->get_bool()) continue;
          }
          if (options.for_request_body && !wanted(*o, name, po)) continue;
          if (++added > 64) break;  // enough for a realistic request
          out[name] = generate(property, depth + 1);
        }
      }
      return out;
    }
    return "example";
  }
};

std::size_t serialized_size(const json::value& v) {
  return json::serialize(v).size();
}

// Grows `value` (valid for `schema`) by about `need` bytes; returns the bytes added.
std::size_t grow(json::value& value, const json::value& schema, std::size_t need, int depth) {
  if (need == 0 || depth > 16) return 0;
  const auto* o = schema.if_object();
  if (value.is_string()) {
    std::size_t room = need;
    if (o)
      if (const auto* max = o->if_contains("maxLength")) {
        const auto limit = Generator::size_of(*max, 0, SIZE_MAX);
        const auto size = value.get_string().size();
        room = limit > size ? std::min(need, limit - size) : 0;
      }
    if (o && (o->contains("enum") || o->contains("const") || o->contains("format"))) room = 0;
    value.get_string().append(room, 'x');
    return room;
  }
  if (auto* a = value.if_array(); a && !a->empty()) {
    const json::value* item_schema = o ? o->if_contains("items") : nullptr;
    std::size_t limit = SIZE_MAX;
    if (o)
      if (const auto* max = o->if_contains("maxItems"))
        limit = Generator::size_of(*max, 0, SIZE_MAX);
    std::size_t added = 0;
    // Grow the first item before repeating it, so small items do not need millions of copies.
    if (item_schema)
      added += grow(a->front(), *item_schema, std::min<std::size_t>(need / 2, 4096), depth + 1);
    const json::value first = a->front();
    const std::size_t item_size = serialized_size(first) + 1;
    while (added + item_size <= need && a->size() < limit) {
      a->push_back(first);
      added += item_size;
    }
    // The rest (less than one item) goes into the last item.
    if (added < need && item_schema)
      added += grow(a->back(), *item_schema, need - added, depth + 1);
    return added;
  }
  if (auto* obj = value.if_object()) {
    std::size_t added = 0;
    const json::object* props = nullptr;
    if (o)
      if (const auto* p = o->if_contains("properties")) props = p->if_object();
    for (auto& [name, child] : *obj) {
      if (added >= need) break;
      const json::value* child_schema = props ? props->if_contains(name) : nullptr;
      static const json::value empty = json::object{};
      added += grow(child, child_schema ? *child_schema : empty, need - added, depth + 1);
    }
    if (added == 0) {  // nothing inside could grow: an extra property, where the schema allows
      const json::value* extra = o ? o->if_contains("additionalProperties") : nullptr;
      const bool closed = extra && extra->is_bool() && !extra->get_bool();
      if (!closed && (!o || !o->contains("x-perf-cut"))) {
        (*obj)["padding"] = json::string(std::string(need - added, 'x'));
        added = need;
      }
    }
    return added;
  }
  return 0;
}

}  // namespace

json::value example_of(const json::value& schema, const ExampleOptions& options) {
  Generator g{options, options.seed};
  return g.generate(schema, 0);
}

json::value example_of_size(const json::value& schema, std::size_t bytes,
                            const ExampleOptions& options) {
  json::value value = example_of(schema, options);
  if (value.is_null() || (value.is_object() && value.as_object().empty() && !schema.is_object()))
    value = json::object{};
  for (int round = 0; round < 4; ++round) {
    const std::size_t size = serialized_size(value);
    if (size >= bytes) break;
    if (grow(value, schema, bytes - size, 0) == 0) break;
  }
  return value;
}

std::optional<BodyFields> body_fields_from(std::string_view word) {
  if (word == "required") return BodyFields::required;
  if (word == "examples") return BodyFields::examples;
  if (word == "all") return BodyFields::all;
  return std::nullopt;
}

std::string to_parameter_text(const json::value& value) {
  return cases::parameter_text(value);
}

}  // namespace perf::openapi
