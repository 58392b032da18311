// The history of runs in SQLite: `perf-agent history import` writes result files into it, the
// service (DESIGN §10.3) will add its runs itself, and `perf-agent history` reads per case and
// metric series from it. One small class so every front end stores runs the same way.
#pragma once

#include "perf/api/reporter.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace perf::compare {

// One run of a case as the history holds it.
struct CaseRun {
  std::int64_t run_id = 0;           // the stored run (one result file)
  std::int64_t started_unix_ms = 0;  // when the case started (the run's start when unknown)
  std::string source;                // the imported file, or what stored it ("service:TASK")
  double value = 0;                  // the metric asked for: ms, req/s or %
};

class HistoryStore {
 public:
  // Version of the tables below; a later perf-agent migrates from older ones on open.
  static constexpr int schema_version = 1;

  // Opens or creates the database and its folder, in WAL mode (readers do not wait for a
  // writer: the service writes while a user reads). Throws perf::UserError naming the file when
  // it cannot be opened or was written by a newer schema.
  explicit HistoryStore(const std::filesystem::path& file);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // $XDG_DATA_HOME/perf-agent/history.db, else ~/.local/share/perf-agent/history.db.
  static std::filesystem::path default_path();

  // Stores a run and the metrics of each of its cases in one transaction. Returns the run's id,
  // or nothing when this very result is stored already (importing a file twice adds it once).
  std::optional<std::int64_t> add_run(const api::RunSummary& run, const std::string& source);

  // Case ids with at least one run, sorted.
  std::vector<std::string> case_ids() const;
  // The runs of a case that have `metric` (run_comparison.hpp names), by case start time.
  std::vector<CaseRun> runs_of(const std::string& case_id, const std::string& metric) const;
  std::size_t run_count() const;

 private:
  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

}  // namespace perf::compare
