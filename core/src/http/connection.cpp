#include "perf/http/connection.hpp"
#include "response_parser.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace perf::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using boost::system::error_code;

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::none:
      return "none";
    case ErrorKind::connect_refused:
      return api::error_kind::connect_refused;
    case ErrorKind::connect_timeout:
      return api::error_kind::connect_timeout;
    case ErrorKind::request_timeout:
      return api::error_kind::request_timeout;
    case ErrorKind::reset:
      return api::error_kind::reset;
    case ErrorKind::tls:
      return api::error_kind::tls;
    case ErrorKind::protocol:
      return api::error_kind::protocol;
    case ErrorKind::dns:
      return api::error_kind::dns;
    case ErrorKind::aborted:
      return "aborted";
  }
  return "unknown";
}

PreparedRequest PreparedRequest::make(const api::RequestSpec& spec, const Url& base,
                                      bool keep_alive) {
  PreparedRequest prepared;
  prepared.head = spec.method == "HEAD";
  std::string& b = prepared.bytes;
  b.reserve(256 + spec.body.size());
  b += spec.method;
  b += ' ';
  b += join_target(base.path, spec.target);
  b += " HTTP/1.1\r\nHost: ";
  b += base.authority();
  b += "\r\n";
  bool has_user_agent = false;
  for (const auto& [name, value] : spec.headers) {
    if (beast::iequals(name, "content-length") || beast::iequals(name, "host") ||
        beast::iequals(name, "connection"))
      continue;  // the engine owns these
    has_user_agent |= beast::iequals(name, "user-agent");
    b += name;
    b += ": ";
    b += value;
    b += "\r\n";
  }
  if (!has_user_agent) b += "User-Agent: perf-agent/0.1\r\n";
  if (!keep_alive) b += "Connection: close\r\n";
  if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT" ||
      spec.method == "PATCH") {
    b += "Content-Length: ";
    b += std::to_string(spec.body.size());
    b += "\r\n";
  }
  b += "\r\n";
  b += spec.body;
  return prepared;
}

namespace {

std::uint32_t micros_between(Clock::time_point a, Clock::time_point b) {
  return std::uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(b - a).count());
}

}  // namespace

Connection::Connection(Executor executor, std::shared_ptr<const Target> target)
    : executor_(std::move(executor)), target_(std::move(target)) {}

Connection::~Connection() {
  close();
}  // (here, where ResponseParser is complete, for FastState's unique_ptr)

Connection::Socket& Connection::socket() {
  return tls_ ? tls_->next_layer() : *plain_;
}

bool Connection::is_open() const {
  return tls_ ? tls_->next_layer().is_open() : (plain_ && plain_->is_open());
}

void Connection::close() {
  error_code ignored;
  if (tls_) tls_->next_layer().close(ignored);
  if (plain_) plain_->close(ignored);
}

void Connection::abort(bool timed_out) {
  timed_out_ = timed_out;
  aborted_ = !timed_out;
  close();
}

ErrorKind classify_socket_error(const error_code& ec, bool connecting) {
  if (ec == asio::error::connection_refused) return ErrorKind::connect_refused;
  if (ec == asio::error::timed_out)
    return connecting ? ErrorKind::connect_timeout : ErrorKind::request_timeout;
  if (ec.category() == asio::error::get_netdb_category() ||
      ec.category() == asio::error::get_addrinfo_category())
    return ErrorKind::dns;
  if (ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated)
    return ErrorKind::tls;
  if (connecting && (ec == asio::error::host_unreachable || ec == asio::error::network_unreachable))
    return ErrorKind::connect_refused;
  return ErrorKind::reset;
}

ErrorKind Connection::classify(const error_code& ec, bool connecting) const {
  if (aborted_) return ErrorKind::aborted;
  if (timed_out_) return connecting ? ErrorKind::connect_timeout : ErrorKind::request_timeout;
  if (ec == beast::http::error::end_of_stream || ec == beast::http::error::partial_message)
    return ErrorKind::reset;
  if (ec.category() == beast::http::make_error_code(beast::http::error::bad_version).category())
    return ErrorKind::protocol;
  return classify_socket_error(ec, connecting);
}

