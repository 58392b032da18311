#include "perf/compare/block_bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace perf::compare {

namespace {

constexpr double not_a_value = std::numeric_limits<double>::quiet_NaN();

// The statistic over the seconds `chosen` (indices, repeats allowed).
double statistic(const SecondSeries& s, const std::vector<std::size_t>& chosen,
                 std::vector<double>& scratch) {
  if (chosen.empty()) return not_a_value;
  if (s.summary == SecondSeries::Summary::ratio_of_sums) {
    double num = 0, den = 0;
    for (const auto i : chosen) num += s.numerator[i], den += s.denominator[i];
    return den > 0 ? num / den : not_a_value;
  }
  scratch.clear();
  for (const auto i : chosen) scratch.push_back(s.numerator[i] / s.denominator[i]);
  const std::size_t half = scratch.size() / 2;
  std::nth_element(scratch.begin(), scratch.begin() + half, scratch.end());
  const double upper = scratch[half];
  if (scratch.size() % 2) return upper;
  return (upper + *std::max_element(scratch.begin(), scratch.begin() + half)) / 2;
}

}  // namespace

double summarize(const SecondSeries& series) {
  std::vector<std::size_t> all(series.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<double> scratch;
  return statistic(series, all, scratch);
}

double lag1_autocorrelation(const SecondSeries& series) {
  const std::size_t n = series.size();
  if (n < 3) return 0;
  std::vector<double> x(n);
  double mean = 0;
  for (std::size_t i = 0; i < n; ++i) mean += x[i] = series.numerator[i] / series.denominator[i];
  mean /= double(n);
  double c0 = 0, c1 = 0;
  for (std::size_t i = 0; i < n; ++i) c0 += (x[i] - mean) * (x[i] - mean);
  for (std::size_t i = 1; i < n; ++i) c1 += (x[i] - mean) * (x[i - 1] - mean);
  return c0 > 0 ? c1 / c0 : 0;
}

std::size_t block_length(const SecondSeries& series) {
  const std::size_t n = series.size();
  if (n < 2) return 1;
  const double root = std::cbrt(double(n));
  // The sample autocorrelation of a short series is biased low by about (1 + 4ρ) / n (Marriott
  // & Pope 1954); corrected, or a 9-second run would look independent when it is not. Negative or
  // tiny correlation: the minimum; near 1 the formula explodes, n / 2 caps it.
  const double r = lag1_autocorrelation(series);
  const double rho = std::clamp(r + (1 + 4 * r) / double(n), 0.0, 0.95);
  const double fitted = std::cbrt(6 * rho * rho / std::pow(1 - rho * rho, 2)) * root;
  const double b = std::max(std::ceil(root), std::ceil(fitted));
  return std::size_t(std::min(b, std::max(1.0, std::floor(double(n) / 2))));
}

double resampled_statistic(const SecondSeries& series, std::size_t block, std::mt19937_64& rng) {
  const std::size_t n = series.size();
  if (n == 0) return not_a_value;
  std::vector<std::size_t> chosen;
  chosen.reserve(n);
  std::size_t taken = 0;
  while (taken < n) {
    // The modulo's bias is below 2^-50 for any series we see; what matters is that the draws are
    // the same on every platform, which std::uniform_int_distribution does not promise.
    const std::size_t start = std::size_t(rng() % n);
    for (std::size_t k = 0; k < block && taken < n; ++k, ++taken) chosen.push_back((start + k) % n);
  }
  std::vector<double> scratch;
  return statistic(series, chosen, scratch);
}

double quantile(const std::vector<double>& sorted, double q) {
  const double h = (double(sorted.size()) - 1) * q;
  const auto lo = std::size_t(std::floor(h));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

std::uint64_t seed_for(const std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace perf::compare
