#include "perf/http/request_target.hpp"

#include "perf/http/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>

namespace perf::http {

namespace urls = boost::urls;

boost::urls::url request_target(std::string_view target) {
  // The usual case, kept byte for byte. Parsed as origin-form rather than a relative reference:
  // in a request target "//a" is a path, which Boost.URL would otherwise rewrite to "/.//a".
  if (const auto parsed = urls::parse_origin_form(target)) return urls::url(*parsed);
  // RFC 3986 3.4: the query starts at the first '?'. The setters percent-encode what a path or
  // query cannot hold; a part whose '%'s are not all escapes is taken as plain text instead.
  const auto q = target.find('?');
  const std::string_view path = target.substr(0, q);
  urls::url out;
  if (const auto encoded = urls::make_pct_string_view(path))
    out.set_encoded_path(*encoded);
  else
    out.set_path(path);
  if (q != std::string_view::npos) {
    const std::string_view query = target.substr(q + 1);
    if (const auto encoded = urls::make_pct_string_view(query))
      out.set_encoded_query(*encoded);
    else
      out.set_query(query);
  }
  return out;
}

void append_query(boost::urls::url& target, std::string_view name, std::string_view value) {
  // "/items?" takes the parameter as its first, not after an empty one ("/items?&page=2").
  if (target.has_query() && target.encoded_query().empty()) target.remove_query();
  const std::string key = percent_encode(name), text = percent_encode(value);
  target.encoded_params().append({key, text});
}

}  // namespace perf::http
