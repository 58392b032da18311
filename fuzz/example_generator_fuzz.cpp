// libFuzzer target: the example and body generator (core/src/openapi/example_generator.cpp) on
// arbitrary schemas. Plugins call it on every operation's schema of a spec from anywhere, after
// schema expansion, so it must answer any JSON value with some value, never throw or recurse
// without bound. The first byte chooses the options (seed, request body or not, which optional
// fields, a grown size); the rest is the schema, JSON or YAML.
#include "perf/openapi/example_generator.hpp"
#include "perf/openapi/request_builder.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json/serialize.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace openapi = perf::openapi;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t choice = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  boost::json::value schema;
  try {
    schema = perf::util::parse_document(text, "schema.yaml");
  } catch (const perf::UserError&) {
    return 0;  // not a document: the loader's business (spec_loader_fuzz)
  }
  std::vector<std::string> notes;
  openapi::ExampleOptions options;
  options.seed = choice & 7u;
  options.for_request_body = (choice & 8u) != 0;
  options.body_fields = static_cast<openapi::BodyFields>((choice >> 4) % 3);
  options.notes = &notes;
  const boost::json::value example =
      (choice & 64u) != 0
          // volume_test's grown bodies: 1 KB to 64 KB here
          ? openapi::example_of_size(schema, 1024u << (choice & 6u), options)
          : openapi::example_of(schema, options);
  // Everything a request is made of: the value as a parameter and as each kind of body.
  (void)openapi::to_parameter_text(example);
  for (const char* type : {"application/json", "application/x-www-form-urlencoded",
                           "multipart/form-data", "text/plain", "application/xml"})
    (void)openapi::serialize_body(example, type);
  (void)boost::json::serialize(example);
  return 0;
}
