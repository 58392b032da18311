#include "perf/http/h2_connection.hpp"

#include "perf/api/metrics.hpp"

#include <nghttp2/nghttp2.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>
#include <optional>

namespace perf::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Connection::Executor>;

namespace {

// HTTP/2 errors as error codes, for samples: the stream's or connection's error code as the
// server (or nghttp2) gave it, a negative nghttp2 library error, or one of our own below.
enum : int {
  alpn_refused = 0x10000,  // TLS came up but the server did not choose "h2"
  incomplete = 0x10001,    // the stream closed without a complete response
};

class H2Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "http2"; }
  std::string message(int ev) const override {
    if (ev == alpn_refused)
      return "the server did not choose HTTP/2 (h2) in the TLS handshake (ALPN)";
    if (ev == incomplete) return "the stream ended without a complete response";
    if (ev < 0) return nghttp2_strerror(ev);
    return std::string("HTTP/2 ") + nghttp2_http2_strerror(std::uint32_t(ev));
  }
};

const boost::system::error_category& h2_category() {
  static const H2Category category;
  return category;
}

error_code h2_error(int ev) {
  return {ev, h2_category()};
}

std::uint32_t micros_between(Clock::time_point a, Clock::time_point b) {
  if (b <= a) return 0;
  return std::uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(b - a).count());
}

// Windows of 2^30 - 1 bytes for each stream and for the connection, as h2load's defaults: flow
// control never holds a response back for a WINDOW_UPDATE round trip.
constexpr std::uint32_t window_bytes = (1U << 30) - 1;
constexpr std::size_t read_bytes = 16384;   // one read's buffer, as http::Connection's
constexpr std::size_t batch_bytes = 65536;  // a write batch stops growing here

}  // namespace

H2Request H2Request::make(const api::RequestSpec& spec, const Url& base) {
  H2Request r;
  r.head = spec.method == "HEAD";
  r.body = spec.body;
  r.fields.emplace_back(":method", spec.method);
  r.fields.emplace_back(":scheme", base.scheme);
  r.fields.emplace_back(":authority", base.authority());
  r.fields.emplace_back(":path", join_target(base.path, spec.target));
  bool has_user_agent = false;
  for (const auto& [name, value] : spec.headers) {
    std::string lower = name;
    for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    // Connection-specific fields are not allowed in HTTP/2; Host is :authority; the engine owns
    // Content-Length.
    if (lower == "connection" || lower == "keep-alive" || lower == "proxy-connection" ||
        lower == "transfer-encoding" || lower == "upgrade" || lower == "host" ||
        lower == "content-length" || (lower == "te" && value != "trailers"))
      continue;
    has_user_agent |= lower == "user-agent";
    r.fields.emplace_back(std::move(lower), value);
  }
  if (!has_user_agent) r.fields.emplace_back("user-agent", "perf-agent/0.1");
  if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT" || spec.method == "PATCH")
    r.fields.emplace_back("content-length", std::to_string(spec.body.size()));
  return r;
}

// One exchange's stream, on the exchange() coroutine's frame: what it sent, what came back and
// when. The link finds it from nghttp2's stream user data.
struct H2Stream {
  H2Stream(Connection::Executor executor, const H2Request& r, Outcome& o, Clock::time_point d)
      : request(&r), out(&o), deadline(d), wake(executor, Clock::time_point::max()) {}

  const H2Request* request;
  Outcome* out;
  Clock::time_point deadline;
  Timer wake;                    // cancelled when the stream is done: its exchange() resumes
  Clock::time_point start;       // exchange() began
  Clock::time_point ready;       // the connection was up (start, or when the connect ended)
  Clock::time_point sent;        // the write holding the request's last frame completed
  Clock::time_point first_byte;  // the read holding the response's first HEADERS
  Clock::time_point last_byte;   // the read holding the response's END_STREAM
  std::int32_t id = -1;
  std::size_t index = 0;             // in the link's streams_
  std::size_t body_offset = 0;       // request body bytes handed to nghttp2
  std::uint64_t reads_at_start = 0;  // the link's reads_ when the stream was submitted
  std::uint64_t body_bytes = 0;      // response body
  int status = 0;                    // final status (1xx skipped)
  bool done = false;                 // finished: out->error says how
  bool complete = false;             // END_STREAM received
  bool refused = false;              // the server did not process it: safe to send again
  bool has_sent = false, has_first_byte = false;
  bool capturing = false;  // its response is being captured into FailureSampling
};

