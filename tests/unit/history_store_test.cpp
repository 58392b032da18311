// The SQLite history: what `history import` and, later, the service rely on: a versioned schema
// in WAL mode, one copy of each result, runs of a case in start-time order.
#include "perf/compare/history_store.hpp"
#include "perf/util/user_error.hpp"
#include "process.hpp"
#include "sqlite_query.hpp"

#include <sqlite3.h>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

using namespace perf;
using compare::HistoryStore;
namespace fs = std::filesystem;

namespace {

// A run with one case whose p50 is `latency_ms` (one response recorded), started at `t_ms`.
api::RunSummary run_at(std::int64_t t_ms, std::uint64_t latency_ms, const std::string& id = "c") {
  api::RunSummary run;
  run.info.tool = "perf-agent test";
  run.info.target = "http://127.0.0.1:1";
  run.info.started_unix_ms = t_ms;
  run.finished_unix_ms = t_ms + 1000;
  run.verdict = "passed";
  api::CaseResult c;
  c.test_case.id = id;
  c.metrics.latency.record(latency_ms * 1000);
  c.metrics.total_requests = 1;
  c.metrics.successful_requests = 1;
  c.metrics.duration_s = 1;
  c.metrics.start_unix_ms = t_ms;
  run.cases.push_back(c);
  return run;
}

std::string pragma(const fs::path& db, const char* sql) {
  return test::sqlite_query_one(db, sql);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(history_store)

BOOST_AUTO_TEST_CASE(a_new_database_has_a_schema_version_and_uses_wal) {
  const fs::path db = fs::path(test::temp_dir()) / "new" / "history.db";
  { HistoryStore store(db); }
  BOOST_TEST(fs::exists(db));
  BOOST_TEST(pragma(db, "PRAGMA journal_mode") == "wal");
  BOOST_TEST(pragma(db, "SELECT max(version) FROM schema_version") ==
             std::to_string(HistoryStore::schema_version));
}

BOOST_AUTO_TEST_CASE(the_same_result_imported_twice_is_stored_once) {
  const fs::path db = fs::path(test::temp_dir()) / "twice.db";
  HistoryStore store(db);
  BOOST_TEST(store.add_run(run_at(1000, 20), "a.json").has_value());
  BOOST_TEST(!store.add_run(run_at(1000, 20), "a-again.json").has_value());
  BOOST_TEST(store.add_run(run_at(2000, 20), "b.json").has_value());
  BOOST_TEST(store.run_count() == 2u);
}

BOOST_AUTO_TEST_CASE(runs_of_a_case_come_in_start_time_order_whatever_the_import_order) {
  const fs::path db = fs::path(test::temp_dir()) / "order.db";
  HistoryStore store(db);
  store.add_run(run_at(3000, 23), "third.json");
  store.add_run(run_at(1000, 20), "first.json");
  store.add_run(run_at(2000, 21), "second.json");
  store.add_run(run_at(1500, 99, "other"), "other.json");
  const auto runs = store.runs_of("c", "p50");
  BOOST_TEST_REQUIRE(runs.size() == 3u);
  BOOST_TEST(runs[0].source == "first.json");
  BOOST_TEST(runs[1].source == "second.json");
  BOOST_TEST(runs[2].source == "third.json");
  BOOST_TEST(runs[0].value == 20.0, boost::test_tools::tolerance(0.05));
  BOOST_TEST(runs[2].value == 23.0, boost::test_tools::tolerance(0.05));
  BOOST_TEST((store.case_ids() == std::vector<std::string>{"c", "other"}));
}

BOOST_AUTO_TEST_CASE(runs_survive_reopening_the_database) {
  const fs::path db = fs::path(test::temp_dir()) / "reopen.db";
  { HistoryStore(db).add_run(run_at(1000, 20), "a.json"); }
  HistoryStore again(db);
  BOOST_TEST(again.runs_of("c", "p95").size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_database_from_a_newer_schema_is_refused_with_its_name) {
  const fs::path db = fs::path(test::temp_dir()) / "newer.db";
  { HistoryStore store(db); }
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  sqlite3_exec(h, "INSERT INTO schema_version VALUES (99)", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  try {
    HistoryStore store(db);
    BOOST_FAIL("opened a newer schema");
  } catch (const UserError& e) {
    BOOST_TEST(std::string(e.what()).find("newer.db") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("99") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(the_default_database_is_under_xdg_data_home) {
  const char* saved = std::getenv("XDG_DATA_HOME");
  const std::string old = saved ? saved : "";
  setenv("XDG_DATA_HOME", "/tmp/xdg-here", 1);
  BOOST_TEST(HistoryStore::default_path() == fs::path("/tmp/xdg-here/perf-agent/history.db"));
  unsetenv("XDG_DATA_HOME");
  const fs::path home = std::getenv("HOME");
  BOOST_TEST(HistoryStore::default_path() == home / ".local/share/perf-agent/history.db");
  if (saved) setenv("XDG_DATA_HOME", old.c_str(), 1);
}

BOOST_AUTO_TEST_SUITE_END()
