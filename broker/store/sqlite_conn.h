// SqliteConn: an owned sqlite3 connection with the few one-line queries the
// offline tools (backup, archive) need. The store keeps its own prepared
// statements; this is for code that runs a handful of statements once.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "common/status.h"

namespace mpp::store {

struct SqliteConn {
  sqlite3* db = nullptr;
  SqliteConn() = default;
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;
  ~SqliteConn() { sqlite3_close(db); }

  Status Exec(const std::string& sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : sqlite3_errmsg(db);
      sqlite3_free(err);
      return Status::Error("SQLite: " + m + " (in: " + sql.substr(0, 80) + ")");
    }
    return Status::Ok();
  }
  // The first column of the first row as text ("" if there is none); `bind`
  // (if not empty) is ?1.
  std::string Text(const std::string& sql, const std::string& bind = "") const {
    sqlite3_stmt* q = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK) {
      if (!bind.empty()) sqlite3_bind_text(q, 1, bind.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0)) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
      }
    }
    sqlite3_finalize(q);
    return out;
  }
  int64_t Int(const std::string& sql, const std::string& bind = "") const {
    const std::string t = Text(sql, bind);
    return t.empty() ? 0 : std::stoll(t);
  }
};

}  // namespace mpp::store
