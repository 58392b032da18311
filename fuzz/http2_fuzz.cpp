// libFuzzer target: the HTTP/2 client (core/src/http/h2_connection.cpp) against a server that
// answers with arbitrary bytes. A real connection on 127.0.0.1 carries them: nghttp2 checks the
// framing, and what reaches our side (its callbacks, stream bookkeeping, GOAWAY and refused
// streams sent again, failure sampling, the end of the connection) is what is fuzzed.
//
// Input: byte 0 chooses the exchanges (1 to 4 at once; POST with a body or GET or HEAD; failure
// sampling on or off), byte 1 the size of the server's writes (1 to 255 bytes, or all at once),
// the rest is what the server sends after its own empty SETTINGS frame (which a client requires
// first; without it almost every input would end at the first frame). The server then closes its
// side. Each exchange must end (by the server's bytes, the end of the connection, or the deadline)
// with an outcome; a hang, a crash or a sanitizer report is a finding.
#include "perf/api/request.hpp"
#include "perf/http/connection.hpp"
#include "perf/http/h2_connection.hpp"
#include "perf/http/target.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asio = boost::asio;
namespace http = perf::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// One listening socket for the whole run (a new port per input would exhaust them).
struct Harness {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  std::shared_ptr<const http::Target> target = http::Target::make(
      "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()), {});
  http::Url base = target->url;
};

Harness& harness() {
  static Harness h;
  return h;
}

// One accepted connection: the server's bytes in writes of `chunk`, then the end of its side;
// what the client sent is read and dropped until it closes (a close with unread bytes would be a
// reset, and the input would not decide how the connection ends).
asio::awaitable<void> serve(tcp::socket socket, std::string_view bytes, std::size_t chunk) {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  for (std::size_t at = 0; at < bytes.size() && !ec; at += chunk)
    co_await asio::async_write(socket, asio::buffer(bytes.substr(at, chunk)), token);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  char sink[4096];
  for (ec = {}; !ec;) co_await socket.async_read_some(asio::buffer(sink), token);
}

// Accepts until the client side is done and cancels the accept (a GOAWAY or a refused stream
// sends an exchange again on a new connection, which gets the same bytes).
asio::awaitable<void> accept_all(tcp::acceptor& acceptor, std::string_view bytes,
                                 std::size_t chunk) {
  for (;;) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), bytes, chunk), asio::detached);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  Harness& h = harness();
  const std::uint8_t choice = data[0];
  const std::size_t chunk = data[1] == 0 ? size : data[1];
  // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
  std::string bytes("\0\0\0\x04\0\0\0\0\0", 9);
  bytes.append(reinterpret_cast<const char*>(data + 2), size - 2);

  const int exchanges = 1 + (choice & 3);
  const char* method = (choice & 4) != 0 ? "POST" : (choice & 8) != 0 ? "HEAD" : "GET";
  perf::api::RequestSpec spec(method, "/items?page=2", {{"Accept", "application/json"}},
                              (choice & 4) != 0 ? std::string(300, 'b') : std::string());
  const http::H2Request request = http::H2Request::make(spec, h.base);

  http::H2Connection connection(h.io.get_executor(), h.target, 4);
  http::FailureSampling sampling;
  if ((choice & 16) != 0) connection.sample_failures(&sampling);
  std::vector<http::Outcome> outcomes(static_cast<std::size_t>(exchanges));
  int pending = exchanges;
  // The engine's deadline for a slow answer; the server here always closes, so it is a backstop.
  const auto deadline = http::Clock::now() + std::chrono::seconds(2);

  asio::co_spawn(h.io, accept_all(h.acceptor, bytes, chunk), asio::detached);
  asio::steady_timer sweeper(h.io);
  auto finish = [&] {
    if (--pending > 0) return;
    connection.close();  // the server's read ends
    h.acceptor.cancel();
    sweeper.cancel();
  };
  for (auto& out : outcomes)
    asio::co_spawn(
        h.io,
        [&]() -> asio::awaitable<void> {
          co_await connection.exchange(request, out, deadline);
          finish();
        },
        asio::detached);
  // The engine's sweeper: deadlines are checked every 50 ms.
  asio::co_spawn(
      h.io,
      [&]() -> asio::awaitable<void> {
        error_code ec;
        while (pending > 0) {
          sweeper.expires_after(std::chrono::milliseconds(50));
          co_await sweeper.async_wait(asio::redirect_error(asio::use_awaitable, ec));
          connection.sweep(http::Clock::now());
        }
      },
      asio::detached);
  h.io.run();
  h.io.restart();
  return 0;
}
