// Resource use of a process read from /proc: CPU seconds, resident and peak memory.
#pragma once

#include <optional>
#include <string>

namespace perf::monitor {

struct ProcessStats {
  double cpu_seconds = 0;  // user + system
  double rss_mb = 0;
  double peak_rss_mb = 0;  // VmHWM
};

// nullopt (with `error` set) when the process does not exist or cannot be read.
std::optional<ProcessStats> read_process_stats(int pid, std::string* error = nullptr);
ProcessStats read_own_stats();

}  // namespace perf::monitor
