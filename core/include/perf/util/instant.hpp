// An instant given on the command line: Unix seconds ("1764316800", "1764316800.5") or RFC 3339
// ("2026-11-28T08:00:00Z", "2026-11-28T09:00:00.250+01:00").
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace perf::util {

// Throws perf::UserError naming `where` and the expected forms.
std::chrono::system_clock::time_point parse_instant(std::string_view text, std::string_view where);

// Now as Unix milliseconds, the unit of every stored and reported time.
std::int64_t now_unix_ms();

}  // namespace perf::util
