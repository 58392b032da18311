#include "data_files.hpp"

#include <filesystem>

namespace perf::exporter {

std::string data_file_name(const std::string& script_name, const ScriptCase& c) {
  const auto stem = std::filesystem::path(script_name).stem().string();
  return (stem.empty() ? "perf-agent" : stem) + "." + c.identifier + ".csv";
}

std::string data_file_text(const DataSet& data) {
  std::string out;
  for (const auto& row : data.rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += '"';
      for (char ch : row[i]) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace perf::exporter
