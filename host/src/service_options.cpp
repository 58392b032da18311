// The options and usage text of `perf-agent agent` and `perf-agent serve` (DESIGN §10.3), and
// which run options a task may name; kept apart from command_line.cpp like the analysis options.
#include "command_line.hpp"

namespace perf::host {

namespace po = boost::program_options;

po::options_description agent_options() {
  po::options_description o("Agent");
  o.add_options()("task", po::value<std::string>(), "the AgentTask JSON file")(
      "spec", po::value<std::string>(),
      "OpenAPI file to use instead of the task's api_spec (or when it has none)");
  return o;
}

po::options_description serve_options() {
  po::options_description o("Service");
  o.add_options()("listen", po::value<std::string>(),
                  "ADDRESS:PORT to listen on (default 127.0.0.1:8089; port 0: any free port)")(
      "token-file", po::value<std::string>(),
      "file holding the bearer token (trailing newline ignored); default: service.token "
      "next to the database, generated when missing (mode 0600, printed that once)")(
      "db", po::value<std::string>(),
      "SQLite file for tasks and run history (default $XDG_DATA_HOME/perf-agent/history.db)")(
      "allow-target", po::value<std::vector<std::string>>()->composing(),
      "GLOB on a target's host or host:port that tasks may load (repeatable; default: "
      "127.0.0.1, localhost and ::1 only)")("max-running", po::value<std::string>(),
                                            "tasks running at once (1)")(
      "max-queued", po::value<std::string>(),
      "tasks waiting beyond those (16); more get 429 with Retry-After")(
      "max-body", po::value<std::string>(), "largest request body in bytes (16777216)")(
      "max-users", po::value<std::string>(), "most virtual users a task may ask for (1000)")(
      "max-rate", po::value<std::string>(), "highest request rate a task may ask for (10000)")(
      "max-duration", po::value<std::string>(),
      "longest a task may run, seconds of wall time (3600); it is stopped then");
  return o;
}

std::string service_help(const std::string& command) {
  if (command == "agent")
    return "Usage: perf-agent agent --task task.json [--spec FILE]\n\n"
           "Runs one Sentinel AgentTask without a service and prints the task JSON that\n"
           "GET /api/v1/tasks/{id} returns (status, test_cases, metadata, result).\n"
           "Task parameters are run options by their long names, '_' for '-'.\n"
           "Exit codes: 0 the task ran (see result.verdict), 2 bad task (also a failed task\n"
           "JSON on standard output), 3 the task failed, 130 interrupted (cancelled).\n\n";
  return "Usage: perf-agent serve [--listen 127.0.0.1:8089] [--token-file F] [--db PATH]\n"
         "                        [--allow-target GLOB]... [--max-running N] [limits]\n\n"
         "Runs tasks submitted over HTTP (JSON, bearer token on every /api/ call):\n"
         "  POST   /api/v1/tasks          submit an AgentTask (202, or 429 when the queue is "
         "full)\n"
         "  GET    /api/v1/tasks/{id}     the task JSON (status, test_cases, metadata, result)\n"
         "  GET    /api/v1/tasks?limit=N  newest tasks first\n"
         "  DELETE /api/v1/tasks/{id}     cancel (what was measured is kept)\n"
         "Prints \"listening on http://ADDRESS:PORT\" when ready. SIGINT/SIGTERM stop it; tasks\n"
         "running then show error (\"interrupted\") at the next start.\n\n";
}

// A task's parameter is a run option of the command line, except those that name files or
// code on the service's machine: a task from the network must not read, write or load them.
bool task_may_set(const std::string& long_name, bool from_network, std::string& why) {
  static const char* const local_only[] = {"plugin-dir", "config",  "spec",     "plan",
                                           "data",       "report",  "baseline", "ca-file",
                                           "target-pid", "segment", "start-at"};
  static const char* const not_options[] = {"help", "quiet", "tests"};
  for (const char* n : not_options)
    if (long_name == n) {
      why = "not a task parameter";
      return false;
    }
  if (from_network)
    for (const char* n : local_only)
      if (long_name == n) {
        why =
            "names a file, process or schedule of the service's machine; not accepted over "
            "the network";
        return false;
      }
  return true;
}

}  // namespace perf::host
