#include "response_parser.hpp"

#include "perf/api/metrics.hpp"

#include <boost/beast/http/error.hpp>

#include <algorithm>

namespace perf::http {

namespace {
ResponseParser& self(http_parser* p) {
  return *static_cast<ResponseParser*>(p->data);
}
// Where a captured message goes: the probe's Capture, else the thread's failure sample.
Capture* current_capture(Capture* capture, FailureSampling* sampling) {
  return capture ? capture : &sampling->scratch;
}
// http-parser's error as the nearest of Beast's HTTP errors: Connection::classify reads that
// category as a protocol error, and the message names what was wrong (a sample's detail).
boost::beast::http::error beast_error(http_errno code) {
  using boost::beast::http::error;
  switch (code) {
    case HPE_INVALID_VERSION:
    case HPE_INVALID_CONSTANT:
      return error::bad_version;
    case HPE_INVALID_STATUS:
      return error::bad_status;
    case HPE_INVALID_HEADER_TOKEN:
      return error::bad_field;
    case HPE_INVALID_CONTENT_LENGTH:
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      return error::bad_content_length;
    case HPE_INVALID_TRANSFER_ENCODING:
      return error::bad_transfer_encoding;
    case HPE_INVALID_CHUNK_SIZE:
      return error::bad_chunk;
    case HPE_HEADER_OVERFLOW:
      return error::header_limit;
    case HPE_LF_EXPECTED:
    case HPE_STRICT:
      return error::bad_line_ending;
    case HPE_INVALID_EOF_STATE:
      return error::partial_message;
    default:
      return error::bad_value;
  }
}

}  // namespace

const http_parser_settings ResponseParser::full_settings = [] {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_message_begin = &ResponseParser::on_message_begin;
  s.on_status = &ResponseParser::on_status;
  s.on_header_field = &ResponseParser::on_header_field;
  s.on_header_value = &ResponseParser::on_header_value;
  s.on_headers_complete = &ResponseParser::on_headers_complete;
  s.on_body = &ResponseParser::on_body;
  s.on_message_complete = &ResponseParser::on_message_complete;
  return s;
}();

const http_parser_settings ResponseParser::lean_settings = [] {
  http_parser_settings s;
  http_parser_settings_init(&s);
  s.on_message_begin = &ResponseParser::on_message_begin;
  s.on_headers_complete = &ResponseParser::on_headers_complete;
  s.on_message_complete = &ResponseParser::on_message_complete;
  return s;
}();

ResponseParser::ResponseParser(Capture* capture, FailureSampling* sampling, const void* owner,
                               bool head)
    : capture_(capture), sampling_(sampling), owner_(owner), head_(head) {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
}

void ResponseParser::reset(Capture* capture, bool head) {
  http_parser_init(&parser_, HTTP_RESPONSE);
  parser_.data = this;
  capture_ = capture;
  head_ = head;
  settings_ = nullptr;
  done_ = decided_ = capturing_ = in_value_ = started_ = keep_alive_ = false;
  prefix_seen_ = 0;
  status_ = 0;
  body_bytes_ = 0;
  reason_.clear();
  field_.clear();
  value_.clear();
}

const http_parser_settings* ResponseParser::choose_settings(std::string_view first) const {
  // A probe's capture wants everything. Otherwise the status code is read from the first bytes
  // ("HTTP/1.1 200"): only a status the thread's sampling wants needs the headers and body; when
  // the first read is too short to tell, parse in full (correct, only slower).
  if (capture_ || !sampling_) return capture_ ? &full_settings : &lean_settings;
  if (first.size() < 12 || first[8] != ' ') return &full_settings;
  int status = 0;
  for (std::size_t i = 9; i < 12; ++i) {
    if (first[i] < '0' || first[i] > '9') return &full_settings;
    status = status * 10 + (first[i] - '0');
  }
  return sampling_->wants(status) ? &full_settings : &lean_settings;
}

void ResponseParser::start_next_message() {
  // The parser itself goes on to the next message; only our per-message state starts over.
  http_parser_pause(&parser_, 0);
  done_ = decided_ = capturing_ = in_value_ = false;
  settings_ = nullptr;
  prefix_seen_ = 0;
  status_ = 0;
  body_bytes_ = 0;
  reason_.clear();
  if (capture_) capture_->headers.clear();
}

std::size_t ResponseParser::put(std::string_view data, boost::system::error_code& ec) {
  if (done_ || data.empty()) return 0;
  // http-parser, built without its strict mode, lets a mangled version pass ("HTTX/1.1"): a
  // response that does not start with "HTTP/" is not one.
  static constexpr std::string_view version_prefix = "HTTP/";
  if (!settings_) settings_ = choose_settings(data);
  for (std::size_t i = 0; prefix_seen_ < version_prefix.size() && i < data.size();
       ++i, ++prefix_seen_)
    if (data[i] != version_prefix[prefix_seen_]) {
      ec = boost::beast::http::error::bad_version;
      return 0;
    }
  const std::size_t used = http_parser_execute(&parser_, settings_, data.data(), data.size());
  const auto error = HTTP_PARSER_ERRNO(&parser_);
  if (error != HPE_OK && error != HPE_PAUSED) ec = beast_error(error);
  // Paused at the end of the message, `used` counts exactly the message's bytes.
  return used;
}

void ResponseParser::put_eof(boost::system::error_code& ec) {
  if (done_) return;
  http_parser_execute(&parser_, settings_ ? settings_ : &full_settings, nullptr, 0);
  if (!done_) ec = boost::beast::http::error::partial_message;
}

void ResponseParser::begin_capture_if_wanted() {
  if (decided_) return;
  decided_ = true;
  status_ = int(parser_.status_code);
  // Parsed lean, the headers and body go by uncaptured: a sample would lack them. This status
  // gets sampled on a later response instead.
  if (settings_ == &lean_settings) return;
  if (capture_) {
    capturing_ = true;
  } else if (sampling_ && sampling_->wants(status_)) {
    // First response with this status on this thread: keep it (cold path, allocates).
    sampling_->capturing = status_;
    sampling_->owner = owner_;
    auto& scratch = sampling_->scratch;
    scratch.headers.clear();
    scratch.body.clear();
    scratch.body_cap = api::sample_body_bytes;
    scratch.body_bytes = 0;
    capturing_ = true;
  }
}

int ResponseParser::on_message_begin(http_parser* p) {
  self(p).started_ = true;
  return 0;
}

int ResponseParser::on_status(http_parser* p, const char* at, std::size_t length) {
  auto& r = self(p);
  r.begin_capture_if_wanted();
  if (r.capturing_) r.reason_.append(at, length);
  return 0;
}

void ResponseParser::finish_header() {
  if (!capturing_ || field_.empty()) return;
  Capture* capture = current_capture(capture_, sampling_);
  if (capture_ || api::sample_keeps_header(field_)) capture->headers.emplace_back(field_, value_);
  field_.clear();
  value_.clear();
}

int ResponseParser::on_header_field(http_parser* p, const char* at, std::size_t length) {
  auto& r = self(p);
  r.begin_capture_if_wanted();
  if (!r.capturing_) return 0;
  if (r.in_value_) r.finish_header();  // a new field: the previous header is complete
  r.in_value_ = false;
  r.field_.append(at, length);
  return 0;
}

int ResponseParser::on_header_value(http_parser* p, const char* at, std::size_t length) {
  auto& r = self(p);
  if (!r.capturing_) return 0;
  r.in_value_ = true;
  r.value_.append(at, length);
  return 0;
}

int ResponseParser::on_headers_complete(http_parser* p) {
  auto& r = self(p);
  r.begin_capture_if_wanted();
  r.finish_header();
  if (r.capturing_) {
    const std::string line = "HTTP/" + std::to_string(p->http_major) + "." +
                             std::to_string(p->http_minor) + " " + std::to_string(r.status_) + " " +
                             r.reason_;
    if (r.capture_)
      r.capture_->status_line = line;
    else
      r.sampling_->status_line = line;
  }
  // 1 tells http-parser that this response has no body whatever its headers say: the answer to a
  // HEAD, and 1xx, 204 and 304 (RFC 9110 section 6.4.1; a 304 may carry the Content-Length of the
  // representation). http-parser 2.9 knows none of this for responses.
  const int status = r.status_;
  return r.head_ || status / 100 == 1 || status == 204 || status == 304 ? 1 : 0;
}

int ResponseParser::on_body(http_parser* p, const char* at, std::size_t length) {
  auto& r = self(p);
  r.body_bytes_ += length;
  if (!r.capturing_) return 0;
  Capture* capture = current_capture(r.capture_, r.sampling_);
  if (capture->body.size() < capture->body_cap)
    capture->body.append(at, std::min(length, capture->body_cap - capture->body.size()));
  return 0;
}

int ResponseParser::on_message_complete(http_parser* p) {
  auto& r = self(p);
  r.begin_capture_if_wanted();
  r.finish_header();  // the last trailer of a chunked body
  r.done_ = true;
  r.keep_alive_ = http_should_keep_alive(p) != 0;
  // Stop here: bytes after the message are not part of it (the caller decides what they mean).
  http_parser_pause(p, 1);
  return 0;
}

}  // namespace perf::http
