// The plan file (DESIGN §7): planned test cases in the original agent's structure plus what
// the engine needs to send them. Written by `perf-agent plan`, run unchanged by `run --plan`.
#pragma once

#include "perf/api/model.hpp"
#include "perf/api/test_case.hpp"
#include "perf/api/test_type.hpp"
#include "perf/plan/test_case_json.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace perf::plan {

struct SkippedEntry {
  // "" when the operation was not selected at all, or for a note about it from the spec (an
  // example that cannot meet a pattern): then the reason says so.
  std::string test_type;
  std::string method, path, reason;
};

struct Plan {
  std::string tool;
  std::string spec;
  std::string target;
  std::string created_at;
  std::string api_title;
  std::vector<api::SecurityScheme> security_schemes;
  std::vector<api::TestCase> test_cases;
  std::vector<SkippedEntry> skipped;
  std::string note;
  // Every flow the config file and the spec define (DESIGN §10.6), editable; flow cases name
  // theirs.
  std::vector<api::Flow> flows;
};

boost::json::object to_json(const Plan& plan);

// Throws perf::UserError "FILE: JSON_POINTER: problem" for anything that is not a valid plan.
Plan plan_from_json(const boost::json::value& v, const std::string& file);
Plan read_plan(const std::filesystem::path& path);
void write_plan(const Plan& plan, const std::filesystem::path& path);

}  // namespace perf::plan
