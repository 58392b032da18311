#include "perf/openapi/request_builder.hpp"

#include "perf/http/request_target.hpp"
#include "perf/openapi/example_generator.hpp"
#include "perf/util/csv.hpp"
#include "perf/util/document.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include <sstream>

namespace perf::openapi {

namespace json = boost::json;

std::string serialize_body(const json::value& value, const std::string& content_type) {
  if (content_type.find("json") != std::string::npos) return json::serialize(value);
  if (content_type == "application/x-www-form-urlencoded") {
    boost::urls::url form;  // the body is a query without its '?'
    if (const auto* o = value.if_object())
      for (const auto& [k, v] : *o) http::append_query(form, k, to_parameter_text(v));
    return std::string(form.encoded_query());
  }
  if (content_type.rfind("multipart/form-data", 0) == 0) {
    std::string out;
    if (const auto* o = value.if_object())
      for (const auto& [k, v] : *o)
        out += "--perf-agent-boundary\r\nContent-Disposition: form-data; name=\"" + std::string(k) +
               "\"\r\n\r\n" + to_parameter_text(v) + "\r\n";
    out += "--perf-agent-boundary--\r\n";
    return out;
  }
  if (value.is_string()) return std::string(value.get_string());
  return json::serialize(value);
}

std::string RequestBuilder::base_url_for(const api::Operation& op) const {
  const bool relative = op.server_url.empty() || op.server_url.front() == '/';
  if (!options_.target.empty()) {
    std::string base = options_.target;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return relative ? base + op.server_url : base;
  }
  return relative ? "" : op.server_url;
}

namespace {

// A --data value for a body place: CSV gives text, so "12" becomes 12 where the schema says
// integer or number, and "true"/"false" a boolean; JSON rows keep their types.
json::value typed_for(const json::value& value, const json::value* schema) {
  const auto* text = value.if_string();
  const auto* s = schema ? schema->if_object() : nullptr;
  const auto* type = s ? s->if_contains("type") : nullptr;
  if (!text || !type || !type->is_string()) return value;
  const std::string_view t = type->get_string();
  const std::string word(*text);
  if (t == "boolean" && (word == "true" || word == "false")) return word == "true";
  if (t == "integer" || t == "number") {
    double number = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), number);
    if (ec == std::errc() && end == word.data() + word.size() && !word.empty()) {
      // Beyond what an int64 holds the value stays a double: converting it would be undefined
      // behaviour (found by the data_rows fuzz target).
      if (t == "integer" && number == std::floor(number) && number >= -0x1p63 && number < 0x1p63)
        return std::int64_t(number);
      return number;
    }
  }
  return value;
}

// Takes the next reference token off a JSON pointer ("/a~1b/c" gives "a/b", leaves "/c"). Only
// for making the parents of a --data pointer: Boost.JSON 1.81 finds by pointer but has no
// set_at_pointer, and creating a member needs its name.
std::string pop_token(std::string_view& pointer) {
  pointer.remove_prefix(1);
  const auto slash = pointer.find('/');
  std::string token(pointer.substr(0, slash));
  pointer = slash == std::string_view::npos ? std::string_view() : pointer.substr(slash);
  for (std::size_t k; (k = token.find("~1")) != std::string::npos;) token.replace(k, 2, "/");
  for (std::size_t k; (k = token.find("~0")) != std::string::npos;) token.replace(k, 2, "~");
  return token;
}

// The schema of `pointer`'s place inside `schema` ("/lease/ID" -> properties.lease.properties.ID),
// or null when the schema does not describe it. Follows allOf/anyOf/oneOf (a property may come
// from any part) and array items (a token that is an index or "-").
const json::value* schema_at(const json::value& schema, std::string_view pointer) {
  if (pointer.empty()) return &schema;
  const auto* o = schema.if_object();
  if (!o) return nullptr;
  std::string_view rest = pointer;
  const std::string token = pop_token(rest);
  if (const auto* props = o->if_contains("properties"); props && props->is_object())
    if (const auto* p = props->as_object().if_contains(token))
      if (const auto* found = schema_at(*p, rest)) return found;
  const bool index =
      token == "-" || (!token.empty() && std::all_of(token.begin(), token.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; }));
  if (const auto* items = o->if_contains("items"); items && index)
    if (const auto* found = schema_at(*items, rest)) return found;
  for (const char* combinator : {"allOf", "anyOf", "oneOf"})
    if (const auto* parts = o->if_contains(combinator); parts && parts->is_array())
      for (const auto& part : parts->as_array())
        if (const auto* found = schema_at(part, pointer)) return found;
  return nullptr;
}

}  // namespace

json::value RequestBuilder::body_with_row(const api::RequestBody& body, const json::object& row) {
  json::value out = body.example;
  for (const auto& [key, value] : row) {
    if (key.starts_with("/")) {
      if (!out.is_object()) continue;
      // Only bodies whose schema (or example) has that place: a column meant for one operation
      // must not add fields to every other body of the plan.
      const json::value* place = schema_at(body.schema, key);
      boost::system::error_code ec;
      // A place the example has (an array element too) is filled where it is.
      if (auto* there = out.find_pointer(key, ec)) {
        *there = typed_for(value, place);
        continue;
      }
      if (!place) continue;
      // Otherwise the parents are made, as objects only: a parent that is there but is not an
      // object (an array, a string) is not replaced.
      json::value* parent = &out;
      std::string_view rest(key.data(), key.size());
      while (parent->is_object()) {
        const std::string token = pop_token(rest);
        auto& object = parent->as_object();
        if (rest.empty()) {
          object[token] = typed_for(value, place);
          break;
        }
        if (!object.contains(token)) object[token] = json::object{};
        parent = &object.at(token);
      }
      continue;
    }
    auto* object = out.if_object();
    const auto* schema = body.schema.if_object();
    const auto* props = schema ? schema->if_contains("properties") : nullptr;
    const json::value* property =
        props && props->is_object() ? props->as_object().if_contains(key) : nullptr;
    if (object && (property || object->contains(key))) (*object)[key] = typed_for(value, property);
  }
  return out;
}

