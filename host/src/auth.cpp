#include "auth.hpp"

#include <boost/beast/core/string.hpp>

namespace perf::host {

std::string base64(std::string_view in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v =
        (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += table[(v >> 6) & 63];
    out += table[v & 63];
  }
  if (i < in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    if (i + 1 < in.size()) v |= (unsigned char)in[i + 1] << 8;
    out += table[v >> 18];
    out += table[(v >> 12) & 63];
    out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

run::RequestDecoration request_decoration(const CommandLine& cl,
                                          const std::vector<api::SecurityScheme>& schemes) {
  run::RequestDecoration d;
  for (const auto& h : cl.headers) {
    const auto colon = h.find(':');
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    d.headers.emplace_back(h.substr(0, colon), value);
  }
  if (!cl.bearer_token.empty())
    d.headers.emplace_back("Authorization", "Bearer " + cl.bearer_token);
  if (!cl.basic_auth.empty())
    d.headers.emplace_back("Authorization", "Basic " + base64(cl.basic_auth));
  if (!cl.api_key.empty()) {
    const auto eq = cl.api_key.find('=');
    const std::string name = cl.api_key.substr(0, eq);
    const std::string value = cl.api_key.substr(eq + 1);
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

}  // namespace perf::host
