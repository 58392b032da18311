// libFuzzer target: reading a plan file (core/src/plan/plan_io.cpp), which users edit by hand
// between `plan` and `run --plan`. perf::UserError is the documented answer to an invalid plan;
// anything else is a finding.
#include "perf/plan/plan_io.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string name = "plan.json";
  try {
    const auto plan = perf::plan::plan_from_json(perf::util::parse_document(text, name), name);
    perf::plan::to_json(plan);  // what was read can be written back
  } catch (const perf::UserError&) {
  }
  return 0;
}
