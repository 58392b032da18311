#include "perf/engine/segment.hpp"

#include "perf/util/user_error.hpp"

#include <charconv>
#include <cstdlib>

namespace perf::engine {

namespace {

std::optional<std::uint32_t> number(std::string_view text) {
  std::uint32_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || at != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::string> variable(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

}  // namespace

Segment parse_segment(std::string_view text, std::string_view where) {
  const auto slash = text.find('/');
  const auto index = slash == text.npos ? std::nullopt : number(text.substr(0, slash));
  const auto count = slash == text.npos ? std::nullopt : number(text.substr(slash + 1));
  if (!index || !count || *count == 0 || *index >= *count)
    throw UserError(std::string(where) + ": expected I/N with 0 <= I < N (e.g. 0/4), got '" +
                    std::string(text) + "'");
  return {*index, *count};
}

Segment segment_from_environment() {
  if (const auto rank = variable("SLURM_PROCID")) {
    const auto tasks = variable("SLURM_NTASKS");
    if (!tasks) throw UserError("--segment auto: SLURM_PROCID is set but SLURM_NTASKS is not");
    return parse_segment(*rank + "/" + *tasks, "--segment auto (SLURM_PROCID/SLURM_NTASKS)");
  }
  if (const auto index = variable("JOB_COMPLETION_INDEX")) {
    const auto count = variable("PERF_AGENT_SEGMENTS");
    if (!count)
      throw UserError(
          "--segment auto: JOB_COMPLETION_INDEX is set but PERF_AGENT_SEGMENTS (the Job's "
          "completions) is not");
    return parse_segment(*index + "/" + *count,
                         "--segment auto (JOB_COMPLETION_INDEX/PERF_AGENT_SEGMENTS)");
  }
  throw UserError(
      "--segment auto: neither SLURM_PROCID/SLURM_NTASKS (srun) nor JOB_COMPLETION_INDEX with "
      "PERF_AGENT_SEGMENTS (a Kubernetes Indexed Job) is set");
}

}  // namespace perf::engine
