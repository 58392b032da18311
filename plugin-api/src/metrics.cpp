#include "perf/api/metrics.hpp"
#include "perf/metrics/latency_histogram.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace perf::api {

namespace json = boost::json;

void TimingSums::merge(const TimingSums& o) {
  dns_us += o.dns_us;
  connect_us += o.connect_us;
  tls_us += o.tls_us;
  send_us += o.send_us;
  wait_us += o.wait_us;
  receive_us += o.receive_us;
  requests += o.requests;
}

void compact_intervals(std::vector<IntervalPoint>& points) {
  std::vector<IntervalPoint> merged;
  merged.reserve(points.capacity());
  double previous_end = 0;
  for (std::size_t i = 0; i < points.size(); i += 2) {
    if (i + 1 == points.size()) {
      merged.push_back(points[i]);
      break;
    }
    const auto& a = points[i];
    const auto& b = points[i + 1];
    IntervalPoint m = b;
    const double span = b.t_s - previous_end;
    m.requests = a.requests + b.requests;
    m.errors = a.errors + b.errors;
    m.responses = a.responses + b.responses;
    m.rps = span > 0 ? double(m.requests) / span : 0;
    m.errors_per_s = span > 0 ? double(m.errors) / span : 0;
    m.p50_ms = std::max(a.p50_ms, b.p50_ms);
    m.p90_ms = std::max(a.p90_ms, b.p90_ms);
    m.p95_ms = std::max(a.p95_ms, b.p95_ms);
    m.p99_ms = std::max(a.p99_ms, b.p99_ms);
    m.active_users = (a.active_users + b.active_users) / 2;
    m.target = (a.target + b.target) / 2;
    merged.push_back(m);
    previous_end = b.t_s;
  }
  points.swap(merged);
}

void keep_sample(std::vector<ResponseSample>& samples, ResponseSample sample) {
  if (samples.size() >= max_samples) return;
  for (const auto& s : samples)
    if (s.key == sample.key) return;
  samples.push_back(std::move(sample));
}

namespace {

// The length of the well-formed UTF-8 sequence at the start of `b` (Unicode 15, table 3-7: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0. JSON parsers (Boost.JSON,
// Python's) refuse the rest, and perf-agent merge must read its own reports.
std::size_t utf8_length(std::string_view b) {
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  auto in = [&](std::size_t i, unsigned lo, unsigned hi) {
    return i < b.size() && at(i) >= lo && at(i) <= hi;
  };
  const unsigned c = at(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
    return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xED) return in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xF0) return in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3)
    return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (c == 0xF4) return in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

// Characters a terminal would act on rather than show: C0 controls but tab, LF and CR, DEL, C1
// controls (U+0080..U+009F) and the bidirectional overrides (U+202A..U+202E, U+2066..U+2069).
bool unsafe_to_show(std::string_view ch) {
  const auto c0 = static_cast<unsigned char>(ch[0]);
  if (ch.size() == 1) return (c0 < 0x20 && c0 != '\t' && c0 != '\n' && c0 != '\r') || c0 == 0x7F;
  const auto c1 = static_cast<unsigned char>(ch[1]);
  if (ch.size() == 2) return c0 == 0xC2 && c1 <= 0x9F;
  if (ch.size() == 3 && c0 == 0xE2) {
    const auto c2 = static_cast<unsigned char>(ch[2]);
    return (c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) || (c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9);
  }
  return false;
}

}  // namespace

std::string sample_excerpt(std::string_view bytes, std::size_t cap) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(bytes.size(), cap));
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::size_t length = utf8_length(bytes.substr(i));
    const std::string_view ch = bytes.substr(i, length ? length : 1);
    const std::string_view piece = length && !unsafe_to_show(ch) ? ch : replacement;
    if (out.size() + piece.size() > cap) break;
    out += piece;
    i += ch.size();
  }
  return out;
}

bool sample_keeps_header(std::string_view name) {
  // What explains a refusal: its format, when to come back, which credentials or place are
  // wanted, rate-limit state, and who answered (a proxy's 502 is not the API's).
  static constexpr std::string_view kept[] = {"content-type",
                                              "retry-after",
                                              "www-authenticate",
                                              "location",
                                              "server",
                                              "via",
                                              "x-ratelimit-limit",
                                              "x-ratelimit-remaining",
                                              "x-ratelimit-reset",
                                              "ratelimit",
                                              "ratelimit-policy",
                                              "allow",
                                              "content-length"};
  for (auto k : kept)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return a == (b >= 'A' && b <= 'Z' ? char(b - 'A' + 'a') : b);
        }))
      return true;
  return false;
}

