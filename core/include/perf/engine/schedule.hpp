// How many users (closed model) or requests per second (open model) a phase asks for at each
// moment: piecewise linear through its stages, like k6's ramping executors.
#pragma once

#include "perf/api/load.hpp"

#include <limits>
#include <vector>

namespace perf::engine {

class Schedule {
 public:
  // `value` from the start, reached linearly over `ramp_up_s` (0: at once), held until duration.
  static Schedule constant(double value, double duration_s, double ramp_up_s = 0);
  // Linear from `start_value` through each stage's target.
  static Schedule staged(const std::vector<api::Stage>& stages, double start_value = 0);
  static Schedule of(const api::Phase& phase);

  double value_at(double t_s) const;
  double duration_s() const { return points_.empty() ? 0 : points_.back().t; }
  double peak() const;
  // The earliest time at or after `from_s` when the value exceeds `threshold`; +inf if never.
  double first_time_above(double threshold, double from_s) const;
  // The time t >= from_s at which the area under the schedule from from_s reaches `area`: with
  // the schedule in requests per second, when `area` more arrivals are due. Exact for the
  // piecewise linear stages; the last value holds after the end. +inf if the rate stays 0.
  double time_after_area(double from_s, double area) const;

  static constexpr double never = std::numeric_limits<double>::infinity();

 private:
  struct Point {
    double t, v;
  };
  std::vector<Point> points_;
};

}  // namespace perf::engine
