// Unit tests of http::Connection against a scripted server on 127.0.0.1: responses split across
// reads, chunked bodies, early closes, unsolicited bytes, bad status lines, interim responses.
#define BOOST_TEST_MODULE connection
#include "perf/http/connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/ioctl.h>

#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// So that failed assertions print error kinds by name.
namespace perf::http {
std::ostream& operator<<(std::ostream& os, ErrorKind kind) {
  return os << to_string(kind);
}
}  // namespace perf::http

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using namespace perf::http;
using namespace std::chrono_literals;

namespace {

constexpr auto kTimeLimit = 5s;  // a hang fails the test after this long

// The server's end of one accepted connection. It stays open until its script closes it or the
// test ends.
class Peer {
 public:
  explicit Peer(tcp::socket socket) : socket_(std::move(socket)) {
    socket_.set_option(tcp::no_delay(true));
  }

  // Reads one request head (the requests of these tests have no body) into `requests`; false
  // once the client has closed the connection.
  awaitable<bool> read_request() {
    error_code ec;
    const std::size_t n =
        co_await asio::async_read_until(socket_, asio::dynamic_buffer(pending_), "\r\n\r\n",
                                        asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    requests.push_back(pending_.substr(0, n));
    pending_.erase(0, n);
    co_return true;
  }

  awaitable<void> expect_request() {
    // (GCC 12 miscompiles a co_await inside an if condition: await into a variable first.)
    const bool read = co_await read_request();
    if (!read)
      throw std::runtime_error("the client closed the connection instead of sending a request");
  }

  // Writes `bytes` in pieces of `piece` bytes with `pause` between them; piece 0: in one write.
  awaitable<void> write(std::string_view bytes, std::size_t piece = 0,
                        std::chrono::milliseconds pause = 0ms) {
    if (piece == 0) piece = bytes.size();
    asio::steady_timer timer(socket_.get_executor());
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      if (at > 0 && pause > 0ms) {
        timer.expires_after(pause);
        co_await timer.async_wait(use_awaitable);
      }
      co_await asio::async_write(socket_, asio::buffer(bytes.substr(at, piece)), use_awaitable);
    }
  }

  // Returns once the client's kernel has acknowledged every byte written: they are waiting in
  // its receive queue.
  awaitable<void> wait_until_delivered() {
    asio::steady_timer timer(socket_.get_executor());
    for (;;) {
      int unacknowledged = 0;
      if (::ioctl(socket_.native_handle(), TIOCOUTQ, &unacknowledged) != 0)
        throw std::runtime_error("ioctl(TIOCOUTQ) failed");
      if (unacknowledged == 0) co_return;
      timer.expires_after(1ms);
      co_await timer.async_wait(use_awaitable);
    }
  }

  void close() { socket_.close(); }

  std::vector<std::string> requests;  // request heads in the order read

 private:
  tcp::socket socket_;
  std::string pending_;
};

// A TCP server on 127.0.0.1 with an ephemeral port that plays one script per accepted
// connection, in order of acceptance.
class ScriptedServer {
 public:
  using Script = std::function<awaitable<void>(Peer&)>;

  explicit ScriptedServer(asio::io_context& io)
      : acceptor_(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {}

  std::shared_ptr<const Target> target() const {
    return Target::make("http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()),
                        {});
  }

  void serve(std::vector<Script> scripts) {
    scripts_ = std::move(scripts);
    asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
  }

  std::size_t accepted() const { return peers_.size(); }
  Peer& peer(std::size_t i) { return peers_.at(i); }
  std::vector<std::string> failures;  // script exceptions and connections no script expected

 private:
  awaitable<void> accept_loop() {
    for (;;) {
      error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      Peer& peer = peers_.emplace_back(std::move(socket));
      const std::size_t index = peers_.size() - 1;
      if (index >= scripts_.size()) {
        failures.push_back("connection " + std::to_string(index + 1) + " was not expected");
        continue;
      }
      asio::co_spawn(acceptor_.get_executor(), scripts_[index](peer),
                     [this, index](std::exception_ptr e) {
                       if (!e) return;
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& x) {
                         failures.push_back("script of connection " + std::to_string(index + 1) +
                                            ": " + x.what());
                       }
                     });
    }
  }

