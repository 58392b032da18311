// Where a series of runs changed level: E-divisive means (Matteson & James 2014), the method of
// MongoDB's and Apache Otava's performance change detection, with its permutation test so that
// noise alone does not make a change point (docs/analysis.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace perf::compare {

struct ChangePointOptions {
  // Significance level of each permutation test, as in Matteson & James's ecp package. Lower
  // levels cannot see a step near either end of a short history: with 12 runs and 3 on one
  // side, no arrangement is rarer than 2 in 220 (docs/analysis.md).
  double alpha = 0.05;
  std::size_t permutations = 499;  // p-values down to 1/500
  std::uint64_t seed = 1;          // the permutations are drawn from this: same input, same answer
  std::size_t min_segment = 3;     // runs on each side of a change, at least
};

struct ChangePoint {
  std::size_t index = 0;  // the first value of the new level (0-based)
  double p_value = 1;
  double before = 0, after = 0;  // means of the segments either side, between change points
  double change_percent() const { return before != 0 ? 100.0 * (after - before) / before : 0; }
};

// Matteson & James's energy statistic Q̂(τ) (α = 1) of splitting series[begin, end) before
// index `split`: what the search maximises. For tests against hand-computed values.
double split_statistic(const std::vector<double>& series, std::size_t begin, std::size_t split,
                       std::size_t end);

// Change points in time order. Series shorter than two segments have none.
std::vector<ChangePoint> find_change_points(const std::vector<double>& series,
                                            const ChangePointOptions& options = {});

}  // namespace perf::compare
