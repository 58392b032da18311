// What was measured over a phase or a case, as plain values plugins read and write: counts,
// status codes, error kinds, bytes, the timing breakdown, the per-second series, and the
// latency distribution behind accessors (its HDR layout lives in the SDK library, not here).
#pragma once

#include "perf/api/request.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace perf::metrics {
class LatencyHistogram;  // the HDR histogram; private to the SDK library and core
}

namespace perf::api {

// Latencies in microseconds, 1 µs to 1 h at 3 significant digits, constant memory, exact merge.
class LatencyDistribution {
 public:
  LatencyDistribution();
  LatencyDistribution(const LatencyDistribution& other);
  LatencyDistribution(LatencyDistribution&& other) noexcept;
  LatencyDistribution& operator=(const LatencyDistribution& other);
  LatencyDistribution& operator=(LatencyDistribution&& other) noexcept;
  ~LatencyDistribution();

  void record(std::uint64_t value_us);  // values over an hour count at one hour (saturated)
  void merge(const LatencyDistribution& other);
  void reset();

  std::uint64_t count() const;
  std::uint64_t saturated() const;
  std::uint64_t min_us() const;  // 0 when empty
  std::uint64_t max_us() const;
  double mean_us() const;
  // The smallest recorded value (to histogram precision) at or below which `percentile` % of
  // the values lie; 0 when empty. Percentile in [0, 100].
  std::uint64_t value_at_percentile(double percentile) const;
  // Bytes the distribution holds; the same whatever and however much was recorded.
  std::size_t footprint_bytes() const;

  // Lossless, mergeable encoding (docs/result-schema.json "histogram").
  boost::json::value to_json() const;
  // Throws std::invalid_argument for an encoding of another layout or a malformed one.
  static LatencyDistribution from_json(const boost::json::value& encoded);

  bool operator==(const LatencyDistribution& other) const;

  // For core and the SDK library only: the histogram itself.
  metrics::LatencyHistogram& hdr() { return *hdr_; }
  const metrics::LatencyHistogram& hdr() const { return *hdr_; }

 private:
  std::unique_ptr<metrics::LatencyHistogram> hdr_;  // never null
};

// Sums over requests of each timing part, in microseconds.
struct TimingSums {
  std::uint64_t dns_us = 0, connect_us = 0, tls_us = 0, send_us = 0, wait_us = 0, receive_us = 0;
  std::uint64_t requests = 0;  // how many requests the sums cover
  void merge(const TimingSums& other);
};

// One point of the per-second series.
struct IntervalPoint {
  double t_s = 0;  // seconds since the phase started, at the end of the interval
  double rps = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p95_ms = 0;
  double p99_ms = 0;
  double errors_per_s = 0;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::uint64_t responses = 0;  // answered with a status: the percentiles are of these alone
  double active_users = 0;      // virtual users (closed) or in-flight requests (open)
  double target = 0;            // users or rate the schedule asked for
  double target_rss_mb = -1;    // the target's memory when monitored, else -1
};

// The per-second series of one phase keeps at most this many points, so memory stays constant
// however long a run is: ten minutes at one-second resolution, coarser beyond.
inline constexpr std::size_t max_interval_points = 600;

// Halves `points` by merging neighbours: requests and errors add, rates are re-derived over the
// merged span, per-point percentiles keep the worse of the two (an upper bound).
void compact_intervals(std::vector<IntervalPoint>& points);

// The first answer of one kind a case got: per non-2xx status ("404") and per transport error
// kind ("request_timeout"), so a report can show why requests failed, not only how many did.
struct ResponseSample {
  std::string key;               // "404", or the error kind ("request_timeout")
  int status = 0;                // 0 for a transport error
  std::string error_kind;        // "" for a response
  std::string status_line;       // "HTTP/1.1 400 Bad Request"; "" for a transport error
  HeaderList headers;            // the ones that explain an answer (content-type, retry-after, ...)
  std::string body;              // the first sample_body_bytes of the body
  std::uint64_t body_bytes = 0;  // the whole body's length
  std::string detail;            // transport errors: what failed ("connecting to ...: refused")
  std::string request;           // "POST /v3/kv/put"
  std::string request_body;      // the first sample_body_bytes of what was sent
};

inline constexpr std::size_t sample_body_bytes = 512;
inline constexpr std::size_t max_samples = 16;  // distinct keys per case, so reports stay small

// Adds `sample` unless one with its key is there or the list is full.
void keep_sample(std::vector<ResponseSample>& samples, ResponseSample sample);
// At most `cap` bytes of `bytes` as well-formed UTF-8 (a report is JSON, and JSON readers refuse
// overlong forms and surrogates): cut at a character boundary; invalid bytes, control characters
// other than tab, LF and CR, C1 controls and bidirectional overrides replaced by U+FFFD.
std::string sample_excerpt(std::string_view bytes, std::size_t cap = sample_body_bytes);
// Only the headers a sample keeps ("Content-Type", "Retry-After", "WWW-Authenticate", ...).
bool sample_keeps_header(std::string_view name);

struct Metrics {
  LatencyDistribution latency;            // every response, whatever its status
  LatencyDistribution error_latency;      // transport errors: how long until each one was known
  std::uint64_t total_requests = 0;       // responses plus transport errors
  std::uint64_t successful_requests = 0;  // status < 400
  std::uint64_t failed_requests = 0;      // status >= 400 or transport error
  std::map<int, std::uint64_t> status_codes;
  std::map<std::string, std::uint64_t> errors;  // by error kind
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t dropped_iterations = 0;  // open model: arrivals with no free connection
  std::uint64_t retried_requests = 0;    // sent again because the kept-alive connection was closed
  TimingSums timing;
  double duration_s = 0;  // wall time the load ran (sum over sequential phases)
  std::int64_t start_unix_ms = 0;
  std::int64_t end_unix_ms = 0;
  double peak_memory_mb = 0;   // the agent's peak RSS
  double avg_cpu_percent = 0;  // the agent's CPU over the run (100 = one core)
  std::vector<IntervalPoint> intervals;
  std::vector<ResponseSample> samples;  // the first of each non-2xx status and error kind

  double throughput_rps() const { return duration_s > 0 ? double(total_requests) / duration_s : 0; }
  double successful_rps() const {
    return duration_s > 0 ? double(successful_requests) / duration_s : 0;
  }
  double error_rate_percent() const {
    return total_requests ? 100.0 * double(failed_requests) / double(total_requests) : 0;
  }
  double percentile_ms(double p) const { return double(latency.value_at_percentile(p)) / 1000.0; }
  std::uint64_t count_of_status(int status) const {
    const auto it = status_codes.find(status);
    return it == status_codes.end() ? 0 : it->second;
  }
  std::uint64_t count_of_error(const std::string& kind) const {
    const auto it = errors.find(kind);
    return it == errors.end() ? 0 : it->second;
  }

  // Adds counts, histograms, codes, errors, bytes, timing and samples (the earlier sample of a key
  // stays); leaves durations and series.
  void add_counts(const Metrics& other);
  // Phases run one after the other: counts add, durations add, series are appended with their
  // times shifted.
  void append(const Metrics& later);

  // DESIGN §7 names; durations in ms, rates in %.
  boost::json::object to_json() const;
  static Metrics from_json(const boost::json::object& o);
};

}  // namespace perf::api
