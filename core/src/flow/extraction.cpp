#include "perf/flow/extraction.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace perf::flow {

namespace json = boost::json;

std::optional<std::string> check_source(const std::string& source) {
  if (source.rfind("header:", 0) == 0) {
    if (source.size() == 7) return "'header:' names no header";
    return std::nullopt;
  }
  if (!source.empty() && source.front() != '/')
    return "'" + source + "' is neither a JSON pointer (starting with '/') nor header:NAME";
  for (std::size_t i = 0; i < source.size(); ++i)
    if (source[i] == '~' &&
        (i + 1 == source.size() || (source[i + 1] != '0' && source[i + 1] != '1')))
      return "'" + source + "' is not a JSON pointer: '~' must be followed by 0 or 1";
  return std::nullopt;
}

const json::value* ParsedBody::document() {
  if (!parsed_) {
    parsed_ = true;
    boost::system::error_code ec;
    document_ = json::parse(body_, ec);
    valid_ = !ec;
  }
  return valid_ ? &document_ : nullptr;
}

std::optional<std::string> extract(const Extraction& e, const api::HeaderList& headers,
                                   ParsedBody& body, const std::string& step, Value& out) {
  const std::string prefix = "extract " + e.variable + ": ";
  if (e.from_header()) {
    const auto name = e.header_name();
    for (const auto& [k, v] : headers)
      if (boost::beast::iequals(k, name)) {
        out = {v, false, true};
        return std::nullopt;
      }
    return prefix + "no header " + name + " in response of step " + step;
  }
  const auto* doc = body.document();
  if (!doc) return prefix + "response of step " + step + " is not JSON";
  boost::system::error_code ec;
  const auto* found = doc->find_pointer(e.source, ec);
  if (!found) return prefix + "no " + e.source + " in response of step " + step;
  if (const auto* s = found->if_string())
    out = {std::string(*s), false, true};
  else
    out = {json::serialize(*found), true, true};  // numbers, booleans, objects keep their type
  return std::nullopt;
}

}  // namespace perf::flow
