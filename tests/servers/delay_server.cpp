// perf-delay-server: answers every request after exactly --delay-ms, so the engine's latency
// numbers can be checked against a known truth. With --stall-at-s S --stall-ms M it stops
// answering for M ms starting S seconds after it started (a GC pause, a lock), which an open
// model must show in its tail latency. With --arrivals-file PATH it appends, for each request, the
// microseconds since it started at which the request had been read: the pacing as the server saw
// it.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Config {
  std::chrono::microseconds delay{20000};
  double stall_at_s = -1;
  std::chrono::milliseconds stall{0};
  Clock::time_point started = Clock::now();
  std::unique_ptr<std::ofstream> arrivals;  // one line per request, flushed (the test kills us)
};

asio::awaitable<void> serve(tcp::socket socket, const Config& config) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  asio::steady_timer timer(stream.get_executor());
  for (;;) {
    http::request<http::string_body> request;
    co_await http::async_read(stream, buffer, request, token);
    if (ec) break;
    const auto arrived = Clock::now();
    if (config.arrivals)
      *config.arrivals
          << std::chrono::duration_cast<std::chrono::microseconds>(arrived - config.started).count()
          << std::endl;
    auto ready = arrived + config.delay;
    if (config.stall_at_s >= 0) {
      const auto stall_start =
          config.started + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(config.stall_at_s));
      const auto stall_end = stall_start + config.stall;
      if (ready > stall_start && arrived < stall_end) ready = std::max(ready, stall_end);
    }
    timer.expires_at(ready);
    co_await timer.async_wait(token);
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/plain");
    response.body() = "ok";
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    co_await http::async_write(stream, response, token);
    if (ec || !request.keep_alive()) break;
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, const Config& config) {
  for (;;) {
    boost::system::error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), config), asio::detached);
  }
}

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--arrivals-file") {
      config.arrivals = std::make_unique<std::ofstream>(argv[i + 1]);
      continue;
    }
    const double v = std::stod(argv[i + 1]);
    if (a == "--delay-ms")
      config.delay = std::chrono::microseconds(std::int64_t(v * 1000));
    else if (a == "--stall-at-s")
      config.stall_at_s = v;
    else if (a == "--stall-ms")
      config.stall = std::chrono::milliseconds(std::int64_t(v));
  }
  asio::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  asio::co_spawn(io, listen(acceptor, config), asio::detached);
  io.run();
}
