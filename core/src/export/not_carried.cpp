#include "perf/export/not_carried.hpp"

#include <algorithm>

namespace perf::exporter {

void NotCarried::add(const std::string& where, const std::string& what) {
  auto line = where + ": " + what;
  if (std::find(lines_.begin(), lines_.end(), line) == lines_.end())
    lines_.push_back(std::move(line));
}

std::string NotCarried::as_comments(const std::string& prefix) const {
  std::string out;
  if (lines_.empty()) return prefix + "Everything in the plan is carried over.\n";
  out += prefix + "Not carried over from the plan (perf-agent export lists these on stderr too):\n";
  for (const auto& l : lines_) {
    std::string one = l;
    std::replace(one.begin(), one.end(), '\n', ' ');
    out += prefix + "- " + one + "\n";
  }
  return out;
}

}  // namespace perf::exporter
