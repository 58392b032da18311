#include "perf/compare/baseline.hpp"

#include "perf/compare/result_file.hpp"

namespace perf::compare {

Baseline read_baseline(const std::filesystem::path& file) {
  return {file.string(), read_result_file(file)};
}

boost::json::object compare_with_baseline(const Baseline& baseline, const api::RunSummary& run,
                                          const ComparisonOptions& options) {
  auto comparison = compare_runs(baseline.run, run, options);
  comparison.base.file = baseline.file;
  return to_json(comparison);
}

}  // namespace perf::compare
