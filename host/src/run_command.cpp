// `perf-agent run`: the command line turned into a plan, plugins and a Runner; Ctrl-C and SIGTERM
// become stop requests; the exit code is the Runner's.
#include "commands.hpp"
#include "live_run.hpp"
#include "perf/http/url.hpp"
#include "perf/plan/planned_time.hpp"
#include "perf/run/runner.hpp"
#include "perf/util/instant.hpp"
#include "perf/util/user_error.hpp"
#include "perf/verdict/run_thresholds.hpp"
#include "progress_display.hpp"
#include "run_setup.hpp"
#include "signal_watch.hpp"

#include <unistd.h>

#include <atomic>
#include <cstring>
#include <iostream>
#include <optional>

namespace perf::host {

namespace {

std::vector<std::shared_ptr<run::ReporterObserver>> make_reporters(
    const CommandLine& cl, const plugins::PluginRegistry& registry) {
  std::vector<ReportRequest> wanted = cl.reports;
  const bool has_console =
      std::any_of(wanted.begin(), wanted.end(), [](auto& r) { return r.kind == "console"; });
  if (!has_console && !cl.quiet) wanted.insert(wanted.begin(), {"console", ""});
  std::vector<std::shared_ptr<run::ReporterObserver>> out;
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
    out.push_back(std::make_shared<run::ReporterObserver>(r.kind, std::move(reporter)));
  }
  return out;
}

// Says when the run is over and its reports are being written: run_finished reaches it before
// the reporters. Set on the control thread, read by the signal watch's.
class RunEnd final : public run::RunObserver {
 public:
  void run_finished(const api::RunSummary&) override { finished = true; }
  std::atomic<bool> finished = false;
};

using outcome_type = std::variant<api::RunSummary, run::Unreachable>;

}  // namespace

plan::Plan plan_for_run(const CommandLine& cl, const api::Settings& settings, bool quick,
                        const plugins::PluginRegistry& registry,
                        std::vector<std::string>& test_ids) {
  if (!cl.plan_file.empty()) {
    if (!cl.flow_names.empty() || cl.all_flows)
      throw UserError(
          "run: --flow and --flows choose flows when planning; with --plan the "
          "plan's cases name their flows");
    if (cl.enhance)
      throw UserError(cl.command + ": --enhance plans from --spec; a plan file is run as it is");
    auto plan = plan::read_plan(cl.plan_file);
    if (!cl.tests.empty()) {
      test_ids = plan::resolve_test_ids(cl.tests, registry);
      std::erase_if(plan.test_cases, [&](const api::TestCase& c) {
        return std::find(test_ids.begin(), test_ids.end(), c.test_type) == test_ids.end();
      });
    }
    return plan;
  }
  std::vector<std::string> requested = cl.tests;
  if (requested.empty())
    requested =
        quick ? std::vector<std::string>{registry.find("load_test", api::PluginKind::test_type)
                                             ? "load_test"
                                             : "response_time"}
              : std::vector<std::string>{"all"};
  test_ids = plan::resolve_test_ids(requested, registry);
  plan::PlanRequest request;
  request.spec = cl.spec;
  request.quick_target = quick ? settings.target : "";
  request.data_file = cl.data_file;
  request.body_fields = cl.body_fields;
  request.selection = cl.selection;
  request.test_ids = test_ids;
  add_flows(request, cl);
  const auto enhancement = enhancement_for(cl);
  request.enhancement = enhancement.get();
  auto plan = plan::make_plan(request, settings, registry);
  report_enhancement(cl, plan);
  return plan;
}

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

PreparedRun prepare_run(const CommandLine& cl, const plugins::PluginRegistry& registry) {
  auto settings = settings::resolve_settings(cl.settings_input);
  settings.stages = parse_stages(cl.stages);
  PreparedRun prepared;
  auto& options = prepared.options;
  options.thresholds = verdict::parse_thresholds(cl.thresholds);
  options.quick = cl.spec.empty() && cl.plan_file.empty();
  if (!cl.spec.empty() && !cl.plan_file.empty())
    throw UserError("run: --spec and --plan exclude each other");
  if (options.quick && settings.target.empty())
    throw UserError("run: give --spec FILE, --plan FILE or --target URL");
  if (!settings.target.empty()) http::parse_url(settings.target);
  if (!cl.spec.empty() && ::access(cl.spec.c_str(), R_OK) != 0)
    throw UserError(cl.spec + ": cannot read: " + std::strerror(errno));
  // Read now: a bad baseline stops the run before any load, not after it.
  if (!cl.baseline.empty()) {
    options.baseline = compare::read_baseline(cl.baseline);
    compare::apply_min_effects(options.baseline->options.min_effect, cl.min_effects);
    for (const auto& text : cl.max_changes)
      options.baseline->limits.push_back(compare::parse_change_limit(text));
  } else if (!cl.max_changes.empty() || !cl.min_effects.empty()) {
    throw UserError("run: --max-change and --min-effect compare with a baseline; give --baseline");
  }

  auto& plan = prepared.plan;
  plan = plan_for_run(cl, settings, options.quick, registry, options.test_ids);
  for (const auto& c : plan.test_cases) {
    if (prepared.test_types.count(c.test_type)) continue;
    if (const auto* plugin = registry.find(c.test_type, api::PluginKind::test_type)) {
      prepared.test_types[c.test_type] = registry.create_test_type(*plugin);
      if (plugin->traits & api::trait_segments_divide)
        options.segment_dividing_types.insert(c.test_type);
    }
  }
  options.decoration =
      run::decoration_for({cl.headers, cl.bearer_token, cl.basic_auth, cl.api_key},
                          plan.security_schemes, options.quick ? nullptr : &prepared.warnings);
  for (const auto& w : prepared.warnings)
    plan.skipped.push_back({"", "", "", "warning: " + w});  // and in the report's plan notes
  options.tls = {cl.insecure, cl.ca_file};
  options.arrivals =
      cl.arrivals == "poisson" ? engine::ArrivalProcess::poisson : engine::ArrivalProcess::uniform;
  options.http2 = cl.http2;
  options.streams = cl.streams;
  if (!cl.segment.empty())
    options.segment = cl.segment == "auto" ? engine::segment_from_environment()
                                           : engine::parse_segment(cl.segment, "--segment");
  if (!cl.start_at.empty()) options.start_at = util::parse_instant(cl.start_at, "--start-at");
  options.target_pid = cl.target_pid;
  options.target_metrics = cl.target_metrics;
  options.tool = std::string("perf-agent ") + PERF_AGENT_VERSION;
  options.spec = cl.spec;
  options.settings = std::move(settings);
  return prepared;
}

