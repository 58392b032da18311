#include "perf/run/request_decoration.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "perf/http/request_target.hpp"

#include <boost/beast/core/string.hpp>

namespace perf::run {

void RequestDecoration::apply(api::RequestSpec& request) const {
  for (const auto& [name, value] : headers) {
    bool present = false;
    for (auto& [n, v] : request.headers)
      if (boost::beast::iequals(n, name)) {
        v = value;  // the command line wins over the plan
        present = true;
      }
    if (!present) request.headers.emplace_back(name, value);
  }
  if (!query.empty()) {
    auto target = http::request_target(request.target);
    for (const auto& [name, value] : query) http::append_query(target, name, value);
    request.target = std::string(target.buffer());
  }
  if (!cookie.empty()) {
    for (auto& [n, v] : request.headers)
      if (boost::beast::iequals(n, "cookie")) {
        v += "; " + cookie;
        return;
      }
    request.headers.emplace_back("Cookie", cookie);
  }
}

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), int(in.size()));
  out.resize(std::size_t(n));
  return out;
}

RequestDecoration decoration_for(const Credentials& credentials,
                                 const std::vector<api::SecurityScheme>& schemes,
                                 std::vector<std::string>* warnings) {
  RequestDecoration d;
  auto declares = [&](auto&& matches) {
    return std::any_of(schemes.begin(), schemes.end(), matches);
  };
  auto warn = [&](std::string text) {
    if (warnings) warnings->push_back(std::move(text));
  };
  const bool bearer_declared = declares([](const api::SecurityScheme& s) {
    return (s.type == "http" && boost::beast::iequals(s.scheme, "bearer")) || s.type == "oauth2" ||
           s.type == "openIdConnect";
  });
  const bool basic_declared = declares([](const api::SecurityScheme& s) {
    return s.type == "basic" || (s.type == "http" && boost::beast::iequals(s.scheme, "basic"));
  });
  if (!credentials.bearer_token.empty() && !bearer_declared)
    warn(
        "--bearer-token: the spec declares no bearer, OAuth 2 or OpenID Connect scheme; sent as "
        "'Authorization: Bearer ...' on every request anyway");
  if (!credentials.basic_auth.empty() && !basic_declared)
    warn(
        "--basic: the spec declares no basic scheme; sent as 'Authorization: Basic ...' on every "
        "request anyway");
  for (const auto& h : credentials.headers) {
    const auto colon = h.find(':');
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    d.headers.emplace_back(h.substr(0, colon), value);
  }
  if (!credentials.bearer_token.empty())
    d.headers.emplace_back("Authorization", "Bearer " + credentials.bearer_token);
  if (!credentials.basic_auth.empty())
    d.headers.emplace_back("Authorization", "Basic " + base64(credentials.basic_auth));
  if (!credentials.api_key.empty()) {
    const auto eq = credentials.api_key.find('=');
    const std::string name = credentials.api_key.substr(0, eq);
    const std::string value = credentials.api_key.substr(eq + 1);
    const api::SecurityScheme* chosen = nullptr;
    std::size_t api_key_schemes = 0;
    for (const auto& s : schemes) {
      if (s.type != "apiKey") continue;
      ++api_key_schemes;
      if (boost::beast::iequals(s.param_name, name) || boost::beast::iequals(s.name, name))
        chosen = &s;
    }
    if (!chosen && api_key_schemes == 1)
      for (const auto& s : schemes)
        if (s.type == "apiKey") chosen = &s;
    if (!chosen)
      warn("--api-key " + name + ": the spec declares " +
           (api_key_schemes ? "several apiKey schemes and none is named " + name
                            : std::string("no apiKey scheme")) +
           "; sent as the header " + name + " on every request");
    const std::string location = chosen ? chosen->location : "header";
    const std::string param = chosen && !chosen->param_name.empty() ? chosen->param_name : name;
    if (location == "query")
      d.query.emplace_back(param, value);
    else if (location == "cookie")
      d.cookie = param + "=" + value;
    else
      d.headers.emplace_back(param, value);
  }
  return d;
}

}  // namespace perf::run
