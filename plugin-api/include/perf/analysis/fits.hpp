// Fits the test types use to turn series into findings: ordinary least squares, the robust
// Theil–Sen slope, and the Universal Scalability Law.
#pragma once

#include <optional>
#include <vector>

namespace perf::analysis {

struct Point {
  double x, y;
};

struct LineFit {
  double slope = 0;
  double intercept = 0;
  double r_squared = 0;  // of the fitted line on the points
};

// Least squares; nullopt with fewer than two distinct x values.
std::optional<LineFit> least_squares(const std::vector<Point>& points);

// Theil–Sen: the median of all pairwise slopes, robust to outliers (about 29 % of points may be
// wild without moving it); the intercept is the median of y - slope·x.
std::optional<LineFit> theil_sen(const std::vector<Point>& points);

// Universal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1)), fitted by least squares on
// N/X = 1/λ + (σ/λ)(N−1) + (κ/λ)N(N−1); σ and κ constrained to be non-negative.
struct UslFit {
  double lambda = 0;  // throughput of one user
  double sigma = 0;   // contention
  double kappa = 0;   // coherency
  double r_squared = 0;
  double peak_users = 0;       // N where X peaks (infinite when κ = 0: reported as 0)
  double peak_throughput = 0;  // X at the peak, or the asymptote λ/σ when κ = 0
  double throughput_at(double n) const {
    return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
  }
};
// Needs at least three points with distinct N; nullopt otherwise.
std::optional<UslFit> fit_usl(const std::vector<Point>& users_throughput);

double median(std::vector<double> values);

}  // namespace perf::analysis
