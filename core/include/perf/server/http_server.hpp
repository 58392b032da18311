// The HTTP server every service front end shares (DESIGN §10.3): a listener, one session per
// connection with size caps, timeouts and keep-alive, and a router where features register
// handlers by method and path pattern. New endpoints (live stream, /metrics, the dashboard) are
// routes added by their own files; nothing here knows about tasks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perf::exec {
class Executor;
}

namespace perf::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// Values captured by a pattern's `{name}` segments: "/api/v1/tasks/{id}" gives {"id": ...}.
using PathParams = std::map<std::string, std::string>;

// A handler answers on the server's thread: it must be quick (no waiting on a run).
using Handler = std::function<Response(const Request&, const PathParams&)>;

// The WebSocket hook: a request asking to upgrade (`Connection: upgrade`, `Upgrade: websocket`)
// on a registered pattern is handed over with its stream; the handler owns the connection from
// then on (accept the handshake with beast::websocket::stream over the tcp_stream, or refuse).
// The request has passed the guards and the size caps; the stream's timeout is cleared. It is
// called on the connection's context thread: start asynchronous work there and return (a
// handler that blocks holds up every connection of that context).
using UpgradeHandler =
    std::function<void(boost::beast::tcp_stream stream, Request request, PathParams params)>;

// Runs before the handlers of a path prefix (e.g. the bearer token on "/api/"): a response
// refuses the request, nothing lets it through.
using Guard = std::function<std::optional<Response>(const Request&)>;

// Caps that keep one client from exhausting the server (memory, sockets).
struct Limits {
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers together (else 431)
  std::size_t max_target_bytes = 4 * 1024;   // the request target (URL) alone (else 414)
  std::size_t max_body_bytes = 16u << 20;    // --max-body (else 413)
  std::chrono::seconds read_timeout{30};     // to read one request once it has begun
  std::chrono::seconds idle_timeout{60};     // keep-alive connection with no request
  std::size_t max_connections = 256;         // open connections; more are closed at once
};

// A JSON response: `{"error": message}` bodies and API results use it.
Response json_response(boost::beast::http::status status, std::string body, unsigned version = 11);
Response error_response(boost::beast::http::status status, std::string_view message,
                        unsigned version = 11);

class Router {
 public:
  // `pattern` is a path of literal segments and `{name}` segments ("/api/v1/tasks/{id}");
  // the query string is not part of the match.
  void add(boost::beast::http::verb method, std::string pattern, Handler handler);
  void add_upgrade(std::string pattern, UpgradeHandler handler);
  void guard(std::string path_prefix, Guard guard);

  // The response for a request: a guard's refusal, the handler's answer, 404 for an unknown
  // path, 405 for a known path with another method, 500 (no detail) when a handler throws.
  Response route(const Request& request) const;
  // A guard's refusal of this request, from its headers alone: the session asks before reading
  // the body, so a client without the token cannot make the server buffer one.
  std::optional<Response> refusal(const Request& request) const;
  // The upgrade handler for this request's path (after the guards pass), else nothing; a
  // refusal by a guard is put in `refusal`.
  const UpgradeHandler* upgrade_for(const Request& request, PathParams& params,
                                    std::optional<Response>& refusal) const;

 private:
  struct Route {
    boost::beast::http::verb method;
    std::vector<std::string> segments;
    Handler handler;
  };
  struct UpgradeRoute {
    std::vector<std::string> segments;
    UpgradeHandler handler;
  };
  std::vector<Route> routes_;
  std::vector<UpgradeRoute> upgrades_;
  std::vector<std::pair<std::string, Guard>> guards_;
};

// The path of a request target without its query string, and one query parameter's value.
std::string_view target_path(std::string_view target);
std::optional<std::string> query_parameter(std::string_view target, std::string_view name);

class HttpServer {
 public:
  // Binds at once (throws perf::UserError naming the address when it cannot); serves once
  // start() is called, on the shared executor (executor.hpp): the acceptor on its control
  // thread, each connection on one of its contexts for its whole life (the wrk model).
  HttpServer(exec::Executor& executor, const boost::asio::ip::tcp::endpoint& endpoint,
             std::shared_ptr<const Router> router, Limits limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  struct State;  // the acceptor, router and limits the sessions share (http_server.cpp)
  void start();
  // Stops accepting (from any thread); open sessions end when the executor stops.
  void stop();

 private:
  std::shared_ptr<State> state_;
};

}  // namespace perf::server