// One TCP/TLS connection and its nghttp2 session. Owned by its H2Connection and kept alive by
// its read loop, its writer and the exchanges waiting on it.
class H2Link : public std::enable_shared_from_this<H2Link> {
 public:
  using Executor = Connection::Executor;
  using Socket = Connection::Socket;

  H2Link(Executor executor, std::shared_ptr<const Target> target, FailureSampling* sampling);
  ~H2Link();
  H2Link(const H2Link&) = delete;
  H2Link& operator=(const H2Link&) = delete;

  bool accepting() const { return !closed_ && !going_away_ && !retired_; }
  bool idle() const { return streams_.empty(); }
  bool finished() const { return closed_ && streams_.empty(); }
  bool retired() const { return retired_; }

  void submit(H2Stream& stream);
  void sweep(Clock::time_point now);
  // Closes the socket and ends every stream with `kind`.
  void abort(ErrorKind kind);
  void retire() {
    retired_ = true;
    if (streams_.empty()) abort(ErrorKind::aborted);
  }
  void forget_sampling() { sampling_ = nullptr; }

 private:
  asio::awaitable<void> run(std::shared_ptr<H2Link> self);
  asio::awaitable<void> write(std::shared_ptr<H2Link> self);
  asio::awaitable<bool> connect();
  template <class Stream>
  asio::awaitable<void> read_loop(Stream& stream);
  template <class Stream>
  asio::awaitable<void> write_loop(Stream& stream);
  void kick();
  void finish(H2Stream& stream, ErrorKind kind, error_code cause);
  void fail(ErrorKind kind, error_code cause);
  void close_socket();
  ErrorKind classify(const error_code& ec, bool connecting) const;
  H2Stream* stream_of(std::int32_t id);

  static const nghttp2_session_callbacks* callbacks();
  static int on_begin_headers(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_header(nghttp2_session*, const nghttp2_frame*, const std::uint8_t*, std::size_t,
                       const std::uint8_t*, std::size_t, std::uint8_t, void*);
  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t, const std::uint8_t*,
                           std::size_t, void*);
  static int on_frame_recv(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_frame_send(nghttp2_session*, const nghttp2_frame*, void*);
  static int on_stream_close(nghttp2_session*, std::int32_t, std::uint32_t, void*);
  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t*, std::size_t,
                           std::uint32_t*, nghttp2_data_source*, void*);

  Executor executor_;
  std::shared_ptr<const Target> target_;
  FailureSampling* sampling_;
  nghttp2_session* session_ = nullptr;
  std::optional<Socket> plain_;
  std::optional<asio::ssl::stream<Socket>> tls_;
  std::vector<H2Stream*> streams_;        // in flight: submitted, not finished
  std::vector<std::int32_t> sending_;     // streams whose request ends in the batch being written
  std::vector<nghttp2_nv> fields_;        // scratch for submit (nghttp2 copies the array)
  std::string batch_;                     // bytes from nghttp2_session_mem_send being written
  std::unique_ptr<std::uint8_t[]> read_;  // (must persist between reads)
  Timer write_wake_;                      // the idle writer waits here; kick() cancels it
  Clock::time_point read_at_;             // when the read being parsed completed
  Clock::time_point connected_at_;
  Clock::time_point probe_deadline_;  // a PING sent to a silent server must be answered by then
  std::uint64_t probe_reads_ = 0;     // reads_ when the PING was sent
  std::uint64_t reads_ = 0;  // reads that brought bytes: "has the server said anything since"
  std::uint32_t dns_us_ = 0, connect_us_ = 0, tls_us_ = 0;
  std::int32_t cached_id_ = 0;  // stream_of's one-entry cache (callbacks come per stream)
  H2Stream* cached_ = nullptr;
  bool started_ = false;     // run() spawned
  bool connected_ = false;   // TCP (and TLS) up, the writer running
  bool closed_ = false;      // socket closed: no more streams
  bool going_away_ = false;  // GOAWAY received, or stream ids used up
  bool retired_ = false;     // takes no new stream; closes when idle
  bool writer_waiting_ = false;
  bool probing_ = false;  // a PING is out to see whether the connection is alive
  bool timed_out_ = false;
  bool aborted_ = false;
};

