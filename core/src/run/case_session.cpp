#include "perf/run/case_session.hpp"

#include "perf/engine/recorder.hpp"
#include "perf/util/user_error.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace perf::run {

namespace asio = boost::asio;

CaseSession::CaseSession(RunContext& run, std::string case_id, std::string base_url)
    : run_(run), case_id_(std::move(case_id)), base_url_(std::move(base_url)) {}

namespace {

// A probe's answer as a sample when it is the first of its status or error kind in the case.
void keep_probe_sample(std::vector<api::ResponseSample>& samples,
                       const http::PreparedRequest& prepared, const http::Outcome& outcome,
                       const http::Capture& capture, double timeout_s) {
  if (outcome.error == http::ErrorKind::aborted) return;
  api::ResponseSample sample;
  if (outcome.error != http::ErrorKind::none)
    sample = engine::error_sample(
        outcome,
        std::chrono::duration_cast<http::Clock::duration>(std::chrono::duration<double>(timeout_s)),
        capture.error_detail);
  else if (outcome.status / 100 != 2)
    sample = engine::response_sample(outcome.status, capture.status_line, capture.headers,
                                     capture.body, capture.body_bytes);
  else
    return;
  for (const auto& s : samples)
    if (s.key == sample.key) return;
  engine::describe_request(prepared, sample);
  api::keep_sample(samples, std::move(sample));
}

}  // namespace

asio::any_io_executor CaseSession::executor() {
  return run_.executor.control().get_executor();
}

api::Phase CaseSession::scaled(api::Phase phase, double time_scale) {
  phase.duration_s *= time_scale;
  phase.ramp_up_s *= time_scale;
  for (auto& stage : phase.stages) stage.duration_s *= time_scale;
  return phase;
}

asio::awaitable<api::PhaseResult> CaseSession::load(api::Phase phase) {
  if (phase.base_url.empty()) phase.base_url = base_url_;
  if (phase.timeout_s <= 0) phase.timeout_s = run_.settings.timeout_s;
  phase.graceful_stop_s = std::min(phase.graceful_stop_s, run_.settings.graceful_stop_s);
  if (!run_.decoration.empty()) {
    for (auto& request : phase.requests) run_.decoration.apply(request);
    for (auto& flow : phase.flows)
      for (auto& step : flow.steps) run_.decoration.apply(step.request);
  }
  engine::PhaseHooks hooks;
  hooks.on_interval = [bus = &run_.bus](const api::Snapshot& s, const api::Metrics& interval) {
    bus->interval(s, &interval);
  };
  hooks.case_id = case_id_;
  hooks.stop = &run_.stop;
  if (run_.monitor && run_.monitor->watches_target())
    hooks.target_rss_mb = [m = run_.monitor] { return m->target_rss_mb(); };
  const double scale = run_.settings.time_scale;
  auto result = co_await run_.engine.run(scaled(std::move(phase), scale), std::move(hooks));
  result.time_scale = scale;
  co_return result;
}

std::shared_ptr<const http::Target> CaseSession::target_for(const std::string& base_url) {
  auto it = targets_.find(base_url);
  if (it != targets_.end()) return it->second;
  auto target = http::Target::make(base_url, run_.engine.options().tls);
  targets_.emplace(base_url, target);
  return target;
}

