#include "perf/cases/response_items.hpp"

#include "perf/http/request_target.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <charconv>

namespace perf::cases {

namespace json = boost::json;
namespace urls = boost::urls;

namespace {

std::optional<std::string> next_from_link(const std::string& link) {
  // Link: <url>; rel="next", <url>; rel="last"
  std::size_t pos = 0;
  while (pos < link.size()) {
    const auto open = link.find('<', pos);
    if (open == std::string::npos) break;
    const auto close = link.find('>', open);
    if (close == std::string::npos) break;
    auto end = link.find(",", close);
    const std::string params =
        link.substr(close + 1, end == std::string::npos ? std::string::npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string::npos ||
        params.find("rel=next") != std::string::npos) {
      // An absolute link ("https://host/items/?page=2") is followed by its path and query, kept
      // as sent: "/items/" and "/items" are different resources (RFC 3986 6.2.3 only equates
      // an empty path with "/"). A relative one is followed as written; one that is not a URI
      // reference at all is not followed.
      const std::string url = link.substr(open + 1, close - open - 1);
      const auto parsed = urls::parse_uri_reference(url);
      if (!parsed) return std::nullopt;
      if (!parsed->has_authority()) return url;
      const std::string target(parsed->encoded_target());
      if (target.empty() || target.front() == '?') return "/" + target;
      // Boost.URL 1.81 reads "host:x/items" as an empty port and the path "x/items"
      // (boostorg/url#636); after a host a path starts with '/' (RFC 3986 3.3).
      if (target.front() != '/') return std::nullopt;
      return target;
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}

const json::array* find_items(const json::value& v) {
  if (const auto* a = v.if_array()) return a;
  const auto* o = v.if_object();
  if (!o) return nullptr;
  for (const char* key :
       {"items", "data", "results", "records", "entries", "values", "content", "rows"})
    if (const auto* x = o->if_contains(key); x && x->is_array()) return &x->as_array();
  for (const auto& [k, x] : *o)
    if (x.is_array()) return &x.as_array();
  return nullptr;
}

std::optional<std::string> text_of(const json::value* v) {
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_number()) return json::serialize(*v);
  return std::nullopt;
}

}  // namespace

Page read_page(const api::Exchange& exchange) {
  Page page;
  page.next_link = next_from_link(exchange.header("Link"));
  const std::string total = exchange.header("X-Total-Count");
  if (!total.empty()) {
    try {
      page.total = std::stod(total);
    } catch (...) {
    }
  }
  boost::system::error_code ec;
  const auto doc = json::parse(exchange.body, ec);
  if (ec) return page;
  page.parsed = true;
  if (const auto* items = find_items(doc)) page.items.assign(items->begin(), items->end());
  if (const auto* o = doc.if_object()) {
    for (const char* key :
         {"next_cursor", "nextCursor", "next_page_token", "nextPageToken", "cursor", "next"})
      if (auto t = text_of(o->if_contains(key))) {
        page.next_cursor = t;
        break;
      }
    for (const char* key : {"total", "total_count", "totalCount", "count"})
      if (const auto* t = o->if_contains(key); t && t->is_number() && !page.total)
        page.total = t->to_number<double>();
  }
  return page;
}

std::string item_key(const json::value& item) {
  if (const auto* o = item.if_object())
    for (const char* key : {"id", "_id", "uuid", "key"})
      if (auto t = text_of(o->if_contains(key))) return *t;
  return json::serialize(item);
}

std::string without_query(const std::string& target, const std::string& name) {
  if (target.find('?') == std::string::npos) return target;
  auto url = http::request_target(target);
  // Keys are compared decoded: asked to drop "page[size]", "page%5Bsize%5D=5" goes too.
  url.params().erase(name);
  if (url.params().empty()) url.remove_query();
  return std::string(url.buffer());
}

std::string with_query(const std::string& target, const std::string& name,
                       const std::string& value) {
  auto url = http::request_target(target);
  url.params().erase(name);
  http::append_query(url, name, value);
  return std::string(url.buffer());
}

std::optional<double> number_header(const api::Exchange& exchange, std::string_view name) {
  std::string text = exchange.header(name);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && text[start] == ' ') ++start;
  double value = 0;
  const auto* first = text.data() + start;
  const auto* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(first, last, value);
  if (first == last || error != std::errc() || end != last) return std::nullopt;
  return value;
}

}  // namespace perf::cases
