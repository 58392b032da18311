// Prometheus text exposition of runs (DESIGN §10.3): perf_agent_requests_total{case,status},
// perf_agent_request_duration_seconds{case} (histogram), perf_agent_active_users{case} and
// perf_agent_tasks{state}. Fed by the bus of every run it is subscribed to, one interval at a
// time, so counters move while a case runs; labels are bounded (case ids and status classes,
// never URLs). Thread-safe: runs publish from their control threads, scrapes read from the
// server's.
#pragma once

#include "perf/run/metrics_bus.hpp"

#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace perf::live {

class PrometheusExposition final : public run::RunObserver {
 public:
  // Upper bounds of the duration histogram's buckets, seconds (+Inf is added).
  static constexpr std::array<double, 14> bucket_bounds_s = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  // The tasks by state for perf_agent_tasks (the service's queue); unset: no such metric.
  void set_task_states(std::function<std::map<std::string, double>()> states);

  void interval_metrics(const api::Snapshot& s, const api::Metrics& interval) override;
  void case_done(const api::CaseResult& r) override;

  // The exposition, text format 0.0.4.
  std::string text() const;

 private:
  struct CaseSeries {
    std::map<std::string, double> requests;  // by status class: 2xx, 3xx, 4xx, 5xx, error
    std::array<double, bucket_bounds_s.size()> buckets{};  // cumulative, as exposed
    double count = 0, sum_s = 0;
    double active_users = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, CaseSeries> cases_;
  std::function<std::map<std::string, double>()> task_states_;
};

// Content-Type of the text exposition.
inline constexpr const char* exposition_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace perf::live
