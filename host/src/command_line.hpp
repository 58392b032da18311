// The command line (DESIGN §6): subcommands, their options and help text, parsed into one
// structure. Settings flags are passed on to the settings resolver with their flag names so
// that errors name the flag.
#pragma once

#include "perf/plan/planner.hpp"
#include "perf/settings/settings_loader.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace perf::host {

struct ReportRequest {
  std::string kind;  // console, json, junit, html or a reporter plugin's id
  std::string path;  // "" for the reporter's default
};

struct CommandLine {
  std::string command;  // plugins, plan, run, merge, compare, history, help, version
  bool help = false;
  bool json_output = false;  // plugins --json
  bool quiet = false;
  std::vector<std::string> plugin_dirs;
  std::string config_file;
  std::string spec;
  std::string plan_file;
  std::string output;  // plan -o, merge -o, export -o
  std::string data_file;
  openapi::BodyFields body_fields = openapi::BodyFields::examples;
  plan::Selection selection;
  std::vector<std::string> tests;
  std::vector<std::string> flow_names;  // --flow NAME (repeatable)
  bool all_flows = false;               // --flows
  bool enhance = false;                 // --enhance: ask the chat endpoint for values
  std::vector<std::string> thresholds;
  std::vector<std::string> stages;  // --stage DURATION:TARGET
  std::vector<ReportRequest> reports;
  std::vector<std::string> headers;
  std::string bearer_token, basic_auth, api_key;
  std::optional<int> target_pid;
  std::string target_metrics;
  bool insecure = false;
  std::string arrivals = "uniform";  // open model: uniform or poisson
  std::string ca_file;
  bool http2 = false;               // --http2
  int streams = 1;                  // --streams: concurrent streams per HTTP/2 connection
  std::string segment;              // --segment I/N or auto (distributed runs)
  std::string start_at;             // --start-at: Unix seconds or RFC 3339
  std::vector<std::string> inputs;  // merge, compare: result files; history: [import FILE...]
  bool allow_partial = false;       // merge: segments may be missing
  // distribute
  std::string engine;                  // slurm or kubernetes
  std::string segments;                // N
  std::string image;                   // kubernetes container image
  std::string start_delay;             // seconds to the common start
  std::vector<std::string> arguments;  // the command line after the command, as given
  settings::SettingsInput settings_input;

  // compare and history (analysis_options.cpp)
  std::vector<std::string> max_changes;  // --max-change METRIC:PERCENT
  std::vector<std::string> min_effects;  // --min-effect PCT or METRIC:PCT, in order
  std::string live;                      // run --live ADDRESS:PORT
  std::string db_path;                   // --db ("" for the default)
  std::string case_id;                   // --case
  std::string metric;                    // --metric
  std::string baseline;                  // run --baseline FILE

  // agent and serve (service_options.cpp), as given; serve_command.cpp checks the numbers
  std::string task_file;                   // agent --task
  std::string listen;                      // serve --listen ADDRESS:PORT
  std::string token_file;                  // serve --token-file
  std::vector<std::string> allow_targets;  // serve --allow-target GLOB
  std::string max_running, max_queued, max_body, max_users, max_rate, max_duration;
  std::string format;  // export --format k6|jmeter|artillery
};

// Throws perf::UserError for unknown options, missing values and bad combinations.
CommandLine parse_command_line(int argc, char** argv);

// The options of compare and history (analysis_options.cpp).
boost::program_options::options_description compare_options();
boost::program_options::options_description history_options();
std::string analysis_help(const std::string& command);  // usage lines of compare or history

// The options of agent and serve (service_options.cpp).
boost::program_options::options_description agent_options();
boost::program_options::options_description serve_options();
std::string service_help(const std::string& command);  // usage lines of agent or serve

// Whether a task's parameter (DESIGN §10.3, a long option name) names a run option it may set;
// `why` says why not. Over the network, options naming local files or code are refused.
bool is_run_option(const std::string& long_name);
bool task_may_set(const std::string& long_name, bool from_network, std::string& why);

// The flows a plan is to list and run: the config file's `flows:`, --flow and --flows.
void add_flows(plan::PlanRequest& request, const CommandLine& cl);

// Help for one command ("" for the overview).
std::string help_text(const std::string& command);

}  // namespace perf::host
