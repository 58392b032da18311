// The service's bearer token (DESIGN §10.3): read from a file or generated, and checked on every
// guarded request in constant time. Kept in core so every route (the task API, the live stream's
// `bearer.TOKEN` subprotocol, /metrics) checks it the same way.
#pragma once

#include "perf/server/http_server.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace perf::server {

class BearerToken {
 public:
  explicit BearerToken(std::string token);

  // The token in `file` without its trailing newline. Throws perf::UserError naming the file
  // when it cannot be read or holds no token.
  static BearerToken from_file(const std::filesystem::path& file);
  // 32 random bytes as hex (OpenSSL's RAND_bytes), written to `file` with mode 0600.
  static BearerToken generate(const std::filesystem::path& file);
  // The same, kept in memory only (`run --live`: the token lives as long as the run).
  static BearerToken random();

  // Compares SHA-256 digests with CRYPTO_memcmp: the time taken says nothing about how much of
  // the token, or of its length, was right.
  bool matches(std::string_view presented) const;
  // A guard for Router::guard: 401 with `WWW-Authenticate: Bearer` unless the request carries
  // `Authorization: Bearer TOKEN`, or is a WebSocket upgrade offering the subprotocol
  // `bearer.TOKEN` (browsers cannot set headers on a WebSocket).
  std::optional<Response> check(const Request& request) const;
  // The `bearer.TOKEN` subprotocol a WebSocket handshake offers with the right token: the
  // server must name it in its answer, or the browser drops the connection.
  std::optional<std::string> offered_subprotocol(const Request& request) const;

  const std::string& value() const { return token_; }

 private:
  std::string token_;
  std::string digest_;  // SHA-256 of the token, raw bytes
};

}  // namespace perf::server
