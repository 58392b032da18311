// Merging results of one plan run in parts (several load generators, or one after another):
// histograms and counts add exactly, verdicts and thresholds are judged again on the merged run.
#pragma once

#include "perf/api/reporter.hpp"
#include "perf/verdict/threshold.hpp"

#include <vector>

namespace perf::report {

// Cases are matched by id; the duration of a case is its longest part's (parts run side by side),
// per-second percentiles keep the worse part's (an upper bound).
api::RunSummary merge_results(std::vector<api::RunSummary> parts,
                              const std::vector<verdict::Threshold>& thresholds);

}  // namespace perf::report