const nghttp2_session_callbacks* H2Link::callbacks() {
  static const nghttp2_session_callbacks* made = [] {
    nghttp2_session_callbacks* c = nullptr;
    nghttp2_session_callbacks_new(&c);
    nghttp2_session_callbacks_set_on_begin_headers_callback(c, &H2Link::on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(c, &H2Link::on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(c, &H2Link::on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(c, &H2Link::on_frame_recv);
    nghttp2_session_callbacks_set_on_frame_send_callback(c, &H2Link::on_frame_send);
    nghttp2_session_callbacks_set_on_stream_close_callback(c, &H2Link::on_stream_close);
    return c;
  }();
  return made;
}

H2Link::H2Link(Executor executor, std::shared_ptr<const Target> target, FailureSampling* sampling)
    : executor_(executor),
      target_(std::move(target)),
      sampling_(sampling),
      read_(std::make_unique<std::uint8_t[]>(read_bytes)),
      write_wake_(executor, Clock::time_point::max()) {
  nghttp2_session_client_new(&session_, callbacks(), this);
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
                                             {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, window_bytes}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, window_bytes);
  batch_.reserve(4096);
}

H2Link::~H2Link() {
  close_socket();
  nghttp2_session_del(session_);
}

H2Stream* H2Link::stream_of(std::int32_t id) {
  if (id != cached_id_) {
    cached_ = static_cast<H2Stream*>(nghttp2_session_get_stream_user_data(session_, id));
    cached_id_ = id;
  }
  return cached_;
}

void H2Link::submit(H2Stream& stream) {
  fields_.clear();
  for (const auto& [name, value] : stream.request->fields)
    fields_.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                       reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())),
                       name.size(), value.size(),
                       NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE});
  nghttp2_data_provider body{};
  body.read_callback = &H2Link::read_body;
  const std::int32_t id =
      nghttp2_submit_request(session_, nullptr, fields_.data(), fields_.size(),
                             stream.request->body.empty() ? nullptr : &body, &stream);
  stream.reads_at_start = reads_;
  stream.index = streams_.size();
  streams_.push_back(&stream);
  if (id < 0) {
    // Stream ids used up (2^31 on one connection): the next exchange opens a new connection.
    going_away_ = true;
    stream.refused = true;
    finish(stream, ErrorKind::protocol, h2_error(id));
    return;
  }
  stream.id = id;
  if (connected_) {
    stream.ready = stream.start;
    stream.out->reused = true;
  }
  if (!started_) {
    started_ = true;
    asio::co_spawn(executor_, run(shared_from_this()), asio::detached);
  }
  kick();
}

void H2Link::kick() {
  if (writer_waiting_) {
    writer_waiting_ = false;
    write_wake_.cancel();
  }
}

void H2Link::finish(H2Stream& stream, ErrorKind kind, error_code cause) {
  if (stream.done) return;
  stream.done = true;
  H2Stream* last = streams_.back();
  streams_[stream.index] = last;
  last->index = stream.index;
  streams_.pop_back();
  if (stream.id > 0) nghttp2_session_set_stream_user_data(session_, stream.id, nullptr);
  if (cached_ == &stream) cached_id_ = 0, cached_ = nullptr;
  stream.out->error = kind;
  stream.out->cause = cause;
  stream.wake.cancel();
}

