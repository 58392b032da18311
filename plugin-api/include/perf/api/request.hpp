// What a test case sends and what comes back: request templates the engine serializes once,
// and the full record of one probe exchange for test types that inspect responses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perf::api {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Types that are passed to Session coroutines have constructors on purpose: GCC 12 destroys
// aggregate temporaries wrongly inside co_await expressions (`co_await s.send(r, {})` crashed),
// and a user-provided constructor makes them non-aggregates. See docs/plugin-guide.md.
struct RequestSpec {
  RequestSpec() {}
  RequestSpec(std::string method_, std::string target_, HeaderList headers_ = {},
              std::string body_ = {})
      : method(std::move(method_)),
        target(std::move(target_)),
        headers(std::move(headers_)),
        body(std::move(body_)) {}
  std::string method = "GET";
  std::string target = "/";  // origin-form: path plus query, already percent-encoded
  HeaderList headers;        // besides Host, User-Agent and Content-Length, which the engine adds
  std::string body;
};

// Time spent in each part of one request, in milliseconds; 0 where the part did not happen
// (dns and connect are 0 on a reused keep-alive connection).
struct Timing {
  double dns_ms = 0;
  double connect_ms = 0;
  double tls_ms = 0;
  double send_ms = 0;
  double wait_ms = 0;  // time to first byte after the request was sent
  double receive_ms = 0;
  double total_ms = 0;
};

// Error kinds, as named in reports.
namespace error_kind {
inline constexpr std::string_view connect_refused = "connect_refused";
inline constexpr std::string_view connect_timeout = "connect_timeout";
inline constexpr std::string_view request_timeout = "request_timeout";
inline constexpr std::string_view reset = "reset";
inline constexpr std::string_view tls = "tls";
inline constexpr std::string_view protocol = "protocol";
inline constexpr std::string_view dns = "dns";
}  // namespace error_kind

struct Exchange {
  int status = 0;     // 0 when no response arrived
  std::string error;  // an error_kind, empty on a response
  std::string error_detail;
  HeaderList headers;
  std::string body;              // the first ProbeOptions::capture_body_bytes bytes
  std::uint64_t body_bytes = 0;  // the whole body's size, captured or not
  Timing timing;
  bool reused_connection = false;

  bool ok() const { return error.empty() && status > 0; }
  // Case-insensitive header lookup; "" when absent.
  std::string header(std::string_view name) const;
};

struct ProbeOptions {
  ProbeOptions() {}
  std::string base_url;         // scheme://host:port[/base]; empty: the session's target
  double timeout_s = 0;         // 0: the session's --timeout
  bool new_connection = false;  // true: do not reuse the probe connection
  std::size_t capture_body_bytes = 1 << 20;
};

}  // namespace perf::api
