#include "perf/server/http_server.hpp"

#include "perf/exec/executor.hpp"
#include "perf/util/user_error.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <unistd.h>

#include <array>
#include <atomic>

namespace perf::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
             PathParams& params) {
  if (pattern.size() != path.size()) return false;
  PathParams found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}')
      found[p.substr(1, p.size() - 2)] = path[i];
    else if (p != path[i])
      return false;
  }
  params = std::move(found);
  return true;
}

}  // namespace

Response json_response(http::status status, std::string body, unsigned version) {
  Response res{status, version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(http::status status, std::string_view message, unsigned version) {
  return json_response(status,
                       boost::json::serialize(boost::json::object{{"error", std::string(message)}}),
                       version);
}

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::optional<std::string> query_parameter(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return std::nullopt;
}

void Router::add(http::verb method, std::string pattern, Handler handler) {
  routes_.push_back({method, split_path(pattern), std::move(handler)});
}

void Router::add_upgrade(std::string pattern, UpgradeHandler handler) {
  upgrades_.push_back({split_path(pattern), std::move(handler)});
}

void Router::guard(std::string path_prefix, Guard guard) {
  guards_.emplace_back(std::move(path_prefix), std::move(guard));
}

std::optional<Response> Router::refusal(const Request& request) const {
  const auto path = target_path(request.target());
  for (const auto& [prefix, guard] : guards_)
    if (path.starts_with(prefix) || std::string(path) + "/" == prefix)
      if (auto refused = guard(request)) return refused;
  return std::nullopt;
}

Response Router::route(const Request& request) const {
  if (auto refused = refusal(request)) return std::move(*refused);
  const auto path = split_path(target_path(request.target()));
  bool path_known = false;
  for (const auto& r : routes_) {
    PathParams params;
    if (!matches(r.segments, path, params)) continue;
    path_known = true;
    if (r.method != request.method()) continue;
    try {
      return r.handler(request, params);
    } catch (const std::exception&) {
      // The detail may hold a task's values: it stays out of the response.
      return error_response(http::status::internal_server_error, "internal error",
                            request.version());
    }
  }
  if (path_known)
    return error_response(http::status::method_not_allowed, "method not allowed",
                          request.version());
  return error_response(http::status::not_found, "no such resource", request.version());
}

const UpgradeHandler* Router::upgrade_for(const Request& request, PathParams& params,
                                          std::optional<Response>& refusal) const {
  if (!beast::websocket::is_upgrade(request)) return nullptr;
  const auto path = split_path(target_path(request.target()));
  for (const auto& u : upgrades_)
    if (matches(u.segments, path, params)) {
      refusal = this->refusal(request);
      return refusal ? nullptr : &u.handler;
    }
  return nullptr;
}

struct HttpServer::State {
  State(exec::Executor& e, std::shared_ptr<const Router> r, Limits l)
      : executor(e), acceptor(e.control()), router(std::move(r)), limits(l) {}
  exec::Executor& executor;
  tcp::acceptor acceptor;  // on the control thread
  std::size_t next_context = 0;
  std::shared_ptr<const Router> router;
  Limits limits;
  std::atomic<std::size_t> open_connections{0};
};

namespace {

// A refusal that ends the connection: written, then the rest of what the client sends is read
// and dropped for a moment (a lingering close, as nginx does) so the client sees the status
// instead of a reset.
asio::awaitable<void> refuse_and_close(beast::tcp_stream& stream, Response response) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  response.keep_alive(false);
  response.prepare_payload();
  stream.expires_after(std::chrono::seconds(5));
  co_await http::async_write(stream, response, token);
  if (ec) co_return;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(2));
  std::array<char, 16384> sink;
  for (std::size_t drained = 0; drained < (64u << 20);) {
    drained += co_await stream.async_read_some(asio::buffer(sink), token);
    if (ec) break;
  }
}

Response body_too_large(const Limits& limits, unsigned version) {
  return error_response(
      http::status::payload_too_large,
      "request body over " + std::to_string(limits.max_body_bytes) + " bytes (--max-body)",
      version);
}

// Errors of the HTTP parser mean the client sent something that is not HTTP/1.1; the rest
// (end of stream, timeouts, resets) mean the client went away.
bool malformed(const boost::system::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<HttpServer::State> state) {
  struct Count {  // open connections, released however the session ends
    std::atomic<std::size_t>& n;
    ~Count() { --n; }
  } count{state->open_connections};
  const Limits& limits = state->limits;
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;  // (Must persist between reads: it may hold the next request)
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(std::uint32_t(limits.max_header_bytes));
    parser.body_limit(limits.max_body_bytes);
    stream.expires_after(limits.idle_timeout);
    co_await http::async_read_header(stream, buffer, parser, token);
    if (ec == http::error::header_limit) {
      co_await refuse_and_close(
          stream, error_response(http::status::request_header_fields_too_large,
                                 "request headers over " + std::to_string(limits.max_header_bytes) +
                                     " bytes"));
      co_return;
    }
    if (ec == http::error::body_limit) {  // the declared Content-Length is over the cap
      co_await refuse_and_close(stream, body_too_large(limits, parser.get().version()));
      co_return;
    }
    if (ec) {
      if (malformed(ec))
        co_await refuse_and_close(
            stream, error_response(http::status::bad_request, "malformed HTTP request"));
      co_return;
    }
    const unsigned version = parser.get().version();
    if (parser.get().target().size() > limits.max_target_bytes) {
      co_await refuse_and_close(
          stream, error_response(http::status::uri_too_long,
                                 "URL over " + std::to_string(limits.max_target_bytes) + " bytes",
                                 version));
      co_return;
    }
    if (auto refused = state->router->refusal(parser.get())) {
      co_await refuse_and_close(stream, std::move(*refused));
      co_return;
    }
    stream.expires_after(limits.read_timeout);
    co_await http::async_read(stream, buffer, parser, token);
    if (ec == http::error::body_limit) {  // chunked bodies: caught while reading
      co_await refuse_and_close(stream, body_too_large(limits, version));
      co_return;
    }
    if (ec) {
      if (malformed(ec))
        co_await refuse_and_close(
            stream, error_response(http::status::bad_request, "malformed HTTP request", version));
      co_return;
    }
    Request request = parser.release();
    PathParams params;
    std::optional<Response> refusal;
    if (const auto* upgrade = state->router->upgrade_for(request, params, refusal)) {
      stream.expires_never();
      (*upgrade)(std::move(stream), std::move(request), std::move(params));
      co_return;
    }
    Response response = refusal ? std::move(*refusal) : state->router->route(request);
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    stream.expires_after(limits.read_timeout);
    co_await http::async_write(stream, response, token);
    if (ec || !response.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> accept_loop(std::shared_ptr<HttpServer::State> state) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket(state->executor.control());
    co_await state->acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
    if (ec) {  // e.g. out of file descriptors: pause rather than spin, keep serving the others
      asio::steady_timer pause(state->executor.control(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (state->open_connections.load() >= state->limits.max_connections) {
      socket.close(ec);  // over the connection cap: refused at once, costs nothing
      continue;
    }
    ++state->open_connections;
    // The connection moves to a context of its own: its descriptor is handed over and adopted
    // on that context's thread, as the contexts' reactors are used from their own thread only.
    auto& context = state->executor.context(state->next_context++ % state->executor.size());
    const auto protocol = socket.local_endpoint(ec).protocol();
    const auto fd = socket.release(ec);
    if (ec) {
      --state->open_connections;
      continue;
    }
    asio::post(context, [state, &context, protocol, fd] {
      boost::system::error_code e;
      tcp::socket adopted(context);
      adopted.assign(protocol, fd, e);
      if (e) {
        ::close(fd);
        --state->open_connections;
        return;
      }
      asio::co_spawn(context, session(std::move(adopted), state), asio::detached);
    });
  }
}

}  // namespace

HttpServer::HttpServer(exec::Executor& executor, const tcp::endpoint& endpoint,
                       std::shared_ptr<const Router> router, Limits limits)
    : state_(std::make_shared<State>(executor, std::move(router), limits)) {
  boost::system::error_code ec;
  auto& a = state_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw UserError("cannot listen on " + endpoint.address().to_string() + ":" +
                    std::to_string(endpoint.port()) + ": " + ec.message());
}

HttpServer::~HttpServer() {
  boost::system::error_code ec;
  state_->acceptor.close(ec);
}

tcp::endpoint HttpServer::local_endpoint() const {
  return state_->acceptor.local_endpoint();
}

void HttpServer::start() {
  asio::co_spawn(state_->executor.control(), accept_loop(state_), asio::detached);
}

void HttpServer::stop() {
  asio::post(state_->executor.control(), [state = state_] {
    boost::system::error_code ec;
    state->acceptor.close(ec);
  });
}

}  // namespace perf::server
