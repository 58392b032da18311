// `perf-agent history import FILE...` stores result files in the SQLite history;
// `perf-agent history` lists each case's runs of a metric and where its level changed
// (core/compare: history_store, change_points, case_history).
#include "commands.hpp"
#include "perf/compare/case_history.hpp"
#include "perf/compare/result_file.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/files.hpp"
#include "perf/util/user_error.hpp"

#include <algorithm>
#include <iostream>

namespace perf::host {

namespace {

int import_results(compare::HistoryStore& store, const std::vector<std::string>& files,
                   bool quiet) {
  if (files.empty()) throw UserError("history import: give one or more result files");
  // Every file is read before any is stored: a typo in the fifth file stores nothing.
  std::vector<api::RunSummary> runs;
  for (const auto& file : files) runs.push_back(compare::read_result_file(file));
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto id = store.add_run(runs[i], files[i]);
    if (quiet) continue;
    if (id)
      std::cerr << "perf-agent: " << files[i] << ": stored as run " << *id << " ("
                << runs[i].cases.size() << (runs[i].cases.size() == 1 ? " case)\n" : " cases)\n");
    else
      std::cerr << "perf-agent: " << files[i] << ": already in the history, skipped\n";
  }
  return 0;
}

}  // namespace

int history_command(const CommandLine& cl) {
  const auto db = cl.db_path.empty() ? compare::HistoryStore::default_path()
                                     : std::filesystem::path(cl.db_path);
  std::vector<std::string> files = cl.inputs;
  const bool importing = !files.empty() && files.front() == "import";
  if (!importing && !files.empty())
    throw UserError("history: unexpected '" + files.front() +
                    "' (perf-agent history import FILE..., or perf-agent history [options])");
  const auto metric = compare::metric_from_name(cl.metric.empty() ? "p95" : cl.metric);
  if (!metric)
    throw UserError("--metric '" + cl.metric +
                    "': expected p50, p95, p99, avg, throughput or error_rate");
  for (const auto& r : cl.reports)
    if (r.kind != "html" || r.path.empty())
      throw UserError("--report '" + r.kind + "': history writes html:FILE");
  compare::HistoryStore store(db);
  if (importing) return import_results(store, {files.begin() + 1, files.end()}, cl.quiet);

  std::vector<std::string> ids = store.case_ids();
  if (!cl.case_id.empty()) {
    if (std::find(ids.begin(), ids.end(), cl.case_id) == ids.end())
      throw UserError("--case '" + cl.case_id + "': no run of this case in " + db.string());
    ids = {cl.case_id};
  }
  std::vector<compare::CaseHistory> histories;
  for (const auto& id : ids) histories.push_back(compare::case_history(store, id, *metric));
  if (cl.json_output)
    std::cout << report::pretty(compare::history_json(histories));
  else if (histories.empty())
    std::cout << "No runs in " << db.string() << " (perf-agent history import FILE...).\n";
  else
    std::cout << compare::history_text(histories);
  for (const auto& r : cl.reports)
    util::write_file_atomically(r.path, compare::history_page(histories));
  return 0;
}

}  // namespace perf::host
