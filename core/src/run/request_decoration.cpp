#include "perf/run/request_decoration.hpp"

#include "perf/openapi/request_builder.hpp"

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
  for (const auto& [name, value] : query) {
    request.target += request.target.find('?') == std::string::npos ? '?' : '&';
    request.target += openapi::percent_encode(name) + "=" + openapi::percent_encode(value);
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

}  // namespace perf::run
