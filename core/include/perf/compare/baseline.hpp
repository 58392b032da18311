// `perf-agent run --baseline BASE.json`: a stored result that a run is compared with when it
// ends, and the comparison every report then carries (RunSummary::comparison).
#pragma once

#include "perf/compare/run_comparison.hpp"

#include <boost/json/object.hpp>

#include <filesystem>
#include <string>

namespace perf::compare {

struct Baseline {
  std::string file;  // as given on the command line
  api::RunSummary run;
  ComparisonOptions options;        // run --min-effect
  std::vector<ChangeLimit> limits;  // run --max-change: a regression beyond one fails the run
};

// Read before the run starts, so that a bad file stops it at once (perf::UserError, exit 2).
Baseline read_baseline(const std::filesystem::path& file);

struct BaselineOutcome {
  boost::json::object comparison;     // as `perf-agent compare --report json` writes it
  std::vector<std::string> exceeded;  // one line per regression beyond its --max-change
};

// The comparison of `run` with the baseline (the new side's file is "": this run).
BaselineOutcome compare_with_baseline(const Baseline& baseline, const api::RunSummary& run);

}  // namespace perf::compare
