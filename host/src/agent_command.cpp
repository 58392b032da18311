// `perf-agent agent --task task.json [--spec FILE]` (DESIGN §10.3): one Sentinel task without a
// service; prints the task JSON that GET /api/v1/tasks/{id} would return. Ctrl-C and SIGTERM
// stop the run and the task ends `cancelled` with what was measured.
#include "commands.hpp"
#include "perf/report/result_json.hpp"
#include "perf/service/task_report.hpp"
#include "perf/util/document.hpp"
#include "perf/util/instant.hpp"
#include "perf/util/user_error.hpp"
#include "progress_display.hpp"
#include "task_run.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <optional>

namespace perf::host {

namespace {

// A private folder for the task's api_spec file, removed with everything in it at the end.
struct TemporaryFolder {
  std::filesystem::path path;
  TemporaryFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "perf-agent-task-XXXXXX");
    if (!::mkdtemp(pattern.data())) throw UserError("cannot make a temporary folder");
    path = pattern;
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

int agent_command(const CommandLine& cl) {
  if (cl.task_file.empty()) throw UserError("agent: --task FILE is required");
  const auto document = util::load_document(cl.task_file);
  plugins::PluginRegistry registry;
  registry.load_folders(plugins::plugin_folders(cl.plugin_dirs));
  warn_about_plugins(registry);
  TemporaryFolder folder;
  TaskPolicy policy;  // a local user's own task: any target, options as on the command line
  policy.spec_folder = folder.path;
  policy.spec_file = cl.spec;
  policy.plugin_dirs = cl.plugin_dirs;
  service::TaskRecord record;
  record.created_unix_ms = util::now_unix_ms();
  std::optional<PreparedTask> maybe;
  try {
    maybe.emplace(prepare_task(document, cl.task_file, policy, registry));
  } catch (const TaskRefused& e) {
    // The platform reads standard output: a refused task is a `failed` task JSON there too,
    // and the one-line reason goes to standard error with exit code 2.
    const auto* id = document.is_object() ? document.as_object().if_contains("task_id") : nullptr;
    record.task_id = id && id->is_string() ? std::string(id->get_string()) : "";
    record.status = "failed";
    record.error_message = e.what();
    record.finished_unix_ms = util::now_unix_ms();
    std::cout << report::pretty(service::task_json(record));
    throw;
  }
  auto& prepared = *maybe;
  for (const auto& w : prepared.run.warnings) std::cerr << "perf-agent: warning: " << w << "\n";
  record.task_id = prepared.task.task_id;
  record.started_unix_ms = util::now_unix_ms();

  std::optional<boost::asio::signal_set> signals;
  const auto outcome = run_task(prepared, policy, [&](run::Runner* runner) {
    if (!runner) {
      if (!signals) return;
      // The signal set lives on the control thread: cancelled and destroyed there, and waited
      // for. Destroyed now, not at the end of this function: by then the Runner's io_context and
      // its signal service are gone, and the set's destructor would use them (a use after free
      // that ThreadSanitizer found, docs/hardening.md).
      std::promise<void> cancelled;
      boost::asio::post(signals->get_executor(), [&] {
        signals->cancel();
        signals.reset();
        cancelled.set_value();
      });
      cancelled.get_future().wait();
      return;
    }
    runner->bus().subscribe(std::make_shared<ProgressDisplay>(!cl.quiet, ::isatty(2)));
    signals.emplace(runner->control(), SIGINT, SIGTERM);
    signals->async_wait([runner](const boost::system::error_code& ec, int) {
      if (!ec) runner->stop(cancel_reason);
    });
  });
  record.status = outcome.status;
  record.error_message = outcome.error_message;
  record.report_json = boost::json::serialize(outcome.report);
  record.finished_unix_ms = util::now_unix_ms();
  std::cout << report::pretty(service::task_json(record));
  if (!outcome.error_message.empty())
    std::cerr << "perf-agent: task " << record.task_id << ": " << outcome.status << ": "
              << outcome.error_message << "\n";
  if (outcome.status == "success") return 0;
  if (outcome.status == "cancelled") return 130;
  return 3;
}

}  // namespace perf::host