  tcp::acceptor acceptor_;
  std::vector<Script> scripts_;
  std::deque<Peer> peers_;  // (a deque: references to peers stay valid as more are accepted)
};

// A one-shot signal between the client and a server script.
class Event {
 public:
  explicit Event(asio::io_context& io) : timer_(io, asio::steady_timer::time_point::max()) {}
  void set() {
    set_ = true;
    timer_.cancel();
  }
  awaitable<void> wait() {
    error_code ec;
    if (!set_) co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
  }

 private:
  asio::steady_timer timer_;
  bool set_ = false;
};

// Each test case: an io_context, a scripted server and one Connection to it.
struct Loopback {
  asio::io_context io;
  ScriptedServer server{io};
  std::shared_ptr<const Target> target = server.target();
  Connection connection{io.get_executor(), target};

  PreparedRequest get(const std::string& path) const {
    return PreparedRequest::make(perf::api::RequestSpec("GET", path), target->url, true);
  }

  // Runs `client` (and the server scripts) until the client finishes, at most kTimeLimit.
  void run(const std::function<awaitable<void>()>& client) {
    bool finished = false;
    std::exception_ptr failure;
    asio::co_spawn(io, client(), [&](std::exception_ptr e) {
      finished = true;
      failure = e;
      io.stop();
    });
    io.run_for(kTimeLimit);
    BOOST_REQUIRE_MESSAGE(finished, "the client did not finish within the time limit");
    if (failure) std::rethrow_exception(failure);
    for (const auto& f : server.failures) BOOST_ERROR(f);
  }
};

Capture capturing(std::size_t body_cap = 4096) {
  Capture capture;
  capture.body_cap = body_cap;
  return capture;
}

std::string header(const Capture& capture, std::string_view name) {
  for (const auto& [n, v] : capture.headers)
    if (n == name) return v;
  return "<absent>";
}

std::string request_line(const std::string& request) {
  return request.substr(0, request.find("\r\n"));
}

// Told when a fast exchange ends; counts the calls (one, never from inside the start).
struct FastListener final : ExchangeListener {
  explicit FastListener(asio::io_context& io) : done(io) {}
  void exchange_done(bool r) override {
    ++calls;
    retry = r;
    done.set();
  }
  Event done;
  int calls = 0;
  bool retry = false;
};

// The load path's exchange (Connection::start_fast_exchange) as an awaitable: true when the
// listener was told to send the request again.
awaitable<bool> fast_exchange(asio::io_context& io, Connection& connection,
                              const PreparedRequest& request, Outcome& out) {
  FastListener listener(io);
  BOOST_REQUIRE(connection.can_exchange_fast());
  connection.start_fast_exchange(request, out, Clock::now(), listener);
  BOOST_TEST(listener.calls == 0);  // never called back from inside the start
  co_await listener.done.wait();
  BOOST_TEST(listener.calls == 1);
  co_return listener.retry;
}
}  // namespace

BOOST_FIXTURE_TEST_SUITE(connection, Loopback)

BOOST_AUTO_TEST_CASE(a_response_split_across_many_reads_is_parsed_whole) {
  // Three bytes a write: the status line, the headers and the body all arrive in pieces.
  const std::string first =
      "HTTP/1.1 200 OK\r\nContent-Length: 26\r\nX-Split: yes\r\n\r\nabcdefghijklmnopqrstuvwxyz";
  const std::string second = "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello";
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(first, 3, 1ms);
    co_await peer.expect_request();
    co_await peer.write(second, 3, 1ms);
  }});
  const auto one = get("/one"), two = get("/two");
  Outcome a, b;
  Capture ca = capturing(), cb = capturing();
  run([&]() -> awaitable<void> {
    co_await connection.exchange(one, a, &ca);
    co_await connection.exchange(two, b, &cb);
  });
  BOOST_TEST(a.error == ErrorKind::none);
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.bytes_in == first.size());
  BOOST_TEST(a.bytes_out == one.bytes.size());
  BOOST_TEST(ca.body == "abcdefghijklmnopqrstuvwxyz");
  BOOST_TEST(ca.body_bytes == 26u);
  BOOST_TEST(header(ca, "X-Split") == "yes");
  BOOST_TEST(!a.reused);
  BOOST_TEST(a.keep_alive);
  BOOST_TEST(b.error == ErrorKind::none);
  BOOST_TEST(b.status == 201);
  BOOST_TEST(b.bytes_in == second.size());
  BOOST_TEST(cb.body == "hello");
  BOOST_TEST(b.reused);
  BOOST_TEST(!b.retried);
  BOOST_TEST(connection.is_open());
  BOOST_REQUIRE(server.accepted() == 1u);
  BOOST_REQUIRE(server.peer(0).requests.size() == 2u);
  BOOST_TEST(request_line(server.peer(0).requests[0]) == "GET /one HTTP/1.1");
  BOOST_TEST(request_line(server.peer(0).requests[1]) == "GET /two HTTP/1.1");
}

