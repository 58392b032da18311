// The service's queue: tasks wait in submission order and run on up to `max_running` worker
// threads at once, each on its own Runner; a cancel removes a waiting task or stops a running
// one. What happens to a task's state is the worker function's business (serve_command.cpp).
#pragma once

#include "task_run.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace perf::host {

struct QueuedTask {
  std::string task_id;
  std::unique_ptr<PreparedTask> prepared;
};

class TaskQueue {
 public:
  // `run_one` runs a task to its end on a worker thread; it gets a function that publishes the
  // task's Runner (so that cancel() can stop it) and must call it with nullptr before returning.
  using Work = std::function<void(QueuedTask&, const std::function<void(run::Runner*)>&)>;

  TaskQueue(std::size_t max_running, std::size_t max_queued, Work run_one);
  ~TaskQueue();  // stop_all() and join the workers
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // False when `max_running` tasks run and `max_queued` wait already (the caller says 429).
  // `force`: queued anyway (tasks found queued in the database at start).
  bool push(QueuedTask task, bool force = false);
  bool full() const;

  enum class Cancel { removed, stopping, unknown };
  // removed: it was waiting and is gone from the queue; stopping: it runs and was asked to stop
  // (its worker records the end); unknown: not here (finished or never submitted).
  Cancel cancel(const std::string& task_id);

  // Shutdown: no task starts any more, running ones are stopped with `reason`.
  void stop_all(const std::string& reason);

 private:
  void work();
  const std::size_t max_running_, max_queued_;
  Work run_one_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<QueuedTask> waiting_;
  std::map<std::string, run::Runner*> runners_;  // running tasks; nullptr until the Runner exists
  std::set<std::string> cancel_requested_;       // running tasks to stop once their Runner exists
  std::string stop_reason_;                      // non-empty: shutting down
  std::vector<std::thread> workers_;
};

}  // namespace perf::host
