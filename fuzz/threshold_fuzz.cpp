// libFuzzer target: the k6-style threshold expressions of core/src/verdict/threshold.cpp, as
// written in config files and on the command line. perf::UserError is the documented answer to
// malformed text; anything else is a finding.
#include "perf/util/user_error.hpp"
#include "perf/verdict/threshold.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto threshold = perf::verdict::parse_threshold(text);
    perf::verdict::compare(1.0, threshold.op, threshold.value);
    perf::verdict::judged_per_second(threshold);
  } catch (const perf::UserError&) {
  }
  return 0;
}
