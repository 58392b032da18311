#include "perf/compare/history_store.hpp"

#include "../util/sqlite_statement.hpp"
#include "perf/compare/run_comparison.hpp"
#include "perf/report/result_json.hpp"
#include "perf/util/instant.hpp"
#include "perf/util/user_error.hpp"

#include <openssl/evp.h>
#include <sqlite3.h>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace perf::compare {

namespace {

using util::exec;
using util::Statement;

// Version 1. `runs` keeps the whole result JSON so that later features (comparing with any
// stored run, the service's task results) need no second store; `case_metrics` is what the
// history command reads, indexed by case and metric.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  result_sha256 TEXT NOT NULL UNIQUE,
  tool TEXT NOT NULL,
  target TEXT NOT NULL,
  verdict TEXT NOT NULL,
  started_unix_ms INTEGER NOT NULL,
  finished_unix_ms INTEGER NOT NULL,
  stored_unix_ms INTEGER NOT NULL,
  result_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS case_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  case_started_unix_ms INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, case_id, metric)
);
CREATE INDEX IF NOT EXISTS case_metrics_series
  ON case_metrics (case_id, metric, case_started_unix_ms);
)sql";

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(two, sizeof two, "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

}  // namespace

HistoryStore::HistoryStore(const std::filesystem::path& file) : file_(file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw UserError(file.string() + ": cannot open the history database: " + why);
  }
  try {
    // Another writer (the service) may hold the lock for a moment: wait rather than fail.
    sqlite3_busy_timeout(db_, 5000);
    exec(db_, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;");
    exec(db_, "BEGIN IMMEDIATE");
    exec(db_, schema_v1);
    Statement version(db_, "SELECT max(version) FROM schema_version");
    version.step();
    const auto found = version.integer(0);
    if (found == 0) {
      Statement set(db_, "INSERT INTO schema_version (version) VALUES (?1)");
      set.bind(1, std::int64_t(schema_version)).step();
    }
    exec(db_, "COMMIT");
    if (found > schema_version)
      throw UserError(file.string() + ": history schema version " + std::to_string(found) +
                      " is newer than this perf-agent's (" + std::to_string(schema_version) + ")");
  } catch (const std::runtime_error& e) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    if (dynamic_cast<const UserError*>(&e)) throw;
    throw UserError(file.string() + ": " + e.what());
  }
}

HistoryStore::~HistoryStore() {
  sqlite3_close(db_);
}

std::filesystem::path HistoryStore::default_path() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  std::filesystem::path base;
  if (xdg && *xdg) {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    base = std::filesystem::path(home && *home ? home : ".") / ".local" / "share";
  }
  return base / "perf-agent" / "history.db";
}

std::optional<std::int64_t> HistoryStore::add_run(const api::RunSummary& run,
                                                  const std::string& source) {
  const std::string result = boost::json::serialize(report::to_json(run));
  const std::string digest = sha256_hex(result);
  exec(db_, "BEGIN IMMEDIATE");
  try {
    Statement seen(db_, "SELECT id FROM runs WHERE result_sha256 = ?1");
    if (seen.bind(1, digest).step()) {
      exec(db_, "ROLLBACK");
      return std::nullopt;
    }
    Statement insert(db_,
                     "INSERT INTO runs (source, result_sha256, tool, target, verdict, "
                     "started_unix_ms, finished_unix_ms, stored_unix_ms, result_json) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    insert.bind(1, source).bind(2, digest).bind(3, run.info.tool).bind(4, run.info.target);
    insert.bind(5, run.verdict).bind(6, run.info.started_unix_ms).bind(7, run.finished_unix_ms);
    insert.bind(8, util::now_unix_ms()).bind(9, result).step();
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    Statement metric(db_,
                     "INSERT OR REPLACE INTO case_metrics (run_id, case_id, case_started_unix_ms, "
                     "metric, value) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const auto& c : run.cases) {
      const auto started =
          c.metrics.start_unix_ms ? c.metrics.start_unix_ms : run.info.started_unix_ms;
      for (const Metric m : all_metrics) {
        const auto value = metric_value(c.metrics, m);
        if (!value) continue;
        metric.reset();
        metric.bind(1, id).bind(2, c.test_case.id).bind(3, started);
        metric.bind(4, std::string(metric_name(m))).bind(5, *value).step();
      }
    }
    exec(db_, "COMMIT");
    return id;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<std::string> HistoryStore::case_ids() const {
  Statement q(db_, "SELECT DISTINCT case_id FROM case_metrics ORDER BY case_id");
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

std::vector<CaseRun> HistoryStore::runs_of(const std::string& case_id,
                                           const std::string& metric) const {
  Statement q(db_,
              "SELECT m.run_id, m.case_started_unix_ms, r.source, m.value FROM case_metrics m "
              "JOIN runs r ON r.id = m.run_id WHERE m.case_id = ?1 AND m.metric = ?2 "
              "ORDER BY m.case_started_unix_ms, m.run_id");
  q.bind(1, case_id).bind(2, metric);
  std::vector<CaseRun> out;
  while (q.step()) out.push_back({q.integer(0), q.integer(1), q.text(2), q.real(3)});
  return out;
}

std::size_t HistoryStore::run_count() const {
  Statement q(db_, "SELECT count(*) FROM runs");
  q.step();
  return std::size_t(q.integer(0));
}

}  // namespace perf::compare
