// `perf-agent merge`: result files of one plan in, one merged result out (core/report/merge).
#include "commands.hpp"
#include "perf/report/merge.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/document.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"
#include "perf/verdict/run_thresholds.hpp"

#include <iostream>

namespace perf::host {

int merge_command(const CommandLine& cl) {
  if (cl.inputs.size() < 2) throw UserError("merge: give at least two result files");
  if (cl.output.empty()) throw UserError("merge: -o FILE is required");
  const auto thresholds = verdict::parse_thresholds(cl.thresholds);
  std::vector<api::RunSummary> parts;
  for (const auto& file : cl.inputs)
    parts.push_back(report::summary_from_json(util::load_document(file), file));
  const auto merged =
      report::merge_results(std::move(parts), thresholds, cl.inputs, cl.allow_partial);
  util::write_file_atomically(cl.output, report::pretty(report::to_json(merged)));
  if (!cl.quiet)
    std::cerr << "perf-agent: merged " << cl.inputs.size() << " results into " << cl.output << " ("
              << merged.cases.size() << " cases, verdict " << merged.verdict
              << (merged.info.segment.count > 0
                      ? ", segments " + std::to_string(merged.info.segment.merged.size()) + " of " +
                            std::to_string(merged.info.segment.count)
                      : std::string())
              << ")\n";
  return merged.exit_code;
}

}  // namespace perf::host
