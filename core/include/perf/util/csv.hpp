// CSV as RFC 4180 writes it (quoted fields with commas, quotes and newlines), read by libcsv
// rather than split by hand: a quoted newline used to break a row in two.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace perf::util {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // where the record starts, 1-based, for error messages
};

// Every record, blank lines left out. Throws perf::UserError "FILE: ..." for malformed CSV (an
// unterminated quote).
std::vector<CsvRecord> read_csv(std::string_view text, const std::string& file);

}  // namespace perf::util
