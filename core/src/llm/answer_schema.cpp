#include "answer_schema.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace perf::llm {

namespace json = boost::json;

namespace {

json::value answer_schema() {
  return json::parse(R"({
    "type": "object", "additionalProperties": false, "required": ["operations"],
    "properties": {"operations": {"type": "array", "items": {
      "type": "object", "additionalProperties": false,
      "required": ["operation", "parameters", "body_json", "p95_ms", "error_rate_percent"],
      "properties": {
        "operation": {"type": "string", "description": "METHOD /path exactly as asked"},
        "parameters": {"type": "array", "items": {
          "type": "object", "additionalProperties": false,
          "required": ["name", "in", "value_json"],
          "properties": {"name": {"type": "string"}, "in": {"type": "string"},
                         "value_json": {"type": "string",
                                        "description": "the value as JSON text"}}}},
        "body_json": {"type": ["string", "null"],
                      "description": "the request body as JSON text, null without a body"},
        "p95_ms": {"type": ["number", "null"],
                   "description": "a realistic 95th percentile response time bound, ms"},
        "error_rate_percent": {"type": ["number", "null"],
                               "description": "an acceptable error rate, percent"}}}}}})");
}

}  // namespace

std::string operation_key(const api::Operation& op) {
  return op.method + " " + op.path;
}

std::vector<const api::Parameter*> asked_parameters(
    const api::Operation& op, const std::vector<api::SecurityScheme>& schemes) {
  std::vector<const api::Parameter*> out;
  for (const auto& p : op.parameters) {
    if (!p.required) continue;
    std::string lower = p.name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    const bool credential =
        lower == "authorization" || lower == "cookie" ||
        std::any_of(schemes.begin(), schemes.end(), [&](const api::SecurityScheme& s) {
          return s.type == "apiKey" && s.param_name == p.name;
        });
    if (!credential) out.push_back(&p);
  }
  return out;
}

json::object suggestion_request(const std::string& api_title,
                                const std::vector<const api::Operation*>& batch,
                                const std::vector<api::SecurityScheme>& schemes) {
  json::array operations;
  for (const auto* op : batch) {
    json::array parameters;
    for (const auto* p : asked_parameters(*op, schemes))
      parameters.push_back(
          json::object{{"name", p->name}, {"in", p->location}, {"schema", p->schema}});
    json::object o{{"operation", operation_key(*op)},
                   {"summary", op->summary},
                   {"parameters", std::move(parameters)}};
    if (op->body)
      o["body"] =
          json::object{{"content_type", op->body->content_type}, {"schema", op->body->schema}};
    operations.push_back(std::move(o));
  }
  const json::object question{{"api", api_title}, {"operations", std::move(operations)}};
  return json::object{
      {"temperature", 0},
      {"messages",
       json::array{
           json::object{
               {"role", "system"},
               {"content",
                "You write test data for load tests of an HTTP API. For every operation give "
                "realistic values for the listed parameters and, where a body schema is given, "
                "a realistic request body; each value must satisfy its JSON Schema (types, "
                "formats, enums, bounds, required properties). Also give a realistic 95th "
                "percentile response time in milliseconds and an acceptable error rate in "
                "percent. Answer with JSON only, following the response schema."}},
           json::object{{"role", "user"}, {"content", json::serialize(question)}}}},
      {"response_format",
       json::object{{"type", "json_schema"},
                    {"json_schema", json::object{{"name", "perf_agent_suggestions"},
                                                 {"strict", true},
                                                 {"schema", answer_schema()}}}}}};
}

}  // namespace perf::llm