void H2Link::close_socket() {
  error_code ignored;
  if (tls_) tls_->next_layer().close(ignored);
  if (plain_) plain_->close(ignored);
}

void H2Link::fail(ErrorKind kind, error_code cause) {
  closed_ = true;
  close_socket();
  write_wake_.cancel();
  while (!streams_.empty()) finish(*streams_.back(), kind, cause);
}

void H2Link::abort(ErrorKind kind) {
  timed_out_ = kind == ErrorKind::request_timeout || kind == ErrorKind::connect_timeout;
  aborted_ = kind == ErrorKind::aborted;
  fail(kind, timed_out_ ? error_code(asio::error::timed_out) : asio::error::operation_aborted);
}

void H2Link::sweep(Clock::time_point now) {
  if (probing_ && reads_ != probe_reads_) probing_ = false;  // the server is there
  // Not even the PING answered within a timeout: the connection is dead, not a stream slow.
  if (probing_ && now > probe_deadline_) return abort(ErrorKind::request_timeout);
  for (std::size_t i = 0; i < streams_.size();) {
    H2Stream& stream = *streams_[i];
    if (now <= stream.deadline) {
      ++i;
      continue;
    }
    if (!connected_) return abort(ErrorKind::connect_timeout);
    if (reads_ == stream.reads_at_start && !probing_) {
      // Nothing at all came since this stream started: a server slow on everything, or a dead
      // connection? A PING tells: its answer arrives unless the connection is gone.
      nghttp2_submit_ping(session_, NGHTTP2_FLAG_NONE, nullptr);
      probing_ = true;
      probe_reads_ = reads_;
      probe_deadline_ = now + (stream.deadline - stream.start);
    }
    const std::int32_t id = stream.id;
    finish(stream, ErrorKind::request_timeout, asio::error::timed_out);  // (moves another to i)
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_CANCEL);
    kick();
  }
  // A link that takes no new streams (GOAWAY received, or its stream ids used up) and has none
  // left is done. The read loop closes it when the last stream ends with a read; a last stream
  // that ended here, by its timeout, or ids that ran out with nothing in flight, would otherwise
  // keep the connection open until the server closes it or the run ends.
  if (going_away_ && streams_.empty() && !closed_)
    fail(ErrorKind::reset, h2_error(NGHTTP2_NO_ERROR));
}

ErrorKind H2Link::classify(const error_code& ec, bool connecting) const {
  if (aborted_) return ErrorKind::aborted;
  if (timed_out_) return connecting ? ErrorKind::connect_timeout : ErrorKind::request_timeout;
  return classify_socket_error(ec, connecting);
}

asio::awaitable<bool> H2Link::connect() {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  const Url& url = target_->url;
  const auto endpoints = co_await resolve_target(*target_, executor_, ec, dns_us_);
  if (closed_) co_return false;  // aborted while resolving
  if (ec) {
    fail(classify(ec, true) == ErrorKind::connect_timeout ? ErrorKind::connect_timeout
                                                          : ErrorKind::dns,
         ec);
    co_return false;
  }
  const auto started = Clock::now();
  if (target_->tls)
    tls_.emplace(executor_, *target_->tls);
  else
    plain_.emplace(executor_);
  Socket& socket = tls_ ? tls_->next_layer() : *plain_;
  co_await asio::async_connect(socket, endpoints, token);
  connected_at_ = Clock::now();
  connect_us_ = micros_between(started, connected_at_);
  if (closed_) co_return false;
  if (ec) {
    fail(classify(ec, true), ec);
    co_return false;
  }
  socket.set_option(tcp::no_delay(true), ec);
  if (tls_) {
    SSL* ssl = tls_->native_handle();
    if (!target_->literal_endpoint) SSL_set_tlsext_host_name(ssl, url.host.c_str());  // SNI
    if (SSL_CTX_get_verify_mode(target_->tls->native_handle()) != SSL_VERIFY_NONE)
      tls_->set_verify_callback(asio::ssl::host_name_verification(url.host));
    static const unsigned char h2[] = {2, 'h', '2'};
    SSL_set_alpn_protos(ssl, h2, sizeof h2);
    co_await tls_->async_handshake(asio::ssl::stream_base::client, token);
    const auto handshaken = Clock::now();
    tls_us_ = micros_between(connected_at_, handshaken);
    connected_at_ = handshaken;
    if (closed_) co_return false;
    if (ec) {
      fail(timed_out_ ? ErrorKind::connect_timeout : ErrorKind::tls, ec);
      co_return false;
    }
    const unsigned char* chosen = nullptr;
    unsigned chosen_size = 0;
    SSL_get0_alpn_selected(ssl, &chosen, &chosen_size);
    if (chosen_size != 2 || std::memcmp(chosen, "h2", 2) != 0) {
      fail(ErrorKind::protocol, h2_error(alpn_refused));
      co_return false;
    }
  }
  co_return true;
}

