// Connection::start_fast_exchange: the load path's request on a connection kept open, as a small
// state machine of callbacks (send, read, parse, read...) instead of a coroutine. Same steps and
// the same Outcome as Connection::transfer; docs/performance.md has what it saves.
#include "perf/http/connection.hpp"
#include "response_parser.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace perf::http {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
std::uint32_t micros_between(Clock::time_point a, Clock::time_point b) {
  return std::uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(b - a).count());
}
}  // namespace

void Connection::start_fast_exchange(const PreparedRequest& request, Outcome& out,
                                     Clock::time_point start, ExchangeListener& listener) {
  busy_ = true;
  timed_out_ = aborted_ = false;
  out = Outcome{};
  out.reused = true;
  fast_.request = &request;
  fast_.out = &out;
  fast_.listener = &listener;
  fast_.consumed = 0;
  fast_.first_read = true;
  if (!fast_.parser)
    fast_.parser = std::make_unique<ResponseParser>(nullptr, sampling_, this, request.head);
  // wrk's habit: write directly; the socket's send buffer nearly always takes a request whole.
  // What it does not take goes out asynchronously.
  error_code ec;
  const std::string& bytes = request.bytes;
  const std::size_t n = plain_->send(asio::buffer(bytes), 0, ec);
  fast_.start = start;
  if (ec == asio::error::would_block || ec == asio::error::try_again || (!ec && n < bytes.size())) {
    const std::size_t done = ec ? 0 : n;
    asio::async_write(
        *plain_, asio::buffer(bytes.data() + done, bytes.size() - done),
        [this, done](const error_code& e, std::size_t more) { fast_sent(e, done + more); });
    return;
  }
  fast_sent(ec, ec ? 0 : n);
}

void Connection::fast_sent(const error_code& ec, std::size_t written) {
  Outcome& out = *fast_.out;
  fast_.sent = Clock::now();
  out.send_us = micros_between(fast_.start, fast_.sent);
  if (ec) {
    // As in transfer(): an answer may be waiting although the write failed (413 and close).
    error_code ignored;
    if (timed_out_ || aborted_ || plain_->available(ignored) == 0) {
      fail(ec, out);
      return fast_finish(true);
    }
  }
  out.bytes_out = written;
  fast_.parser->reset(nullptr, fast_.request->head);
  if (buffer_.size() > 0) {
    // (Not seen on a kept-alive connection, whose last response left nothing behind; posted so
    // the listener is never called from inside start_fast_exchange.)
    asio::post(executor_, [this] { fast_received({}, 0); });
    return;
  }
  fast_read();
}

void Connection::fast_read() {
  plain_->async_read_some(buffer_.prepare(16384),
                          [this](const error_code& ec, std::size_t n) { fast_received(ec, n); });
}

void Connection::fast_received(error_code ec, std::size_t n) {
  Outcome& out = *fast_.out;
  buffer_.commit(n);
  if (fast_.first_read) {
    fast_.first_read = false;
    fast_.first_byte = Clock::now();
    out.wait_us = micros_between(fast_.sent, fast_.first_byte);
    if (ec) {
      fail(ec, out);
      return fast_finish(false);
    }
  } else if (ec) {
    if (!ends_message(*fast_.parser, ec)) {
      out.receive_us = micros_between(fast_.first_byte, Clock::now());
      out.bytes_in = fast_.consumed;
      fail(ec, out);
      return fast_finish(false);
    }
    out.receive_us = micros_between(fast_.first_byte, Clock::now());
    finish_response(*fast_.parser, fast_.consumed, out, nullptr);
    return fast_finish(false);
  }
  switch (parse_buffered(*fast_.parser, fast_.consumed, ec)) {
    case ParseProgress::need_more:
      return fast_read();
    case ParseProgress::failed:
      out.receive_us = micros_between(fast_.first_byte, Clock::now());
      out.bytes_in = fast_.consumed;
      fail(ec, out);
      return fast_finish(false);
    case ParseProgress::complete:
      out.receive_us = micros_between(fast_.first_byte, Clock::now());
      finish_response(*fast_.parser, fast_.consumed, out, nullptr);
      return fast_finish(false);
  }
}

void Connection::fast_finish(bool inline_call) {
  Outcome& out = *fast_.out;
  const bool retry = closed_while_idle(out);
  if (out.error != ErrorKind::none || !out.keep_alive) close();
  busy_ = false;
  ExchangeListener& listener = *fast_.listener;
  // Never call back from inside start_fast_exchange: the listener may start the next request.
  if (inline_call)
    asio::post(executor_, [&listener, retry] { listener.exchange_done(retry); });
  else
    listener.exchange_done(retry);
}

}  // namespace perf::http
