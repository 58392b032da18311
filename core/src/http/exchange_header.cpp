// api::Exchange::header is declared in the plugin API and implemented here, in core.
#include "perf/api/request.hpp"

#include <boost/beast/core/string.hpp>

namespace perf::api {

std::string Exchange::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (boost::beast::iequals(n, name)) return v;
  return "";
}

}  // namespace perf::api
