#include "commands.hpp"

#include <boost/json.hpp>

#include <iomanip>
#include <iostream>

namespace perf::host {

using plugins::PluginRegistry;

void warn_about_plugins(const PluginRegistry& registry) {
  for (const auto& p : registry.problems())
    std::cerr << "perf-agent: skipped plugin " << p.message() << "\n";
}

int plugins_command(const CommandLine& cl) {
  PluginRegistry registry;
  registry.load_folders(plugins::plugin_folders(cl.plugin_dirs));
  if (cl.json_output) {
    boost::json::array plugins, problems;
    for (const auto& p : registry.plugins())
      plugins.push_back(boost::json::object{{"id", p.id},
                                            {"kind", plugins::to_string(p.kind)},
                                            {"version", p.version},
                                            {"sdk", p.sdk},
                                            {"summary", p.summary},
                                            {"file", p.file.string()}});
    for (const auto& p : registry.problems())
      problems.push_back(boost::json::object{{"file", p.file.string()}, {"reason", p.reason}});
    std::cout << boost::json::serialize(
                     boost::json::object{{"plugins", plugins}, {"problems", problems}})
              << "\n";
    return 0;
  }
  for (const auto kind : {api::PluginKind::test_type, api::PluginKind::reporter}) {
    std::cout << (kind == api::PluginKind::test_type ? "Test types:\n" : "Reporters:\n");
    for (const auto& p : registry.plugins()) {
      if (p.kind != kind) continue;
      std::cout << "  " << std::left << std::setw(22) << p.id << std::setw(8) << p.version
                << p.summary << "\n      " << p.file.string() << " (SDK " << p.sdk << ")\n";
    }
  }
  if (!registry.problems().empty()) {
    std::cout << "Not loaded:\n";
    for (const auto& p : registry.problems()) std::cout << "  " << p.message() << "\n";
  }
  return 0;
}

}  // namespace perf::host
