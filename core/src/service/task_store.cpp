#include "perf/service/task_store.hpp"

#include "../util/sqlite_statement.hpp"
#include "perf/util/user_error.hpp"

#include <sys/stat.h>

#include <iterator>

namespace perf::service {

namespace {

using util::exec;
using util::Statement;

// Migrations by PRAGMA user_version: entry i takes a file from version i to i + 1. Never edit
// an entry once released; add one.
constexpr const char* migrations[] = {
    // 1: tasks. `id` keeps submission order; the JSON texts are whole documents.
    R"sql(
CREATE TABLE service_tasks (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  created_unix_ms INTEGER NOT NULL,
  started_unix_ms INTEGER NOT NULL DEFAULT 0,
  finished_unix_ms INTEGER NOT NULL DEFAULT 0,
  task_json TEXT NOT NULL,
  report_json TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT ''
);)sql",
    // 2: the restart looks tasks up by status (queued, running) on every start.
    "CREATE INDEX service_tasks_by_status ON service_tasks (status, id);",
};
static_assert(std::size(migrations) == std::size_t(TaskStore::schema_version));

TaskRecord summary_row(const Statement& q) {
  TaskRecord r;
  r.task_id = q.text(0);
  r.status = q.text(1);
  r.created_unix_ms = q.integer(2);
  r.started_unix_ms = q.integer(3);
  r.finished_unix_ms = q.integer(4);
  return r;
}

}  // namespace

TaskStore::TaskStore(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  // Created 0600 (the -wal and -shm files take the database's mode): tasks may hold tokens.
  const mode_t old_mask = ::umask(077);
  const int rc =
      sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  ::umask(old_mask);
  if (rc != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw UserError(file.string() + ": cannot open the task database: " + why);
  }
  // A file made earlier (by `history import`) may be readable by others: not once it holds tasks.
  for (const char* suffix : {"", "-wal", "-shm"}) ::chmod((file.string() + suffix).c_str(), 0600);
  try {
    sqlite3_busy_timeout(db_, 5000);  // `perf-agent history` may read or import meanwhile
    exec(db_, "PRAGMA journal_mode=WAL");
    migrate(file);
  } catch (const std::runtime_error& e) {
    sqlite3_close(db_);
    if (dynamic_cast<const UserError*>(&e)) throw;
    throw UserError(file.string() + ": " + e.what());
  }
}

void TaskStore::migrate(const std::filesystem::path& file) {
  exec(db_, "BEGIN IMMEDIATE");  // two services starting on one file migrate one at a time
  try {
    Statement q(db_, "PRAGMA user_version");
    q.step();
    const auto found = q.integer(0);
    if (found > schema_version)
      throw UserError(file.string() + ": task schema version " + std::to_string(found) +
                      " is newer than this perf-agent's (" + std::to_string(schema_version) + ")");
    for (auto v = found; v < schema_version; ++v) exec(db_, migrations[v]);
    const std::string set = "PRAGMA user_version = " + std::to_string(schema_version);
    exec(db_, set.c_str());
    exec(db_, "COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

TaskStore::~TaskStore() {
  sqlite3_close(db_);
}

bool TaskStore::add(const std::string& task_id, const std::string& task_json,
                    const std::string& report_json, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "INSERT OR IGNORE INTO service_tasks (task_id, status, created_unix_ms, task_json, "
              "report_json) VALUES (?1, 'queued', ?2, ?3, ?4)");
  q.bind(1, task_id).bind(2, now_ms).bind(3, task_json).bind(4, report_json).step();
  return sqlite3_changes(db_) == 1;
}

void TaskStore::set_running(const std::string& task_id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "UPDATE service_tasks SET status = 'running', started_unix_ms = ?2 "
              "WHERE task_id = ?1");
  q.bind(1, task_id).bind(2, now_ms).step();
}

void TaskStore::finish(const std::string& task_id, const std::string& status,
                       const std::string& report_json, const std::string& error_message,
                       std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "UPDATE service_tasks SET status = ?2, report_json = ?3, error_message = ?4, "
              "finished_unix_ms = ?5 WHERE task_id = ?1");
  q.bind(1, task_id).bind(2, status).bind(3, report_json).bind(4, error_message);
  q.bind(5, now_ms).step();
}

std::optional<TaskRecord> TaskStore::get(const std::string& task_id) const {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "SELECT task_id, status, created_unix_ms, started_unix_ms, finished_unix_ms, "
              "task_json, report_json, error_message FROM service_tasks WHERE task_id = ?1");
  if (!q.bind(1, task_id).step()) return std::nullopt;
  auto r = summary_row(q);
  r.task_json = q.text(5);
  r.report_json = q.text(6);
  r.error_message = q.text(7);
  return r;
}

std::vector<TaskRecord> TaskStore::list(std::size_t limit) const {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "SELECT task_id, status, created_unix_ms, started_unix_ms, finished_unix_ms "
              "FROM service_tasks ORDER BY id DESC LIMIT ?1");
  q.bind(1, std::int64_t(limit));
  std::vector<TaskRecord> out;
  while (q.step()) out.push_back(summary_row(q));
  return out;
}

std::map<std::string, double> TaskStore::count_by_status() const {
  std::lock_guard lock(mutex_);
  Statement q(db_, "SELECT status, COUNT(*) FROM service_tasks GROUP BY status");
  std::map<std::string, double> out;
  while (q.step()) out[q.text(0)] = double(q.integer(1));
  return out;
}

std::vector<TaskRecord> TaskStore::queued() const {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "SELECT task_id, status, created_unix_ms, started_unix_ms, finished_unix_ms, "
              "task_json FROM service_tasks WHERE status = 'queued' ORDER BY id");
  std::vector<TaskRecord> out;
  while (q.step()) {
    out.push_back(summary_row(q));
    out.back().task_json = q.text(5);
  }
  return out;
}

std::size_t TaskStore::interrupt_running(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  Statement q(db_,
              "UPDATE service_tasks SET status = 'error', error_message = 'interrupted', "
              "finished_unix_ms = ?1 WHERE status = 'running'");
  q.bind(1, now_ms).step();
  return std::size_t(sqlite3_changes(db_));
}

}  // namespace perf::service
