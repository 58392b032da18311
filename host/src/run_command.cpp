#include "auth.hpp"
#include "commands.hpp"
#include "perf/engine/load_engine.hpp"
#include "perf/exec/executor.hpp"
#include "perf/http/url.hpp"
#include "perf/metrics/metrics_bus.hpp"
#include "perf/monitor/resource_monitor.hpp"
#include "perf/run/case_session.hpp"
#include "perf/util/user_error.hpp"
#include "progress_display.hpp"
#include "threshold_checks.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <set>

namespace perf::host {

namespace asio = boost::asio;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ActiveReporter {
  std::string kind;
  std::shared_ptr<api::Reporter> reporter;
};

std::vector<ActiveReporter> make_reporters(const CommandLine& cl, const PluginRegistry& registry) {
  std::vector<ReportRequest> wanted = cl.reports;
  const bool has_console =
      std::any_of(wanted.begin(), wanted.end(), [](auto& r) { return r.kind == "console"; });
  if (!has_console && !cl.quiet) wanted.insert(wanted.begin(), {"console", ""});
  std::vector<ActiveReporter> out;
  const bool color = ::isatty(1) && !std::getenv("NO_COLOR");
  for (const auto& r : wanted) {
    const auto* plugin = registry.find(r.kind, api::PluginKind::reporter);
    if (!plugin) {
      std::string known;
      for (const auto& id : registry.ids(api::PluginKind::reporter))
        known += (known.empty() ? "" : ", ") + id;
      throw UserError("unknown reporter '" + r.kind + "' (known: " + known + ")");
    }
    auto reporter = registry.create_reporter(*plugin);
    reporter->configure({r.path, color, cl.quiet});
    out.push_back({r.kind, std::move(reporter)});
  }
  return out;
}

// Every case needs somewhere to send its requests; say so before anything runs.
void check_targets(plan::Plan& plan, const api::Settings& settings, bool quick) {
  std::set<std::string> checked;
  for (auto& c : plan.test_cases) {
    // --target wins over the plan's or spec's server; a relative server path is kept.
    if (!quick && !settings.target.empty() && c.base_url.rfind(settings.target, 0) != 0) {
      const bool relative = c.base_url.empty() || c.base_url.front() == '/';
      c.base_url = relative ? settings.target + c.base_url : settings.target;
    }
    if (c.base_url.empty())
      throw UserError("no target URL for " + c.id +
                      ": the spec has no absolute server URL; give --target URL");
    if (checked.insert(c.base_url).second) http::parse_url(c.base_url);
  }
}

}  // namespace

// --stage DURATION:TARGET (k6's form): DURATION in s, ms or m ("30s", "1.5m", "500ms", "20").
std::vector<std::pair<double, double>> parse_stages(const std::vector<std::string>& texts) {
  std::vector<std::pair<double, double>> stages;
  for (const auto& text : texts) {
    const auto colon = text.find(':');
    try {
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      std::string d = text.substr(0, colon);
      double scale = 1;
      if (d.ends_with("ms"))
        scale = 0.001, d.resize(d.size() - 2);
      else if (d.ends_with("s"))
        d.pop_back();
      else if (d.ends_with("m"))
        scale = 60, d.pop_back();
      std::size_t used = 0, used2 = 0;
      const double seconds = std::stod(d, &used) * scale;
      const std::string target_text = text.substr(colon + 1);
      const double target = std::stod(target_text, &used2);
      if (used != d.size() || used2 != target_text.size() || seconds < 0 || target < 0)
        throw std::invalid_argument("junk");
      stages.emplace_back(seconds, target);
    } catch (const std::exception&) {
      throw UserError("--stage '" + text + "': expected DURATION:TARGET, e.g. 30s:100");
    }
  }
  return stages;
}

