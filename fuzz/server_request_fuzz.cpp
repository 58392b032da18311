// libFuzzer target: the service's HTTP server (core/src/server/http_server.cpp) with the
// service's guard and task reader behind it, fed arbitrary bytes by a client on 127.0.0.1:
// request lines, headers and bodies of any shape, several requests on one keep-alive connection,
// and the caps (431 headers, 414 URL, 413 body), the bearer token check before the body is read,
// routing by pattern and the WebSocket upgrade hook. The client sends the input, ends its side
// and reads what comes back until the server closes. A crash, a sanitizer report or a server
// that stops answering later inputs is a finding.
#include "perf/exec/executor.hpp"
#include "perf/server/bearer_token.hpp"
#include "perf/server/http_server.hpp"
#include "perf/service/agent_task.hpp"
#include "perf/util/user_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace server = perf::server;
using beast::http::status;
using beast::http::verb;

namespace {

// The routes and guard as the service sets them up (host/src/task_service.cpp), with handlers
// that do the service's reading of a request but keep no state.
std::shared_ptr<server::Router> service_like_router() {
  static const server::BearerToken token("s3cret");
  auto router = std::make_shared<server::Router>();
  router->guard("/api/", [](const server::Request& r) { return token.check(r); });
  router->add(verb::post, "/api/v1/tasks", [](const server::Request& r, const server::PathParams&) {
    boost::system::error_code ec;
    const auto body = boost::json::parse(r.body(), ec);
    if (ec) return server::error_response(status::bad_request, "the body is not JSON");
    try {
      const auto task = perf::service::parse_agent_task(body, "request body");
      return server::json_response(status::created, R"({"id": "t1"})", r.version());
    } catch (const perf::UserError& e) {
      return server::error_response(status::bad_request, e.what(), r.version());
    }
  });
  router->add(
      verb::get, "/api/v1/tasks/{id}", [](const server::Request& r, const server::PathParams& p) {
        const auto limit = server::query_parameter(r.target(), "limit");
        return server::json_response(
            status::ok, "{\"id\": \"" + p.at("id") + "\"}" + (limit ? *limit : std::string()));
      });
  router->add(verb::delete_, "/api/v1/tasks/{id}",
              [](const server::Request&, const server::PathParams&) {
                return server::error_response(status::conflict, "the task has ended");
              });
  router->add_upgrade("/api/v1/tasks/{id}/live", [](beast::tcp_stream stream,
                                                    server::Request request, server::PathParams) {
    // What the live views do with the stream: accept, offer the token's subprotocol, say hello.
    auto ws = std::make_shared<beast::websocket::stream<beast::tcp_stream>>(std::move(stream));
    const auto subprotocol = token.offered_subprotocol(request);
    ws->set_option(beast::websocket::stream_base::decorator([subprotocol](auto& response) {
      if (subprotocol) response.set(beast::http::field::sec_websocket_protocol, *subprotocol);
    }));
    ws->async_accept(request, [ws](boost::system::error_code ec) {
      if (ec) return;
      ws->async_write(asio::buffer(std::string_view("{\"type\": \"end\"}")),
                      [ws](boost::system::error_code, std::size_t) {});
    });
  });
  router->add(verb::get, "/metrics", [](const server::Request&, const server::PathParams&) {
    return server::json_response(status::ok, "{}");
  });
  return router;
}

struct Harness {
  perf::exec::Executor executor{1};
  server::HttpServer http{
      executor, {asio::ip::make_address("127.0.0.1"), 0}, service_like_router(), [] {
        server::Limits limits;
        limits.max_body_bytes = 64 * 1024;  // small caps, reached by inputs
        limits.max_header_bytes = 2048;
        limits.max_target_bytes = 512;
        limits.read_timeout = std::chrono::seconds(2);
        limits.idle_timeout = std::chrono::seconds(2);
        return limits;
      }()};
  asio::io_context client;
  Harness() { http.start(); }
};

Harness& harness() {
  static Harness h;
  return h;
}

}  // namespace

// The client: connect from the next source address, send the input, end its side, read until
// the server closes. Asynchronous, so that libFuzzer's SIGALRM (its -timeout clock) cannot
// interrupt a blocking call: the reactor resumes after EINTR, a blocking connect fails with it.
asio::awaitable<void> client(asio::ip::tcp::socket& socket, asio::ip::tcp::endpoint server,
                             std::string_view input) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  co_await socket.async_connect(server, token);
  if (ec) {
    // The server stopped accepting: a finding.
    std::fprintf(stderr, "server_request_fuzz: cannot connect: %s\n", ec.message().c_str());
    std::abort();
  }
  co_await asio::async_write(socket, asio::buffer(input), token);
  socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  char sink[4096];
  for (ec = {}; !ec;) co_await socket.async_read_some(asio::buffer(sink), token);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness& h = harness();
  asio::ip::tcp::socket socket(h.client);
  // The client ends its side first, so each connection leaves a TIME_WAIT entry for a minute
  // and one source address runs out of ports after about 28,000 inputs. Source addresses taken
  // in turn from 127.1.0.0/16 (loopback all the same) keep every connection's ports apart.
  static std::uint32_t next_source = 0;
  boost::system::error_code ec;
  socket.open(asio::ip::tcp::v4());
  socket.bind({asio::ip::address_v4((127u << 24) | (1u << 16) | (next_source++ & 0xffffu)), 0}, ec);
  // A server that never answers nor closes is a finding too: libFuzzer's -timeout sees it.
  asio::co_spawn(h.client,
                 client(socket, h.http.local_endpoint(),
                        std::string_view(reinterpret_cast<const char*>(data), size)),
                 asio::detached);
  h.client.run();
  h.client.restart();
  return 0;
}
