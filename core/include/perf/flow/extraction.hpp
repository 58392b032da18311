// Taking a flow variable out of a response: a JSON pointer into the body ("/id",
// "/data/0/token") or a header ("header:Location"). A failure is a sentence the report counts.
#pragma once

#include "perf/api/request.hpp"
#include "perf/flow/template.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace perf::flow {

struct Extraction {
  std::string variable;
  std::string source;  // as written: "/id" or "header:Location"

  bool from_header() const { return source.rfind("header:", 0) == 0; }
  std::string header_name() const { return source.substr(7); }
};

// Why `source` is not a place a value can be taken from; nullopt when it is. A JSON pointer is
// "" (the whole body) or starts with '/', and '~' is followed by 0 or 1 (RFC 6901).
std::optional<std::string> check_source(const std::string& source);

// The response body parsed once for all of a step's extractions.
class ParsedBody {
 public:
  explicit ParsedBody(const std::string& body) : body_(body) {}
  // Null when the body is not JSON.
  const boost::json::value* document();

 private:
  const std::string& body_;
  bool parsed_ = false;
  bool valid_ = false;
  boost::json::value document_;
};

// Sets `out` from the response, or returns why it could not, as counted in reports:
// "extract id: no /id in response of step create".
std::optional<std::string> extract(const Extraction& e, const api::HeaderList& headers,
                                   ParsedBody& body, const std::string& step, Value& out);

}  // namespace perf::flow
