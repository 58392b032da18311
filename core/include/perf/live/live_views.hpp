// The live views of runs (DESIGN §10.3), shared by `perf-agent serve` and `run --live`: a
// LiveFeed per task (the WebSocket stream `/api/v1/tasks/{id}/live`), one Prometheus exposition
// over every run (`/metrics`), and the dashboard page (`/`). Runs hand in their metrics bus before
// they start; the views only observe it.
#pragma once

#include "perf/live/live_feed.hpp"
#include "perf/live/prometheus_exposition.hpp"
#include "perf/server/bearer_token.hpp"
#include "perf/server/http_server.hpp"

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace perf::live {

class LiveViews {
 public:
  // Feeds of this many tasks are kept (a late client still gets a finished task's series); the
  // oldest go first.
  static constexpr std::size_t kept_tasks = 32;

  explicit LiveViews(const server::BearerToken& token) : token_(token) {}

  // Subscribes the task's feed and the exposition to `bus`: call before the run starts.
  // `owner_ends`: the stream's `end` comes from finish(), with the owner's status for the task.
  void watch(const std::string& task_id, run::MetricsBus& bus, bool owner_ends = false);
  // Ends the task's stream with `status` (nothing when it has none or has ended).
  void finish(const std::string& task_id, const std::string& status, int exit_code = 0);
  std::shared_ptr<LiveFeed> feed(const std::string& task_id) const;
  PrometheusExposition& exposition() { return *exposition_; }

  // GET / (the dashboard, following `initial_task` first when given), GET /metrics (behind the
  // token: its own guard, since it is outside /api/), and the WebSocket upgrade of
  // /api/v1/tasks/{id}/live (404 for a task never watched).
  void add_routes(server::Router& router, const std::string& initial_task = "");

 private:
  const server::BearerToken& token_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<LiveFeed>> feeds_;
  std::deque<std::string> order_;  // task ids, oldest first
  std::shared_ptr<PrometheusExposition> exposition_ = std::make_shared<PrometheusExposition>();
};

}  // namespace perf::live
