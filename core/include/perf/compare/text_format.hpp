// Numbers and times as the comparison and history texts print them (terminal and HTML alike).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace perf::compare {

// `v` with `decimals` digits after the point; with `sign`, "+" before positive numbers.
std::string fixed(double v, int decimals, bool sign = false);
// "2026-11-28 07:14:22 UTC"; "" for 0 (unknown).
std::string utc_time(std::int64_t unix_ms);
// A percentage flag's value, "10%" or "10", 0 or more. Throws perf::UserError
// "FLAG 'TEXT': expected ..." naming `flag` and the whole `text` it came from.
double parse_percent(std::string_view number, std::string_view flag, std::string_view text);

}  // namespace perf::compare