api::RequestSpec RequestBuilder::build(
    const api::Operation& op, const json::object* row,
    const std::vector<std::pair<std::string, std::string>>& overrides) const {
  api::RequestSpec spec;
  spec.method = op.method;
  auto value_for = [&](const api::Parameter& p) -> std::optional<std::string> {
    for (const auto& [name, value] : overrides)
      if (name == p.name) return value;
    if (row)
      if (const auto* v = row->if_contains(p.name)) return to_parameter_text(*v);
    if (p.required) return to_parameter_text(p.example);
    return std::nullopt;
  };
  std::string path = op.path;
  std::vector<std::pair<std::string, std::string>> query;
  std::string cookies;
  for (const auto& p : op.parameters) {
    const auto value = value_for(p);
    if (!value) continue;
    if (p.location == "path") {
      // The value is one segment: '/', '?', '#' and the sub-delims in it are data, so
      // everything but unreserved characters is encoded ("a/b c?" -> "a%2Fb%20c%3F").
      const std::string placeholder = "{" + p.name + "}";
      for (auto pos = path.find(placeholder); pos != std::string::npos;
           pos = path.find(placeholder))
        path.replace(pos, placeholder.size(), percent_encode(*value));
    } else if (p.location == "query") {
      query.emplace_back(p.name, *value);
    } else if (p.location == "header") {
      spec.headers.emplace_back(p.name, *value);
    } else if (p.location == "cookie") {
      cookies += (cookies.empty() ? "" : "; ") + p.name + "=" + *value;
    }
  }
  // Overrides naming no declared parameter go to the query (e.g. a paging parameter).
  for (const auto& [name, value] : overrides)
    if (!op.has_parameter(name)) query.emplace_back(name, value);
  if (!cookies.empty()) spec.headers.emplace_back("Cookie", cookies);
  // The path may hold a query already (quick mode's URL) and, from a spec, bytes a URL cannot.
  auto target = http::request_target(path);
  for (const auto& [name, value] : query) http::append_query(target, name, value);
  spec.target = std::string(target.buffer());
  if (op.body) {
    spec.body = serialize_body(row ? body_with_row(*op.body, *row) : op.body->example,
                               op.body->content_type);
    const std::string type = op.body->content_type.rfind("multipart/form-data", 0) == 0
                                 ? "multipart/form-data; boundary=perf-agent-boundary"
                                 : op.body->content_type;
    spec.headers.emplace_back("Content-Type", type);
  }
  spec.headers.emplace_back("Accept", "application/json, */*;q=0.5");
  return spec;
}

std::vector<api::RequestSpec> RequestBuilder::requests_for(const api::Operation& op) const {
  std::vector<api::RequestSpec> out;
  const std::size_t n = std::min(options_.data_rows.size(), options_.max_requests_per_case);
  for (std::size_t i = 0; i < n; ++i) out.push_back(build(op, &options_.data_rows[i], {}));
  if (out.empty()) out.push_back(build(op, nullptr, {}));
  return out;
}

api::RequestSpec RequestBuilder::request_with(
    const api::Operation& op,
    const std::vector<std::pair<std::string, std::string>>& overrides) const {
  return build(op, options_.data_rows.empty() ? nullptr : &options_.data_rows.front(), overrides);
}

std::string RequestBuilder::body_of_size(const api::Operation& op, std::size_t bytes) const {
  const json::value schema = op.body ? op.body->schema : json::value(json::object{});
  ExampleOptions example_options{options_.seed, true};
  example_options.body_fields = options_.body_fields;
  return json::serialize(example_of_size(schema, bytes, example_options));
}

std::vector<json::object> load_data_rows(const std::string& path) {
  return parse_data_rows(util::read_file(path), path);
}

std::vector<json::object> parse_data_rows(std::string_view text, const std::string& path) {
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::vector<json::object> rows;
  if (i < text.size() && text[i] == '[') {
    const json::value doc = util::parse_document(text, path);
    for (std::size_t k = 0; k < doc.as_array().size(); ++k) {
      const auto& item = doc.as_array()[k];
      if (!item.is_object())
        throw UserError(path + ": item " + std::to_string(k) + " is not an object");
      rows.push_back(item.as_object());
    }
    return rows;
  }
  // CSV with a header row (RFC 4180: quoted fields may hold commas, quotes and newlines).
  std::vector<std::string> header;
  for (auto& record : util::read_csv(text, path)) {
    if (header.empty()) {
      header = std::move(record.fields);
      continue;
    }
    if (record.fields.size() != header.size())
      throw UserError(path + ":" + std::to_string(record.line) + ": " +
                      std::to_string(record.fields.size()) + " fields, the header has " +
                      std::to_string(header.size()));
    json::object row;
    for (std::size_t k = 0; k < header.size(); ++k) row[header[k]] = record.fields[k];
    rows.push_back(std::move(row));
  }
  if (header.empty()) throw UserError(path + ": empty data file");
  return rows;
}

}  // namespace perf::openapi
