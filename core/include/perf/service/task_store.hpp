// The service's tasks in SQLite (DESIGN §10.3): every state change of a task is one committed
// write, so after a crash the database holds each task as it last was, never half a result.
// The tables live in the same file as the run history (history_store.hpp), each with its own
// version, so `perf-agent history --db` sees the service's runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace perf::service {

// A task as stored. JSON texts are kept as the service wrote them.
struct TaskRecord {
  std::string task_id;
  std::string status;  // queued, running, success, failed, error, cancelled
  std::int64_t created_unix_ms = 0;
  std::int64_t started_unix_ms = 0;   // 0 until it runs
  std::int64_t finished_unix_ms = 0;  // 0 until it ends
  std::string task_json;              // the submitted task (may hold credentials: the file is 0600)
  std::string report_json;            // the task JSON of GET /api/v1/tasks/{id}; "" before planning
  std::string error_message;
};

class TaskStore {
 public:
  // PRAGMA user_version of the newest schema; older files are migrated on open.
  static constexpr int schema_version = 2;

  // Opens or creates the file (mode 0600: tasks may hold credentials) in WAL mode and migrates
  // it. Throws perf::UserError naming the file when it cannot, or when a newer perf-agent wrote
  // it.
  explicit TaskStore(const std::filesystem::path& file);
  ~TaskStore();
  TaskStore(const TaskStore&) = delete;
  TaskStore& operator=(const TaskStore&) = delete;

  // A queued task with its planned report; false when a task with this id exists already.
  bool add(const std::string& task_id, const std::string& task_json, const std::string& report_json,
           std::int64_t now_ms);
  void set_running(const std::string& task_id, std::int64_t now_ms);
  // The end of a task: status, the whole task JSON and the reason in one write.
  void finish(const std::string& task_id, const std::string& status, const std::string& report_json,
              const std::string& error_message, std::int64_t now_ms);
  std::optional<TaskRecord> get(const std::string& task_id) const;
  // Newest first, without the JSON texts.
  std::vector<TaskRecord> list(std::size_t limit) const;
  // How many tasks are in each status (perf_agent_tasks{state} of /metrics).
  std::map<std::string, double> count_by_status() const;
  // Tasks waiting to run, oldest first (a restart queues them again).
  std::vector<TaskRecord> queued() const;
  // At start: tasks still `running` belonged to a process that died; they become `error`
  // ("interrupted"). Returns how many.
  std::size_t interrupt_running(std::int64_t now_ms);

 private:
  void migrate(const std::filesystem::path& file);
  mutable std::mutex mutex_;  // one connection, used by the server and the task threads
  sqlite3* db_ = nullptr;
};

}  // namespace perf::service