BOOST_AUTO_TEST_CASE(a_chunked_body_with_extensions_and_trailers_is_counted_and_captured) {
  const std::string response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
      "5;name=value\r\nHello\r\n"
      "A\r\n, chunked \r\n"
      "6;a=b;quoted=\"x;y\"\r\nworld!\r\n"
      "0\r\nX-Checksum: 42\r\n\r\n";
  const std::string after = "HTTP/1.1 204 No Content\r\n\r\n";
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(response, 4, 1ms);
    co_await peer.expect_request();
    co_await peer.write(after);
  }});
  const auto request = get("/chunked");
  Outcome out, next;
  Capture capture = capturing();
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, out, &capture);
    co_await connection.exchange(request, next);
  });
  BOOST_TEST(out.error == ErrorKind::none);
  BOOST_TEST(out.status == 200);
  BOOST_TEST(capture.body == "Hello, chunked world!");
  BOOST_TEST(capture.body_bytes == 21u);
  BOOST_TEST(out.bytes_in == response.size());
  BOOST_TEST(header(capture, "X-Checksum") == "42");
  BOOST_TEST(out.keep_alive);
  // The trailer was read to its end: the next response on the connection parses cleanly.
  BOOST_TEST(next.error == ErrorKind::none);
  BOOST_TEST(next.status == 204);
  BOOST_TEST(next.reused);
  BOOST_TEST(next.bytes_in == after.size());
}

BOOST_AUTO_TEST_CASE(a_server_closing_before_answering_is_a_reset) {
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    peer.close();
  }});
  const auto request = get("/");
  Outcome out;
  Capture capture = capturing();
  run([&]() -> awaitable<void> { co_await connection.exchange(request, out, &capture); });
  BOOST_TEST(out.error == ErrorKind::reset);
  BOOST_TEST(out.status == 0);
  BOOST_TEST(out.bytes_in == 0u);
  BOOST_TEST(out.bytes_out == request.bytes.size());
  BOOST_TEST(!out.reused);
  BOOST_TEST(!out.retried);  // a new connection is not retried
  BOOST_TEST(!connection.is_open());
  BOOST_TEST(server.accepted() == 1u);
}

BOOST_AUTO_TEST_CASE(a_kept_alive_connection_closed_while_idle_is_retried_on_a_new_one) {
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  Event first_done(io);
  server.serve({[&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(response);
                  co_await first_done.wait();
                  peer.close();
                },
                [&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(response);
                }});
  const auto request = get("/");
  Outcome a, b;
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, a);
    first_done.set();
    co_await connection.exchange(request, b);
  });
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.keep_alive);
  BOOST_TEST(b.error == ErrorKind::none);
  BOOST_TEST(b.status == 200);
  BOOST_TEST(b.retried);
  BOOST_TEST(!b.reused);  // the retry went out on a new connection
  BOOST_TEST(server.accepted() == 2u);
}

