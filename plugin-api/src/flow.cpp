#include "perf/api/flow.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace perf::api {

namespace json = boost::json;

void FlowMetrics::merge(const FlowMetrics& other) {
  iterations += other.iterations;
  failed_iterations += other.failed_iterations;
  interrupted_iterations += other.interrupted_iterations;
  for (const auto& [reason, n] : other.failures) failures[reason] += n;
  iteration_duration.merge(other.iteration_duration);
}

json::object FlowMetrics::to_json() const {
  json::object reasons;
  for (const auto& [reason, n] : failures) reasons[reason] = n;
  const auto& d = iteration_duration;
  auto ms = [](std::uint64_t us) { return std::round(double(us)) / 1000.0; };
  json::object duration{{"count", d.count()}, {"histogram", d.to_json()}};
  if (d.count()) {
    duration["avg"] = std::round(d.mean_us()) / 1000.0;
    duration["min"] = ms(d.min_us());
    duration["p50"] = ms(d.value_at_percentile(50));
    duration["p95"] = ms(d.value_at_percentile(95));
    duration["p99"] = ms(d.value_at_percentile(99));
    duration["max"] = ms(d.max_us());
  }
  return json::object{{"iterations", iterations},
                      {"failed_iterations", failed_iterations},
                      {"interrupted_iterations", interrupted_iterations},
                      {"failures", std::move(reasons)},
                      {"iteration_duration", std::move(duration)}};
}

FlowMetrics FlowMetrics::from_json(const json::object& o) {
  FlowMetrics m;
  auto count = [&](const char* key) -> std::uint64_t {
    const auto* v = o.if_contains(key);
    return v && v->is_number() ? v->to_number<std::uint64_t>() : 0;
  };
  m.iterations = count("iterations");
  m.failed_iterations = count("failed_iterations");
  m.interrupted_iterations = count("interrupted_iterations");
  if (const auto* f = o.if_contains("failures"); f && f->is_object())
    for (const auto& [reason, n] : f->as_object())
      if (n.is_number()) m.failures[std::string(reason)] = n.to_number<std::uint64_t>();
  if (const auto* d = o.if_contains("iteration_duration"); d && d->is_object())
    if (const auto* h = d->as_object().if_contains("histogram"))
      m.iteration_duration = LatencyDistribution::from_json(*h);
  return m;
}

void merge_steps(std::vector<StepResult>& into, const std::vector<StepResult>& more) {
  for (const auto& step : more) {
    auto it = std::find_if(into.begin(), into.end(), [&](const StepResult& s) {
      return s.flow == step.flow && s.name == step.name;
    });
    if (it == into.end())
      into.push_back(step);
    else
      it->metrics.append(step.metrics);
  }
}

}  // namespace perf::api
