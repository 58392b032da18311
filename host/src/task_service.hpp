// The task API of `perf-agent serve` (DESIGN §10.3): submit, status, list and cancel, each a
// route on the shared HTTP server; tasks go through the queue to their Runners and every state
// change is written to the task store, a finished run also to the run history.
#pragma once

#include "task_queue.hpp"

#include "perf/compare/history_store.hpp"
#include "perf/server/http_server.hpp"
#include "perf/service/task_store.hpp"

#include <memory>
#include <mutex>

namespace perf::host {

struct ServiceLimits {
  std::size_t max_running = 1;
  std::size_t max_queued = 16;
  std::chrono::seconds retry_after{5};  // the 429's Retry-After
};

class TaskService {
 public:
  TaskService(service::TaskStore& store, compare::HistoryStore& history,
              const plugins::PluginRegistry& registry, TaskPolicy policy, ServiceLimits limits);

  // At start: tasks left `running` by a process that died become error ("interrupted");
  // tasks left `queued` are queued again (or fail, naming why, if they no longer prepare).
  void restore();
  void add_routes(server::Router& router);
  // Shutdown: running tasks are stopped and recorded as error ("interrupted").
  void stop();

  // Called with each task's metrics bus before its run starts (from the worker thread): where
  // live views (a WebSocket stream, /metrics) subscribe their observers. Register before
  // restore().
  using RunWatcher = std::function<void(const std::string& task_id, run::MetricsBus& bus)>;
  void watch_runs(RunWatcher watcher);
  // Called with each run task's final status once it is stored (live streams end with it).
  using EndWatcher = std::function<void(const std::string& task_id, const std::string& status)>;
  void watch_ends(EndWatcher watcher);

 private:
  server::Response submit(const server::Request& request);
  server::Response status(const server::Request& request, const std::string& id);
  server::Response list(const server::Request& request);
  server::Response cancel(const server::Request& request, const std::string& id);
  void run_one(QueuedTask& task, const std::function<void(run::Runner*)>& publish);

  service::TaskStore& store_;
  compare::HistoryStore& history_;
  std::mutex history_mutex_;  // one connection, used by the workers
  const plugins::PluginRegistry& registry_;
  const TaskPolicy policy_;
  const ServiceLimits limits_;
  std::mutex submit_mutex_;           // the capacity check, the insert and the push are one step
  std::vector<RunWatcher> watchers_;  // fixed once tasks run
  std::vector<EndWatcher> end_watchers_;
  std::unique_ptr<TaskQueue> queue_;
};

}  // namespace perf::host
