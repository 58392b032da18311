#include "task_run.hpp"

#include "perf/http/url.hpp"
#include "perf/report/result_json.hpp"
#include "perf/service/task_report.hpp"
#include "perf/util/files.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>

#include <fnmatch.h>
#include <sys/stat.h>

#include <atomic>
#include <future>

namespace perf::host {

namespace {

constexpr const char* max_duration_reason = "stopping: the task reached --max-duration";

// "127.0.0.1:8080" and "127.0.0.1" both tried against each glob, so `localhost` allows every
// port of localhost and `api.example.com:8443` one port.
bool target_allowed(const std::string& url, const std::vector<std::string>& globs) {
  if (globs.empty()) return true;
  const auto parsed = http::parse_url(url);
  const std::string& host = parsed.host;  // IPv6 without brackets
  const std::string host_port = host + ":" + parsed.port;
  for (const auto& g : globs)
    if (::fnmatch(g.c_str(), host.c_str(), 0) == 0 ||
        ::fnmatch(g.c_str(), host_port.c_str(), 0) == 0)
      return true;
  return false;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// The api_spec object as a file for the planner (which reads specs from files), 0600: a spec
// may carry example credentials.
std::filesystem::path write_spec(const service::AgentTask& task,
                                 const std::filesystem::path& folder) {
  std::filesystem::create_directories(folder);
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  // Numbered: a second task with the same id (refused later) never touches the first's file.
  static std::atomic<std::uint64_t> written{0};
  const auto path = folder / (task.task_id + "." + std::to_string(++written) + ".json");
  const mode_t old_mask = ::umask(077);
  try {
    util::write_file_atomically(path, boost::json::serialize(task.api_spec));
  } catch (...) {
    ::umask(old_mask);
    throw;
  }
  ::umask(old_mask);
  return path;
}

// The limits a task's own numbers must keep; what the plan derives from patterns is capped by
// performance_max_users and by the wall-time limit.
void check_limits(const PreparedRun& run, const TaskPolicy& policy, const std::string& where) {
  const auto& s = run.options.settings;
  auto refuse = [&](const std::string& what) {
    return TaskRefused(400, where + ": /parameters: " + what);
  };
  const bool open_model = s.rate_rps.has_value();
  if (policy.max_users) {
    if (s.users && *s.users > *policy.max_users)
      throw refuse("users " + std::to_string(*s.users) + " is over this service's --max-users " +
                   std::to_string(*policy.max_users));
    for (const auto& c : run.plan.test_cases)
      if (const auto* u = c.performance_config.if_contains("concurrent_users"))
        if (u->is_number() && u->to_number<double>() > *policy.max_users)
          throw refuse(c.id + " plans " + report::format_number(u->to_number<double>()) +
                       " users, over this service's --max-users " +
                       std::to_string(*policy.max_users));
  }
  for (const auto& [seconds, target] : s.stages) {
    if (open_model && policy.max_rate_rps && target > *policy.max_rate_rps)
      throw refuse("a stage reaches " + report::format_number(target) +
                   " req/s, over this service's --max-rate " +
                   report::format_number(*policy.max_rate_rps));
    if (!open_model && policy.max_users && target > *policy.max_users)
      throw refuse("a stage reaches " + report::format_number(target) +
                   " users, over this service's --max-users " + std::to_string(*policy.max_users));
  }
  if (policy.max_rate_rps && s.rate_rps && *s.rate_rps > *policy.max_rate_rps)
    throw refuse("rate " + report::format_number(*s.rate_rps) +
                 " req/s is over this service's --max-rate " +
                 report::format_number(*policy.max_rate_rps));
  if (policy.max_duration_s && s.duration_s && s.scaled(*s.duration_s) > *policy.max_duration_s)
    throw refuse("duration " + report::format_number(s.scaled(*s.duration_s)) +
                 " s is over this service's --max-duration " +
                 report::format_number(*policy.max_duration_s) + " s");
}

void check_targets(PreparedRun& run, const TaskPolicy& policy) {
  auto& options = run.options;
  run::resolve_targets(run.plan, options.settings.target, options.quick);
  const auto refuse = [&](const std::string& url) {
    return TaskRefused(403, "target " + url + " is not allowed here (--allow-target: " +
                                joined(policy.allowed_targets) + ")");
  };
  for (const auto& c : run.plan.test_cases)
    if (!target_allowed(c.base_url, policy.allowed_targets)) throw refuse(c.base_url);
  if (!options.target_metrics.empty() &&
      !target_allowed(options.target_metrics, policy.allowed_targets))
    throw refuse(options.target_metrics);
}

}  // namespace

PreparedTask prepare_task(const boost::json::value& document, const std::string& where,
                          const TaskPolicy& policy, const plugins::PluginRegistry& registry) {
  PreparedTask prepared;
  try {
    prepared.task = service::parse_agent_task(document, where);
  } catch (const UserError& e) {
    throw TaskRefused(400, e.what());
  }
  const auto& task = prepared.task;
  try {
    plan::resolve_test_ids(task.test_types, registry);
  } catch (const UserError& e) {
    throw TaskRefused(400, where + ": /parameters/test_types: " + e.what());
  }
  // The parameters become the command line `run` would get, each value glued to its flag
  // ("--target=...") so that no value is ever read as another option.
  std::string tests;
  for (const auto& t : task.test_types) tests += (tests.empty() ? "" : ",") + t;
  std::vector<std::string> args{"perf-agent", "run", "--tests=" + tests};
  std::vector<std::string> unknown, refused;
  for (const auto& option : task.options) {
    std::string why;
    if (!is_run_option(option.name)) {
      unknown.push_back(option.place.substr(std::string("/parameters/").size()));
      continue;
    }
    if (!task_may_set(option.name, policy.from_network, why)) {
      refused.push_back(option.place + ": " + why);
      continue;
    }
    if (option.values.empty()) args.push_back("--" + option.name);
    for (const auto& v : option.values) args.push_back("--" + option.name + "=" + v);
  }
  if (!unknown.empty())
    throw TaskRefused(400, where + ": /parameters: unknown parameters: " + joined(unknown) +
                               " (run options by their long names, '_' for '-')");
  if (!refused.empty()) throw TaskRefused(400, where + ": " + refused.front());
  struct WrittenSpec {  // removed again unless the task is prepared
    std::filesystem::path path;
    bool keep = false;
    ~WrittenSpec() {
      std::error_code ignored;
      if (!keep && !path.empty()) std::filesystem::remove(path, ignored);
    }
  } spec;
  if (!policy.spec_file.empty()) {
    args.push_back("--spec=" + policy.spec_file);
  } else if (!task.api_spec.is_null()) {
    spec.path = write_spec(task, policy.spec_folder);
    args.push_back("--spec=" + spec.path.string());
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  try {
    auto cl = parse_command_line(int(argv.size()), argv.data());
    cl.plugin_dirs = policy.plugin_dirs;
    if (policy.max_users) {  // patterns and stress steps stop at the service's limit
      cl.settings_input.cli["performance_max_users"] = std::to_string(*policy.max_users);
      cl.settings_input.cli_flag_names["performance_max_users"] = "--max-users (of the service)";
    }
    prepared.run = prepare_run(cl, registry);
  } catch (const UserError& e) {
    throw TaskRefused(400, where + ": " + e.what());
  }
  check_limits(prepared.run, policy, where);
  check_targets(prepared.run, policy);
  prepared.planned = service::planned_report(prepared.run.plan, prepared.run.options.settings);
  prepared.written_spec = spec.path;
  spec.keep = true;
  return prepared;
}

TaskOutcome run_task(PreparedTask& task, const TaskPolicy& policy,
                     const std::function<void(run::Runner*)>& on_runner) {
  TaskOutcome out;
  out.report = task.planned;
  struct SpecCleanup {  // the written spec goes when the task ends, however it ends
    std::filesystem::path path;
    ~SpecCleanup() {
      std::error_code ignored;
      if (!path.empty()) std::filesystem::remove(path, ignored);
    }
  } cleanup{task.written_spec};
  try {
    run::Runner runner(std::move(task.run.plan), std::move(task.run.test_types),
                       std::move(task.run.options));
    std::optional<boost::asio::steady_timer> deadline;
    if (policy.max_duration_s) {
      deadline.emplace(runner.control(),
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(*policy.max_duration_s)));
      deadline->async_wait([&runner](const boost::system::error_code& ec) {
        if (!ec) runner.stop(max_duration_reason);
      });
    }
    on_runner(&runner);
    auto outcome = runner.run();
    on_runner(nullptr);
    // The timer lives on the control thread: cancelled there, and waited for.
    std::promise<void> cancelled;
    boost::asio::post(runner.control(), [&] {
      if (deadline) deadline->cancel();
      cancelled.set_value();
    });
    cancelled.get_future().wait();
    if (const auto* unreachable = std::get_if<run::Unreachable>(&outcome)) {
      out.status = "failed";
      out.error_message = unreachable->message + "; nothing was run";
      return out;
    }
    auto& summary = std::get<api::RunSummary>(outcome);
    out.report = service::finished_report(std::move(out.report), summary);
    const std::string reason =
        runner.stop_signal().requested() ? runner.stop_signal().reason() : "";
    if (reason == cancel_reason) {
      out.status = "cancelled";
    } else if (reason == max_duration_reason) {
      out.status = "failed";
      out.error_message = "stopped after --max-duration (" +
                          report::format_number(*policy.max_duration_s) +
                          " s); result holds what was measured";
    } else if (!reason.empty()) {  // the service stopping, or a signal to `agent`
      out.status = "error";
      out.error_message = "interrupted (" + reason + "); result holds what was measured";
    } else if (summary.exit_code == 3) {
      out.status = "failed";
      out.error_message = "every request failed: is the target up at " + summary.info.target + "?";
    } else {
      out.status = "success";
    }
    out.summary = std::move(summary);
  } catch (const std::exception& e) {
    on_runner(nullptr);
    out.status = "error";
    out.error_message = e.what();
  }
  return out;
}

}  // namespace perf::host
