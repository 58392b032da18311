// Run settings as a plugin sees them, after CLI > environment > config file > defaults.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace perf::api {

// A named load shape (DESIGN §6): how many users, for how long, how fast they arrive.
struct LoadPattern {
  std::string name;
  int users = 1;
  double duration_s = 30;
  double ramp_up_s = 0;
  double think_time_s = 1;
};

struct Settings {
  // The original agent's seed settings (names kept; environment PERFORMANCE_*).
  int default_users = 10;
  int max_users = 1000;
  double test_duration_s = 60;
  double ramp_up_s = 30;
  double think_time_s = 1;
  double timeout_s = 30;
  double response_threshold_ms = 1000;
  double throughput_threshold_rps = 100;
  double error_threshold_percent = 5.0;

  // Engine and run shape.
  int threads = 0;          // 0: hardware threads
  int max_connections = 0;  // open model bound; 0: automatic
  double time_scale = 1.0;  // multiplies every duration, ramp and step
  std::uint64_t seed = 1;
  std::size_t max_body_capture_bytes = 1 << 20;
  std::string target;  // --target override, "" when the spec's server is used

  // Explicit overrides from the command line (quick mode): when set they replace the patterns.
  std::optional<int> users;
  std::optional<double> duration_s;
  std::optional<double> ramp_up_s_override;
  std::optional<double> think_time_s_override;
  std::optional<double> rate_rps;
  std::optional<std::string> pattern;
  std::vector<std::pair<double, double>> stages;  // --stage: (seconds, users or req/s)
  std::optional<std::uint64_t> iterations;        // --iterations: requests in all
  double graceful_stop_s = 30;  // --graceful-stop: flow iterations may finish this long (real s)

  std::vector<LoadPattern> patterns;  // defaults plus the config file's custom ones
  boost::json::object test_options;   // per test type, from the config file: {"stress_test": {...}}

  const LoadPattern* find_pattern(std::string_view name) const {
    for (const auto& p : patterns)
      if (p.name == name) return &p;
    return nullptr;
  }
  // A duration from the plan, shrunk or stretched by --time-scale.
  double scaled(double seconds) const { return seconds * time_scale; }
};

}  // namespace perf::api
