// The load a case puts on its operation, in the terms load tools share (k6's executors,
// Artillery's phases, JMeter's thread groups): users or arrivals per second ramping through
// stages, think time, an iteration count. Read from the plan's performance_config or, for the
// test types that shape their own load (spike, stress, scalability, ...), from their parameters.
#pragma once

#include "perf/api/test_case.hpp"
#include "perf/export/not_carried.hpp"

#include <cstdint>
#include <vector>

namespace perf::exporter {

// A linear ramp from the previous stage's target (the shape's `start` for the first) to
// `target` over `duration_s`.
struct LoadStage {
  double duration_s = 0;  // run seconds (the plan's seconds times --time-scale)
  double target = 0;      // users (closed) or requests per second (open)
};

struct LoadShape {
  bool open = false;              // arrivals per second instead of users
  double start = 0;               // users or req/s when the first stage begins
  std::vector<LoadStage> stages;  // never empty
  double think_time_s = 0;        // closed: pause after each request (real seconds)
  std::uint64_t iterations = 0;   // closed: > 0 stops after this many requests in all
  double timeout_s = 30;          // per request

  double duration_s() const;  // sum of the stages
  double peak() const;        // the largest target (users or req/s)
  bool constant() const;      // one level from start to end (no ramp)
};

// `time_scale` multiplies durations as `run --time-scale` does (think time is not scaled).
// What the case's test type does beyond this load (probes, steps it judges one by one) goes to
// `notes`.
LoadShape load_shape(const api::TestCase& c, double time_scale, NotCarried& notes);

}  // namespace perf::exporter
