// Example values from (expanded) JSON Schemas, OpenAPI 3.0/3.1 and Swagger 2.0 flavours:
// example/examples/default/enum/const first, then by type and format, within the schema's
// bounds. Deterministic for a given seed.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perf::openapi {

// Which properties of a request body object are filled (--body-fields). Servers reject bodies
// that set every optional field (mutually exclusive options collide), so the default keeps the
// required ones and the optional ones the spec gives a value for.
enum class BodyFields {
  required,  // required properties only
  examples,  // required ones, plus optional ones with an example, default or enum (not booleans)
  all,       // every property the schema lists
};

// "required", "examples", "all"; nullopt for anything else.
std::optional<BodyFields> body_fields_from(std::string_view word);

struct ExampleOptions {
  std::uint64_t seed = 1;
  bool for_request_body = true;  // leave readOnly properties out
  int max_depth = 8;
  std::vector<std::string>* notes = nullptr;      // where to say what could not be met (a pattern)
  BodyFields body_fields = BodyFields::examples;  // request bodies only
};

boost::json::value example_of(const boost::json::value& schema, const ExampleOptions& options);

// An example grown to about `bytes` bytes of JSON by adding array items and lengthening strings
// the schema leaves room for; falls back to an extra "padding" property where the schema allows
// additional properties. Exact size is not guaranteed when the schema's bounds forbid growth.
boost::json::value example_of_size(const boost::json::value& schema, std::size_t bytes,
                                   const ExampleOptions& options);

// A value as it goes into a path, query or header: strings bare, the rest as JSON text,
// arrays comma-joined (OpenAPI's default "form"/"simple" style without explode).
std::string to_parameter_text(const boost::json::value& value);

}  // namespace perf::openapi
