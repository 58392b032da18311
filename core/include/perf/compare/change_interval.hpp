// The change between two runs' per-second series of one metric and its confidence interval: the
// spread from independent block bootstraps of the two runs, widened to Student's t for the few
// independent blocks a short run holds (docs/analysis.md).
#pragma once

#include "perf/compare/block_bootstrap.hpp"

#include <cstdint>

namespace perf::compare {

enum class ChangeScale {
  relative,  // percent of the base value, through the log of the ratio (intervals can be skewed)
  points     // difference of two fractions, in percentage points (error rates)
};

struct ChangeInterval {
  double base = 0, now = 0;  // the series' statistics (their `summary`)
  double estimate = 0;       // the change, % or percentage points
  double low = 0, high = 0;
};

// On the log-ratio (relative) or difference (points) scale: estimate ± t × SE, where SE is the
// standard deviation of the change over `draws` paired bootstrap resamples and t Student's
// quantile with as many degrees of freedom as the two runs have independent blocks, less two.
// Points scale: the series are fractions of 1; the result is in percentage points.
// Deterministic for a given `seed`. Both series need at least one second and, on the relative
// scale, positive statistics.
ChangeInterval change_interval(const SecondSeries& base, const SecondSeries& now, ChangeScale scale,
                               double confidence, std::size_t draws, std::uint64_t seed);

}  // namespace perf::compare
