// Reads one HTTP/1.x response from the bytes a connection receives, with nodejs/http-parser (the
// parser wrk uses; Debian's libhttp-parser): status, body length, keep-alive, nothing stored.
// Unlike Beast's parser it hands header names over as bytes instead of looking each one up in a
// table of known fields: a lookup per header per response that showed in profiles. Headers and the
// start of the body are kept only for a Capture (probes) or a response FailureSampling wants.
#pragma once

#include "perf/http/connection.hpp"

#include <boost/system/error_code.hpp>

#include <http_parser.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace perf::http {

class ResponseParser {
 public:
  // `head`: the request was HEAD, so the response has no body whatever its headers say.
  ResponseParser(Capture* capture, FailureSampling* sampling, const void* owner, bool head);
  // Starts over for the next response on the connection (the load path keeps one parser per
  // connection instead of building one per request).
  void reset(Capture* capture, bool head);
  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // Parses what it can of `data` and returns the bytes it used: all of them, or those up to the
  // end of the message. A malformed response sets `ec` (Beast's HTTP error category, which
  // Connection::classify reads as a protocol error).
  std::size_t put(std::string_view data, boost::system::error_code& ec);
  // The connection ended: completes a body delimited by the end of the connection, else sets
  // `ec` to partial_message.
  void put_eof(boost::system::error_code& ec);
  // After an interim response (1xx): read the next message on the same bytes.
  void start_next_message();

  bool is_done() const { return done_; }
  bool got_some() const { return started_; }
  bool keep_alive() const { return keep_alive_; }
  int status() const { return status_; }
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  static int on_message_begin(http_parser* p);
  static int on_status(http_parser* p, const char* at, std::size_t length);
  static int on_header_field(http_parser* p, const char* at, std::size_t length);
  static int on_header_value(http_parser* p, const char* at, std::size_t length);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, std::size_t length);
  static int on_message_complete(http_parser* p);
  // `full` hands over the status line, headers and body (for a capture); `lean` only what every
  // response needs (headers complete, message complete): http-parser then calls nothing per
  // header, which is most of the callbacks of a small response.
  static const http_parser_settings full_settings;
  static const http_parser_settings lean_settings;
  const http_parser_settings* choose_settings(std::string_view first_bytes) const;

  void begin_capture_if_wanted();
  void finish_header();

  http_parser parser_{};
  Capture* capture_;
  FailureSampling* sampling_;
  const void* owner_;
  bool head_;
  const http_parser_settings* settings_ = nullptr;  // chosen at the first bytes of a message
  bool decided_ = false;  // whether to capture this message was decided (at its status line)
  bool capturing_ = false;
  std::size_t prefix_seen_ = 0;  // bytes of "HTTP/" checked at the message's start
  bool in_value_ = false;  // the last header callback was a value: the next field is a new one
  bool done_ = false;
  bool started_ = false;
  bool keep_alive_ = false;
  int status_ = 0;
  std::uint64_t body_bytes_ = 0;
  std::string reason_;         // only while capturing
  std::string field_, value_;  // the header being read, only while capturing
};

}  // namespace perf::http