BOOST_AUTO_TEST_CASE(a_body_cut_short_by_close_is_an_error_not_a_success) {
  const std::string sent = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(40, 'x');
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(sent, 16, 1ms);
    peer.close();
  }});
  const auto request = get("/");
  Outcome out;
  Capture capture = capturing();
  run([&]() -> awaitable<void> { co_await connection.exchange(request, out, &capture); });
  BOOST_TEST(out.error == ErrorKind::reset);
  BOOST_TEST(out.status == 0);  // no status is reported for a failed exchange
  BOOST_TEST(out.bytes_in == sent.size());
  BOOST_TEST(!out.keep_alive);
  BOOST_TEST(!capture.error_detail.empty());
  BOOST_TEST(!connection.is_open());
}

BOOST_AUTO_TEST_CASE(an_answer_with_connection_close_succeeds_and_the_connection_is_not_reused) {
  const std::string closing = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok";
  const std::string fresh = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh";
  server.serve({[&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(closing);
                  peer.close();
                },
                [&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(fresh);
                }});
  const auto request = get("/");
  Outcome a, b;
  bool open_between = true;
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, a);
    open_between = connection.is_open();
    co_await connection.exchange(request, b);
  });
  BOOST_TEST(a.error == ErrorKind::none);
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.bytes_in == closing.size());
  BOOST_TEST(!a.keep_alive);
  BOOST_TEST(!open_between);
  BOOST_TEST(b.error == ErrorKind::none);
  BOOST_TEST(b.bytes_in == fresh.size());
  BOOST_TEST(!b.reused);
  BOOST_TEST(!b.retried);
  BOOST_TEST(server.accepted() == 2u);
}

BOOST_AUTO_TEST_CASE(bytes_after_a_complete_response_never_become_the_next_response) {
  // The junk arrives in the same read as the response. The client sends one request at a time,
  // so these bytes answer nothing: the next request must go out on a new connection.
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string real = "HTTP/1.1 202 Accepted\r\nContent-Length: 4\r\n\r\nreal";
  const std::string junks[] = {"HTTP/1.1 200 OK\r\n\r\nGARBAGE",
                               std::string("\x00\xff\x13junk\x7f\r\n\r\n", 11)};
  for (const std::string& junk : junks) {
    BOOST_TEST_CONTEXT("junk of " << junk.size() << " bytes") {
      Loopback t;  // a fresh server and connection for each kind of junk
      const std::string both = response + junk;
      t.server.serve({[&](Peer& peer) -> awaitable<void> {
                        co_await peer.expect_request();
                        co_await peer.write(both);
                        // Were the next request sent here, answer it so that the client ends.
                        const bool asked_again = co_await peer.read_request();
                        if (asked_again) {
                          co_await peer.write("HTTP/1.1 204 No Content\r\n\r\n");
                          peer.close();
                        }
                      },
                      [&](Peer& peer) -> awaitable<void> {
                        co_await peer.expect_request();
                        co_await peer.write(real);
                      }});
      const auto request = t.get("/");
      Outcome a, b;
      Capture cb = capturing();
      t.run([&]() -> awaitable<void> {
        co_await t.connection.exchange(request, a);
        co_await t.connection.exchange(request, b, &cb);
      });
      BOOST_TEST(a.error == ErrorKind::none);
      BOOST_TEST(a.status == 200);
      BOOST_TEST(a.bytes_in == response.size());
      BOOST_TEST(b.error == ErrorKind::none);
      BOOST_TEST(b.status == 202);
      BOOST_TEST(cb.body == "real");
      BOOST_TEST(!b.reused);
      BOOST_TEST(t.server.accepted() == 2u);
    }
  }
}

BOOST_AUTO_TEST_CASE(bytes_arriving_on_an_idle_probe_connection_never_become_the_next_response) {
  // Probes check for bytes waiting before they reuse a connection (the load path does not: a
  // syscall per request; see Connection::exchange).
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string junk = "HTTP/1.1 200 OK\r\n\r\nGARBAGE";
  const std::string real = "HTTP/1.1 202 Accepted\r\nContent-Length: 4\r\n\r\nreal";
  Event first_done(io), junk_delivered(io);
  server.serve({[&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(response);
                  co_await first_done.wait();
                  co_await peer.write(junk);
                  co_await peer.wait_until_delivered();
                  junk_delivered.set();
                  const bool asked_again = co_await peer.read_request();
                  if (asked_again) {
                    co_await peer.write("HTTP/1.1 204 No Content\r\n\r\n");
                    peer.close();
                  }
                },
                [&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(real);
                }});
  const auto request = get("/");
  Outcome a, b;
  Capture cb = capturing();
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, a);
    first_done.set();
    co_await junk_delivered.wait();
    co_await connection.exchange(request, b, &cb);
  });
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.keep_alive);
  BOOST_TEST(b.error == ErrorKind::none);
  BOOST_TEST(b.status == 202);
  BOOST_TEST(cb.body == "real");
  BOOST_TEST(!b.reused);
  BOOST_TEST(server.accepted() == 2u);
}