void Metrics::add_counts(const Metrics& later) {
  latency.merge(later.latency);
  error_latency.merge(later.error_latency);
  for (const auto& s : later.samples) keep_sample(samples, s);
  total_requests += later.total_requests;
  successful_requests += later.successful_requests;
  failed_requests += later.failed_requests;
  for (auto& [code, n] : later.status_codes) status_codes[code] += n;
  for (auto& [kind, n] : later.errors) errors[kind] += n;
  bytes_received += later.bytes_received;
  bytes_sent += later.bytes_sent;
  dropped_iterations += later.dropped_iterations;
  retried_requests += later.retried_requests;
  timing.merge(later.timing);
}

void Metrics::append(const Metrics& later) {
  add_counts(later);
  const double offset = duration_s;
  for (auto p : later.intervals) {
    p.t_s += offset;
    intervals.push_back(p);
  }
  const double cpu_weight = duration_s + later.duration_s;
  if (cpu_weight > 0)
    avg_cpu_percent =
        (avg_cpu_percent * duration_s + later.avg_cpu_percent * later.duration_s) / cpu_weight;
  duration_s += later.duration_s;
  if (start_unix_ms == 0 || (later.start_unix_ms && later.start_unix_ms < start_unix_ms))
    start_unix_ms = later.start_unix_ms;
  end_unix_ms = std::max(end_unix_ms, later.end_unix_ms);
  peak_memory_mb = std::max(peak_memory_mb, later.peak_memory_mb);
}

namespace {
double ms(std::uint64_t us) {
  return double(us) / 1000.0;
}
double avg_ms(std::uint64_t sum_us, std::uint64_t n) {
  return n ? double(sum_us) / n / 1000.0 : 0;
}
double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

json::object interval_to_json(const IntervalPoint& p) {
  json::object o{{"t_s", round3(p.t_s)},
                 {"rps", round3(p.rps)},
                 {"p50_ms", round3(p.p50_ms)},
                 {"p90_ms", round3(p.p90_ms)},
                 {"p95_ms", round3(p.p95_ms)},
                 {"p99_ms", round3(p.p99_ms)},
                 {"errors_per_s", round3(p.errors_per_s)},
                 {"requests", p.requests},
                 {"errors", p.errors},
                 {"responses", p.responses},
                 {"active_users", round3(p.active_users)},
                 {"target", round3(p.target)}};
  if (p.target_rss_mb >= 0) o["target_rss_mb"] = round3(p.target_rss_mb);
  return o;
}

json::object sample_to_json(const ResponseSample& s) {
  json::object o{{"key", s.key}};
  if (s.status) o["status"] = s.status;
  if (!s.error_kind.empty()) o["error"] = s.error_kind;
  if (!s.status_line.empty()) o["status_line"] = s.status_line;
  if (!s.headers.empty()) {
    // A header sent twice (two WWW-Authenticate challenges) keeps both, joined as HTTP allows.
    json::object h;
    for (const auto& [name, value] : s.headers) {
      auto* seen = h.if_contains(name);
      if (seen && seen->is_string())
        *seen = std::string(seen->get_string()) + ", " + value;
      else
        h[name] = value;
    }
    o["headers"] = std::move(h);
  }
  if (s.status) {
    o["body"] = s.body;
    o["body_bytes"] = s.body_bytes;
  }
  if (!s.detail.empty()) o["detail"] = s.detail;
  o["request"] = s.request;
  if (!s.request_body.empty()) o["request_body"] = s.request_body;
  return o;
}

std::string string_or(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

double number_or(const json::object& o, const char* key, double fallback = 0) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return double(v->get_int64());
  if (v->is_uint64()) return double(v->get_uint64());
  return fallback;
}
// A number of a result file as an integer type. One it cannot hold (negative counts, 1e300, NaN)
// means the file is not a result: converting it would be undefined behaviour (found by the
// result_file fuzz target); the readers turn the exception into an error naming the file.
template <class T>
T checked_integer(double v, const char* key) {
  if (!(v >= double(std::numeric_limits<T>::min()) && v < double(std::numeric_limits<T>::max())))
    throw std::out_of_range(std::string(key) + ": " + json::serialize(json::value(v)) +
                            " is out of range");
  return T(v);
}
std::uint64_t count_or(const json::object& o, const char* key) {
  return checked_integer<std::uint64_t>(number_or(o, key), key);
}
}  // namespace

