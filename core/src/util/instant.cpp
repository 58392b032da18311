#include "perf/util/instant.hpp"

#include "perf/util/user_error.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace perf::util {

namespace {

using Clock = std::chrono::system_clock;

std::optional<Clock::time_point> unix_seconds(std::string_view text) {
  double seconds = 0;
  const auto* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, seconds);
  if (ec != std::errc() || at != end || !std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return Clock::time_point(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
}

// Reads exactly `width` digits at `at`.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<Clock::time_point> rfc3339(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  const auto year = digits(t, 0, 4), month = digits(t, 5, 2), day = digits(t, 8, 2);
  const auto hour = digits(t, 11, 2), minute = digits(t, 14, 2), second = digits(t, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || t[4] != '-' || t[7] != '-' ||
      (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60)
    return std::nullopt;
  std::size_t at = 19;
  std::int64_t nanos = 0;  // the fraction of a second, to the nanosecond (digits beyond: ignored)
  if (at < t.size() && t[at] == '.') {
    ++at;
    int places = 0;
    for (; at < t.size() && t[at] >= '0' && t[at] <= '9'; ++at)
      if (places < 9) nanos = nanos * 10 + (t[at] - '0'), ++places;
    if (places == 0) return std::nullopt;
    for (; places < 9; ++places) nanos *= 10;
  }
  int offset_minutes = 0;
  if (at < t.size() && (t[at] == 'Z' || t[at] == 'z')) {
    ++at;
  } else if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
    const auto oh = digits(t, at + 1, 2), om = digits(t, at + 4, 2);
    if (!oh || !om || at + 3 >= t.size() || t[at + 3] != ':') return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (t[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;  // RFC 3339 requires the offset
  }
  if (at != t.size()) return std::nullopt;
  std::tm fields{};
  fields.tm_year = *year - 1900;
  fields.tm_mon = *month - 1;
  fields.tm_mday = *day;
  fields.tm_hour = *hour;
  fields.tm_min = *minute;
  fields.tm_sec = *second;
  const std::time_t utc = timegm(&fields) - std::time_t(offset_minutes) * 60;
  return Clock::from_time_t(utc) +
         std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(nanos));
}

}  // namespace

Clock::time_point parse_instant(std::string_view text, std::string_view where) {
  if (auto instant = unix_seconds(text)) return *instant;
  if (auto instant = rfc3339(text)) return *instant;
  throw UserError(std::string(where) +
                  ": expected Unix seconds (1764316800) or an RFC 3339 time "
                  "(2026-11-28T08:00:00Z), got '" +
                  std::string(text) + "'");
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace perf::util
