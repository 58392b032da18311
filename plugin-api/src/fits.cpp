#include "perf/analysis/fits.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace perf::analysis {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

namespace {
double r_squared(const std::vector<Point>& p, double slope, double intercept) {
  double mean = 0;
  for (const auto& q : p) mean += q.y;
  mean /= double(p.size());
  double total = 0, residual = 0;
  for (const auto& q : p) {
    total += (q.y - mean) * (q.y - mean);
    const double e = q.y - (slope * q.x + intercept);
    residual += e * e;
  }
  return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : 0);
}
}  // namespace

std::optional<LineFit> least_squares(const std::vector<Point>& p) {
  if (p.size() < 2) return std::nullopt;
  double mx = 0, my = 0;
  for (const auto& q : p) mx += q.x, my += q.y;
  mx /= double(p.size());
  my /= double(p.size());
  double sxx = 0, sxy = 0;
  for (const auto& q : p) sxx += (q.x - mx) * (q.x - mx), sxy += (q.x - mx) * (q.y - my);
  if (sxx <= 0) return std::nullopt;
  LineFit f;
  f.slope = sxy / sxx;
  f.intercept = my - f.slope * mx;
  f.r_squared = r_squared(p, f.slope, f.intercept);
  return f;
}

std::optional<LineFit> theil_sen(const std::vector<Point>& p) {
  if (p.size() < 2) return std::nullopt;
  std::vector<double> slopes;
  // Long series are thinned to at most 400 points so the pairwise step stays cheap.
  std::vector<Point> use;
  const std::size_t stride = std::max<std::size_t>(1, p.size() / 400);
  for (std::size_t i = 0; i < p.size(); i += stride) use.push_back(p[i]);
  for (std::size_t i = 0; i < use.size(); ++i)
    for (std::size_t j = i + 1; j < use.size(); ++j)
      if (use[j].x != use[i].x) slopes.push_back((use[j].y - use[i].y) / (use[j].x - use[i].x));
  if (slopes.empty()) return std::nullopt;
  LineFit f;
  f.slope = median(slopes);
  std::vector<double> intercepts;
  for (const auto& q : p) intercepts.push_back(q.y - f.slope * q.x);
  f.intercept = median(intercepts);
  f.r_squared = r_squared(p, f.slope, f.intercept);
  return f;
}

namespace {
// Least squares for y = a + b·u + c·v (c fixed at 0 when `with_c` is false; b likewise).
bool solve(const std::vector<Point>& p, bool with_b, bool with_c, double& a, double& b, double& c) {
  // Normal equations of up to three unknowns.
  double m[3][4] = {};
  for (const auto& q : p) {
    const double n = q.x;
    const double row[3] = {1.0, with_b ? n - 1 : 0.0, with_c ? n * (n - 1) : 0.0};
    const double y = n / q.y;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) m[i][j] += row[i] * row[j];
      m[i][3] += row[i] * y;
    }
  }
  // Unused unknowns: make their equations trivial (x = 0).
  if (!with_b) m[1][1] = 1, m[1][3] = 0;
  if (!with_c) m[2][2] = 1, m[2][3] = 0;
  for (int col = 0; col < 3; ++col) {
    int pivot = col;
    for (int r = col + 1; r < 3; ++r)
      if (std::fabs(m[r][col]) > std::fabs(m[pivot][col])) pivot = r;
    if (std::fabs(m[pivot][col]) < 1e-12) return false;
    std::swap(m[col], m[pivot]);
    for (int r = 0; r < 3; ++r) {
      if (r == col) continue;
      const double f = m[r][col] / m[col][col];
      for (int k = col; k < 4; ++k) m[r][k] -= f * m[col][k];
    }
  }
  a = m[0][3] / m[0][0];
  b = m[1][3] / m[1][1];
  c = m[2][3] / m[2][2];
  return true;
}
}  // namespace

std::optional<UslFit> fit_usl(const std::vector<Point>& points) {
  std::vector<Point> p;
  for (const auto& q : points)
    if (q.x >= 1 && q.y > 0) p.push_back(q);
  std::set<double> distinct;
  for (const auto& q : p) distinct.insert(q.x);
  if (distinct.size() < 3) return std::nullopt;
  double a = 0, b = 0, c = 0;
  bool ok = solve(p, true, true, a, b, c);
  // Negative coefficients are not physical: drop them and fit again with what is left.
  if (ok && c < 0) ok = solve(p, true, false, a, b, c);
  if (ok && b < 0) ok = solve(p, false, c > 0, a, b, c);
  if (!ok || a <= 0) return std::nullopt;
  UslFit f;
  f.lambda = 1 / a;
  f.sigma = std::max(0.0, b / a);
  f.kappa = std::max(0.0, c / a);
  if (f.kappa > 0) {
    f.peak_users = std::sqrt(std::max(0.0, 1 - f.sigma) / f.kappa);
    f.peak_throughput = f.throughput_at(std::max(1.0, f.peak_users));
  } else {
    f.peak_users = 0;
    f.peak_throughput = f.sigma > 0 ? f.lambda / f.sigma : std::numeric_limits<double>::infinity();
  }
  double mean = 0;
  for (const auto& q : p) mean += q.y;
  mean /= double(p.size());
  double total = 0, residual = 0;
  for (const auto& q : p) {
    total += (q.y - mean) * (q.y - mean);
    const double e = q.y - f.throughput_at(q.x);
    residual += e * e;
  }
  f.r_squared = total > 0 ? 1 - residual / total : 1;
  return f;
}

}  // namespace perf::analysis
