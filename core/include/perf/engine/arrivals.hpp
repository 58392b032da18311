// When the requests of an open-model phase start: the whole phase's arrival times, 1/rate apart
// (uniform) or as a Poisson process, following the rate stages exactly.
//
// Every engine thread walks the same sequence and takes every N-th arrival. So N threads
// together offer arrivals exactly 1/rate apart with nothing shared between them: each computes
// the (cheap) times of the arrivals it skips, instead of the threads agreeing on a clock.
#pragma once

#include "perf/engine/schedule.hpp"

#include <cstdint>
#include <random>

namespace perf::engine {

enum class ArrivalProcess { uniform, poisson };

class Arrivals {
 public:
  // `seed` must be the same on every thread, so that they walk the same Poisson sequence.
  Arrivals(const Schedule& schedule, ArrivalProcess process, std::uint64_t seed);

  // The time of the next arrival in seconds from the phase start; Schedule::never when the
  // rate stays 0 from here on.
  double next();

 private:
  const Schedule& schedule_;
  ArrivalProcess process_;
  std::mt19937_64 random_;
  std::exponential_distribution<double> unit_exponential_{1.0};
  double last_ = -1;  // < 0: no arrival yet
};

}  // namespace perf::engine