asio::awaitable<void> H2Link::run(std::shared_ptr<H2Link> self) {
  if (!co_await connect()) co_return;
  connected_ = true;
  // Streams submitted while connecting waited for it: the connect is theirs.
  for (H2Stream* stream : streams_) {
    stream->ready = connected_at_;
    stream->out->dns_us = dns_us_;
    stream->out->connect_us = connect_us_;
    stream->out->tls_us = tls_us_;
  }
  asio::co_spawn(executor_, write(self), asio::detached);
  if (tls_)
    co_await read_loop(*tls_);
  else
    co_await read_loop(*plain_);
}

template <class Stream>
asio::awaitable<void> H2Link::read_loop(Stream& stream) {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  while (!closed_) {
    const std::size_t n =
        co_await stream.async_read_some(asio::buffer(read_.get(), read_bytes), token);
    if (closed_) break;
    if (ec) {
      fail(classify(ec, false), ec);
      break;
    }
    read_at_ = Clock::now();
    ++reads_;
    const auto used = nghttp2_session_mem_recv(session_, read_.get(), n);
    if (used < 0) {
      fail(ErrorKind::protocol, h2_error(int(used)));
      break;
    }
    if (closed_) break;
    if (nghttp2_session_want_write(session_)) kick();
    // After a GOAWAY, once its last stream is done, the session wants nothing more.
    if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) {
      fail(ErrorKind::reset, h2_error(NGHTTP2_NO_ERROR));
      break;
    }
  }
}

asio::awaitable<void> H2Link::write(std::shared_ptr<H2Link> self) {
  if (tls_)
    co_await write_loop(*tls_);
  else
    co_await write_loop(*plain_);
}

template <class Stream>
asio::awaitable<void> H2Link::write_loop(Stream& stream) {
  error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  while (!closed_) {
    // Everything nghttp2 has queued (requests submitted since the last write, SETTINGS and
    // WINDOW_UPDATE frames, RST_STREAM for streams that timed out) goes out in one write.
    batch_.clear();
    while (batch_.size() < batch_bytes) {
      const std::uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) {
        fail(ErrorKind::protocol, h2_error(int(n)));
        co_return;
      }
      if (n == 0) break;
      batch_.append(reinterpret_cast<const char*>(data), std::size_t(n));
    }
    if (batch_.empty()) {
      writer_waiting_ = true;
      write_wake_.expires_at(Clock::time_point::max());
      co_await write_wake_.async_wait(token);
      writer_waiting_ = false;
      continue;
    }
    co_await asio::async_write(stream, asio::buffer(batch_), token);
    if (closed_) co_return;
    if (ec) {
      fail(classify(ec, false), ec);
      co_return;
    }
    if (!sending_.empty()) {
      const auto now = Clock::now();
      for (const std::int32_t id : sending_)
        if (H2Stream* s = stream_of(id); s && !s->has_sent) s->sent = now, s->has_sent = true;
      sending_.clear();
    }
  }
}

