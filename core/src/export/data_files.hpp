// Data rows as CSV files beside the script (Artillery payloads, JMeter CSV Data Set Config).
#pragma once

#include "script_parts.hpp"

namespace perf::exporter {

// "<script stem>.<case identifier>.csv"
std::string data_file_name(const std::string& script_name, const ScriptCase& c);
// RFC 4180 rows without a header line (both tools are told the column names).
std::string data_file_text(const DataSet& data);

}  // namespace perf::exporter
