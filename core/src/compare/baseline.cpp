#include "perf/compare/baseline.hpp"

#include "perf/compare/result_file.hpp"

namespace perf::compare {

Baseline read_baseline(const std::filesystem::path& file) {
  Baseline baseline;
  baseline.file = file.string();
  baseline.run = read_result_file(file);
  return baseline;
}

BaselineOutcome compare_with_baseline(const Baseline& baseline, const api::RunSummary& run) {
  auto comparison = compare_runs(baseline.run, run, baseline.options);
  comparison.base.file = baseline.file;
  return {to_json(comparison), exceeded_limits(comparison, baseline.limits)};
}

}  // namespace perf::compare