int H2Link::on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  auto& link = *static_cast<H2Link*>(user);
  if (H2Stream* s = link.stream_of(frame->hd.stream_id); s && !s->has_first_byte) {
    s->first_byte = link.read_at_;
    s->has_first_byte = true;
  }
  return 0;
}

int H2Link::on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                      std::size_t name_size, const std::uint8_t* value, std::size_t value_size,
                      std::uint8_t, void* user) {
  auto& link = *static_cast<H2Link*>(user);
  H2Stream* s = link.stream_of(frame->hd.stream_id);
  if (!s) return 0;
  const std::string_view n(reinterpret_cast<const char*>(name), name_size);
  const std::string_view v(reinterpret_cast<const char*>(value), value_size);
  if (n == ":status") {
    int code = 0;
    for (const char c : v) code = code * 10 + (c - '0');  // nghttp2 checked: three digits
    if (code < 200) return 0;  // interim (1xx): the final response follows
    s->status = code;
    FailureSampling* sampling = link.sampling_;
    if (!sampling || !sampling->wants(code)) return 0;
    // First response with this status on this thread: keep it (cold path, allocates).
    sampling->capturing = code;
    sampling->owner = s;
    sampling->scratch.headers.clear();
    sampling->scratch.body.clear();
    sampling->scratch.body_cap = api::sample_body_bytes;
    sampling->scratch.body_bytes = 0;
    sampling->status_line = "HTTP/2 " + std::string(v);
    s->capturing = true;
    return 0;
  }
  if (s->capturing && link.sampling_ && api::sample_keeps_header(n))
    link.sampling_->scratch.headers.emplace_back(std::string(n), std::string(v));
  return 0;
}

int H2Link::on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data,
                          std::size_t size, void* user) {
  auto& link = *static_cast<H2Link*>(user);
  H2Stream* s = link.stream_of(id);
  if (!s) return 0;
  s->body_bytes += size;
  if (s->capturing && link.sampling_) {
    Capture& capture = link.sampling_->scratch;
    if (capture.body.size() < capture.body_cap)
      capture.body.append(reinterpret_cast<const char*>(data),
                          std::min(size, capture.body_cap - capture.body.size()));
  }
  return 0;
}

int H2Link::on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  auto& link = *static_cast<H2Link*>(user);
  switch (frame->hd.type) {
    case NGHTTP2_GOAWAY:
      link.going_away_ = true;  // streams after its last stream id end as refused
      return 0;
    case NGHTTP2_HEADERS:
    case NGHTTP2_DATA:
      break;
    default:
      return 0;
  }
  H2Stream* s = link.stream_of(frame->hd.stream_id);
  if (!s) return 0;
  s->out->bytes_in += 9 + frame->hd.length;
  if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) {
    s->complete = true;
    s->last_byte = link.read_at_;
  }
  return 0;
}

int H2Link::on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
  auto& link = *static_cast<H2Link*>(user);
  H2Stream* s = link.stream_of(frame->hd.stream_id);
  if (!s) return 0;
  s->out->bytes_out += 9 + frame->hd.length;
  if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) link.sending_.push_back(frame->hd.stream_id);
  return 0;
}

int H2Link::on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t error_code,
                            void* user) {
  auto& link = *static_cast<H2Link*>(user);
  H2Stream* s = link.stream_of(id);
  if (!s) return 0;
  // A complete response counts whatever follows (a server may reset the stream with NO_ERROR
  // once it has answered, to stop a request body it does not need).
  if (s->complete && s->status >= 200) {
    link.finish(*s, ErrorKind::none, {});
  } else if (error_code == NGHTTP2_REFUSED_STREAM) {
    s->refused = true;  // not processed by the server (RFC 9113 section 8.7): safe to send again
    link.finish(*s, ErrorKind::reset, h2_error(int(error_code)));
  } else if (error_code == NGHTTP2_NO_ERROR || error_code == NGHTTP2_PROTOCOL_ERROR) {
    link.finish(*s, ErrorKind::protocol,
                h2_error(error_code == NGHTTP2_NO_ERROR ? incomplete : int(error_code)));
  } else {
    link.finish(*s, ErrorKind::reset, h2_error(int(error_code)));
  }
  return 0;
}

