// perf-demo-api: a small HTTP/1.1 server whose endpoints show, on purpose, every behaviour
// perf-agent's test types look for (see openapi.yaml). Listens on loopback by default;
// --port 0 picks a free port and prints it ("listening on http://127.0.0.1:PORT").
#include "demo_routes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>

#include <array>
#include <atomic>
#include <cstring>
#include <iostream>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

std::atomic<int> open_connections{0};

asio::awaitable<void> serve(tcp::socket socket, demo::Routes& routes) {
  ++open_connections;
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    stream.expires_after(std::chrono::seconds(60));  // idle keep-alive connections go away
    co_await http::async_read_header(stream, buffer, parser, token);
    if (ec) break;
    const auto limit = routes.body_limit_for(parser.get().target());
    if (parser.content_length() && *parser.content_length() > limit) {
      // Refuse before reading the body, as nginx does with client_max_body_size.
      http::response<http::string_body> res{http::status::payload_too_large,
                                            parser.get().version()};
      res.set(http::field::content_type, "application/json");
      res.body() =
          "{\"error\":\"payload too large\",\"limit_bytes\":" + std::to_string(limit) + "}";
      res.keep_alive(false);
      res.prepare_payload();
      co_await http::async_write(stream, res, token);
      // Lingering close, as nginx does: read and drop what the client is still sending, so the
      // 413 is not lost to a connection reset.
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream.expires_after(std::chrono::seconds(2));
      std::array<char, 65536> sink;
      for (std::size_t drained = 0; drained < (64u << 20);) {
        const std::size_t n = co_await stream.async_read_some(asio::buffer(sink), token);
        if (ec) break;
        drained += n;
      }
      break;
    }
    parser.body_limit(limit);
    co_await http::async_read(stream, buffer, parser, token);
    if (ec) break;
    stream.expires_never();
    auto request = parser.release();
    auto response = co_await routes.handle(request);
    response.prepare_payload();
    co_await http::async_write(stream, response, token);
    if (ec || !response.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  --open_connections;
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, demo::Routes& routes, asio::io_context& io) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket(io);
    co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;
    }
    if (open_connections.load() >= routes.options().max_connections) {
      socket.close(ec);  // the connection limit: refuse by closing at once
      continue;
    }
    asio::co_spawn(io, serve(std::move(socket), routes), asio::detached);
  }
}

void usage() {
  std::cout
      << "Usage: perf-demo-api [--host H] [--port P (0: any)] [--threads N]\n"
         "  [--slow-ms MS] [--rate-limit RPS] [--burst N] [--body-limit BYTES]\n"
         "  [--capacity N] [--capacity-service-ms MS] [--serialized-service-ms MS]\n"
         "  [--max-connections N] [--leak-bytes BYTES] [--leak-cap-mb MB] [--item-cost-ms MS]\n"
         "  [--page-cost-us MS] [--search-cost-ms MS]\n";
}

}  // namespace

int main(int argc, char** argv) {
  demo::Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      usage();
      return 0;
    }
    if (i + 1 >= argc) {
      std::cerr << "perf-demo-api: " << a << " needs a value\n";
      return 2;
    }
    const std::string v = argv[++i];
    try {
      if (a == "--host")
        o.host = v;
      else if (a == "--port")
        o.port = (unsigned short)std::stoi(v);
      else if (a == "--threads")
        o.threads = std::max(1, std::stoi(v));
      else if (a == "--slow-ms")
        o.slow_ms = std::stod(v);
      else if (a == "--rate-limit")
        o.rate_limit_rps = std::stod(v);
      else if (a == "--burst")
        o.rate_limit_burst = std::stod(v);
      else if (a == "--body-limit")
        o.body_limit = std::stoul(v);
      else if (a == "--capacity")
        o.capacity = std::stoi(v);
      else if (a == "--capacity-service-ms")
        o.capacity_service_ms = std::stod(v);
      else if (a == "--serialized-service-ms")
        o.serialized_service_ms = std::stod(v);
      else if (a == "--max-connections")
        o.max_connections = std::stoi(v);
      else if (a == "--leak-bytes")
        o.leak_bytes = std::stoul(v);
      else if (a == "--leak-cap-mb")
        o.leak_cap_bytes = std::stoul(v) << 20;
      else if (a == "--item-cost-ms")
        o.item_cost_ms = std::stod(v);
      else if (a == "--page-cost-us")
        o.page_cost_us_per_offset = std::stod(v);
      else if (a == "--search-cost-ms")
        o.search_cost_ms = std::stod(v);
      else {
        std::cerr << "perf-demo-api: unknown option " << a << "\n";
        usage();
        return 2;
      }
    } catch (const std::exception&) {
      std::cerr << "perf-demo-api: " << a << ": not a number: " << v << "\n";
      return 2;
    }
  }
  try {
    asio::io_context io(o.threads);
    demo::Routes routes(o);
    tcp::endpoint endpoint(asio::ip::make_address(o.host), o.port);
    tcp::acceptor acceptor(io);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(1024);
    const auto bound = acceptor.local_endpoint();
    const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                     : bound.address().to_string();
    std::cout << "listening on http://" << host << ":" << bound.port() << std::endl;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](auto, int) {
      boost::system::error_code ec;
      acceptor.close(ec);
      io.stop();
    });
    asio::co_spawn(io, listen(acceptor, routes, io), asio::detached);
    std::vector<std::thread> threads;
    for (int i = 1; i < o.threads; ++i) threads.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : threads) t.join();
  } catch (const std::exception& e) {
    std::cerr << "perf-demo-api: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
