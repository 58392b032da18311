// perf-hostile-server: a target that misbehaves on purpose, in raw bytes, for the fault tests
// (issue 20 part 4). By path: /ok and /ok/ANYTHING answer 200 "ok" (keep-alive); /reset-mid-body
// promises 100000
// bytes, sends half and resets the connection (RST); /stall-mid-header sends half a header line
// and then nothing until the client goes; /endless-header sends one header line that never ends
// until the client closes; /huge-body sends a body of exactly 4 GiB (Content-Length 4294967296)
// as fast as it can. With --record FILE it appends one line per response, flushed: the path and
// the bytes of it that the socket accepted ("/huge-body 4294967340 complete"), so a test knows
// what was delivered.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::uint64_t huge_body_bytes = std::uint64_t(4) << 30;  // 4 GiB

std::unique_ptr<std::ofstream> record_file;

void record(std::string_view path, std::uint64_t bytes, std::string_view how) {
  if (record_file) *record_file << path << ' ' << bytes << ' ' << how << std::endl;
}

// Bodies are cut from one static block: the server's own memory stays flat however much it
// sends.
const std::string& filler() {
  static const std::string block(256 * 1024, 'x');
  return block;
}

asio::awaitable<void> serve(tcp::socket socket) {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  asio::streambuf request;
  for (;;) {
    const std::size_t head = co_await asio::async_read_until(socket, request, "\r\n\r\n", token);
    if (ec) co_return;
    std::string text(asio::buffers_begin(request.data()),
                     asio::buffers_begin(request.data()) + std::ptrdiff_t(head));
    request.consume(head);
    // "GET /path HTTP/1.1": the path is between the first two spaces (a query is ignored).
    const auto first = text.find(' ');
    const auto second = text.find(' ', first + 1);
    std::string path = text.substr(first + 1, second - first - 1);
    path = path.substr(0, path.find('?'));
    std::uint64_t sent = 0;
    if (path == "/reset-mid-body") {
      sent += co_await asio::async_write(
          socket,
          asio::buffer(std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")),
          token);
      sent += co_await asio::async_write(socket, asio::buffer(filler().data(), 50000), token);
      // Linger 0: close sends RST instead of FIN, the way a crashed or killed peer looks.
      socket.set_option(asio::socket_base::linger(true, 0), ec);
      socket.close(ec);
      record(path, sent, "reset");
      co_return;
    }
    if (path == "/stall-mid-header") {
      sent += co_await asio::async_write(
          socket, asio::buffer(std::string_view("HTTP/1.1 200 OK\r\nContent-")), token);
      // Nothing more: wait for the client to give up and close.
      char byte;
      while (!ec) co_await socket.async_read_some(asio::buffer(&byte, 1), token);
      record(path, sent, "client closed");
      co_return;
    }
    if (path == "/endless-header") {
      sent += co_await asio::async_write(
          socket, asio::buffer(std::string_view("HTTP/1.1 200 OK\r\nX-Endless: ")), token);
      while (!ec) sent += co_await asio::async_write(socket, asio::buffer(filler()), token);
      record(path, sent, "client closed");
      co_return;
    }
    if (path == "/huge-body") {
      const std::string header =
          "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
          std::to_string(huge_body_bytes) + "\r\n\r\n";
      sent += co_await asio::async_write(socket, asio::buffer(header), token);
      std::uint64_t body = 0;
      while (!ec && body < huge_body_bytes) {
        const std::size_t n =
            std::size_t(std::min<std::uint64_t>(filler().size(), huge_body_bytes - body));
        body += co_await asio::async_write(socket, asio::buffer(filler().data(), n), token);
      }
      sent += body;
      record(path, sent, body == huge_body_bytes ? "complete" : "cut short");
      if (ec) co_return;
      continue;  // keep-alive: the next request may follow
    }
    const std::string_view ok =
        path == "/ok" || path.starts_with("/ok/")
            ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            : "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found";
    sent += co_await asio::async_write(socket, asio::buffer(ok), token);
    record(path, sent, "complete");
    if (ec) co_return;
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    error_code ec;
    auto socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::string_view(argv[i]) == "--record")
      record_file = std::make_unique<std::ofstream>(argv[i + 1], std::ios::app);
  asio::io_context io(1);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::cout << "listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  asio::co_spawn(io, listen(acceptor), asio::detached);
  io.run();
}
