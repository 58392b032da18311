#include "perf/compare/change_interval.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>

namespace perf::compare {

namespace {

// The change on the scale the interval is built on: log ratio (so that a halving and a doubling
// are symmetric and a large change gets a skewed interval in percent), or a plain difference.
double on_scale(double base, double now, ChangeScale scale) {
  return scale == ChangeScale::relative ? std::log(now / base) : now - base;
}
double to_report(double x, ChangeScale scale) {
  return scale == ChangeScale::relative ? 100.0 * std::expm1(x) : 100.0 * x;
}

}  // namespace

ChangeInterval change_interval(const SecondSeries& base, const SecondSeries& now, ChangeScale scale,
                               double confidence, std::size_t draws, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t base_block = block_length(base);
  const std::size_t now_block = block_length(now);
  double sum = 0, sum_sq = 0;
  std::size_t kept = 0;
  for (std::size_t b = 0; b < draws; ++b) {
    const double rb = resampled_statistic(base, base_block, rng);
    const double rn = resampled_statistic(now, now_block, rng);
    const double c = on_scale(rb, rn, scale);
    if (!std::isfinite(c)) continue;
    sum += c, sum_sq += c * c, ++kept;
  }
  ChangeInterval out;
  out.base = summarize(base);
  out.now = summarize(now);
  const double centre = on_scale(out.base, out.now, scale);
  out.estimate = to_report(centre, scale);
  const double mean = kept ? sum / double(kept) : 0;
  const double se =
      kept > 1 ? std::sqrt(std::max(0.0, (sum_sq - kept * mean * mean) / double(kept - 1))) : 0;
  // Seconds inside a block are not independent; the blocks nearly are. A run of 9 seconds in
  // blocks of 3 is three observations, and the normal quantile would claim far more certainty.
  const double blocks =
      double(base.size()) / double(base_block) + double(now.size()) / double(now_block);
  const double df = std::max(1.0, blocks - 2);
  const double t = boost::math::quantile(boost::math::students_t(df), 1 - (1 - confidence) / 2);
  out.low = to_report(centre - t * se, scale);
  out.high = to_report(centre + t * se, scale);
  return out;
}

}  // namespace perf::compare
