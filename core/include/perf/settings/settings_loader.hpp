// Resolves the run settings from their four sources, highest first: command line, environment
// (PERFORMANCE_* for the original agent's names, PERF_AGENT_* for the rest), the --config file
// (JSON or YAML), defaults. Every value is checked; a bad one is named with its source.
#pragma once

#include "perf/api/settings.hpp"

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace perf::settings {

struct SettingsInput {
  std::map<std::string, std::string> cli;             // setting key -> text, for flags given
  std::map<std::string, std::string> cli_flag_names;  // setting key -> "--users", for messages
  boost::json::object config;                         // the --config file's top level
  std::string config_name;                            // its path, for messages
  std::function<const char*(const char*)> getenv;     // null: std::getenv
};

// One row per setting: its key (also its config-file name), its environment variable and what
// it means. The README's settings table is this list.
struct SettingInfo {
  std::string key;
  std::string env;
  std::string help;
};
const std::vector<SettingInfo>& setting_table();

std::vector<api::LoadPattern> default_patterns();

// Throws perf::UserError "SOURCE: KEY: problem" (e.g. "--users: must be a whole number >= 1").
api::Settings resolve_settings(const SettingsInput& input);

}  // namespace perf::settings
