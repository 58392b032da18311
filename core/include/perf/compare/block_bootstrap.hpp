// The circular block bootstrap (Politis & Romano 1992) over a run's per-second series: how much a
// run-level statistic could have come out differently, when neighbouring seconds are correlated.
// docs/analysis.md says why this and not an independent-sample test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace perf::compare {

// A run's per-second values of one metric, each as numerator / denominator (errors over requests,
// requests over seconds, or a percentile over 1), in time order, with the statistic that sums
// them up: the median second, or the ratio of the sums (the whole run's error rate).
struct SecondSeries {
  enum class Summary {
    median,        // the median of the per-second values: a few stalled seconds do not move it
    ratio_of_sums  // Σ numerator / Σ denominator: every event counts (errors are rare and bursty)
  };
  Summary summary = Summary::median;
  std::vector<double> numerator;
  std::vector<double> denominator;

  std::size_t size() const { return numerator.size(); }
  void add(double num, double den) {
    numerator.push_back(num);
    denominator.push_back(den);
  }
};

// The series' statistic (its `summary`); NaN when it has no value (no seconds, no requests).
double summarize(const SecondSeries& series);

// Block length for a series: Politis & White's (2004) optimal length for the circular block
// bootstrap of a mean, b = (2 G² / D)^(1/3) n^(1/3), with G and D from an AR(1) model fitted by
// the series' lag-1 autocorrelation ρ: b = (6ρ² / (1 − ρ²)²)^(1/3) n^(1/3). At least
// ⌈n^(1/3)⌉ (Hall, Horowitz & Jing 1995), at most n / 2.
std::size_t block_length(const SecondSeries& series);
// The lag-1 autocorrelation of the per-second values (0 for fewer than 3 seconds).
double lag1_autocorrelation(const SecondSeries& series);

// The statistic on one resample: blocks of `block` consecutive seconds (wrapping around the end)
// drawn with replacement until n seconds are chosen. `rng` is the only source of randomness.
double resampled_statistic(const SecondSeries& series, std::size_t block, std::mt19937_64& rng);

// The value below which a fraction `q` of `sorted` lies (linear interpolation between order
// statistics, R's type 7); `sorted` ascending and not empty.
double quantile(const std::vector<double>& sorted, double q);

// A seed that depends on the text only (a case id and metric), so a comparison's intervals do
// not change with the order of cases in a file (FNV-1a).
std::uint64_t seed_for(const std::string_view text);

}  // namespace perf::compare