// Each virtual user or open-model connection is a socket: raise the soft limit on open files to
// the hard one, as a load generator needs.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int run_command(const CommandLine& cl) {
  auto settings = settings::resolve_settings(cl.settings_input);
  settings.stages = parse_stages(cl.stages);
  const auto run_thresholds = parse_thresholds(cl.thresholds);
  const bool quick = cl.spec.empty() && cl.plan_file.empty();
  if (!cl.spec.empty() && !cl.plan_file.empty())
    throw UserError("run: --spec and --plan exclude each other");
  if (quick && settings.target.empty())
    throw UserError("run: give --spec FILE, --plan FILE or --target URL");
  if (!settings.target.empty()) http::parse_url(settings.target);
  if (!cl.spec.empty() && ::access(cl.spec.c_str(), R_OK) != 0)
    throw UserError(cl.spec + ": cannot read: " + std::strerror(errno));

  PluginRegistry registry;
  registry.load_folders(plugin_folders(cl.plugin_dirs));
  warn_about_plugins(registry);
  auto reporters = make_reporters(cl, registry);

  plan::Plan plan;
  std::vector<std::string> test_ids;
  if (!cl.plan_file.empty()) {
    plan = plan::read_plan(cl.plan_file);
    if (!cl.tests.empty()) {
      test_ids = resolve_test_ids(cl.tests, registry);
      std::erase_if(plan.test_cases, [&](const api::TestCase& c) {
        return std::find(test_ids.begin(), test_ids.end(), c.test_type) == test_ids.end();
      });
    }
  } else {
    std::vector<std::string> requested = cl.tests;
    if (requested.empty())
      requested =
          quick ? std::vector<std::string>{registry.find("load_test", api::PluginKind::test_type)
                                               ? "load_test"
                                               : "response_time"}
                : std::vector<std::string>{"all"};
    test_ids = resolve_test_ids(requested, registry);
    PlanRequest request;
    request.spec = cl.spec;
    request.quick_target = quick ? settings.target : "";
    request.data_file = cl.data_file;
    request.selection = cl.selection;
    request.test_ids = test_ids;
    plan = make_plan(request, settings, registry);
  }
  // One instance of each test type for the run; a plan may name one we do not have.
  std::map<std::string, std::shared_ptr<api::TestType>> types;
  for (const auto& c : plan.test_cases) {
    if (types.count(c.test_type)) continue;
    const auto* plugin = registry.find(c.test_type, api::PluginKind::test_type);
    if (!plugin)
      throw UserError("the plan uses test type '" + c.test_type + "', which no plugin provides");
    types[c.test_type] = registry.create_test_type(*plugin);
  }
  check_targets(plan, settings, quick);
  validate_case_thresholds(plan.test_cases);
  if (test_ids.empty())
    for (const auto& [id, t] : types) test_ids.push_back(id);

  raise_open_file_limit();
  exec::Executor executor(settings.threads);
  engine::EngineOptions engine_options;
  engine_options.timeout_s = settings.timeout_s;
  engine_options.max_connections = settings.max_connections;
  engine_options.tls = {cl.insecure, cl.ca_file};
  engine_options.default_base_url = settings.target;
  engine::LoadEngine engine(executor, engine_options);
  metrics::MetricsBus bus;
  std::atomic<bool> stop{false};
  std::unique_ptr<monitor::ResourceMonitor> monitor;
  if (cl.target_pid || !cl.target_metrics.empty()) {
    monitor = std::make_unique<monitor::ResourceMonitor>(
        executor.control().get_executor(),
        monitor::MonitorOptions{cl.target_pid, cl.target_metrics, 1.0});
    monitor->start();
  }
  ProgressDisplay progress(!cl.quiet, ::isatty(2));
  run::RunContext context{executor,
                          engine,
                          bus,
                          settings,
                          stop,
                          monitor.get(),
                          request_decoration(cl, plan.security_schemes),
                          [&progress](std::string_view line) { progress.line(line); }};
  AbortWatch abort_watch(run_thresholds);
  bus.subscribe([&](const api::Snapshot& s) {
    if (abort_watch.any() && abort_watch.violated(s)) {
      stop.store(true);
      progress.line("stopping: " + *abort_watch.reason());
    }
    progress.snapshot(s);
    for (auto& r : reporters) r.reporter->interval(s);
  });

  api::RunSummary summary;
  summary.info.tool = std::string("perf-agent ") + PERF_AGENT_VERSION;
  summary.info.target = !settings.target.empty()  ? settings.target
                        : plan.test_cases.empty() ? ""
                                                  : plan.test_cases.front().base_url;
  summary.info.spec = !cl.spec.empty() ? cl.spec : plan.spec;
  summary.info.test_types = test_ids;
  summary.info.planned_cases = plan.test_cases.size();
  summary.info.started_unix_ms = now_ms();
  for (const auto& s : plan.skipped)
    summary.plan_notes.push_back((s.test_type.empty() ? "" : s.test_type + ": ") + s.method + " " +
                                 s.path + ": " + s.reason);
  if (!plan.note.empty()) summary.plan_notes.insert(summary.plan_notes.begin(), plan.note);
  for (auto& r : reporters) r.reporter->begin(summary.info);

  asio::signal_set signals(executor.control(), SIGINT, SIGTERM);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        if (stop.exchange(true)) _exit(130);  // a second Ctrl-C: quit now
        progress.line(
            "stopping: finishing what is under way and writing reports (Ctrl-C again to quit now)");
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  // Pre-flight: one request to each distinct base URL. A target that cannot be reached at all
  // ends the run at once (exit 3) instead of after every planned minute of errors.
  std::string unreachable;
  auto preflight = [&]() -> asio::awaitable<void> {
    std::set<std::string> seen;
    for (const auto& c : plan.test_cases) {
      if (!seen.insert(c.base_url).second) continue;
      run::CaseSession session(context, "preflight", c.base_url);
      api::ProbeOptions options;
      options.timeout_s = std::min(settings.timeout_s, 10.0);
      options.capture_body_bytes = 0;
      const auto exchange = co_await session.send(c.requests.front(), options);
      const bool cannot_connect = exchange.error == api::error_kind::connect_refused ||
                                  exchange.error == api::error_kind::connect_timeout ||
                                  exchange.error == api::error_kind::dns ||
                                  exchange.error == api::error_kind::tls;
      if (cannot_connect) {
        unreachable = c.base_url + " is unreachable (" + exchange.error +
                      (exchange.error_detail.empty() ? "" : ": " + exchange.error_detail) + ")";
        co_return;
      }
    }
  };
  if (!plan.test_cases.empty())
    asio::co_spawn(executor.control(), preflight(), asio::use_future).get();
  if (!unreachable.empty()) {
    executor.stop();
    std::cerr << "perf-agent: " << unreachable << "; nothing was run\n";
    return 3;
  }

  auto run_all = [&]() -> asio::awaitable<void> {
    std::size_t index = 0;
    for (const auto& c : plan.test_cases) {
      ++index;
      if (stop.load()) break;
      progress.case_started(c, index, plan.test_cases.size());
      abort_watch.set_case(&c);
      run::CaseSession session(context, c.id, c.base_url);
      const std::int64_t case_started_ms = now_ms();
      api::CaseResult result;
      try {
        result = co_await types.at(c.test_type)->run(c, session);
      } catch (const std::exception& e) {
        result = api::CaseResult{};
        result.verdict = std::string(api::verdict::error);
        result.reason = e.what();
      }
      result.test_case = c;
      result.interrupted = result.interrupted || stop.load();
      // Probes count too. A case made only of probes takes its wall time as its duration.
      const auto& probes = session.probe_metrics();
      if (probes.total_requests > 0) {
        result.metrics.add_counts(probes);
        if (result.metrics.duration_s == 0) {
          result.metrics.duration_s = double(now_ms() - case_started_ms) / 1000.0;
          result.metrics.start_unix_ms = case_started_ms;
          result.metrics.end_unix_ms = now_ms();
        }
      }
      apply_case_thresholds(result);
      progress.case_finished(result);
      for (auto& r : reporters) r.reporter->case_done(result);
      summary.cases.push_back(std::move(result));
    }
  };
  auto done = asio::co_spawn(executor.control(), run_all(), asio::use_future);
  done.get();
  signals.cancel();
  if (monitor) monitor->stop();
  executor.stop();

  abort_watch.set_case(nullptr);
  summary.finished_unix_ms = now_ms();
  const auto aborted_by = abort_watch.reason();
  summary.interrupted = stop.load() && !aborted_by;
  summary.failed_thresholds = evaluate_run_thresholds(run_thresholds, summary.cases);
  if (aborted_by) summary.failed_thresholds.insert(summary.failed_thresholds.begin(), *aborted_by);
  std::uint64_t requests = 0, responses = 0;
  bool any_failed = false;
  std::map<std::string, std::uint64_t> errors;
  for (const auto& c : summary.cases) {
    requests += c.metrics.total_requests;
    for (const auto& [code, n] : c.metrics.status_codes) responses += n;
    for (const auto& [kind, n] : c.metrics.errors) errors[kind] += n;
    any_failed |= c.verdict == api::verdict::failed || c.verdict == api::verdict::error;
  }
  any_failed |= !summary.failed_thresholds.empty();
  summary.verdict = any_failed || summary.interrupted ? "failed" : "passed";
  if (summary.interrupted)
    summary.exit_code = 130;
  else if (requests > 0 && responses == 0)
    summary.exit_code = 3;
  else
    summary.exit_code = any_failed ? 1 : 0;

  int write_failures = 0;
  for (auto& r : reporters) {
    try {
      r.reporter->end(summary);
    } catch (const std::exception& e) {
      std::cerr << "perf-agent: " << r.kind << " report: " << e.what() << "\n";
      ++write_failures;
    }
  }
  if (summary.exit_code == 3) {
    std::string kinds;
    for (const auto& [kind, n] : errors)
      kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    std::cerr << "perf-agent: every request failed (" << kinds << "): is the target up at "
              << summary.info.target << "?\n";
  }
  if (write_failures && summary.exit_code == 0) return 3;
  return summary.exit_code;
}

}  // namespace perf::host
