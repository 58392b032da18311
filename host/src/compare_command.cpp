// `perf-agent compare BASE.json NEW.json`: two result files in, the per-case comparison out
// (core/compare), exit 1 when a significant regression exceeds its --max-change.
#include "commands.hpp"
#include "perf/compare/comparison_page.hpp"
#include "perf/compare/comparison_text.hpp"
#include "perf/compare/result_file.hpp"
#include "perf/compare/run_comparison.hpp"
#include "perf/compare/text_format.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <iostream>

namespace perf::host {

int compare_command(const CommandLine& cl) {
  if (cl.inputs.size() != 2)
    throw UserError(
        "compare: give two result files, BASE.json NEW.json (see perf-agent compare "
        "--help)");
  compare::ComparisonOptions options;
  compare::apply_min_effects(options.min_effect, cl.min_effects);
  std::vector<compare::ChangeLimit> limits;
  for (const auto& text : cl.max_changes) limits.push_back(compare::parse_change_limit(text));
  for (const auto& r : cl.reports)
    if (r.kind != "console" && r.kind != "json" && r.kind != "html")
      throw UserError("--report '" + r.kind + "': compare writes console, json or html");

  const auto base = compare::read_result_file(cl.inputs[0]);
  const auto now = compare::read_result_file(cl.inputs[1]);
  auto comparison = compare::compare_runs(base, now, options);
  comparison.base.file = cl.inputs[0];
  comparison.now.file = cl.inputs[1];
  if (comparison.cases.empty())
    throw UserError(cl.inputs[1] + ": /test_cases: no case id in common with " + cl.inputs[0]);

  std::vector<host::ReportRequest> reports = cl.reports;
  if (reports.empty()) reports.push_back({"console", ""});
  for (const auto& r : reports) {
    std::string text;
    if (r.kind == "console")
      text = compare::comparison_table(comparison);
    else if (r.kind == "json")
      text = report::pretty(compare::to_json(comparison));
    else
      text = compare::comparison_page(comparison, base, now);
    if (r.path.empty() || r.path == "-")
      std::cout << text;
    else
      util::write_file_atomically(r.path, text);
  }
  const auto exceeded = compare::exceeded_limits(comparison, limits);
  for (const auto& line : exceeded) std::cerr << "perf-agent: regression: " << line << "\n";
  return exceeded.empty() ? 0 : 1;
}

}  // namespace perf::host
