#include "fake_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <cmath>
#include <stdexcept>

namespace perf::test {

namespace {

void count_requests(api::Metrics& m, std::uint64_t requests, std::uint64_t failed) {
  m.total_requests += requests;
  m.successful_requests += requests - failed;
  m.failed_requests += failed;
  if (requests > failed) m.status_codes[200] += requests - failed;
  if (failed) m.status_codes[500] += failed;
}

void record(api::Metrics& m, std::uint64_t requests, double latency_ms) {
  const auto us = std::uint64_t(std::llround(latency_ms * 1000));
  for (std::uint64_t i = 0; i < requests; ++i) m.latency.record(us);
}

}  // namespace

api::Metrics metrics_of(std::uint64_t requests, double duration_s, double latency_ms,
                        std::uint64_t failed) {
  api::Metrics m;
  count_requests(m, requests, failed);
  record(m, requests, latency_ms);
  m.duration_s = duration_s;
  return m;
}

api::IntervalPoint second_at(double t_s, std::uint64_t requests, double p95_ms,
                             std::uint64_t errors, double target_rss_mb) {
  api::IntervalPoint p;
  p.t_s = t_s;
  p.requests = requests;
  p.errors = errors;
  p.responses = requests;  // the errors here are error responses: answered, with a latency
  p.rps = double(requests);
  p.errors_per_s = double(errors);
  p.p50_ms = p.p90_ms = p.p95_ms = p.p99_ms = p95_ms;
  p.target_rss_mb = target_rss_mb;
  return p;
}

api::Metrics metrics_of(std::vector<api::IntervalPoint> points) {
  api::Metrics m;
  for (const auto& p : points) {
    count_requests(m, p.requests, p.errors);
    record(m, p.requests, p.p95_ms);
  }
  m.duration_s = points.empty() ? 0 : points.back().t_s;
  m.intervals = std::move(points);
  return m;
}

api::Exchange exchange(int status, std::string body, double total_ms, api::HeaderList headers) {
  api::Exchange e;
  e.status = status;
  e.body_bytes = body.size();
  e.body = std::move(body);
  e.headers = std::move(headers);
  e.timing.wait_ms = total_ms;
  e.timing.total_ms = total_ms;
  return e;
}

FakeSession::FakeSession(api::Settings settings) : settings_(std::move(settings)) {}

void FakeSession::script_load(api::Metrics metrics) {
  loads_.push_back(std::move(metrics));
}

void FakeSession::script_send(api::Exchange exchange) {
  exchanges_.push_back(std::move(exchange));
}

void FakeSession::script_resources(api::ResourceSample sample) {
  samples_.push_back(std::move(sample));
}

api::CaseResult FakeSession::run(api::TestType& type, api::TestCase test_case) {
  auto done =
      boost::asio::co_spawn(io_, type.run(std::move(test_case), *this), boost::asio::use_future);
  io_.run();
  io_.restart();
  return done.get();
}

boost::asio::awaitable<api::PhaseResult> FakeSession::load(api::Phase phase) {
  phases_.push_back(phase);
  api::PhaseResult result;
  result.name = phase.name;
  result.time_scale = settings_.time_scale;
  if (!loads_.empty()) {
    result.metrics = std::move(loads_.front());
    loads_.pop_front();
  } else if (load_script_) {
    result.metrics = load_script_(phase);
  } else {
    throw std::logic_error("FakeSession: no load scripted for phase '" + phase.name + "'");
  }
  // Like the real engine: a phase during which a stop was requested ends interrupted.
  result.interrupted = stop_;
  co_return result;
}

boost::asio::awaitable<api::Exchange> FakeSession::send(api::RequestSpec request,
                                                        api::ProbeOptions) {
  sent_.push_back(request);
  if (!exchanges_.empty()) {
    auto e = std::move(exchanges_.front());
    exchanges_.pop_front();
    co_return e;
  }
  if (send_script_) co_return send_script_(request);
  throw std::logic_error("FakeSession: no exchange scripted for " + request.method + " " +
                         request.target);
}

boost::asio::awaitable<void> FakeSession::sleep(double seconds) {
  sleeps_.push_back(seconds);
  co_return;
}

api::ResourceSample FakeSession::resources() {
  ++resource_calls_;
  if (!samples_.empty()) {
    last_sample_ = std::move(samples_.front());
    samples_.pop_front();
  }
  return last_sample_;
}

}  // namespace perf::test
