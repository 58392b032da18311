#include "commands.hpp"
#include "perf/util/user_error.hpp"

namespace perf::host {

int merge_command(const CommandLine& cl) {
  throw UserError("merge: not available yet in this build");
}

}  // namespace perf::host
