#include "commands.hpp"

#include "perf/plan/planned_time.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <iostream>

namespace perf::host {

int plan_command(const CommandLine& cl) {
  if (cl.spec.empty()) throw UserError("plan: --spec FILE is required");
  const auto settings = settings::resolve_settings(cl.settings_input);
  plugins::PluginRegistry registry;
  registry.load_folders(plugins::plugin_folders(cl.plugin_dirs));
  warn_about_plugins(registry);
  plan::PlanRequest request;
  request.spec = cl.spec;
  request.data_file = cl.data_file;
  request.body_fields = cl.body_fields;
  request.selection = cl.selection;
  add_flows(request, cl);
  const auto enhancement = enhancement_for(cl);
  request.enhancement = enhancement.get();
  request.test_ids = plan::resolve_test_ids(
      cl.tests.empty() ? std::vector<std::string>{"all"} : cl.tests, registry);
  const auto plan = plan::make_plan(request, settings, registry);
  report_enhancement(cl, plan);
  const std::string text = report::pretty(plan::to_json(plan));
  if (cl.output.empty() || cl.output == "-") {
    std::cout << text;
  } else {
    util::write_file_atomically(cl.output, text);
    if (!cl.quiet)
      std::cerr << "perf-agent: wrote " << plan.test_cases.size() << " test cases to " << cl.output
                << " (" << plan.skipped.size() << " skipped)\n";
  }
  if (!plan.note.empty() && !cl.quiet) std::cerr << "perf-agent: " << plan.note << "\n";
  if (!cl.quiet)
    std::cerr << "perf-agent: "
              << plan::planned_time_text(plan::planned_time(plan.test_cases, settings.time_scale))
              << "\n";
  return 0;
}

}  // namespace perf::host
