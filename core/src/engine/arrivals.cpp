#include "perf/engine/arrivals.hpp"

namespace perf::engine {

Arrivals::Arrivals(const Schedule& schedule, ArrivalProcess process, std::uint64_t seed)
    : schedule_(schedule), process_(process), random_(seed) {}

double Arrivals::next() {
  if (last_ == Schedule::never) return last_;
  // The area under the rate between two arrivals is 1 (uniform) or a unit exponential (Poisson:
  // a non-homogeneous Poisson process by time rescaling, so ramps keep their shape).
  const double gap = process_ == ArrivalProcess::poisson ? unit_exponential_(random_) : 1.0;
  if (last_ < 0) {
    // The first arrival comes as soon as the rate is above 0 (at 0 for a constant rate); with
    // Poisson arrivals, after a first random gap.
    const double start = schedule_.first_time_above(0, 0);
    last_ = process_ == ArrivalProcess::poisson && start != Schedule::never
                ? schedule_.time_after_area(start, gap)
                : start;
  } else {
    last_ = schedule_.time_after_area(last_, gap);
  }
  return last_;
}

}  // namespace perf::engine