json::object Metrics::to_json() const {
  json::object o;
  o["total_requests"] = total_requests;
  o["successful_requests"] = successful_requests;
  o["failed_requests"] = failed_requests;
  o["throughput"] = round3(throughput_rps());
  // With no answer there is no latency: null, not 0 (which would read as instant).
  const bool answered = latency.count() > 0;
  auto latency_value = [answered](double v) { return answered ? json::value(v) : json::value(); };
  o["avg_response_time"] = latency_value(round3(latency.mean_us() / 1000.0));
  o["min_response_time"] = latency_value(ms(latency.min_us()));
  o["max_response_time"] = latency_value(ms(latency.max_us()));
  o["p50_response_time"] = latency_value(percentile_ms(50));
  o["p90_response_time"] = latency_value(percentile_ms(90));
  o["p95_response_time"] = latency_value(percentile_ms(95));
  o["p99_response_time"] = latency_value(percentile_ms(99));
  o["success_rate"] =
      round3(total_requests ? 100.0 * double(successful_requests) / double(total_requests) : 0);
  o["error_rate"] = round3(error_rate_percent());
  json::object codes;
  for (auto& [code, n] : status_codes) codes[std::to_string(code)] = n;
  o["status_codes"] = std::move(codes);
  json::object errs;
  for (auto& [kind, n] : errors) errs[kind] = n;
  o["errors"] = std::move(errs);
  o["bytes_received"] = bytes_received;
  o["bytes_sent"] = bytes_sent;
  o["dropped_iterations"] = dropped_iterations;
  o["retried_requests"] = retried_requests;
  o["timing"] =
      json::object{{"dns", round3(avg_ms(timing.dns_us, timing.requests))},
                   {"connect", round3(avg_ms(timing.connect_us, timing.requests))},
                   {"tls", round3(avg_ms(timing.tls_us, timing.requests))},
                   {"send", round3(avg_ms(timing.send_us, timing.requests))},
                   {"wait", round3(avg_ms(timing.wait_us, timing.requests))},
                   {"receive", round3(avg_ms(timing.receive_us, timing.requests))},
                   {"requests", timing.requests},
                   {"sums_us", json::array{timing.dns_us, timing.connect_us, timing.tls_us,
                                           timing.send_us, timing.wait_us, timing.receive_us}}};
  o["duration_s"] = round3(duration_s);
  o["peak_memory_mb"] = round3(peak_memory_mb);
  o["avg_cpu_percent"] = round3(avg_cpu_percent);
  o["start_time"] = start_unix_ms / 1000.0;
  o["end_time"] = end_unix_ms / 1000.0;
  json::array series;
  for (const auto& p : intervals) series.push_back(interval_to_json(p));
  o["intervals"] = std::move(series);
  o["histogram"] = latency.to_json();
  if (error_latency.count()) {
    auto p = [&](double q) { return ms(error_latency.value_at_percentile(q)); };
    o["error_latency"] = json::object{{"count", error_latency.count()},
                                      {"avg", round3(error_latency.mean_us() / 1000.0)},
                                      {"min", ms(error_latency.min_us())},
                                      {"p50", p(50)},
                                      {"p95", p(95)},
                                      {"p99", p(99)},
                                      {"max", ms(error_latency.max_us())},
                                      {"histogram", error_latency.to_json()}};
  }
  json::array kept;
  for (const auto& s : samples) kept.push_back(sample_to_json(s));
  o["samples"] = std::move(kept);
  return o;
}

