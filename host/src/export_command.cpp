// `perf-agent export` (DESIGN §10.5): the plan `run` would run (or a plan file) written as a k6,
// JMeter or Artillery script; what the tool cannot carry over goes to stderr as well as into the
// file.
#include "commands.hpp"
#include "perf/export/export_script.hpp"
#include "perf/http/url.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"
#include "perf/verdict/run_thresholds.hpp"

#include <filesystem>
#include <iostream>

namespace perf::host {

namespace {

exporter::ExportCredentials credentials_of(const CommandLine& cl) {
  exporter::ExportCredentials c;
  for (const auto& h : cl.headers) {
    const auto colon = h.find(':');
    auto value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    c.headers.emplace_back(h.substr(0, colon), value);
  }
  c.bearer = !cl.bearer_token.empty();
  c.basic = !cl.basic_auth.empty();
  if (!cl.api_key.empty()) c.api_key_name = cl.api_key.substr(0, cl.api_key.find('='));
  return c;
}

}  // namespace

int export_command(const CommandLine& cl) {
  if (cl.format.empty()) throw UserError("export: --format k6|jmeter|artillery is required");
  const auto format = exporter::format_from(cl.format);
  if (!format)
    throw UserError("export: --format '" + cl.format + "': expected k6, jmeter or artillery");
  if (cl.output.empty() || cl.output == "-")
    throw UserError("export: -o FILE is required (data rows go beside it)");
  if (cl.spec.empty() == cl.plan_file.empty())
    throw UserError("export: give either --spec FILE or --plan FILE");
  auto settings = settings::resolve_settings(cl.settings_input);
  settings.stages = parse_stages(cl.stages);
  if (!settings.target.empty()) http::parse_url(settings.target);
  verdict::parse_thresholds(cl.thresholds);  // a bad one stops here, naming itself

  plugins::PluginRegistry registry;
  registry.load_folders(plugins::plugin_folders(cl.plugin_dirs));
  warn_about_plugins(registry);
  std::vector<std::string> test_ids;
  const auto plan = plan_for_run(cl, settings, false, registry, test_ids);

  exporter::ExportOptions options;
  options.time_scale = settings.time_scale;
  options.thresholds = cl.thresholds;
  options.credentials = credentials_of(cl);
  options.script_name = std::filesystem::path(cl.output).filename().string();
  if (!cl.plan_file.empty()) options.target = settings.target;  // a spec's plan has it already
  const auto script = exporter::export_plan(plan, *format, options);

  const auto folder = std::filesystem::path(cl.output).parent_path();
  util::write_file_atomically(cl.output, script.text);
  for (const auto& f : script.data_files) util::write_file_atomically(folder / f.name, f.text);
  for (const auto& line : script.not_carried.lines())
    std::cerr << "perf-agent: export: not carried over: " << line << "\n";
  if (!cl.quiet)
    std::cerr << "perf-agent: wrote " << cl.output << " (" << cl.format << ", "
              << plan.test_cases.size() << " cases"
              << (script.data_files.empty()
                      ? std::string()
                      : ", " + std::to_string(script.data_files.size()) + " data files")
              << ", " << script.not_carried.lines().size() << " items not carried over)\n";
  return 0;
}

}  // namespace perf::host
