#include "perf/run/metrics_bus.hpp"

#include <vector>

namespace perf::run {

int MetricsBus::subscribe(std::shared_ptr<RunObserver> observer) {
  std::lock_guard lock(mutex_);
  observers_.emplace(next_id_, std::move(observer));
  return next_id_++;
}

void MetricsBus::unsubscribe(int id) {
  std::lock_guard lock(mutex_);
  observers_.erase(id);
}

// Observers are called outside the lock, so one may subscribe or unsubscribe from inside an
// event (the abort watch stops the run from interval()).
template <typename Event>
void MetricsBus::publish(Event&& event) {
  std::vector<std::shared_ptr<RunObserver>> now;
  {
    std::lock_guard lock(mutex_);
    now.reserve(observers_.size());
    for (auto& [id, observer] : observers_) now.push_back(observer);
  }
  for (auto& observer : now) event(*observer);
}

void MetricsBus::run_started(const api::RunInfo& info) {
  publish([&](RunObserver& o) { o.run_started(info); });
}
void MetricsBus::case_started(const api::TestCase& c, std::size_t index, std::size_t total) {
  publish([&](RunObserver& o) { o.case_started(c, index, total); });
}
void MetricsBus::interval(const api::Snapshot& snapshot, const api::Metrics* interval) {
  publish([&](RunObserver& o) {
    o.interval(snapshot);
    if (interval) o.interval_metrics(snapshot, *interval);
  });
}
void MetricsBus::progress(std::string_view line) {
  publish([&](RunObserver& o) { o.progress(line); });
}
void MetricsBus::case_done(const api::CaseResult& result) {
  publish([&](RunObserver& o) { o.case_done(result); });
}
void MetricsBus::run_finished(const api::RunSummary& summary) {
  publish([&](RunObserver& o) { o.run_finished(summary); });
}

template <typename Call>
void ReporterObserver::guarded(Call&& call) {
  try {
    call();
  } catch (const std::exception& e) {
    if (error_.empty()) error_ = e.what();
  } catch (...) {
    if (error_.empty()) error_ = "unknown error";
  }
}

void ReporterObserver::run_started(const api::RunInfo& info) {
  guarded([&] { reporter_->begin(info); });
}
void ReporterObserver::interval(const api::Snapshot& s) {
  guarded([&] { reporter_->interval(s); });
}
void ReporterObserver::case_done(const api::CaseResult& r) {
  guarded([&] { reporter_->case_done(r); });
}
void ReporterObserver::run_finished(const api::RunSummary& summary) {
  guarded([&] { reporter_->end(summary); });
}

}  // namespace perf::run
