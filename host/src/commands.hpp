// The subcommands. Each returns the process exit code (DESIGN §6) and throws perf::UserError
// for bad input, which main turns into one line and exit code 2.
#pragma once

#include "command_line.hpp"

#include <memory>

namespace perf::host {

int plugins_command(const CommandLine& cl);
int plan_command(const CommandLine& cl);
int run_command(const CommandLine& cl);
int merge_command(const CommandLine& cl);
int compare_command(const CommandLine& cl);
int history_command(const CommandLine& cl);
int distribute_command(const CommandLine& cl);
int agent_command(const CommandLine& cl);
int serve_command(const CommandLine& cl);
int export_command(const CommandLine& cl);

// --stage DURATION:TARGET values as (seconds, target) pairs (run_command.cpp).
std::vector<std::pair<double, double>> parse_stages(const std::vector<std::string>& texts);

// The plan `run` would make (or read, with --plan) for this command line; `test_ids` gets the
// test types it names.
plan::Plan plan_for_run(const CommandLine& cl, const api::Settings& settings, bool quick,
                        const plugins::PluginRegistry& registry,
                        std::vector<std::string>& test_ids);

// --enhance: the enhancement to plan with (null without --enhance). Throws perf::UserError when
// no endpoint is configured (enhance_option.cpp).
std::unique_ptr<plan::ModelEnhancement> enhancement_for(const CommandLine& cl);
// With --enhance, says on stderr when the endpoint failed and the plan is the deterministic one.
void report_enhancement(const CommandLine& cl, const plan::Plan& plan);

// Warnings about plugin files that could not be loaded, one line each, on stderr.
void warn_about_plugins(const plugins::PluginRegistry& registry);

}  // namespace perf::host
