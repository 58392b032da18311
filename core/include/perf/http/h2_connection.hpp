// One HTTP/2 client connection (h2c with prior knowledge for http://, h2 over TLS chosen by ALPN
// for https://) that carries many exchanges at once, each on its own stream: the load engine's
// client for --http2. It measures each stream the way http::Connection measures an exchange.
//
// Inside, one nghttp2 session per TCP/TLS connection is driven by Asio on the connection's
// thread: a read loop feeds nghttp2_session_mem_recv, a writer sends what nghttp2_session_mem_send
// has queued (requests submitted in the same turn of the event loop go out in one write), and
// each exchange waits on its own stream's wakeup. No threads, no locks.
#pragma once

#include "perf/api/request.hpp"
#include "perf/http/connection.hpp"
#include "perf/http/target.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace perf::http {

// A request template in HTTP/2 form, built once: pseudo-header fields first, then the header
// fields with lower-case names (connection-specific ones dropped, as RFC 9113 section 8.2.2
// requires). nghttp2 refers to these strings without copying them, so a request must outlive
// every stream sent with it (the engine keeps them for the whole phase).
struct H2Request {
  std::vector<std::pair<std::string, std::string>> fields;  // (":method", "GET"), ...
  std::string body;
  bool head = false;

  static H2Request make(const api::RequestSpec& spec, const Url& base);
};

class H2Link;  // one TCP/TLS connection and its nghttp2 session (h2_connection.cpp)

class H2Connection {
 public:
  using Executor = Connection::Executor;

  // `streams`: how many exchanges the engine runs on this connection at once (--streams). More
  // than the server's SETTINGS_MAX_CONCURRENT_STREAMS wait in nghttp2 for a free stream.
  H2Connection(Executor executor, std::shared_ptr<const Target> target, std::uint32_t streams);
  H2Connection(const H2Connection&) = delete;
  H2Connection& operator=(const H2Connection&) = delete;
  ~H2Connection();

  // Sends `request` on a new stream (connecting first when there is no usable connection) and
  // waits for the whole response. Never throws for network errors: they are in `out.error`.
  // A stream beyond the last stream of a GOAWAY, or on a reused connection found closed before
  // any answer, is sent again once on a new connection; after a plain REFUSED_STREAM, once on
  // any usable connection (the same one when it still takes streams).
  // After `deadline`, sweep() ends the stream with request_timeout.
  boost::asio::awaitable<void> exchange(const H2Request& request, Outcome& out,
                                        Clock::time_point deadline);

  // Stream slots for the open model: an arrival claims one before exchange() and releases it
  // after, so the engine can find a connection with a free stream.
  bool has_free_slot() const { return claimed_ < streams_; }
  void claim() { ++claimed_; }
  void release() { --claimed_; }
  std::uint32_t streams() const { return streams_; }

  // Called by the engine's sweeper. A stream past its deadline ends with request_timeout and is
  // reset alone (RST_STREAM CANCEL); the connection and its other streams go on. When the
  // server has sent nothing at all since that stream started, a PING goes out too, and if
  // nothing (not even its answer) arrives within another timeout, the connection is dead: it
  // is closed and each of its streams ends with request_timeout. A connection not up by the
  // first deadline is closed and its streams end with connect_timeout.
  void sweep(Clock::time_point now);
  // Ends every stream now: request_timeout (timed_out = true) or `aborted` (a stop request).
  void abort(bool timed_out);
  bool busy() const;  // streams in flight

  // keep_alive = false: the current connection takes no new stream and closes once its streams
  // are done, so the next exchange opens a new one.
  void retire();
  void close();

  // Responses with a status `sampling` wants are captured into it (load path only). When
  // exchange() returns, a capture it made is owned by this connection (sampling->owner == this),
  // as http::Connection does, so the engine's Recorder::sample works unchanged.
  void sample_failures(FailureSampling* sampling) { sampling_ = sampling; }

 private:
  H2Link& usable_link();

  Executor executor_;
  std::shared_ptr<const Target> target_;
  std::uint32_t streams_;  // concurrent exchanges the engine runs here
  std::uint32_t claimed_ = 0;
  // The current connection is the last; earlier ones stopped taking streams (GOAWAY, retire)
  // and are kept until their streams are done, so sweep() and abort() still reach them.
  std::vector<std::shared_ptr<H2Link>> links_;
  FailureSampling* sampling_ = nullptr;
};

}  // namespace perf::http
