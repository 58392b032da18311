#include "perf/engine/schedule.hpp"

#include <algorithm>
#include <cmath>

namespace perf::engine {

Schedule Schedule::constant(double value, double duration_s, double ramp_up_s) {
  Schedule s;
  ramp_up_s = std::clamp(ramp_up_s, 0.0, duration_s);
  if (ramp_up_s > 0) {
    s.points_.push_back({0, 0});
    s.points_.push_back({ramp_up_s, value});
  } else {
    s.points_.push_back({0, value});
  }
  s.points_.push_back({duration_s, value});
  return s;
}

Schedule Schedule::staged(const std::vector<api::Stage>& stages, double start_value) {
  Schedule s;
  double t = 0;
  s.points_.push_back({0, start_value});
  for (const auto& stage : stages) {
    t += std::max(0.0, stage.duration_s);
    s.points_.push_back({t, stage.target});
  }
  return s;
}

Schedule Schedule::of(const api::Phase& phase) {
  const bool open = phase.model == api::LoadModel::open;
  if (!phase.stages.empty()) return staged(phase.stages);
  return constant(open ? phase.rate_rps : double(phase.users), phase.duration_s,
                  open ? 0.0 : phase.ramp_up_s);
}

double Schedule::value_at(double t) const {
  if (points_.empty()) return 0;
  if (t <= points_.front().t) return points_.front().v;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const auto& a = points_[i - 1];
    const auto& b = points_[i];
    if (t <= b.t) {
      if (b.t <= a.t) return b.v;
      return a.v + (b.v - a.v) * (t - a.t) / (b.t - a.t);
    }
  }
  return points_.back().v;
}

double Schedule::peak() const {
  double p = 0;
  for (const auto& point : points_) p = std::max(p, point.v);
  return p;
}

double Schedule::first_time_above(double threshold, double from) const {
  if (value_at(from) > threshold) return from;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const auto& a = points_[i - 1];
    const auto& b = points_[i];
    if (b.t < from || b.v <= threshold) continue;
    // Crosses the threshold inside this segment.
    double t = a.v >= b.v ? a.t : a.t + (threshold - a.v) / (b.v - a.v) * (b.t - a.t);
    t = std::max(t, from);
    // Step just past the crossing so value_at(t) > threshold holds.
    const double epsilon = 1e-6;
    return std::min(b.t, t + epsilon);
  }
  return never;
}

double Schedule::time_after_area(double from, double area) const {
  if (points_.empty()) return never;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const auto& a = points_[i - 1];
    const auto& b = points_[i];
    if (b.t <= from || b.t <= a.t) continue;
    const double start = std::max(from, a.t);
    const double slope = (b.v - a.v) / (b.t - a.t);
    const double r0 = a.v + slope * (start - a.t);
    const double length = b.t - start;
    const double segment_area = r0 * length + slope * length * length / 2;
    if (area <= segment_area) {
      // r0*x + slope*x^2/2 = area, in the form that needs no division by the slope (which may be
      // 0 or negative); the root is real because the area is within the segment's.
      const double root = std::sqrt(std::max(0.0, r0 * r0 + 2 * slope * area));
      const double denominator = r0 + root;
      return denominator > 0 ? start + 2 * area / denominator : start;
    }
    area -= segment_area;
    from = b.t;
  }
  const double last = points_.back().v;
  if (last <= 0) return never;
  return std::max(from, points_.back().t) + area / last;
}

}  // namespace perf::engine
