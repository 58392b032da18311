#include "perf/metrics/metrics_bus.hpp"

namespace perf::metrics {

int MetricsBus::subscribe(Subscriber subscriber) {
  std::lock_guard lock(mutex_);
  subscribers_.emplace(next_id_, std::move(subscriber));
  return next_id_++;
}

void MetricsBus::unsubscribe(int id) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(id);
}

void MetricsBus::publish(const api::Snapshot& snapshot) {
  std::lock_guard lock(mutex_);
  for (auto& [id, subscriber] : subscribers_) subscriber(snapshot);
}

}  // namespace perf::metrics
