#include "perf/plan/planned_time.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace perf::plan {

std::optional<double> planned_seconds(const api::TestCase& c, double time_scale) {
  const auto* v = c.parameters.if_contains("planned_seconds");
  if (!v || !v->is_number()) return std::nullopt;
  const double s = v->to_number<double>();
  if (!std::isfinite(s) || s < 0) return std::nullopt;
  return s * time_scale;
}

PlannedTime planned_time(const std::vector<api::TestCase>& cases, double time_scale) {
  PlannedTime out;
  std::map<std::string, PlannedTime::Share> shares;
  for (const auto& c : cases) {
    ++out.cases;
    const auto s = planned_seconds(c, time_scale);
    if (!s) {
      ++out.untimed_cases;
      continue;
    }
    out.seconds += *s;
    auto& share = shares[c.test_type];
    share.test_type = c.test_type;
    ++share.cases;
    share.longest_s = std::max(share.longest_s, *s);
    share.seconds += *s;
  }
  for (auto& [type, share] : shares) out.by_type.push_back(std::move(share));
  std::stable_sort(out.by_type.begin(), out.by_type.end(),
                   [](const auto& a, const auto& b) { return a.seconds > b.seconds; });
  return out;
}

std::string duration_text(double seconds) {
  const auto total = std::int64_t(std::llround(std::max(0.0, seconds)));
  const auto h = total / 3600, min = total % 3600 / 60, s = total % 60;
  if (h > 0) return std::to_string(h) + " h" + (min ? " " + std::to_string(min) + " min" : "");
  if (min > 0) return std::to_string(min) + " min" + (s ? " " + std::to_string(s) + " s" : "");
  if (seconds > 0 && seconds < 1) return "under 1 s";
  return std::to_string(s) + " s";
}

std::string planned_time_text(const PlannedTime& planned) {
  std::string out = "planned " + duration_text(planned.seconds) + " for " +
                    std::to_string(planned.cases) + " case" + (planned.cases == 1 ? "" : "s");
  if (planned.untimed_cases)
    out += " (" + std::to_string(planned.untimed_cases) +
           " of them send a fixed number of requests, not counted)";
  // The test types that take the most, while they are a real part of it.
  std::string longest;
  for (std::size_t i = 0; i < planned.by_type.size() && i < 3; ++i) {
    const auto& share = planned.by_type[i];
    if (share.seconds < 0.1 * planned.seconds || share.seconds <= 0) break;
    longest += (longest.empty() ? "" : ", ") + share.test_type + " " + std::to_string(share.cases) +
               " \u00d7 " + (share.cases == 1 ? "" : "up to ") + duration_text(share.longest_s);
  }
  if (!longest.empty() && planned.by_type.size() > 1) out += ", of which " + longest;
  // Long enough to be worth shortening: say how.
  if (planned.seconds >= 600) out += "; shorten with --tests or --time-scale";
  return out;
}

}  // namespace perf::plan
