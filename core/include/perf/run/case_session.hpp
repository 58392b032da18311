// The Session a running test case gets (the core side of the plugin interface): load phases on
// the shared engine, probe requests, sleeps that end early on a stop request, resources.
#pragma once

#include "perf/api/session.hpp"
#include "perf/engine/load_engine.hpp"
#include "perf/http/connection.hpp"
#include "perf/monitor/resource_monitor.hpp"
#include "perf/run/metrics_bus.hpp"
#include "perf/run/request_decoration.hpp"
#include "perf/run/stop_signal.hpp"

#include <map>
#include <memory>
#include <string>

namespace perf::run {

// Shared by every case of one run.
struct RunContext {
  exec::Executor& executor;
  engine::LoadEngine& engine;
  MetricsBus& bus;
  const api::Settings& settings;
  StopSignal& stop;
  monitor::ResourceMonitor* monitor = nullptr;  // null when nothing is monitored
  RequestDecoration decoration;
};

class CaseSession final : public api::Session {
 public:
  CaseSession(RunContext& run, std::string case_id, std::string base_url);

  boost::asio::any_io_executor executor() override;
  boost::asio::awaitable<api::PhaseResult> load(api::Phase phase) override;
  boost::asio::awaitable<api::Exchange> send(api::RequestSpec request,
                                             api::ProbeOptions options) override;
  boost::asio::awaitable<void> sleep(double seconds) override;
  const api::Settings& settings() const override { return run_.settings; }
  api::ResourceSample resources() override;
  bool stop_requested() const override { return run_.stop.requested(); }
  void progress(std::string_view line) override;

  // Every probe this case sent (Session::send), counted like load: the Runner adds them to the
  // case's metrics so probe-based test types report what they sent.
  const api::Metrics& probe_metrics() const { return probes_; }

  // A phase's plan seconds as run: duration, ramp-up and stages multiplied by --time-scale.
  static api::Phase scaled(api::Phase phase, double time_scale);

 private:
  std::shared_ptr<const http::Target> target_for(const std::string& base_url);

  RunContext& run_;
  std::string case_id_;
  std::string base_url_;
  std::map<std::string, std::shared_ptr<const http::Target>> targets_;
  // Kept-alive probe connections by base URL.
  std::multimap<std::string, std::unique_ptr<http::Connection>> idle_;
  api::Metrics probes_;
};

}  // namespace perf::run
