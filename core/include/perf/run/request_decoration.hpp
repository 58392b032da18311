// What the run adds to every request it sends: --header lines and credentials (bearer, basic,
// API key placed where the spec's security scheme says: header, query or cookie). Kept out of
// plan files so that secrets are never written to disk.
#pragma once

#include "perf/api/request.hpp"

#include <string>
#include <utility>
#include <vector>

namespace perf::run {

struct RequestDecoration {
  api::HeaderList headers;                                 // added unless already present
  std::vector<std::pair<std::string, std::string>> query;  // appended to the target
  std::string cookie;                                      // merged into Cookie

  bool empty() const { return headers.empty() && query.empty() && cookie.empty(); }
  void apply(api::RequestSpec& request) const;
};

}  // namespace perf::run