asio::awaitable<bool> Connection::connect(Outcome& out, Capture* capture) {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  const Url& url = target_->url;
  const auto endpoints = co_await resolve_target(*target_, executor_, ec, out.dns_us);
  if (ec) {
    out.error = timed_out_ ? ErrorKind::connect_timeout : ErrorKind::dns;
    out.cause = ec;
    if (capture) capture->error_detail = "resolving " + url.host + ": " + ec.message();
    co_return false;
  }
  const auto started = Clock::now();
  if (target_->tls) {
    tls_.emplace(executor_, *target_->tls);
    plain_.reset();
  } else {
    plain_.emplace(executor_);
  }
  co_await asio::async_connect(socket(), endpoints, token);
  const auto connected = Clock::now();
  out.connect_us = micros_between(started, connected);
  if (ec) {
    out.error = classify(ec, true);
    out.cause = ec;
    if (capture) capture->error_detail = "connecting to " + url.authority() + ": " + ec.message();
    close();
    co_return false;
  }
  socket().set_option(tcp::no_delay(true), ec);
  // The fast exchange sends with a direct, non-blocking send (asynchronous operations are not
  // affected by this flag).
  socket().non_blocking(true, ec);
  if (tls_) {
    if (!target_->literal_endpoint)
      SSL_set_tlsext_host_name(tls_->native_handle(), url.host.c_str());  // SNI
    if (target_->tls && SSL_CTX_get_verify_mode(target_->tls->native_handle()) != SSL_VERIFY_NONE)
      tls_->set_verify_callback(asio::ssl::host_name_verification(url.host));
    co_await tls_->async_handshake(asio::ssl::stream_base::client, token);
    out.tls_us = micros_between(connected, Clock::now());
    if (ec) {
      out.error = timed_out_ ? ErrorKind::connect_timeout : ErrorKind::tls;
      out.cause = ec;
      if (capture) capture->error_detail = "TLS handshake with " + url.host + ": " + ec.message();
      close();
      co_return false;
    }
  }
  buffer_.clear();
  co_return true;
}

template <class Stream>
asio::awaitable<void> Connection::transfer(Stream& stream, const PreparedRequest& request,
                                           Outcome& out, Capture* capture) {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  const auto start = Clock::now();
  const std::size_t written =
      co_await asio::async_write(stream, asio::buffer(request.bytes), token);
  const auto sent = Clock::now();
  out.send_us = micros_between(start, sent);
  if (ec) {
    // A server may answer before it has read the whole body (413 Payload Too Large) and close:
    // the write fails, but the answer can be waiting in the socket. Read it if it is there.
    boost::system::error_code ignored;
    if (timed_out_ || aborted_ || socket().available(ignored) == 0) {
      fail(ec, out);
      co_return;
    }
    ec.clear();
  }
  out.bytes_out = written;  // less than the request when the server answered early
  // The first read marks the first byte (time to first byte); the parser then reads the rest.
  std::size_t first = buffer_.size();
  if (first == 0) {
    first = co_await stream.async_read_some(buffer_.prepare(16384), token);
    buffer_.commit(first);
  }
  const auto first_byte = Clock::now();
  out.wait_us = micros_between(sent, first_byte);
  if (ec) {
    fail(ec, out);
    co_return;
  }
  ResponseParser parser(capture, sampling_, this, request.head);
  // Parse what is buffered and read more until the message is complete: one read per chunk of
  // bytes, no composed operation in between.
  std::size_t consumed = 0;
  for (;;) {
    if (parse_buffered(parser, consumed, ec) != ParseProgress::need_more) break;
    const std::size_t n = co_await stream.async_read_some(buffer_.prepare(16384), token);
    buffer_.commit(n);
    if (ec) {
      ends_message(parser, ec);  // clears ec when the end of the connection ends the body
      break;
    }
  }
  out.receive_us = micros_between(first_byte, Clock::now());
  if (ec) {
    out.bytes_in = consumed;
    fail(ec, out);
    if (capture) capture->error_detail = ec.message();
    co_return;
  }
  finish_response(parser, consumed, out, capture);
}