ssize_t H2Link::read_body(nghttp2_session* session, std::int32_t id, std::uint8_t* buffer,
                          std::size_t size, std::uint32_t* flags, nghttp2_data_source*, void*) {
  auto* s = static_cast<H2Stream*>(nghttp2_session_get_stream_user_data(session, id));
  if (!s) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // ended (timed out) meanwhile
  const std::string& body = s->request->body;
  const std::size_t n = std::min(size, body.size() - s->body_offset);
  std::memcpy(buffer, body.data() + s->body_offset, n);
  s->body_offset += n;
  if (s->body_offset == body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return ssize_t(n);
}

H2Connection::H2Connection(Executor executor, std::shared_ptr<const Target> target,
                           std::uint32_t streams)
    : executor_(executor), target_(std::move(target)), streams_(std::max(1U, streams)) {}

H2Connection::~H2Connection() {
  close();
}

H2Link& H2Connection::usable_link() {
  if (links_.empty() || !links_.back()->accepting()) {
    std::erase_if(links_, [](const auto& link) { return link->finished(); });
    links_.push_back(std::make_shared<H2Link>(executor_, target_, sampling_));
  }
  return *links_.back();
}

asio::awaitable<void> H2Connection::exchange(const H2Request& request, Outcome& out,
                                             Clock::time_point deadline) {
  bool retried = false;
  for (;;) {
    out = Outcome{};
    out.retried = retried;
    const std::shared_ptr<H2Link> link = usable_link().shared_from_this();
    H2Stream stream(executor_, request, out, deadline);
    stream.start = Clock::now();
    link->submit(stream);
    error_code ec;
    while (!stream.done)
      co_await stream.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (link->retired() && link->idle()) link->abort(ErrorKind::aborted);
    // Refused streams were not processed; a reused connection that ended before any answer
    // had been closed by the server while idle. Neither is the request's failure: once more.
    const bool again = !retried && out.error != ErrorKind::none &&
                       (stream.refused || (out.reused && out.error == ErrorKind::reset &&
                                           !stream.has_first_byte && out.bytes_in == 0));
    if (sampling_ && sampling_->owner == &stream) {
      if (again) {
        sampling_->capturing = 0;
        sampling_->owner = nullptr;
      } else {
        sampling_->owner = this;  // Recorder::sample looks for the connection
        sampling_->scratch.body_bytes = stream.body_bytes;
      }
    }
    if (again) {
      retried = true;
      continue;
    }
    out.keep_alive = !link->finished();
    if (out.error == ErrorKind::none) {
      out.status = stream.status;
      const auto sent =
          stream.has_sent && stream.sent < stream.first_byte ? stream.sent : stream.first_byte;
      out.send_us = micros_between(stream.ready, sent);
      out.wait_us = micros_between(sent, stream.first_byte);
      out.receive_us = micros_between(stream.first_byte, stream.last_byte);
    }
    co_return;
  }
}

void H2Connection::sweep(Clock::time_point now) {
  for (auto& link : links_) link->sweep(now);
}

void H2Connection::abort(bool timed_out) {
  for (auto& link : links_)
    if (!link->idle()) link->abort(timed_out ? ErrorKind::request_timeout : ErrorKind::aborted);
}

bool H2Connection::busy() const {
  return std::any_of(links_.begin(), links_.end(), [](const auto& l) { return !l->idle(); });
}

void H2Connection::retire() {
  if (!links_.empty()) links_.back()->retire();
}

void H2Connection::close() {
  for (auto& link : links_) {
    link->forget_sampling();
    link->abort(ErrorKind::aborted);
  }
  links_.clear();
}

}  // namespace perf::http