BOOST_AUTO_TEST_CASE(a_body_delimited_by_close_is_counted_whole) {
  // No Content-Length, no chunking: the body ends with the connection (the HTTP/1.0 way).
  const std::string body(3000, 'b');
  for (const std::string version : {"HTTP/1.0", "HTTP/1.1"}) {
    BOOST_TEST_CONTEXT(version) {
      Loopback t;
      const std::string response = version + " 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body;
      t.server.serve({[&](Peer& peer) -> awaitable<void> {
        co_await peer.expect_request();
        co_await peer.write(response, 700, 1ms);
        peer.close();
      }});
      const auto request = t.get("/");
      Outcome out;
      Capture capture = capturing(10);
      t.run([&]() -> awaitable<void> { co_await t.connection.exchange(request, out, &capture); });
      BOOST_TEST(out.error == ErrorKind::none);
      BOOST_TEST(out.status == 200);
      BOOST_TEST(capture.body_bytes == body.size());
      BOOST_TEST(capture.body == "bbbbbbbbbb");  // no more than body_cap is kept
      BOOST_TEST(out.bytes_in == response.size());
      BOOST_TEST(!out.keep_alive);
      BOOST_TEST(!t.connection.is_open());
    }
  }
}

// RFC 9110 section 6.4.1: 1xx, 204 and 304 have no body whatever their headers say (a 304 may
// carry the representation's Content-Length). Waiting for those bytes would time out.
BOOST_AUTO_TEST_CASE(a_304_or_204_with_a_length_has_no_body_and_the_connection_goes_on) {
  for (const std::string head : {"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
                                 "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"}) {
    BOOST_TEST_CONTEXT(head) {
      Loopback t;
      t.server.serve({[&](Peer& peer) -> awaitable<void> {
        co_await peer.expect_request();
        co_await peer.write(head);
        co_await peer.expect_request();
        co_await peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }});
      const auto request = t.get("/");
      Outcome first, second;
      t.run([&]() -> awaitable<void> {
        co_await t.connection.exchange(request, first);
        co_await t.connection.exchange(request, second);
      });
      BOOST_TEST(first.error == ErrorKind::none);
      BOOST_TEST((first.status == 304 || first.status == 204));
      BOOST_TEST(first.keep_alive);
      BOOST_TEST(second.status == 200);
      BOOST_TEST(second.reused);
    }
  }
}

BOOST_AUTO_TEST_CASE(an_invalid_status_line_is_a_protocol_error) {
  for (const std::string status_line :
       {"HTTX/1.1 200 OK", "HTTP/1.1 2x0 OK", "HTTP/1.1200 OK", "200 OK"}) {
    BOOST_TEST_CONTEXT(status_line) {
      Loopback t;
      const std::string response = status_line + "\r\nContent-Length: 2\r\n\r\nok";
      t.server.serve({[&](Peer& peer) -> awaitable<void> {
        co_await peer.expect_request();
        co_await peer.write(response);  // and the connection stays open
      }});
      const auto request = t.get("/");
      Outcome out;
      Capture capture = capturing();
      t.run([&]() -> awaitable<void> { co_await t.connection.exchange(request, out, &capture); });
      BOOST_TEST(out.error == ErrorKind::protocol);
      BOOST_TEST(out.status == 0);
      BOOST_TEST(!capture.error_detail.empty());
      BOOST_TEST(!t.connection.is_open());
    }
  }
}

