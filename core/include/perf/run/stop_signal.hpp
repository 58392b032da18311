// A run's stop request (Ctrl-C, SIGTERM, an abortOnFail threshold, a service's cancel): a flag
// for cheap checks plus callbacks, so that whoever waits (a sleeping case, an engine worker)
// is woken at once by cancellation instead of polling.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace perf::run {

class StopSignal {
 public:
  // The first request wins: its reason is kept and every callback runs once, on the caller's
  // thread (callbacks post to their own executor). Returns false when already requested.
  bool request(std::string reason);
  bool requested() const { return requested_.load(std::memory_order_relaxed); }
  std::string reason() const;
  // The flag itself, for the engine's hot checks.
  const std::atomic<bool>& flag() const { return requested_; }

  // Runs `callback` on request (at once when already requested). Returns an id for remove().
  int on_request(std::function<void()> callback);
  void remove(int id);

 private:
  std::atomic<bool> requested_{false};
  mutable std::mutex mutex_;
  std::string reason_;
  std::map<int, std::function<void()>> callbacks_;
  int next_id_ = 1;
};

// Keeps a callback registered for the lifetime of a scope.
class StopCallback {
 public:
  StopCallback(StopSignal* signal, std::function<void()> callback)
      : signal_(signal), id_(signal ? signal->on_request(std::move(callback)) : 0) {}
  ~StopCallback() {
    if (signal_) signal_->remove(id_);
  }
  StopCallback(const StopCallback&) = delete;
  StopCallback& operator=(const StopCallback&) = delete;

 private:
  StopSignal* signal_;
  int id_;
};

}  // namespace perf::run
