#include "perf/monitor/process_stats.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace perf::monitor {

namespace {
std::optional<ProcessStats> read_from(const std::string& dir, std::string* error) {
  ProcessStats stats;
  std::ifstream status(dir + "/status");
  if (!status) {
    if (error) *error = "cannot read " + dir + "/status (no such process?)";
    return std::nullopt;
  }
  std::string line;
  while (std::getline(status, line)) {
    auto kb_of = [&](const char* key) -> std::optional<double> {
      if (line.rfind(key, 0) != 0) return std::nullopt;
      return std::stod(line.substr(std::string(key).size())) / 1024.0;
    };
    if (auto v = kb_of("VmRSS:")) stats.rss_mb = *v;
    if (auto v = kb_of("VmHWM:")) stats.peak_rss_mb = *v;
  }
  std::ifstream stat(dir + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  // Fields after the command name (which may hold spaces and parentheses).
  const auto close = content.rfind(')');
  if (close == std::string::npos) {
    if (error) *error = "cannot parse " + dir + "/stat";
    return std::nullopt;
  }
  std::istringstream fields(content.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) {
      stime = std::stod(field);
      break;
    }
  }
  stats.cpu_seconds = (utime + stime) / double(sysconf(_SC_CLK_TCK));
  return stats;
}
}  // namespace

std::optional<ProcessStats> read_process_stats(int pid, std::string* error) {
  return read_from("/proc/" + std::to_string(pid), error);
}

ProcessStats read_own_stats() {
  return read_from("/proc/self", nullptr).value_or(ProcessStats{});
}

}  // namespace perf::monitor
