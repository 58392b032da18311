// The API model a test type plans from: operations read from an OpenAPI/Swagger description,
// with their parameters, bodies and example values already resolved by core/openapi.
#pragma once

#include "perf/api/flow.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace perf::api {

struct Parameter {
  std::string name;
  std::string location;  // "path", "query", "header" or "cookie"
  bool required = false;
  boost::json::value schema;   // dereferenced (cycles cut), for example generation
  boost::json::value example;  // the value the planner uses by default
};

struct RequestBody {
  std::string content_type;  // e.g. "application/json"
  bool required = false;
  boost::json::value schema;   // dereferenced; readOnly properties still present
  boost::json::value example;  // generated from the schema, readOnly properties left out
};

struct Operation {
  std::string method;  // upper case: "GET"
  std::string path;    // template as in the spec: "/users/{id}"
  std::string operation_id;
  std::string summary;
  std::vector<std::string> tags;
  std::vector<Parameter> parameters;  // path-level and operation-level merged
  std::optional<RequestBody> body;
  std::vector<std::string> response_codes;  // "200", "default", ...
  std::string server_url;                   // effective server (operation > path > spec)
  std::vector<std::string> security;        // names of the security schemes that apply

  bool has_parameter(std::string_view name) const {
    for (const auto& p : parameters)
      if (p.name == name) return true;
    return false;
  }
};

struct SecurityScheme {
  std::string name;        // key in components.securitySchemes / securityDefinitions
  std::string type;        // "apiKey", "http", "oauth2", "openIdConnect", "basic"
  std::string location;    // apiKey: "header", "query" or "cookie"
  std::string param_name;  // apiKey: the header/query/cookie name
  std::string scheme;      // http: "bearer" or "basic"
};

struct SkippedOperation {
  std::string method;
  std::string path;
  std::string reason;
};

struct ApiModel {
  std::string source;  // file the model was read from ("" in quick mode)
  std::string spec_version;
  std::string title;
  std::string version;
  std::string server_url;
  std::vector<Operation> operations;
  std::vector<SkippedOperation> skipped;
  std::vector<SecurityScheme> security_schemes;
  std::string note;  // e.g. why there are no operations
  // Flow mode (--flow NAME, --flows): the flows to run, requests resolved. Test types that run
  // flows plan one case per flow from these where they would plan one per operation.
  std::vector<Flow> flows;
};

}  // namespace perf::api
