// URLs are parsed and encoded by Boost.URL (RFC 3986); what is ours is the policy: http(s) only,
// no credentials, a port the engine can connect to, and the path as a base for join_target.
#include "perf/http/url.hpp"

#include "perf/util/user_error.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>

namespace perf::http {

namespace urls = boost::urls;

namespace {

[[noreturn]] void malformed(std::string_view text, const std::string& why) {
  throw UserError("malformed URL '" + std::string(text) + "': " + why);
}

// Why Boost.URL refused `text`, in words a user can act on (its own error codes say "leftover"
// or "mismatch").
std::string why_not_a_uri(std::string_view text) {
  constexpr auto uri_chars = urls::pchars + urls::grammar::lut_chars("/?#[]%");
  const auto bad = std::find_if(text.begin(), text.end(), [&](char c) { return !uri_chars(c); });
  if (bad != text.end())
    return "character " + std::to_string(bad - text.begin() + 1) + " ('" + std::string(1, *bad) +
           "') is not allowed in a URL; percent-encode it";
  if (!urls::make_pct_string_view(text)) return "a '%' that starts no %XX escape (write % as %25)";
  if (text.find('[') != std::string_view::npos) return "not a valid [IPv6] host";
  return "not a valid URL (RFC 3986)";
}

}  // namespace

Url parse_url(std::string_view text) {
  if (text.find("://") == std::string_view::npos) malformed(text, "expected http:// or https://");
  const auto parsed = urls::parse_uri(text);
  if (!parsed) malformed(text, why_not_a_uri(text));
  const urls::url_view& u = *parsed;
  Url url;
  if (u.scheme_id() == urls::scheme::http)
    url.scheme = "http";
  else if (u.scheme_id() == urls::scheme::https)
    url.scheme = "https";
  else
    malformed(text, "scheme must be http or https");
  if (!u.has_authority()) malformed(text, "expected http:// or https://");
  if (u.has_userinfo()) malformed(text, "credentials in the URL are not supported; use --basic");
  // After an authority the path is empty or starts with '/' (RFC 3986 3.3). Boost.URL 1.81 takes
  // "host:8a" as port "8" and path "a" (boostorg/url#636, fixed in later releases).
  if (const auto path = u.encoded_path(); !path.empty() && path.front() != '/')
    malformed(text, u.has_port() ? "port must be a number from 1 to 65535" : "junk after the host");
  if (u.host_type() == urls::host_type::ipvfuture)
    malformed(text, "IPvFuture hosts are not supported");
  url.host = std::string(u.encoded_host_address());  // IPv6 without its brackets
  if (url.host.empty()) malformed(text, "no host");
  // RFC 3986 3.2.3: "host:" (an empty port) means the scheme's default, as if no ':' were there.
  // The old parser refused it; "http://host:" is a valid URL, so it is accepted now.
  const std::string_view port = u.port();
  if (!port.empty()) {
    const auto number = port.size() <= 5 ? std::stoul(std::string(port)) : 0;
    if (number == 0 || number > 65535) malformed(text, "port must be a number from 1 to 65535");
    url.port = std::to_string(number);  // "08080" connects to 8080 and is sent as 8080
  } else {
    url.port = url.tls() ? "443" : "80";
  }
  // A base path has no trailing slash (join_target adds one); a query, when given, stays as
  // written after a path of at least "/". The fragment never goes to the server.
  std::string path(u.encoded_path());
  if (u.has_query()) {
    if (path.empty()) path = "/";
    path += "?" + std::string(u.encoded_query());
  } else {
    while (!path.empty() && path.back() == '/') path.pop_back();
  }
  url.path = std::move(path);
  return url;
}

std::string Url::authority() const {
  const bool default_port = (tls() && port == "443") || (!tls() && port == "80");
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? h : h + ":" + port;
}

std::string Url::origin() const {
  return scheme + "://" + authority();
}

std::string join_target(std::string_view base_path, std::string_view target) {
  std::string out(base_path);
  if (target.empty()) return out.empty() ? "/" : out;
  if (target.front() != '/' && target.front() != '?') out += '/';
  out += target;
  return out.empty() ? "/" : out;
}

std::string percent_encode(std::string_view text) {
  return urls::encode(text, urls::unreserved_chars);
}

}  // namespace perf::http
