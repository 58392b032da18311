// How long a plan will take: the sum of its cases' planned seconds (set by each test type at plan
// time, TestCase::parameters "planned_seconds") after --time-scale, and the test types that take
// most of it. `plan` and the start of `run` print it, so that a run of an hour and a half never
// starts unannounced; the progress display counts it down.
#pragma once

#include "perf/api/test_case.hpp"

#include <optional>
#include <string>
#include <vector>

namespace perf::plan {

// A case's planned run seconds after `time_scale`; none when its test type sends a fixed number of
// requests (or is a plugin that does not say).
std::optional<double> planned_seconds(const api::TestCase& c, double time_scale);

struct PlannedTime {
  double seconds = 0;  // run seconds, after --time-scale
  std::size_t cases = 0, untimed_cases = 0;
  struct Share {
    std::string test_type;
    std::size_t cases = 0;
    double longest_s = 0;  // its longest case
    double seconds = 0;    // all its cases
  };
  std::vector<Share> by_type;  // most time first
};

PlannedTime planned_time(const std::vector<api::TestCase>& cases, double time_scale);

// "45 s", "3 min 20 s", "1 h 32 min".
std::string duration_text(double seconds);

// "planned 16 h 24 min for 303 cases (51 of them send a fixed number of requests, not counted),
// of which endurance_test 21 × up to 30 min, load_test 63 × up to 3 min; shorten with --tests or
// --time-scale".
std::string planned_time_text(const PlannedTime& planned);

}  // namespace perf::plan