Metrics Metrics::from_json(const json::object& o) {
  Metrics m;
  if (const auto* h = o.if_contains("histogram")) m.latency = LatencyDistribution::from_json(*h);
  m.total_requests = count_or(o, "total_requests");
  m.successful_requests = count_or(o, "successful_requests");
  m.failed_requests = count_or(o, "failed_requests");
  if (const auto* codes = o.if_contains("status_codes"); codes && codes->is_object())
    for (auto& [k, v] : codes->as_object())
      m.status_codes[std::stoi(std::string(k))] = json::value_to<std::uint64_t>(v);
  if (const auto* errs = o.if_contains("errors"); errs && errs->is_object())
    for (auto& [k, v] : errs->as_object())
      m.errors[std::string(k)] = json::value_to<std::uint64_t>(v);
  m.bytes_received = count_or(o, "bytes_received");
  m.bytes_sent = count_or(o, "bytes_sent");
  m.dropped_iterations = count_or(o, "dropped_iterations");
  m.retried_requests = count_or(o, "retried_requests");
  if (const auto* t = o.if_contains("timing"); t && t->is_object()) {
    const auto& to = t->as_object();
    m.timing.requests = count_or(to, "requests");
    if (const auto* s = to.if_contains("sums_us");
        s && s->is_array() && s->as_array().size() == 6) {
      const auto& a = s->as_array();
      m.timing.dns_us = json::value_to<std::uint64_t>(a[0]);
      m.timing.connect_us = json::value_to<std::uint64_t>(a[1]);
      m.timing.tls_us = json::value_to<std::uint64_t>(a[2]);
      m.timing.send_us = json::value_to<std::uint64_t>(a[3]);
      m.timing.wait_us = json::value_to<std::uint64_t>(a[4]);
      m.timing.receive_us = json::value_to<std::uint64_t>(a[5]);
    }
  }
  m.duration_s = number_or(o, "duration_s");
  m.peak_memory_mb = number_or(o, "peak_memory_mb");
  m.avg_cpu_percent = number_or(o, "avg_cpu_percent");
  m.start_unix_ms =
      checked_integer<std::int64_t>(number_or(o, "start_time") * 1000.0, "start_time");
  m.end_unix_ms = checked_integer<std::int64_t>(number_or(o, "end_time") * 1000.0, "end_time");
  if (const auto* e = o.if_contains("error_latency"); e && e->is_object())
    if (const auto* h = e->as_object().if_contains("histogram"))
      m.error_latency = LatencyDistribution::from_json(*h);
  if (const auto* s = o.if_contains("samples"); s && s->is_array())
    for (const auto& v : s->as_array()) {
      if (!v.is_object()) continue;
      const auto& so = v.as_object();
      ResponseSample sample;
      sample.key = string_or(so, "key");
      sample.status = checked_integer<int>(number_or(so, "status"), "status");
      sample.error_kind = string_or(so, "error");
      sample.status_line = string_or(so, "status_line");
      if (const auto* h = so.if_contains("headers"); h && h->is_object())
        for (const auto& [name, value] : h->as_object())
          if (value.is_string())
            sample.headers.emplace_back(std::string(name), std::string(value.get_string()));
      sample.body = string_or(so, "body");
      sample.body_bytes = count_or(so, "body_bytes");
      sample.detail = string_or(so, "detail");
      sample.request = string_or(so, "request");
      sample.request_body = string_or(so, "request_body");
      if (!sample.key.empty()) keep_sample(m.samples, std::move(sample));
    }
  if (const auto* s = o.if_contains("intervals"); s && s->is_array())
    for (const auto& v : s->as_array()) {
      if (!v.is_object()) continue;
      const auto& p = v.as_object();
      IntervalPoint ip;
      ip.t_s = number_or(p, "t_s");
      ip.rps = number_or(p, "rps");
      ip.p50_ms = number_or(p, "p50_ms");
      ip.p90_ms = number_or(p, "p90_ms");
      ip.p95_ms = number_or(p, "p95_ms");
      ip.p99_ms = number_or(p, "p99_ms");
      ip.errors_per_s = number_or(p, "errors_per_s");
      ip.requests = count_or(p, "requests");
      ip.errors = count_or(p, "errors");
      // Reports from before the field: every request of the second counted as answered.
      ip.responses = p.contains("responses") ? count_or(p, "responses") : ip.requests;
      ip.active_users = number_or(p, "active_users");
      ip.target = number_or(p, "target");
      ip.target_rss_mb = number_or(p, "target_rss_mb", -1);
      m.intervals.push_back(ip);
    }
  return m;
}

}  // namespace perf::api
