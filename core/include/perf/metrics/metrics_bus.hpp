// The metrics bus: the engine publishes one snapshot per interval; the progress display,
// reporters and abortOnFail thresholds subscribe. Thread-safe; subscribers run on the
// publishing thread and must be quick.
#pragma once

#include "perf/api/load.hpp"

#include <map>
#include <mutex>

namespace perf::metrics {

class MetricsBus final : public api::MetricsBus {
 public:
  int subscribe(Subscriber subscriber) override;
  void unsubscribe(int id) override;
  void publish(const api::Snapshot& snapshot) override;

 private:
  std::mutex mutex_;
  std::map<int, Subscriber> subscribers_;
  int next_id_ = 1;
};

}  // namespace perf::metrics