BOOST_AUTO_TEST_CASE(interim_1xx_responses_are_skipped_for_the_final_one) {
  // 100 Continue and 103 Early Hints come before the answer; RFC 9110 section 15.2 asks clients
  // to accept them even unasked. The final response is the outcome, and the connection stays in
  // step for the next request.
  const std::string interim =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
  const std::string final_response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal";
  const std::string next_response = "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\nnext";
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(interim);
    co_await peer.write(final_response, 0, 1ms);
    co_await peer.expect_request();
    co_await peer.write("HTTP/1.1 100 Continue\r\n\r\n" + next_response);  // in one read
  }});
  const auto request = get("/");
  Outcome a, b;
  Capture ca = capturing(), cb = capturing();
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, a, &ca);
    co_await connection.exchange(request, b, &cb);
  });
  BOOST_TEST(a.error == ErrorKind::none);
  BOOST_TEST(a.status == 200);
  BOOST_TEST(ca.body == "final");
  BOOST_TEST(a.bytes_in == interim.size() + final_response.size());
  BOOST_TEST(header(ca, "Link") == "<absent>");  // the headers are the final response's
  BOOST_TEST(header(ca, "Content-Length") == "5");
  BOOST_TEST(a.keep_alive);
  BOOST_TEST(b.error == ErrorKind::none);
  BOOST_TEST(b.status == 201);
  BOOST_TEST(cb.body == "next");
  BOOST_TEST(b.reused);
  BOOST_TEST(server.accepted() == 1u);
}

BOOST_AUTO_TEST_CASE(a_close_after_an_interim_response_is_a_reset_not_a_success) {
  const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(interim);
    peer.close();
  }});
  const auto request = get("/");
  Outcome out;
  run([&]() -> awaitable<void> { co_await connection.exchange(request, out); });
  BOOST_TEST(out.error == ErrorKind::reset);
  BOOST_TEST(out.status == 0);
  BOOST_TEST(out.bytes_in == interim.size());
  BOOST_TEST(!connection.is_open());
}

// The load path's fast exchange (callbacks instead of a coroutine) must measure and check
// exactly what exchange() does.
BOOST_AUTO_TEST_CASE(the_fast_exchange_parses_split_interim_and_chunked_responses_whole) {
  const std::string opening = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string interim_then_chunked =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n0\r\n\r\n";
  const std::string split = "HTTP/1.1 201 Created\r\nContent-Length: 26\r\n\r\n" +
                            std::string("abcdefghijklmnopqrstuvwxyz");
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(opening);
    co_await peer.expect_request();
    co_await peer.write(interim_then_chunked, 5, 1ms);
    co_await peer.expect_request();
    co_await peer.write(split, 3, 1ms);
  }});
  const auto request = get("/fast");
  Outcome first, a, b;
  bool retry_a = true, retry_b = true;
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, first);  // connects
    retry_a = co_await fast_exchange(io, connection, request, a);
    retry_b = co_await fast_exchange(io, connection, request, b);
  });
  BOOST_TEST(!retry_a);
  BOOST_TEST(a.error == ErrorKind::none);
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.bytes_in == interim_then_chunked.size());
  BOOST_TEST(a.bytes_out == request.bytes.size());
  BOOST_TEST(a.reused);
  BOOST_TEST(a.keep_alive);
  BOOST_TEST(!retry_b);
  BOOST_TEST(b.error == ErrorKind::none);
  BOOST_TEST(b.status == 201);
  BOOST_TEST(b.bytes_in == split.size());
  BOOST_TEST(b.receive_us > 0u);  // the body came in pieces 1 ms apart
  BOOST_TEST(connection.is_open());
  BOOST_TEST(server.accepted() == 1u);
  BOOST_TEST(server.peer(0).requests.size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_fast_exchange_on_a_connection_closed_while_idle_asks_for_a_retry) {
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  Event first_done(io);
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(response);
    co_await first_done.wait();
    peer.close();
  }});
  const auto request = get("/");
  Outcome a, b;
  bool retry = false;
  bool open_before = false;
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, a);
    first_done.set();
    // Let the close reach the client before the next request goes out.
    asio::steady_timer timer(io);
    timer.expires_after(20ms);
    co_await timer.async_wait(use_awaitable);
    open_before = connection.is_open();
    retry = co_await fast_exchange(io, connection, request, b);
  });
  BOOST_TEST(open_before);  // the client had not noticed the close
  BOOST_TEST(retry);
  BOOST_TEST(b.error == ErrorKind::reset);
  BOOST_TEST(b.bytes_in == 0u);
  BOOST_TEST(!connection.is_open());
}

