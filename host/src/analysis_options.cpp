// The options and usage text of `perf-agent compare` and `perf-agent history` (DESIGN §10.4),
// kept apart from command_line.cpp so the run options stay readable there.
#include "command_line.hpp"

namespace perf::host {

namespace po = boost::program_options;

po::options_description compare_options() {
  po::options_description o("Compare");
  o.add_options()("max-change", po::value<std::vector<std::string>>()->composing(),
                  "METRIC:PERCENT, e.g. p95:10% (repeatable): exit 1 when a significant "
                  "regression of METRIC is larger (error_rate: percentage points)")(
      "min-effect", po::value<std::vector<std::string>>()->composing(),
      "PCT or METRIC:PCT (repeatable): smallest change reported as a regression or "
      "improvement; PCT alone sets every metric but error_rate (defaults: p50, avg, "
      "throughput 3 %, p95 10 %, p99 15 %, error_rate 0.1 percentage points)")(
      "report,r", po::value<std::vector<std::string>>()->composing(),
      "KIND[:PATH]: console (default, standard output), json or html (repeatable)")(
      "input", po::value<std::vector<std::string>>(), "BASE.json NEW.json");
  return o;
}

po::options_description history_options() {
  po::options_description o("History");
  o.add_options()("db", po::value<std::string>(),
                  "SQLite file (default $XDG_DATA_HOME/perf-agent/history.db, or "
                  "~/.local/share/perf-agent/history.db)")("case", po::value<std::string>(),
                                                           "only this case id")(
      "metric", po::value<std::string>(), "p50, p95 (default), p99, avg, throughput or error_rate")(
      "json", "machine-readable output")(
      "report,r", po::value<std::vector<std::string>>()->composing(),
      "html:FILE: a trend chart per case with the change points marked")(
      "input", po::value<std::vector<std::string>>(), "import FILE...");
  return o;
}

std::string analysis_help(const std::string& command) {
  if (command == "compare")
    return "Usage: perf-agent compare BASE.json NEW.json [--max-change METRIC:PERCENT]...\n"
           "                          [--min-effect PCT] [--report KIND:PATH]...\n\n"
           "Compares two results case by case (matched by id): p50, p95, p99, avg, throughput\n"
           "and error rate: the runs' values, the change of the median second (error rate: of\n"
           "the run) with its 95 % confidence interval (block bootstrap over the per-second\n"
           "series) and a verdict: regression, improvement, no change or cannot decide.\n"
           "docs/analysis.md explains the method.\n"
           "Exit codes: 0 no limit exceeded, 1 a significant regression exceeds its\n"
           "--max-change, 2 bad input.\n\n";
  return "Usage: perf-agent history import FILE... [--db PATH]\n"
         "       perf-agent history [--db PATH] [--case ID] [--metric NAME] [--json]\n"
         "                          [--report html:FILE]\n\n"
         "Stores result files in a SQLite history (import), or lists the runs of each case\n"
         "numbered 1..n by start time with the change points found by E-divisive means (the\n"
         "first run of each new level, its size and significance). docs/analysis.md explains\n"
         "the method.\n\n";
}

}  // namespace perf::host
