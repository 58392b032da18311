// The metrics bus: everything a run tells whoever follows it (reporters, the progress display,
// the abortOnFail watch, live streams). Events are published from the run's control thread only,
// one at a time and in order; observers must be quick and must not block.
#pragma once

#include "perf/api/reporter.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string_view>

namespace perf::run {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void run_started(const api::RunInfo&) {}
  virtual void case_started(const api::TestCase&, std::size_t index, std::size_t total) {}
  // Once per interval (1 s) of a running phase, with the case's id.
  virtual void interval(const api::Snapshot&) {}
  // Right after interval(), when the engine has them: the interval's own status codes, error
  // kinds and latency histogram (Prometheus counters and histograms are built from these).
  virtual void interval_metrics(const api::Snapshot&, const api::Metrics& /*interval*/) {}
  // A line for people ("step 3/8: 200 users", "stopping: ...").
  virtual void progress(std::string_view) {}
  virtual void case_done(const api::CaseResult&) {}
  virtual void run_finished(const api::RunSummary&) {}
};

class MetricsBus {
 public:
  // Observers may subscribe and unsubscribe at any time, from any thread.
  int subscribe(std::shared_ptr<RunObserver> observer);
  void unsubscribe(int id);

  void run_started(const api::RunInfo& info);
  void case_started(const api::TestCase& c, std::size_t index, std::size_t total);
  void interval(const api::Snapshot& snapshot, const api::Metrics* interval = nullptr);
  void progress(std::string_view line);
  void case_done(const api::CaseResult& result);
  void run_finished(const api::RunSummary& summary);

 private:
  template <typename Event>
  void publish(Event&& event);
  std::mutex mutex_;
  std::map<int, std::shared_ptr<RunObserver>> observers_;  // ordered: subscription order
  int next_id_ = 1;
};

// A reporter plugin as an observer: it gets the run live and writes its output at the end.
// Errors of end() are kept for the caller (a report that could not be written is not silent).
class ReporterObserver final : public RunObserver {
 public:
  ReporterObserver(std::string kind, std::shared_ptr<api::Reporter> reporter)
      : kind_(std::move(kind)), reporter_(std::move(reporter)) {}
  // A reporter that throws loses its own output, never the run or the other reports.
  void run_started(const api::RunInfo& info) override;
  void interval(const api::Snapshot& s) override;
  void case_done(const api::CaseResult& r) override;
  void run_finished(const api::RunSummary& summary) override;
  const std::string& kind() const { return kind_; }
  const std::string& error() const { return error_; }  // "" when the output was written

 private:
  template <typename Call>
  void guarded(Call&& call);
  std::string kind_;
  std::shared_ptr<api::Reporter> reporter_;
  std::string error_;
};

}  // namespace perf::run
