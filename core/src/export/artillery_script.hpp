// The Artillery writer (artillery_script.cpp).
#pragma once

#include "script_parts.hpp"

namespace perf::exporter {

// `data_name(case)` names the CSV file of a case's data rows, beside the script.
std::string artillery_script(const std::vector<ScriptCase>& cases, const std::string& title,
                             const std::string& script_name, NotCarried& notes);

}  // namespace perf::exporter
