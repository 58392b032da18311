// One HTTP/1.1 keep-alive connection (plain or TLS) that sends prepared requests and measures
// each part of the exchange. The one HTTP client of the project: the load engine, probes and
// the resource monitor all use it. Responses are parsed without storing headers or body unless
// a Capture asks for them, so the hot path does not allocate.
#pragma once

#include "perf/api/request.hpp"
#include "perf/http/target.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <bitset>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace perf::http {

using Clock = std::chrono::steady_clock;

enum class ErrorKind : std::uint8_t {
  none,
  connect_refused,
  connect_timeout,
  request_timeout,
  reset,
  tls,
  protocol,
  dns,
  aborted,  // stopped by the run ending; not counted anywhere
};
inline constexpr std::size_t error_kind_count = 9;
std::string_view to_string(ErrorKind kind);
// The kind of a socket, resolver or TLS error (refused, unreachable, DNS, TLS, reset), for every
// client connection; `connecting`: it happened while connecting.
ErrorKind classify_socket_error(const boost::system::error_code& ec, bool connecting);

// A request serialized once: the bytes on the wire and what the parser must know about it.
struct PreparedRequest {
  std::string bytes;
  bool head = false;  // HEAD: the response has no body whatever its headers say

  static PreparedRequest make(const api::RequestSpec& spec, const Url& base, bool keep_alive);
};

// What one exchange measured. Times in microseconds.
struct Outcome {
  int status = 0;
  ErrorKind error = ErrorKind::none;
  std::uint32_t dns_us = 0, connect_us = 0, tls_us = 0, send_us = 0, wait_us = 0, receive_us = 0;
  std::uint64_t bytes_in = 0, bytes_out = 0;
  bool reused = false;      // sent on a connection that was already open
  bool keep_alive = false;  // the connection may carry the next request
  bool retried = false;     // the kept-alive connection had been closed: sent again on a new one
  boost::system::error_code cause;  // what the error kind was made from (for samples)
};

// For probes: headers and the start of the body.
struct Capture {
  std::string status_line;  // "HTTP/1.1 404 Not Found"
  api::HeaderList headers;
  std::string body;
  std::size_t body_cap = 0;
  std::uint64_t body_bytes = 0;
  std::string error_detail;
};

// The load path keeps the first response of each non-2xx status (a ResponseSample) without
// costing the other responses anything: the parser starts capturing only when the status line
// names a status not seen yet. One per engine thread, shared by its connections.
struct FailureSampling {
  std::bitset<600> seen;  // statuses already sampled (or being sampled)
  Capture scratch;        // headers and start of body of the response being sampled
  std::string status_line;
  int capturing = 0;            // the status being captured now; 0 when none
  const void* owner = nullptr;  // the connection capturing: one at a time per thread

  bool wants(int status) const {
    if (capturing) return false;
    // 1xx are interim (skipped by the parser) but for 101, which ends HTTP on the connection.
    return ((status >= 300 && status < 600) || status == 101) && !seen[status];
  }
};

// Told when a fast exchange ends (Connection::start_fast_exchange).
class ExchangeListener {
 public:
  // `retry`: the kept-alive connection had been closed by the server before anything came back;
  // the connection is closed and the caller sends the request again through exchange(), as
  // exchange() itself would. Otherwise the Outcome is complete.
  virtual void exchange_done(bool retry) = 0;

 protected:
  ~ExchangeListener() = default;
};

class ResponseParser;

class Connection {
 public:
  // Sockets use the io_context's own executor type rather than the polymorphic any_io_executor:
  // every asynchronous operation copies its executor, and the polymorphic copy showed up in
  // profiles of the request path.
  using Executor = boost::asio::io_context::executor_type;
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;

  Connection(Executor executor, std::shared_ptr<const Target> target);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();  // (out of line: ResponseParser is complete only there)

  // Sends `request` (connecting first if needed) and reads the whole response. Never throws for
  // network errors: they are reported in `out.error`. A request on a reused connection that the
  // server had closed is retried once on a new connection, as browsers and curl do.
  boost::asio::awaitable<void> exchange(const PreparedRequest& request, Outcome& out,
                                        Capture* capture = nullptr);

  // The load path's exchange on a plain connection still open from the previous request: the
  // same measurement and checks as exchange(), driven by callbacks instead of a coroutine (one
  // direct send, then reads until the parser has the whole response), so a request costs no
  // coroutine frames. `start` is when the caller began timing the request. The listener is called
  // once, never from inside this call. Connecting, TLS and retries stay with exchange().
  bool can_exchange_fast() const { return !tls_ && plain_ && plain_->is_open(); }
  void start_fast_exchange(const PreparedRequest& request, Outcome& out, Clock::time_point start,
                           ExchangeListener& listener);

  // Deadline of the exchange under way, checked by a TimeoutSweeper.
  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; }
  Clock::time_point deadline() const { return deadline_; }
  bool busy() const { return busy_; }
  bool is_open() const;

  // Closes the socket: the exchange under way ends with request_timeout (timed_out = true) or
  // `aborted` (timed_out = false).
  void abort(bool timed_out);
  void close();

  // Responses with a status `sampling` wants are captured into it (load path only).
  void sample_failures(FailureSampling* sampling) { sampling_ = sampling; }

 private:
  boost::asio::awaitable<bool> connect(Outcome& out, Capture* capture);
  template <class Stream>
  boost::asio::awaitable<void> transfer(Stream& stream, const PreparedRequest& request,
                                        Outcome& out, Capture* capture);
  Socket& socket();
  ErrorKind classify(const boost::system::error_code& ec, bool connecting) const;

  // The steps of reading a response, shared by transfer() and the fast exchange.
  enum class ParseProgress { need_more, complete, failed };
  // Parses what is buffered (skipping interim 1xx responses); `consumed` grows by what was used.
  ParseProgress parse_buffered(ResponseParser& parser, std::size_t& consumed,
                               boost::system::error_code& ec);
  // A read failed with `ec`: true when that ends the message (a body delimited by the end of the
  // connection); else `ec` says what went wrong.
  static bool ends_message(ResponseParser& parser, boost::system::error_code& ec);
  // The response is complete: status, keep-alive and sizes into `out`.
  void finish_response(const ResponseParser& parser, std::size_t consumed, Outcome& out,
                       Capture* capture);
  void fail(const boost::system::error_code& ec, Outcome& out) const;
  // The exchange on a reused connection failed only because the server had closed it.
  bool closed_while_idle(const Outcome& out) const;

  // The fast exchange's steps and state.
  void fast_sent(const boost::system::error_code& ec, std::size_t written);
  void fast_read();
  void fast_received(boost::system::error_code ec, std::size_t n);
  void fast_finish(bool inline_call);
  struct FastState {
    std::unique_ptr<ResponseParser> parser;  // one per connection, reset per request
    const PreparedRequest* request = nullptr;
    Outcome* out = nullptr;
    ExchangeListener* listener = nullptr;
    Clock::time_point start, sent, first_byte;
    std::size_t consumed = 0;
    bool first_read = true;
  } fast_;

  Executor executor_;
  std::shared_ptr<const Target> target_;
  std::optional<Socket> plain_;
  std::optional<boost::asio::ssl::stream<Socket>> tls_;
  boost::beast::flat_buffer buffer_;  // (must persist between reads: may hold the next bytes)
  Clock::time_point deadline_ = Clock::time_point::max();
  FailureSampling* sampling_ = nullptr;
  bool busy_ = false;
  bool timed_out_ = false;
  bool aborted_ = false;
};

}  // namespace perf::http
