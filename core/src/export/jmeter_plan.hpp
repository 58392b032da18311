// The JMeter writer (jmeter_plan.cpp).
#pragma once

#include "script_parts.hpp"

namespace perf::exporter {

std::string jmeter_plan(const std::vector<ScriptCase>& cases, const std::string& title,
                        const std::string& script_name, NotCarried& notes);

}  // namespace perf::exporter
