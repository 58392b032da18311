// libFuzzer target: the OpenAPI loader (core/src/openapi/spec_loader.cpp) over JSON or YAML text,
// $ref resolution and schema expansion included. A spec is read from a file the user names, so
// perf::UserError is the documented answer to a bad one; anything else is a finding.
#include "perf/openapi/spec_loader.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A folder that does not exist: a $ref to another file fails instead of reading the disk.
  const std::string name = "/nonexistent/perf-agent-fuzz/openapi.yaml";
  try {
    perf::openapi::load_spec_document(perf::util::parse_document(text, name), name);
  } catch (const perf::UserError&) {
  }
  return 0;
}
