// libFuzzer target: --data files (core/src/openapi/request_builder.cpp parse_data_rows, and the
// CSV reader core/src/util/csv.cpp under it): a JSON array of objects or CSV with a header row,
// often exported from a spreadsheet or a database by hand. perf::UserError is the documented
// answer to a malformed file; anything else is a finding. Each row then fills a request body
// the way the request builder does.
#include "perf/api/model.hpp"
#include "perf/openapi/request_builder.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

// A body with nested objects, an array and typed leaves: a row's columns, by top-level name or
// JSON pointer, land in each kind of place.
const perf::api::RequestBody& body() {
  static const perf::api::RequestBody made = [] {
    perf::api::RequestBody b;
    b.content_type = "application/json";
    b.schema = boost::json::parse(R"({"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "ok": {"type": "boolean"},
        "price": {"type": "number"}, "tags": {"type": "array", "items": {"type": "string"}},
        "lease": {"type": "object", "properties": {"ID": {"type": "integer"}}}}})");
    b.example = boost::json::parse(R"({"id": 1, "name": "a", "ok": true, "price": 1.5,
        "tags": ["x"], "lease": {"ID": 7}})");
    return b;
  }();
  return made;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    for (const auto& row : perf::openapi::parse_data_rows(text, "data.csv"))
      (void)perf::openapi::RequestBuilder::body_with_row(body(), row);
  } catch (const perf::UserError&) {
  }
  return 0;
}
