// Reading list responses the way pagination, search and database tests need: the items of a
// page (a top-level array, or the first array under a usual key), an identity for each item,
// the next-page link (RFC 8288 Link rel="next", or a next-cursor field in the body) and the total.
#pragma once

#include "perf/api/request.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace perf::cases {

struct Page {
  bool parsed = false;  // the body was JSON
  std::vector<boost::json::value> items;
  std::optional<std::string> next_link;    // target of rel="next", origin-form when same origin
  std::optional<std::string> next_cursor;  // from the body: next_cursor, nextCursor, next, cursor
  std::optional<double> total;             // X-Total-Count header or a total field
};

Page read_page(const api::Exchange& exchange);

// A header's value as a number ("12", "0.5"); nullopt when absent or not wholly a number
// (servers send what they like: "12, 13", "soon").
std::optional<double> number_header(const api::Exchange& exchange, std::string_view name);

// "id", "_id", "uuid", "key" when present, else the whole item as JSON.
std::string item_key(const boost::json::value& item);

// Replaces (or adds) one query parameter of an origin-form target.
std::string with_query(const std::string& target, const std::string& name,
                       const std::string& value);
std::string without_query(const std::string& target, const std::string& name);

}  // namespace perf::cases
