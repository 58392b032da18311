// Builds concrete requests for operations: path parameters substituted, required query, header
// and cookie parameters added, bodies serialized for their media type, values from --data rows
// where they name a parameter.
#pragma once

#include "perf/http/url.hpp"
#include "perf/openapi/example_generator.hpp"

#include "perf/api/test_type.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace perf::openapi {

struct RequestBuildOptions {
  std::string target;  // --target: replaces the spec's server URL (a relative one is appended)
  std::vector<boost::json::object> data_rows;  // --data rows, used round-robin
  std::uint64_t seed = 1;
  std::size_t max_requests_per_case = 100;  // how many data rows one case cycles through
  BodyFields body_fields =
      BodyFields::examples;  // which optional body properties grown bodies keep
};

class RequestBuilder final : public api::RequestFactory {
 public:
  RequestBuilder(RequestBuildOptions options) : options_(std::move(options)) {}

  std::vector<api::RequestSpec> requests_for(const api::Operation& op) const override;
  api::RequestSpec request_with(
      const api::Operation& op,
      const std::vector<std::pair<std::string, std::string>>& overrides) const override;
  std::string body_of_size(const api::Operation& op, std::size_t bytes) const override;
  std::string base_url_for(const api::Operation& op) const override;

  // The body example with a --data row's values: a column named like a top-level property
  // fills it, a column named as a JSON pointer ("/lease/ID") fills that place (parents made as
  // needed); CSV text becomes a number or boolean where the schema says so.
  static boost::json::value body_with_row(const api::RequestBody& body,
                                          const boost::json::object& row);

 private:
  api::RequestSpec build(const api::Operation& op, const boost::json::object* row,
                         const std::vector<std::pair<std::string, std::string>>& overrides) const;
  RequestBuildOptions options_;
};

using http::percent_encode;
// Serializes a body value for a media type (JSON, form-urlencoded, multipart, text).
std::string serialize_body(const boost::json::value& value, const std::string& content_type);

// Loads --data: a JSON array of objects, or CSV with a header row. Throws perf::UserError.
std::vector<boost::json::object> load_data_rows(const std::string& path);
// The same from the file's text; `path` names it in messages.
std::vector<boost::json::object> parse_data_rows(std::string_view text, const std::string& path);

}  // namespace perf::openapi
