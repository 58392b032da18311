// Turns a spec (or, in quick mode, a single URL) into a plan: reads the API model, applies the
// selection (paths, tags, operation ids, methods, safe-by-default), and lets every chosen test
// type plan its cases.
#pragma once

#include "perf/openapi/example_generator.hpp"
#include "perf/plan/plan_io.hpp"
#include "perf/plugins/plugin_registry.hpp"

#include <optional>
#include <string>
#include <vector>

namespace perf::plan {

struct Selection {
  std::vector<std::string> include_paths;  // globs; empty: all
  std::vector<std::string> exclude_paths;
  std::vector<std::string> tags;
  std::vector<std::string> operation_ids;
  std::vector<std::string> methods;  // upper case; empty: all (within the safe set)
  bool allow_unsafe_methods = false;
};

// Changes the model after the selection and before the test types plan from it (`--enhance`),
// then marks each case planned from what it changed.
class ModelEnhancement {
 public:
  virtual ~ModelEnhancement() = default;
  virtual void enhance(api::ApiModel& model, std::vector<SkippedEntry>& notes) = 0;
  virtual void mark(api::TestCase& c) const = 0;
};

struct PlanRequest {
  std::string spec;                                                 // "" in quick mode
  std::string quick_target;                                         // URL for quick mode
  std::string data_file;                                            // --data
  openapi::BodyFields body_fields = openapi::BodyFields::examples;  // --body-fields
  Selection selection;
  std::vector<std::string> test_ids;  // resolved ids
  // Flows (DESIGN §10.6): the config file's `flows:` (null when it has none), and which to run.
  boost::json::value config_flows;
  std::string config_name;
  std::vector<std::string> flow_names;      // --flow NAME: run these flows
  bool all_flows = false;                   // --flows: run every flow
  ModelEnhancement* enhancement = nullptr;  // --enhance; null: the plan is deterministic
};

// Resolves ids and aliases ("load" -> "load_test"); empty `requested` gives `defaults`.
// Throws perf::UserError naming an unknown id and listing the known ones.
std::vector<std::string> resolve_test_ids(const std::vector<std::string>& requested,
                                          const plugins::PluginRegistry& registry);

// Applies the selection to `model`, moving what is left out to `skipped` with the reason.
void apply_selection(api::ApiModel& model, const Selection& selection,
                     std::vector<SkippedEntry>& skipped);

Plan make_plan(const PlanRequest& request, const api::Settings& settings,
               const plugins::PluginRegistry& registry);

}  // namespace perf::plan
