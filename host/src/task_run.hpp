// One Sentinel task (DESIGN §10.3) from its JSON to its end: checked against the service's
// policy (parameters, allowed targets, limits), prepared as the same command line would be,
// run on a Runner, and turned into the task's final state. Used by `agent` and `serve`.
#pragma once

#include "run_setup.hpp"

#include "perf/service/agent_task.hpp"
#include "perf/util/user_error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace perf::host {

// What a task may do here.
struct TaskPolicy {
  bool from_network = false;  // serve: no parameters naming local files or code
  // Globs on a target's host or host:port; empty: any target (the local `agent` command).
  std::vector<std::string> allowed_targets;
  std::optional<int> max_users;
  std::optional<double> max_rate_rps;
  std::optional<double> max_duration_s;  // wall time of the whole task; it is stopped then
  std::filesystem::path spec_folder;     // where a task's api_spec is written for the planner
  std::string spec_file;                 // agent --spec: used instead of the task's api_spec
  std::vector<std::string> plugin_dirs;
};

// A task that cannot run as given: the reason, and the HTTP status it answers with (400 a bad
// task, 403 a target outside the allowed ones). A perf::UserError, so the CLI exits 2.
class TaskRefused : public UserError {
 public:
  TaskRefused(int http_status, const std::string& message)
      : UserError(message), http_status_(http_status) {}
  int http_status() const { return http_status_; }

 private:
  int http_status_;
};

struct PreparedTask {
  service::AgentTask task;
  PreparedRun run;
  boost::json::object planned;         // test_cases and metadata (task_report.hpp)
  std::filesystem::path written_spec;  // the task's api_spec as a file; removed at its end
};

// Throws TaskRefused; `where` names the task's file or "request body" in messages.
PreparedTask prepare_task(const boost::json::value& document, const std::string& where,
                          const TaskPolicy& policy, const plugins::PluginRegistry& registry);

// The end of a task: its status (success, failed, error, cancelled), the whole task report
// (test_cases, metadata and, when anything ran, result) and the reason when it failed.
struct TaskOutcome {
  std::string status;
  boost::json::object report;
  std::string error_message;
  std::optional<api::RunSummary> summary;  // when the run produced one
};

// Runs the task on its own Runner. `on_runner` gets the Runner before it starts (to cancel it
// with Runner::stop) and nullptr once it is gone. A run stopped by `cancel_reason` ends
// `cancelled`; by --max-duration, `failed` with what was measured.
TaskOutcome run_task(PreparedTask& task, const TaskPolicy& policy,
                     const std::function<void(run::Runner*)>& on_runner);

// The reason Runner::stop is given for a cancel (DELETE /api/v1/tasks/{id}).
inline constexpr const char* cancel_reason = "cancelled by request";

}  // namespace perf::host
