// Merging results of one plan run in parts (several load generators, or one after another):
// histograms and counts add exactly, verdicts and thresholds are judged again on the merged run.
#pragma once

#include "perf/api/reporter.hpp"
#include "perf/verdict/threshold.hpp"

#include <string>
#include <vector>

namespace perf::report {

// Cases are matched by id; the duration of a case is its longest part's (parts run side by side),
// per-second percentiles keep the worse part's (an upper bound).
// Segments of a distributed run (DESIGN §10.2) must be of one plan (plan_sha256), each given
// once and none missing unless `allow_partial` (recorded in the result's segment); otherwise a
// perf::UserError naming the file (`files`, in the order of `parts`). Series are aligned on wall
// time; findings of test types come from the first part that ran the case (for probe-based types
// segment 0, the only one that runs them).
api::RunSummary merge_results(std::vector<api::RunSummary> parts,
                              const std::vector<verdict::Threshold>& thresholds,
                              const std::vector<std::string>& files = {},
                              bool allow_partial = false);

}  // namespace perf::report