asio::awaitable<api::Exchange> CaseSession::send(api::RequestSpec request,
                                                 api::ProbeOptions options) {
  std::string base = !options.base_url.empty() ? options.base_url
                     : !base_url_.empty()      ? base_url_
                                               : run_.engine.options().default_base_url;
  if (base.empty()) throw UserError("no target URL: give --target or a spec with a server URL");
  run_.decoration.apply(request);
  auto target = target_for(base);
  std::unique_ptr<http::Connection> connection;
  if (!options.new_connection) {
    auto it = idle_.find(base);
    if (it != idle_.end()) {
      connection = std::move(it->second);
      idle_.erase(it);
    }
  }
  auto ex = co_await asio::this_coro::executor;
  if (!connection)
    connection = std::make_unique<http::Connection>(run_.executor.control().get_executor(), target);
  const auto prepared = http::PreparedRequest::make(request, target->url, !options.new_connection);
  http::Outcome outcome;
  http::Capture capture;
  // At least a sample's worth, in case the answer is one the report keeps (trimmed below).
  capture.body_cap = std::max(options.capture_body_bytes, api::sample_body_bytes);
  const double timeout_s = options.timeout_s > 0 ? options.timeout_s : run_.settings.timeout_s;
  asio::steady_timer guard(ex);
  guard.expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(
      std::chrono::duration<double>(timeout_s)));
  auto alive = std::make_shared<bool>(true);
  guard.async_wait([c = connection.get(), alive](boost::system::error_code ec) {
    if (!ec && *alive) c->abort(true);
  });
  // A stop request ends a probe under way too (a pre-flight to a silent server, a slow probe).
  StopCallback wake(&run_.stop, [ex, alive, c = connection.get()] {
    asio::post(ex, [alive, c] {
      if (*alive) c->abort(false);
    });
  });
  const auto started = http::Clock::now();
  co_await connection->exchange(prepared, outcome, &capture);
  const auto finished = http::Clock::now();
  *alive = false;
  guard.cancel();

  // Count the probe like a load request (the case's coroutine is the only writer).
  ++probes_.total_requests;
  const auto took_us = std::uint64_t(
      std::chrono::duration_cast<std::chrono::microseconds>(finished - started).count());
  if (outcome.error != http::ErrorKind::none) {
    ++probes_.failed_requests;
    if (outcome.error != http::ErrorKind::aborted) {
      ++probes_.errors[std::string(http::to_string(outcome.error))];
      probes_.error_latency.record(took_us);
    }
  } else {
    probes_.latency.record(took_us);
    ++probes_.status_codes[outcome.status];
    ++(outcome.status < 400 ? probes_.successful_requests : probes_.failed_requests);
    probes_.bytes_received += outcome.bytes_in;
    probes_.bytes_sent += outcome.bytes_out;
  }
  keep_probe_sample(probes_.samples, prepared, outcome, capture, timeout_s);
  if (capture.body.size() > options.capture_body_bytes)
    capture.body.resize(options.capture_body_bytes);
  api::Exchange exchange;
  exchange.status = outcome.status;
  if (outcome.error != http::ErrorKind::none)
    exchange.error = std::string(http::to_string(outcome.error));
  exchange.error_detail = capture.error_detail;
  exchange.headers = std::move(capture.headers);
  exchange.body = std::move(capture.body);
  exchange.body_bytes = capture.body_bytes;
  exchange.reused_connection = outcome.reused;
  auto ms = [](std::uint32_t us) { return double(us) / 1000.0; };
  exchange.timing = {ms(outcome.dns_us),
                     ms(outcome.connect_us),
                     ms(outcome.tls_us),
                     ms(outcome.send_us),
                     ms(outcome.wait_us),
                     ms(outcome.receive_us),
                     std::chrono::duration<double, std::milli>(finished - started).count()};
  if (!options.new_connection && outcome.keep_alive && outcome.error == http::ErrorKind::none)
    idle_.emplace(base, std::move(connection));
  co_return exchange;
}

asio::awaitable<void> CaseSession::sleep(double seconds) {
  auto ex = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(ex);
  timer->expires_after(std::chrono::duration_cast<asio::steady_timer::duration>(
      std::chrono::duration<double>(seconds)));
  // A stop request cancels the wait (on the timer's own executor).
  StopCallback wake(&run_.stop, [ex, timer] { asio::post(ex, [timer] { timer->cancel(); }); });
  boost::system::error_code ec;
  if (!run_.stop.requested())
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

api::ResourceSample CaseSession::resources() {
  if (run_.monitor) return run_.monitor->latest();
  return {};
}

void CaseSession::progress(std::string_view line) {
  run_.bus.progress(line);
}

}  // namespace perf::run
