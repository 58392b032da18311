// Samples the agent's own CPU and memory and, when configured, the target's: from /proc for
// --target-pid, or from a Prometheus endpoint for --target-metrics
// (process_resident_memory_bytes, process_cpu_seconds_total). Runs on the shared executor, one
// sample per interval; readers get the latest sample from any thread.
#pragma once

#include "perf/api/load.hpp"
#include "perf/http/target.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace perf::monitor {

struct MonitorOptions {
  std::optional<int> target_pid;
  std::string target_metrics_url;
  double interval_s = 1.0;
};

// Parses Prometheus text exposition; nullopt when the metric is absent.
std::optional<double> prometheus_value(std::string_view text, std::string_view metric);

class ResourceMonitor {
 public:
  ResourceMonitor(boost::asio::io_context::executor_type executor, MonitorOptions options);
  ~ResourceMonitor();

  bool watches_target() const {
    return options_.target_pid || !options_.target_metrics_url.empty();
  }
  std::string target_description() const;

  void start();  // begins periodic sampling
  void stop();
  // Takes one sample now (also used by start's loop).
  boost::asio::awaitable<void> sample_once();

  api::ResourceSample latest() const;
  double target_rss_mb() const;  // -1 when unknown

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::io_context::executor_type executor_;
  MonitorOptions options_;
  std::shared_ptr<const http::Target> metrics_target_;
  mutable std::mutex mutex_;
  api::ResourceSample latest_;
  double last_cpu_s_ = 0;
  std::chrono::steady_clock::time_point last_time_;
  std::shared_ptr<std::atomic<bool>> running_;
};

}  // namespace perf::monitor