int run_command(const CommandLine& cl) {
  plugins::PluginRegistry registry;
  registry.load_folders(plugins::plugin_folders(cl.plugin_dirs));
  warn_about_plugins(registry);
  const auto reporters = make_reporters(cl, registry);
  auto prepared = prepare_run(cl, registry);
  for (const auto& w : prepared.warnings) std::cerr << "perf-agent: warning: " << w << "\n";
  // Said before any load: a newcomer's run of a whole spec can take hours.
  const double time_scale = prepared.options.settings.time_scale;
  auto progress = std::make_shared<ProgressDisplay>(!cl.quiet, ::isatty(2));
  progress->set_plan(prepared.plan.test_cases, time_scale);
  if (!cl.quiet)
    std::cerr << "perf-agent: "
              << plan::planned_time_text(plan::planned_time(prepared.plan.test_cases, time_scale))
              << "\n";
  run::Runner runner(std::move(prepared.plan), std::move(prepared.test_types),
                     std::move(prepared.options));
  // --live: the dashboard, the stream and /metrics while the run goes on. Before the reporters
  // subscribe: its followers see each second no later than the reports do.
  std::optional<LiveRun> live;
  if (!cl.live.empty()) {
    live.emplace(cl.live, runner);
    std::cerr << "perf-agent: live at " << live->url() << std::endl;
  }

  // Reporters before the progress display: once a second shows on the terminal, every live
  // reporter has it too.
  auto run_end = std::make_shared<RunEnd>();
  runner.bus().subscribe(run_end);
  for (const auto& r : reporters) runner.bus().subscribe(r);
  runner.bus().subscribe(progress);

  // Ctrl-C and SIGTERM: the first stops the run (its reports are written with what was
  // measured), a second quits at once. Once the run is over and its reports are being written,
  // neither stops anything: the reports are finished, so none is cut short and no temporary file
  // is left behind, and the exit code is still 130. Armed until every report is written; after
  // that a signal has its default action again.
  std::optional<outcome_type> outcome;
  {
    SignalWatch watch([&](int count) {
      if (run_end->finished) return;  // the reports are being written: let them finish
      if (count > 1) _exit(130);      // a second Ctrl-C: quit now
      runner.stop(
          "stopping: finishing what is under way and writing reports (Ctrl-C again to quit now)");
    });
    outcome = runner.run();
  }
  const bool signalled = SignalWatch::received() > 0;
  if (const auto* unreachable = std::get_if<run::Unreachable>(&*outcome)) {
    std::cerr << "perf-agent: " << unreachable->message << "; nothing was run\n";
    return signalled ? 130 : 3;
  }
  const auto& summary = std::get<api::RunSummary>(*outcome);
  int write_failures = 0;
  for (const auto& r : reporters)
    if (!r->error().empty()) {
      std::cerr << "perf-agent: " << r->kind() << " report: " << r->error() << "\n";
      ++write_failures;
    }
  if (summary.exit_code == 3) {
    std::map<std::string, std::uint64_t> errors;
    for (const auto& c : summary.cases)
      for (const auto& [kind, n] : c.metrics.errors) errors[kind] += n;
    std::string kinds;
    for (const auto& [kind, n] : errors)
      kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    std::cerr << "perf-agent: every request failed (" << kinds << "): is the target up at "
              << summary.info.target << "?\n";
  }
  // A lost report is a runtime failure even when the verdict failed: 3 over 0 and 1. An
  // interrupted run stays 130, whatever else happened (README "Exit codes").
  if (signalled) {
    if (!summary.interrupted)
      std::cerr << "perf-agent: interrupted as the run ended: the reports were completed first\n";
    return 130;
  }
  if (write_failures) return 3;
  return summary.exit_code;
}

}  // namespace perf::host
