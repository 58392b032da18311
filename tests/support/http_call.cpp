#include "http_call.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <vector>

namespace perf::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

std::pair<std::string, std::string> host_port(const std::string& base_url) {
  const auto rest = base_url.substr(base_url.find("://") + 3);
  const auto colon = rest.rfind(':');
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

}  // namespace

HttpReply http_call(const std::string& base_url, const std::string& method,
                    const std::string& target, const std::string& token, const std::string& body) {
  HttpReply reply;
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    const auto [host, port] = host_port(base_url);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(tcp::resolver(io).resolve(host, port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, host);
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);
    http::read(stream, buffer, parser);
    const auto& res = parser.get();
    reply.status = res.result_int();
    for (const auto& field : res) {
      const auto name = field.name_string();
      const auto value = field.value();
      reply.headers[std::string(name.data(), name.size())] =
          std::string(value.data(), value.size());
    }
    reply.body = res.body();
  } catch (const std::exception&) {
    // status 0: no response
  }
  return reply;
}

std::string raw_exchange(const std::string& base_url, const std::string& bytes) {
  std::string received;
  try {
    asio::io_context io;
    tcp::socket socket(io);
    const auto [host, port] = host_port(base_url);
    asio::connect(socket, tcp::resolver(io).resolve(host, port));
    asio::write(socket, asio::buffer(bytes));
    socket.shutdown(tcp::socket::shutdown_send);  // truncated: nothing more will come
    boost::system::error_code ec;
    std::vector<char> chunk(4096);
    for (;;) {
      const auto n = socket.read_some(asio::buffer(chunk), ec);
      if (ec) break;
      received.append(chunk.data(), n);
    }
  } catch (const std::exception&) {
  }
  return received;
}

struct CountingServer::State {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  mutable std::mutex mutex;
  std::condition_variable counted;
  std::uint64_t requests = 0;
  std::atomic<bool> stopping{false};
  std::vector<std::thread> connections;
};

CountingServer::CountingServer() : state_(std::make_shared<State>()) {
  url_ = "http://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port());
  acceptor_ = std::thread([s = state_] {
    for (;;) {
      tcp::socket socket(s->io);
      boost::system::error_code ec;
      s->acceptor.accept(socket, ec);
      if (ec || s->stopping) return;
      std::lock_guard lock(s->mutex);
      s->connections.emplace_back([s, sock = std::move(socket)]() mutable {
        beast::flat_buffer buffer;
        boost::system::error_code e;
        for (;;) {
          http::request<http::string_body> req;
          http::read(sock, buffer, req, e);
          if (e) return;
          http::response<http::string_body> res{http::status::ok, req.version()};
          res.set(http::field::content_type, "text/plain");
          res.body() = "ok";
          res.keep_alive(req.keep_alive());
          res.prepare_payload();
          http::write(sock, res, e);
          {
            std::lock_guard l(s->mutex);
            ++s->requests;
          }
          s->counted.notify_all();
          if (e || !req.keep_alive()) return;
        }
      });
    }
  });
}

CountingServer::~CountingServer() {
  state_->stopping = true;
  boost::system::error_code ec;
  // Wakes the blocking accept: a connection to itself, then the acceptor closes.
  tcp::socket poke(state_->io);
  poke.connect(state_->acceptor.local_endpoint(), ec);
  acceptor_.join();
  state_->acceptor.close(ec);
  poke.close(ec);
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(state_->mutex);
    threads.swap(state_->connections);
  }
  // Connection threads end when their clients close (the runs have ended by now).
  for (auto& t : threads) t.detach();
}

std::uint64_t CountingServer::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

bool CountingServer::wait_for_requests(std::uint64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->counted.wait_for(lock, timeout, [&] { return state_->requests >= n; });
}

}  // namespace perf::test
