// The Session a running test case gets (the core side of the plugin interface): load phases on
// the shared engine, probe requests, sleeps that end early on a stop request, resources.
#pragma once

#include "perf/api/session.hpp"
#include "perf/engine/load_engine.hpp"
#include "perf/http/connection.hpp"
#include "perf/metrics/metrics_bus.hpp"
#include "perf/monitor/resource_monitor.hpp"
#include "perf/run/request_decoration.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace perf::run {

// Shared by every case of one run.
struct RunContext {
  exec::Executor& executor;
  engine::LoadEngine& engine;
  metrics::MetricsBus& bus;
  const api::Settings& settings;
  std::atomic<bool>& stop;
  monitor::ResourceMonitor* monitor = nullptr;  // null when nothing is monitored
  RequestDecoration decoration;
  std::function<void(std::string_view)> progress;  // null: progress lines are dropped
};

class CaseSession final : public api::Session {
 public:
  CaseSession(RunContext& run, std::string case_id, std::string base_url);

  boost::asio::any_io_executor executor() override;
  boost::asio::awaitable<api::PhaseResult> load(api::Phase phase) override;
  boost::asio::awaitable<api::Exchange> send(api::RequestSpec request,
                                             api::ProbeOptions options) override;
  boost::asio::awaitable<void> sleep(double seconds) override;
  api::MetricsBus& bus() override { return run_.bus; }
  const api::Settings& settings() const override { return run_.settings; }
  api::ResourceSample resources() override;
  bool stop_requested() const override { return run_.stop.load(); }
  void progress(std::string_view line) override;

  // Every probe this case sent (Session::send), counted like load: the host adds them to the
  // case's metrics so probe-based test types report what they sent.
  const metrics::RunMetrics& probe_metrics() const { return probes_; }

 private:
  std::shared_ptr<const http::Target> target_for(const std::string& base_url);

  RunContext& run_;
  std::string case_id_;
  std::string base_url_;
  std::map<std::string, std::shared_ptr<const http::Target>> targets_;
  // Kept-alive probe connections by base URL.
  std::multimap<std::string, std::unique_ptr<http::Connection>> idle_;
  metrics::RunMetrics probes_;
};

}  // namespace perf::run
