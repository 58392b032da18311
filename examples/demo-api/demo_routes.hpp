// The demo API's endpoints and the state behind them. Each flaw a test type looks for has a
// well-behaved twin, so every detector can be checked for both a hit and a miss.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace demo {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 2;
  double slow_ms = 200;                 // /slow
  double rate_limit_rps = 20;           // /limited: token bucket rate
  double rate_limit_burst = 20;         //           and size
  std::size_t body_limit = 256 * 1024;  // /upload answers 413 past this
  int capacity = 8;                     // /capacity: 503 past this many in flight
  double capacity_service_ms = 50;
  double serialized_service_ms = 10;        // /serialized: one at a time
  int max_connections = 512;                // connections past this are closed at once
  std::size_t leak_bytes = 10240;           // /leaky keeps this much per call
  std::size_t leak_cap_bytes = 512u << 20;  // ... until it holds this much (protects the host)
  double item_cost_ms = 1.0;                // /orders: per item (the N+1 shape)
  double page_cost_us_per_offset = 5;       // /items: deep pages cost more
  double search_cost_ms = 2.0;              // /search: per query term, filter and sort
};

class Routes {
 public:
  explicit Routes(Options options);
  // Decides the response; may wait (simulated work) on the caller's executor.
  boost::asio::awaitable<Response> handle(const Request& request);
  // The body limit for a target (checked against Content-Length before the body is read).
  std::size_t body_limit_for(std::string_view target) const;
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::mutex mutex_;
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
  std::chrono::steady_clock::time_point serialized_free_;
  std::atomic<int> capacity_in_flight_{0};
  std::atomic<std::int64_t> shifting_added_{0};  // items /shifting gained, one per request
  std::vector<std::vector<char>> leaked_;
  // /login issues tokens that /me accepts: the newest ones only, so memory stays bounded.
  std::mutex sessions_mutex_;
  std::set<std::string> sessions_;
  std::deque<std::string> session_order_;
  std::uint64_t sessions_issued_ = 0;
};

}  // namespace demo
