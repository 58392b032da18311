// Absolute http(s) URLs as users type them: scheme, host (names, IPv4, [IPv6]), port, path.
#pragma once

#include <string>
#include <string_view>

namespace perf::http {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  std::string port;    // always set: "80"/"443" by default
  std::string path;    // "" or "/prefix" without a trailing slash, plus any query if given
  bool tls() const { return scheme == "https"; }
  // The Host header value: host[:port], port left out when it is the scheme's default.
  std::string authority() const;
  std::string origin() const;  // scheme://authority
};

// Throws perf::UserError("malformed URL 'x': reason").
Url parse_url(std::string_view text);

// Joins a base path ("/v1") and an origin-form target ("/users?id=1") into "/v1/users?id=1".
std::string join_target(std::string_view base_path, std::string_view target);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string percent_encode(std::string_view text);

}  // namespace perf::http
