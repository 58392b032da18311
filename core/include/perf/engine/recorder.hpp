// Per-thread counters of the load engine: written by one thread only, without locks, and
// drained into the phase's totals once per interval.
#pragma once

#include "perf/api/metrics.hpp"
#include "perf/http/connection.hpp"
#include "perf/metrics/latency_histogram.hpp"

#include <array>
#include <cstdint>

namespace perf::engine {

struct Recorder {
  metrics::LatencyHistogram latency;
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

  void record(const http::Outcome& outcome, std::uint64_t latency_us) noexcept {
    if (outcome.error == http::ErrorKind::aborted) return;
    ++requests;
    retried += outcome.retried;
    if (outcome.error != http::ErrorKind::none) {
      ++failed;
      ++errors[std::size_t(outcome.error)];
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

  // Adds everything to `into` (counts and histogram only) and starts over.
  void drain_into(api::Metrics& into);
};

}  // namespace perf::engine
