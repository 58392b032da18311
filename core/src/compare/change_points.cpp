#include "perf/compare/change_points.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace perf::compare {

namespace {

// Sums of |x_i - x_j| over rectangles of index pairs in O(1), from a prefix table of the
// distance matrix: the energy statistic of every split of a segment costs O(1) after O(n²) setup.
class DistanceSums {
 public:
  explicit DistanceSums(const std::vector<double>& x) : n_(x.size()), prefix_((n_ + 1) * (n_ + 1)) {
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t j = 0; j < n_; ++j)
        at(i + 1, j + 1) = std::abs(x[i] - x[j]) + at(i, j + 1) + at(i + 1, j) - at(i, j);
  }
  // Σ |x_i - x_j| for i in [a, b), j in [c, d).
  double rect(std::size_t a, std::size_t b, std::size_t c, std::size_t d) const {
    return get(b, d) - get(a, d) - get(b, c) + get(a, c);
  }
  // Σ over pairs i < j, both in [a, b).
  double within(std::size_t a, std::size_t b) const { return rect(a, b, a, b) / 2; }

 private:
  double& at(std::size_t i, std::size_t j) { return prefix_[i * (n_ + 1) + j]; }
  double get(std::size_t i, std::size_t j) const { return prefix_[i * (n_ + 1) + j]; }
  std::size_t n_;
  std::vector<double> prefix_;
};

struct Split {
  std::size_t at = 0;  // first index of the right part
  double q = -1;       // the scaled energy statistic; -1 when the segment cannot be split
};

// Matteson & James's Q̂(τ) with α = 1 for [begin, end) split at t: the distance between the two
// parts' distributions, weighted by how many values each holds.
double q_of(const DistanceSums& d, std::size_t begin, std::size_t t, std::size_t end) {
  const double m = double(t - begin), k = double(end - t);
  const double between = 2.0 / (m * k) * d.rect(begin, t, t, end);
  const double left = m > 1 ? d.within(begin, t) / (m * (m - 1) / 2) : 0;
  const double right = k > 1 ? d.within(t, end) / (k * (k - 1) / 2) : 0;
  return m * k / (m + k) * (between - left - right);
}

// The largest Q̂ over the splits of [begin, end) that leave `min_size` values on each side.
Split best_split(const DistanceSums& d, std::size_t begin, std::size_t end, std::size_t min_size) {
  Split best;
  for (std::size_t t = begin + min_size; t + min_size <= end; ++t)
    if (const double q = q_of(d, begin, t, end); q > best.q) best = {t, q};
  return best;
}

// The best split over all current segments: where the next change point would go.
Split best_over(const DistanceSums& d, const std::vector<std::size_t>& bounds,
                std::size_t min_size) {
  Split best;
  for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
    const Split split = best_split(d, bounds[s], bounds[s + 1], min_size);
    if (split.q > best.q) best = split;
  }
  return best;
}

double mean(const std::vector<double>& x, std::size_t a, std::size_t b) {
  double sum = 0;
  for (std::size_t i = a; i < b; ++i) sum += x[i];
  return sum / double(b - a);
}

}  // namespace

double split_statistic(const std::vector<double>& series, std::size_t begin, std::size_t split,
                       std::size_t end) {
  return q_of(DistanceSums(series), begin, split, end);
}

std::vector<ChangePoint> find_change_points(const std::vector<double>& series,
                                            const ChangePointOptions& options) {
  const std::size_t n = series.size();
  const std::size_t min_size = std::max<std::size_t>(options.min_segment, 1);
  std::vector<std::size_t> bounds{0, n};              // segment boundaries, sorted
  std::vector<std::pair<std::size_t, double>> found;  // (index, p-value)
  std::mt19937_64 rng(options.seed);
  const DistanceSums observed(series);
  while (true) {
    const Split split = best_over(observed, bounds, min_size);
    if (split.q < 0) break;
    // Permutation test: shuffle the values within each current segment (the levels already
    // found stay), and count how often the best split of the shuffled series is as strong.
    std::size_t as_strong = 0;
    std::vector<double> shuffled = series;
    for (std::size_t r = 0; r < options.permutations; ++r) {
      for (std::size_t s = 0; s + 1 < bounds.size(); ++s)
        // Fisher–Yates with the generator's raw output: the same draws on every platform.
        for (std::size_t i = bounds[s + 1] - 1; i > bounds[s]; --i)
          std::swap(shuffled[i], shuffled[bounds[s] + rng() % (i - bounds[s] + 1)]);
      const DistanceSums permuted(shuffled);
      // A relative margin: the same split in another order gives the same statistic up to
      // rounding, and must count as "as strong".
      if (best_over(permuted, bounds, min_size).q >= split.q * (1 - 1e-9)) ++as_strong;
    }
    const double p = double(as_strong + 1) / double(options.permutations + 1);
    if (p > options.alpha) break;
    found.emplace_back(split.at, p);
    bounds.insert(std::upper_bound(bounds.begin(), bounds.end(), split.at), split.at);
  }
  std::sort(found.begin(), found.end());
  std::vector<ChangePoint> out;
  for (const auto& [index, p] : found) {
    const auto it = std::find(bounds.begin(), bounds.end(), index);
    ChangePoint cp;
    cp.index = index;
    cp.p_value = p;
    cp.before = mean(series, *(it - 1), index);
    cp.after = mean(series, index, *(it + 1));
    out.push_back(cp);
  }
  return out;
}

}  // namespace perf::compare
