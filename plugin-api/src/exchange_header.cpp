// api::Exchange::header: a case-insensitive lookup (RFC 9110 field names are ASCII), written here
// so the SDK needs no Beast.
#include "perf/api/request.hpp"

#include <algorithm>

namespace perf::api {

namespace {
bool same_field_name(std::string_view a, std::string_view b) {
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : char(c); };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}
}  // namespace

std::string Exchange::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (same_field_name(n, name)) return v;
  return "";
}

}  // namespace perf::api
