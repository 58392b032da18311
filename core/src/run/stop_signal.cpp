#include "perf/run/stop_signal.hpp"

#include <vector>

namespace perf::run {

bool StopSignal::request(std::string reason) {
  std::vector<std::function<void()>> to_run;
  {
    std::lock_guard lock(mutex_);
    if (requested_.load()) return false;
    reason_ = std::move(reason);
    requested_.store(true);
    for (auto& [id, callback] : callbacks_) to_run.push_back(callback);
  }
  for (auto& callback : to_run) callback();
  return true;
}

std::string StopSignal::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

int StopSignal::on_request(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!requested_.load()) {
      callbacks_.emplace(next_id_, std::move(callback));
      return next_id_++;
    }
  }
  callback();
  return 0;
}

void StopSignal::remove(int id) {
  std::lock_guard lock(mutex_);
  callbacks_.erase(id);
}

}  // namespace perf::run
