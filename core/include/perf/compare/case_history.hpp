// One case's history of a metric: its runs numbered 1..n by start time and the change points
// found in them, as `perf-agent history` prints it (text, JSON, HTML trend chart).
#pragma once

#include "perf/compare/change_points.hpp"
#include "perf/compare/history_store.hpp"
#include "perf/compare/run_comparison.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace perf::compare {

struct CaseHistory {
  std::string case_id;
  Metric metric = Metric::p95;
  std::vector<CaseRun> runs;               // run n is runs[n - 1]
  std::vector<ChangePoint> change_points;  // index + 1 is the run number of the new level
};

CaseHistory case_history(const HistoryStore& store, const std::string& case_id, Metric metric,
                         const ChangePointOptions& options = {});

std::string history_text(const std::vector<CaseHistory>& histories);
boost::json::object history_json(const std::vector<CaseHistory>& histories);
// A page with one trend chart per case, the change points marked, and the runs in a table.
std::string history_page(const std::vector<CaseHistory>& histories);

}  // namespace perf::compare