Connection::ParseProgress Connection::parse_buffered(ResponseParser& parser, std::size_t& consumed,
                                                     error_code& ec) {
  for (;;) {
    const auto data = buffer_.data();
    const std::size_t used = parser.put({static_cast<const char*>(data.data()), data.size()}, ec);
    buffer_.consume(used);
    consumed += used;
    if (parser.is_done()) {
      // An interim response (100 Continue, 103 Early Hints) comes before the final one, even
      // unasked (RFC 9110 section 15.2): skip it. 101 ends HTTP on the connection: final.
      if (parser.status() / 100 != 1 || parser.status() == 101) return ParseProgress::complete;
      parser.start_next_message();
      continue;
    }
    if (ec) return ParseProgress::failed;
    if (buffer_.size() > 0 && used == 0 && buffer_.capacity() - buffer_.size() == 0)
      buffer_.reserve(buffer_.size() * 2);  // a header larger than the buffer
    return ParseProgress::need_more;
  }
}

bool Connection::ends_message(ResponseParser& parser, error_code& ec) {
  if (ec != asio::error::eof) return false;
  // A body delimited by the end of the connection ends here.
  error_code parse_ec;
  if (parser.got_some())
    parser.put_eof(parse_ec);
  else
    parse_ec = beast::http::error::partial_message;  // closed after a 1xx
  ec = parse_ec;
  if (!ec && parser.is_done()) return true;
  if (!ec) ec = beast::http::error::partial_message;
  return false;
}

void Connection::finish_response(const ResponseParser& parser, std::size_t consumed, Outcome& out,
                                 Capture* capture) {
  out.bytes_in = consumed;
  out.status = parser.status();
  // Requests go one at a time, so bytes after the response answer nothing that was asked: the
  // connection is out of step with the server and must not carry the next request.
  // 101 Switching Protocols: what follows is not HTTP/1.1, so no next request on it.
  out.keep_alive = parser.keep_alive() && buffer_.size() == 0 && out.status != 101;
  if (capture) capture->body_bytes = parser.body_bytes();
  if (sampling_ && sampling_->capturing && sampling_->owner == this)
    sampling_->scratch.body_bytes = parser.body_bytes();
}

void Connection::fail(const error_code& ec, Outcome& out) const {
  out.error = classify(ec, false);
  out.cause = ec;
}

bool Connection::closed_while_idle(const Outcome& out) const {
  // A kept-alive connection the server closed while idle fails before any byte arrives:
  // that is not the request's fault, so the request is tried once more on a fresh connection.
  return out.error == ErrorKind::reset && out.bytes_in == 0 && out.wait_us < 1'000'000 &&
         !timed_out_ && !aborted_;
}

asio::awaitable<void> Connection::exchange(const PreparedRequest& request, Outcome& out,
                                           Capture* capture) {
  busy_ = true;
  timed_out_ = aborted_ = false;
  bool retried = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    out = Outcome{};
    out.retried = retried;
    if (capture) {
      capture->headers.clear();
      capture->body.clear();
      capture->error_detail.clear();
    }
    // Bytes that arrived while the connection was idle answer nothing that was asked: start
    // over on a new connection rather than read them as the response. (Plain TCP only: on TLS
    // they may be a close_notify, which the retry below handles.) Probes only: the check costs
    // a syscall, and the load path keeps wrk's one send and one receive per request; there a
    // connection reused at once has had no time to receive stray bytes, and bytes that came
    // with the previous response already stop its reuse (keep_alive above).
    error_code ignored;
    if (capture && !tls_ && is_open() && plain_->available(ignored) > 0) close();
    const bool reused = is_open();
    if (!reused && !co_await connect(out, capture)) break;
    out.reused = reused;
    if (tls_)
      co_await transfer(*tls_, request, out, capture);
    else
      co_await transfer(*plain_, request, out, capture);
    const bool stale = reused && closed_while_idle(out);
    if (out.error != ErrorKind::none || !out.keep_alive) close();
    if (!stale) break;
    retried = true;
  }
  busy_ = false;
}

}  // namespace perf::http
