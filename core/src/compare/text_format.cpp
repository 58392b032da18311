#include "perf/compare/text_format.hpp"

#include "perf/util/user_error.hpp"

#include <cstdio>
#include <ctime>

namespace perf::compare {

std::string fixed(double v, int decimals, bool sign) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, sign ? "%+.*f" : "%.*f", decimals, v);
  return buffer;
}

std::string utc_time(std::int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  const std::time_t t = unix_ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

double parse_percent(std::string_view number, std::string_view flag, std::string_view text) {
  std::string digits(number);
  if (!digits.empty() && digits.back() == '%') digits.pop_back();
  std::size_t used = 0;
  double value = -1;
  try {
    value = std::stod(digits, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != digits.size() || !(value >= 0))
    throw UserError(std::string(flag) + " '" + std::string(text) +
                    "': expected a percentage of 0 or more, e.g. 10%");
  return value;
}

}  // namespace perf::compare
