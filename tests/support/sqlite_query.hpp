// Test support: one value read from a SQLite file on a connection of its own, to check what a
// store wrote (schema versions, journal mode) from the outside. Header only: the suites that
// use it link SQLite themselves.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <string>

namespace perf::test {

// The first column of the first row of `sql`, as text ("" when there is no row).
inline std::string sqlite_query_one(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
  std::string out;
  if (sqlite3_step(statement) == SQLITE_ROW)
    if (const auto* text = sqlite3_column_text(statement, 0))
      out = reinterpret_cast<const char*>(text);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return out;
}

}  // namespace perf::test
