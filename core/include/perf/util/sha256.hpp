// SHA-256 of bytes as lowercase hex (OpenSSL), e.g. the plan every segment of a run ran.
#pragma once

#include <string>
#include <string_view>

namespace perf::util {

std::string sha256_hex(std::string_view bytes);

}  // namespace perf::util
