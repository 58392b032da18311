#include "perf/http/url.hpp"

#include "perf/util/user_error.hpp"

#include <algorithm>
#include <cctype>

namespace perf::http {

namespace {
[[noreturn]] void malformed(std::string_view text, const std::string& why) {
  throw UserError("malformed URL '" + std::string(text) + "': " + why);
}
}  // namespace

Url parse_url(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) malformed(text, "expected http:// or https://");
  url.scheme = std::string(text.substr(0, scheme_end));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (url.scheme != "http" && url.scheme != "https")
    malformed(text, "scheme must be http or https");
  std::string_view rest = text.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? "" : rest.substr(path_start);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos)
    malformed(text, "credentials in the URL are not supported; use --basic");
  if (authority.empty()) malformed(text, "no host");
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) malformed(text, "unterminated [IPv6] host");
    url.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') malformed(text, "junk after ]");
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    authority = colon == std::string_view::npos ? "" : authority.substr(colon);
  }
  if (url.host.empty()) malformed(text, "no host");
  for (char c : url.host)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '/' || c == '{' || c == '}')
      malformed(text, "invalid character in host");
  if (!authority.empty()) {
    url.port = std::string(authority.substr(1));
    if (url.port.empty() || url.port.size() > 5 ||
        !std::all_of(url.port.begin(), url.port.end(), ::isdigit) || std::stoi(url.port) > 65535 ||
        std::stoi(url.port) == 0)
      malformed(text, "port must be a number from 1 to 65535");
  } else {
    url.port = url.tls() ? "443" : "80";
  }
  if (const auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  std::string p(path);
  if (!p.empty() && p.front() == '?') p = "/" + p;
  while (p.size() > 1 && p.back() == '/' && p.find('?') == std::string::npos) p.pop_back();
  if (p == "/") p.clear();
  url.path = p;
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
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace perf::http
