// The k6 writer (k6_script.cpp).
#pragma once

#include "script_parts.hpp"

namespace perf::exporter {

std::string k6_script(const std::vector<ScriptCase>& cases, const std::string& title,
                      const NotCarried& notes);

}  // namespace perf::exporter
