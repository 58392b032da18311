#include "perf/export/load_shape.hpp"

#include <algorithm>
#include <numeric>

namespace perf::exporter {

namespace json = boost::json;

namespace {

double number(const json::object& o, const char* key, double fallback) {
  const auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : fallback;
}

std::vector<double> numbers(const json::object& o, const char* key) {
  std::vector<double> out;
  if (const auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& e : v->as_array())
      if (e.is_number()) out.push_back(e.to_number<double>());
  return out;
}

// The shape phase_from_config (the SDK) gives load, endurance and response_time cases.
LoadShape from_performance_config(const json::object& config) {
  LoadShape s;
  const double duration = number(config, "duration_seconds", 60);
  const double rate = number(config, "rate_rps", 0);
  s.open = rate > 0;
  if (const auto* stages = config.if_contains("stages"); stages && stages->is_array()) {
    for (const auto& st : stages->as_array())
      if (const auto* a = st.if_array(); a && a->size() == 2 && (*a)[0].is_number())
        s.stages.push_back({(*a)[0].to_number<double>(), (*a)[1].to_number<double>()});
    if (!s.stages.empty()) return s;
  }
  if (s.open) {
    s.start = rate;
    s.stages = {{duration, rate}};
    return s;
  }
  const double users = std::max(1.0, number(config, "concurrent_users", 1));
  const double ramp = std::min(duration, number(config, "ramp_up_seconds", 0));
  s.think_time_s = number(config, "think_time", 0);
  s.iterations = std::uint64_t(number(config, "iterations", 0));
  if (ramp > 0) {
    s.stages = {{ramp, users}};
    if (duration > ramp) s.stages.push_back({duration - ramp, users});
  } else {
    s.start = users;
    s.stages = {{duration, users}};
  }
  return s;
}

// Steps of users (or req/s), each held for `step_s`: stress and scalability tests.
LoadShape staircase(const std::vector<double>& steps, double step_s, bool open) {
  LoadShape s;
  s.open = open;
  for (double level : steps) {
    s.stages.push_back({0.01, level});  // a step, not a ramp
    s.stages.push_back({step_s, level});
  }
  return s;
}

}  // namespace

LoadShape load_shape(const api::TestCase& c, double time_scale, NotCarried& notes) {
  const auto& p = c.parameters;
  const auto& type = c.test_type;
  LoadShape s;
  if (type == "spike_test") {
    // As the spike plugin shapes it: baseline, ramp to the spike, hold, drop, recovery.
    const double base = number(p, "baseline_users", 10), spike = number(p, "spike_users", 100);
    s.stages = {{0.01, base},
                {number(p, "baseline_duration", 30), base},
                {std::max(0.1, number(p, "ramp_up", 5)), spike},
                {number(p, "spike_duration", 60), spike},
                {0.01, base},
                {number(p, "recovery_duration", 60), base}};
    s.think_time_s = number(p, "think_time", 0);
    notes.add(c.id, "spike_test's recovery verdict (recovery_tolerance) is perf-agent's analysis");
  } else if (type == "stress_test" || type == "scalability_test" ||
             type == "connection_pool_test") {
    const auto rates = numbers(p, "rate_steps");
    const bool open = !rates.empty();
    s = staircase(open ? rates : numbers(p, "steps"), number(p, "step_duration", 30), open);
    if (!open) s.think_time_s = number(p, "think_time", 0);
    notes.add(c.id, type +
                        ": the steps run as one ramp; the breaking point, knee or scaling "
                        "efficiency per step is perf-agent's analysis");
  } else if (c.performance_config.contains("concurrent_users") ||
             c.performance_config.contains("rate_rps") || c.performance_config.contains("stages")) {
    s = from_performance_config(c.performance_config);
    if (type == "endurance_test")
      notes.add(c.id,
                "endurance_test's drift checks (p95, throughput, memory over time) are "
                "perf-agent's analysis");
  } else {
    // Probe-based test types: their requests under the load they name, if any.
    const double users = number(p, "users", 1);
    const double duration = number(p, "duration", number(p, "step_duration", 10));
    s.start = users;
    s.stages = {{duration, users}};
    s.think_time_s = number(p, "think_time", number(c.performance_config, "think_time", 0));
    notes.add(c.id, type +
                        "'s own probes and analysis are not carried over; the script sends "
                        "its requests with " +
                        std::to_string(int(users)) + " user(s) for " +
                        std::to_string(int(duration)) + " s");
  }
  s.timeout_s = number(c.performance_config, "timeout", 30);
  if (s.stages.empty()) s.stages = {{10, std::max(1.0, s.start)}};
  for (auto& st : s.stages) st.duration_s *= time_scale;
  return s;
}

double LoadShape::duration_s() const {
  return std::accumulate(stages.begin(), stages.end(), 0.0,
                         [](double sum, const LoadStage& st) { return sum + st.duration_s; });
}

double LoadShape::peak() const {
  double p = start;
  for (const auto& st : stages) p = std::max(p, st.target);
  return p;
}

bool LoadShape::constant() const {
  return std::all_of(stages.begin(), stages.end(),
                     [&](const LoadStage& st) { return st.target == start; });
}

}  // namespace perf::exporter
