#include "task_queue.hpp"

#include <iostream>

namespace perf::host {

TaskQueue::TaskQueue(std::size_t max_running, std::size_t max_queued, Work run_one)
    : max_running_(max_running), max_queued_(max_queued), run_one_(std::move(run_one)) {
  for (std::size_t i = 0; i < max_running_; ++i) workers_.emplace_back([this] { work(); });
}

TaskQueue::~TaskQueue() {
  stop_all("stopping: the service is shutting down");
  for (auto& w : workers_) w.join();
}

bool TaskQueue::full() const {
  std::lock_guard lock(mutex_);
  // Running and waiting together, so a task between the queue and its Runner still counts.
  return runners_.size() + waiting_.size() >= max_running_ + max_queued_;
}

bool TaskQueue::push(QueuedTask task, bool force) {
  {
    std::lock_guard lock(mutex_);
    if (!force && runners_.size() + waiting_.size() >= max_running_ + max_queued_) return false;
    waiting_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

TaskQueue::Cancel TaskQueue::cancel(const std::string& task_id) {
  std::lock_guard lock(mutex_);
  for (auto it = waiting_.begin(); it != waiting_.end(); ++it)
    if (it->task_id == task_id) {
      waiting_.erase(it);
      return Cancel::removed;
    }
  const auto running = runners_.find(task_id);
  if (running == runners_.end()) return Cancel::unknown;
  if (running->second)
    running->second->stop(cancel_reason);
  else
    cancel_requested_.insert(task_id);  // stopped as soon as its Runner exists
  return Cancel::stopping;
}

void TaskQueue::stop_all(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (!stop_reason_.empty()) return;
    stop_reason_ = reason;
    for (auto& [id, runner] : runners_)
      if (runner) runner->stop(reason);
  }
  wake_.notify_all();
}

void TaskQueue::work() {
  for (;;) {
    QueuedTask task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !stop_reason_.empty() || !waiting_.empty(); });
      if (!stop_reason_.empty()) return;  // waiting tasks stay queued in the database
      task = std::move(waiting_.front());
      waiting_.pop_front();
      runners_[task.task_id] = nullptr;
    }
    const std::string id = task.task_id;
    auto publish = [this, id](run::Runner* runner) {
      std::lock_guard lock(mutex_);
      runners_[id] = runner;
      if (!runner) return;
      if (!stop_reason_.empty())
        runner->stop(stop_reason_);
      else if (cancel_requested_.erase(id))
        runner->stop(cancel_reason);
    };
    try {
      run_one_(task, publish);
    } catch (const std::exception& e) {
      // A worker outlives any one task: a failure to record one (the database) is said, and the
      // next task runs.
      publish(nullptr);
      std::cerr << "perf-agent: task " << id << ": " << e.what() << std::endl;
    }
    std::lock_guard lock(mutex_);
    runners_.erase(id);
    cancel_requested_.erase(id);
  }
}

}  // namespace perf::host
