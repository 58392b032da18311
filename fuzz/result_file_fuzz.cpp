// libFuzzer target: result files read back by `compare`, `history`, `merge` and `run --baseline`
// (plugin-api/src/result_json.cpp summary_from_json, DESIGN §7), which come from other machines
// and CI artifacts. Then the comparison itself runs on what was read: the run against itself
// with a small bootstrap, and its table. A decoding failure must be a perf::UserError naming the
// file and place (read_result_file turns a library's exception into one); a crash, a sanitizer
// report (a histogram that decodes out of bounds, a NaN into an integer) or a hang is a finding.
#include "perf/compare/comparison_text.hpp"
#include "perf/compare/run_comparison.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/document.hpp"
#include "perf/util/user_error.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string name = "result.json";
  perf::api::RunSummary summary;
  try {
    summary = perf::report::summary_from_json(perf::util::parse_document(text, name), name);
  } catch (const perf::UserError&) {
    return 0;
  } catch (const std::exception&) {
    return 0;  // read_result_file's answer: "not a readable perf-agent result: WHAT"
  }
  perf::compare::ComparisonOptions options;
  options.draws = 50;  // the statistics' arithmetic, not their precision, is under test
  const auto comparison = perf::compare::compare_runs(summary, summary, options);
  (void)perf::compare::comparison_table(comparison);
  return 0;
}
