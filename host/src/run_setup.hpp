// A command line turned into what a Runner needs (plan, test types, run options): shared by
// `run`, `agent` and `serve`, so a task runs exactly as the same options would on the command
// line.
#pragma once

#include "command_line.hpp"
#include "perf/plugins/plugin_registry.hpp"
#include "perf/run/runner.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace perf::host {

struct PreparedRun {
  plan::Plan plan;
  std::map<std::string, std::shared_ptr<api::TestType>> test_types;
  run::RunOptions options;
  std::vector<std::string> warnings;  // also in the plan's notes (the report shows them)
};

// Plans (or reads the plan) and fills the run options from `cl` with the loaded plugins.
// Throws perf::UserError for bad input, before any request is sent.
PreparedRun prepare_run(const CommandLine& cl, const plugins::PluginRegistry& registry);

}  // namespace perf::host
