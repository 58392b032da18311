// Execution segments (DESIGN §10.2): segment I of N of a run sends exactly its share of the run's
// users, arrivals, iterations and data rows, so that N segments started at one instant on N
// machines are together the whole run, with no coordinator.
//
// The split stripes the run's own numbering rather than cutting shares per stage: closed-model
// user k (the k-th user the schedule starts) belongs to segment k mod N, open-model arrival k
// (the k-th of the arrival sequence, the same on every segment, Poisson included, from one seed)
// to segment k mod N, and iteration k to segment k mod N. So ramps and stages split exactly at
// every instant: segment I runs user k while the whole run would. 10 users over 3 segments run
// 4 + 3 + 3 (users 0,3,6,9 / 1,4,7 / 2,5,8); 1 user over 2 segments runs 1 + 0. A user keeps its
// data row (row k mod rows), so the rows split with the users.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace perf::engine {

struct Segment {
  std::uint32_t index = 0;
  std::uint32_t count = 1;  // 1: the whole run

  bool whole() const { return count <= 1; }
  // Whether user, arrival or iteration k of the whole run is this segment's.
  bool owns(std::uint64_t k) const { return count <= 1 || k % count == index; }
  // How many of the first n users, arrivals or iterations are this segment's.
  std::uint64_t share_of(std::uint64_t n) const {
    if (count <= 1) return n;
    return n > index ? (n - index + count - 1) / count : 0;
  }
};

// "I/N" (0 <= I < N); throws perf::UserError naming `where` otherwise.
Segment parse_segment(std::string_view text, std::string_view where);

// `--segment auto`: SLURM_PROCID and SLURM_NTASKS (srun), or JOB_COMPLETION_INDEX (a Kubernetes
// Indexed Job) with PERF_AGENT_SEGMENTS. Throws perf::UserError saying which variables are
// missing or wrong.
Segment segment_from_environment();

}  // namespace perf::engine
