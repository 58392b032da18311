// Test support: an api::Session with scripted answers, so a test type's analysis runs through the
// real plugin code with no server: phases, probe exchanges, resource samples and stop requests.
#pragma once

#include "perf/api/session.hpp"
#include "perf/api/test_type.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace perf::test {

// Metrics of `requests` requests over `duration_s` seconds, `failed` of them answered 500 and the
// rest 200, each taking `latency_ms`. No per-second series.
api::Metrics metrics_of(std::uint64_t requests, double duration_s, double latency_ms,
                        std::uint64_t failed = 0);

// The point of the per-second series for the second that ends at `t_s`: its requests and errors,
// every percentile at `p95_ms`, and the target's memory (-1: not monitored).
api::IntervalPoint second_at(double t_s, std::uint64_t requests, double p95_ms,
                             std::uint64_t errors = 0, double target_rss_mb = -1);

// Metrics whose per-second series is `points`: counts are their sums (errors answered 500), the
// duration is the last point's time, and each point's requests are recorded at its p95.
api::Metrics metrics_of(std::vector<api::IntervalPoint> points);

// A response: status, body and total time, with headers.
api::Exchange exchange(int status, std::string body, double total_ms, api::HeaderList headers = {});

class FakeSession final : public api::Session {
 public:
  using LoadScript = std::function<api::Metrics(const api::Phase&)>;
  using SendScript = std::function<api::Exchange(const api::RequestSpec&)>;

  explicit FakeSession(api::Settings settings);

  // load() answers with the scripted metrics in order; once they run out, with `on_load` of the
  // phase it was given; with neither it throws (a test that asks for more than it scripted is
  // wrong). Each answer is a PhaseResult named after the phase, with the settings' time_scale.
  void script_load(api::Metrics metrics);
  void on_load(LoadScript script) { load_script_ = std::move(script); }
  // send() likewise: scripted exchanges in order, then `on_send`.
  void script_send(api::Exchange exchange);
  void on_send(SendScript script) { send_script_ = std::move(script); }
  // resources() answers the scripted samples in order and repeats the last one; a sample with
  // nothing known before any is scripted.
  void script_resources(api::ResourceSample sample);
  void request_stop(bool stop = true) { stop_ = stop; }

  // What the plugin asked for, in order.
  const std::vector<api::Phase>& phases() const { return phases_; }
  const std::vector<api::RequestSpec>& sent() const { return sent_; }
  const std::vector<double>& sleeps() const { return sleeps_; }
  const std::vector<std::string>& progress_lines() const { return progress_; }
  int resource_calls() const { return resource_calls_; }

  // Runs `test_case` with `type` on this session's io_context until it finishes.
  api::CaseResult run(api::TestType& type, api::TestCase test_case);

  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  boost::asio::awaitable<api::PhaseResult> load(api::Phase phase) override;
  boost::asio::awaitable<api::Exchange> send(api::RequestSpec request,
                                             api::ProbeOptions options) override;
  boost::asio::awaitable<void> sleep(double seconds) override;
  const api::Settings& settings() const override { return settings_; }
  api::ResourceSample resources() override;
  bool stop_requested() const override { return stop_; }
  void progress(std::string_view line) override { progress_.emplace_back(line); }

 private:
  api::Settings settings_;
  boost::asio::io_context io_;
  std::deque<api::Metrics> loads_;
  LoadScript load_script_;
  std::deque<api::Exchange> exchanges_;
  SendScript send_script_;
  std::deque<api::ResourceSample> samples_;
  api::ResourceSample last_sample_;
  bool stop_ = false;
  std::vector<api::Phase> phases_;
  std::vector<api::RequestSpec> sent_;
  std::vector<double> sleeps_;
  std::vector<std::string> progress_;
  int resource_calls_ = 0;
};

}  // namespace perf::test
