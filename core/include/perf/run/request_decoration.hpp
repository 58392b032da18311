// What the run adds to every request it sends: --header lines and credentials (bearer, basic,
// API key placed where the spec's security scheme says: header, query or cookie). Kept out of
// plan files so that secrets are never written to disk.
#pragma once

#include "perf/api/model.hpp"
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

// What the user gave on the command line (or a task's parameters) to authenticate and decorate.
struct Credentials {
  std::vector<std::string> headers;  // "Name: value"
  std::string bearer_token;
  std::string basic_auth;  // "user:password"
  std::string api_key;     // "NAME=value"
};

// An API key goes where the spec's apiKey security scheme puts it (header, query or cookie);
// without such a scheme, in a header of the given name. Credentials no declared scheme uses are
// still sent, as the user most likely meant, and `warnings` (when given) says so, one sentence
// each: a server that needs them answers 401/403 to everything otherwise, and silence would
// hide why.
RequestDecoration decoration_for(const Credentials& credentials,
                                 const std::vector<api::SecurityScheme>& schemes,
                                 std::vector<std::string>* warnings = nullptr);

std::string base64(std::string_view bytes);

}  // namespace perf::run
