// A Sentinel `AgentTask` (DESIGN §10.3) read into what a run needs: the task id, the test
// types in our ids (the seed's names accepted as aliases), the run options named by the
// parameters, and the spec. The service and `perf-agent agent` read tasks only through here.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perf::service {

// One run option from `parameters`: its long flag name ("time-scale" for "time_scale") and
// its values (none for a flag that is set, several for a repeatable option or a list).
struct TaskOption {
  std::string name;
  std::vector<std::string> values;
  std::string place;  // "/parameters/time_scale", for messages
};

struct AgentTask {
  std::string task_id;
  // Test type ids or our aliases, after mapping the seed's names; the seed's default when the
  // task names none.
  std::vector<std::string> test_types;
  std::vector<TaskOption> options;  // every parameter but test_types, in the task's order
  boost::json::value api_spec;      // the spec object; null when the task has none
};

// The seed's default test types: response_time, load_test, stress_test, spike_test.
const std::vector<std::string>& seed_default_test_types();

// Our id for a seed test-type name ("rate_limiting" -> "rate_limit_test"); other names are
// returned unchanged for the planner's own aliases and errors.
std::string from_seed_test_type(std::string_view name);

// Throws perf::UserError "WHERE: JSON_POINTER: problem" for anything that is not a task
// (`where` is the file name or "request body").
AgentTask parse_agent_task(const boost::json::value& v, const std::string& where);

// Task ids appear in URLs and file names: 1 to 128 of [A-Za-z0-9._-], not starting with '.'.
bool valid_task_id(std::string_view id);

}  // namespace perf::service