BOOST_AUTO_TEST_CASE(a_fast_exchange_cut_short_or_past_its_deadline_fails_and_is_not_retried) {
  const std::string opening = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const std::string short_body =
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + std::string(10, 'x');
  server.serve({[&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(opening);
                  co_await peer.expect_request();
                  co_await peer.write(short_body);
                  peer.close();
                },
                [&](Peer& peer) -> awaitable<void> {
                  co_await peer.expect_request();
                  co_await peer.write(opening);
                  co_await peer.expect_request();  // and never answers
                  asio::steady_timer timer(io);
                  timer.expires_after(2s);
                  co_await timer.async_wait(use_awaitable);
                }});
  const auto request = get("/");
  Outcome first, cut, second, stalled;
  bool retry_cut = true, retry_stalled = true;
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, first);
    retry_cut = co_await fast_exchange(io, connection, request, cut);
    co_await connection.exchange(request, second);  // a new connection
    asio::steady_timer deadline(io);
    deadline.expires_after(50ms);
    deadline.async_wait([&](error_code) { connection.abort(true); });  // what the sweeper does
    retry_stalled = co_await fast_exchange(io, connection, request, stalled);
  });
  BOOST_TEST(!retry_cut);  // bytes came back: not a stale connection
  BOOST_TEST(cut.error == ErrorKind::reset);
  BOOST_TEST(cut.status == 0);
  BOOST_TEST(cut.bytes_in == short_body.size());
  BOOST_TEST(second.error == ErrorKind::none);
  BOOST_TEST(!retry_stalled);
  BOOST_TEST(stalled.error == ErrorKind::request_timeout);
  BOOST_TEST(stalled.wait_us >= 40'000u);
  BOOST_TEST(!connection.is_open());
}

BOOST_AUTO_TEST_CASE(the_fast_exchange_captures_a_sampled_status_whole_and_skips_the_others) {
  FailureSampling sampling;
  connection.sample_failures(&sampling);
  const std::string ok =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok";
  const std::string missing =
      "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nX-Other: 1\r\n"
      "Content-Length: 19\r\n\r\n{\"error\":\"missing\"}";
  server.serve({[&](Peer& peer) -> awaitable<void> {
    co_await peer.expect_request();
    co_await peer.write(ok);
    co_await peer.expect_request();
    co_await peer.write(ok);
    co_await peer.expect_request();
    co_await peer.write(missing);
  }});
  const auto request = get("/");
  Outcome first, a, b;
  int capturing_after_ok = -1;
  run([&]() -> awaitable<void> {
    co_await connection.exchange(request, first);
    co_await fast_exchange(io, connection, request, a);
    capturing_after_ok = sampling.capturing;
    co_await fast_exchange(io, connection, request, b);
  });
  BOOST_TEST(a.status == 200);
  BOOST_TEST(capturing_after_ok == 0);  // a 200 is never sampled
  BOOST_TEST(b.status == 404);
  BOOST_TEST(b.keep_alive);
  BOOST_TEST(sampling.capturing == 404);
  BOOST_TEST(sampling.status_line == "HTTP/1.1 404 Not Found");
  BOOST_TEST(sampling.scratch.body == "{\"error\":\"missing\"}");
  BOOST_TEST(sampling.scratch.body_bytes == 19u);
  // The headers that explain a refusal are kept; X-Other is not.
  BOOST_REQUIRE(sampling.scratch.headers.size() == 2u);
  BOOST_TEST(sampling.scratch.headers[0].first == "Content-Type");
  BOOST_TEST(sampling.scratch.headers[0].second == "application/json");
  BOOST_TEST(sampling.scratch.headers[1].first == "Content-Length");
}

BOOST_AUTO_TEST_SUITE_END()
