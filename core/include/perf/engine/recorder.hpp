// Per-thread counters of the load engine: written by one thread only, without locks, and
// drained into the phase's totals once per interval.
#pragma once

#include "perf/api/metrics.hpp"
#include "perf/http/connection.hpp"
#include "perf/metrics/latency_histogram.hpp"

#include <array>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <vector>

namespace perf::engine {

// "POST /v3/kv/put" (credentials in the query replaced by "***") and the start of the body, from
// the bytes on the wire.
void describe_request(const http::PreparedRequest& request, api::ResponseSample& sample);
// The sample of a transport error: its kind, and what failed ("no complete response within the
// timeout (5000 ms)" for timeouts; else `detail` when given, else the cause's message).
api::ResponseSample error_sample(const http::Outcome& outcome, http::Clock::duration timeout,
                                 const std::string& detail = {});
// The sample of a response: status line, the headers that explain it, the body's start, all as
// text a report can hold (api::sample_excerpt).
api::ResponseSample response_sample(int status, const std::string& status_line,
                                    const api::HeaderList& headers, const std::string& body,
                                    std::uint64_t body_bytes);

struct Recorder {
  metrics::LatencyHistogram latency;
  metrics::LatencyHistogram error_latency;  // transport errors
  std::uint64_t requests = 0;
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t dropped = 0;
  std::uint64_t retried = 0;
  std::array<std::uint64_t, 600> status{};  // by code; codes >= 600 are counted at 599
  std::array<std::uint64_t, http::error_kind_count> errors{};
  api::TimingSums timing;
  http::FailureSampling sampling;  // given to this thread's connections
  std::bitset<http::error_kind_count> error_sampled;
  std::vector<api::ResponseSample> samples;

  void record(const http::Outcome& outcome, std::uint64_t latency_us) noexcept {
    if (outcome.error == http::ErrorKind::aborted) return;
    ++requests;
    retried += outcome.retried;
    if (outcome.error != http::ErrorKind::none) {
      ++failed;
      ++errors[std::size_t(outcome.error)];
      error_latency.record(latency_us);
      return;
    }
    latency.record(latency_us);
    ++status[outcome.status < 600 && outcome.status >= 0 ? outcome.status : 599];
    if (outcome.status < 400)
      ++successful;
    else
      ++failed;
    bytes_in += outcome.bytes_in;
    bytes_out += outcome.bytes_out;
    timing.dns_us += outcome.dns_us;
    timing.connect_us += outcome.connect_us;
    timing.tls_us += outcome.tls_us;
    timing.send_us += outcome.send_us;
    timing.wait_us += outcome.wait_us;
    timing.receive_us += outcome.receive_us;
    ++timing.requests;
  }

  // After an exchange on `connection` (an http::Connection or http::H2Connection): keeps the
  // outcome as a sample when it is the first of its status or error kind (the parser captured a
  // new status into `sampling`). Cheap unless it keeps one.
  void sample(const void* connection, const http::Outcome& outcome,
              const http::PreparedRequest& request, http::Clock::duration timeout) {
    const bool new_error = outcome.error != http::ErrorKind::none &&
                           outcome.error != http::ErrorKind::aborted &&
                           !error_sampled[std::size_t(outcome.error)];
    const bool captured = sampling.capturing && sampling.owner == connection;
    if (new_error || captured) keep_sample(outcome, request, timeout, captured);
  }

  // Adds everything to `into` (counts and histogram only) and starts over.
  void drain_into(api::Metrics& into);

 private:
  void keep_sample(const http::Outcome& outcome, const http::PreparedRequest& request,
                   http::Clock::duration timeout, bool captured);
};

}  // namespace perf::engine
