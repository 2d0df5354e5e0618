#include "broker/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace mpp::store {
namespace {

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close(db); }
};

int64_t One(sqlite3* db, const char* sql, std::string* text = nullptr) {
  sqlite3_stmt* q = nullptr;
  int64_t out = 0;
  if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
    out = sqlite3_column_int64(q, 0);
    if (text && sqlite3_column_text(q, 0)) {
      *text = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    }
  }
  sqlite3_finalize(q);
  return out;
}

}  // namespace

Status BackupDatabase(const std::string& db, const std::string& to, BackupInfo* info) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(to, ec)) {
    return Status::Error(to + " exists; a backup never overwrites a file. Give a new name.");
  }
  if (!fs::exists(db, ec)) return Status::Error("no database at " + db);
  const std::string partial = to + ".partial";
  fs::remove(partial, ec);
  {
    // Created 0600 before SQLite opens it: the copy holds PIN hashes too.
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Error("cannot create " + partial + ": " + std::strerror(errno));
    ::close(fd);
  }
  Db src, dst;
  if (sqlite3_open_v2(db.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    fs::remove(partial, ec);
    return Status::Error("cannot read " + db + ": " + sqlite3_errmsg(src.db));
  }
  sqlite3_busy_timeout(src.db, 5000);
  if (sqlite3_open_v2(partial.c_str(), &dst.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    fs::remove(partial, ec);
    return Status::Error("cannot write " + partial + ": " + sqlite3_errmsg(dst.db));
  }
  sqlite3_backup* b = sqlite3_backup_init(dst.db, "main", src.db, "main");
  if (!b) {
    fs::remove(partial, ec);
    return Status::Error("cannot start the backup: " + std::string(sqlite3_errmsg(dst.db)));
  }
  // All pages in one step: one consistent snapshot of the database and its WAL.
  int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    const std::string why = sqlite3_errstr(rc);
    fs::remove(partial, ec);
    return Status::Error("the backup of " + db + " failed: " + why +
                         (rc == SQLITE_FULL ? " (the target disk is full)" : ""));
  }
  // The copy is a plain rollback-journal file: one file to move around.
  sqlite3_exec(dst.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
  std::string check;
  One(dst.db, "PRAGMA quick_check", &check);
  if (check != "ok") {
    fs::remove(partial, ec);
    return Status::Error("the copy failed its check (" + check + "); nothing was written");
  }
  if (info) {
    info->last_seq = One(dst.db, "SELECT COALESCE(MAX(seq), 0) FROM events");
    info->tickets = One(dst.db, "SELECT COUNT(*) FROM tickets");
    One(dst.db, "SELECT MAX(business_day) FROM tickets", &info->last_day);
  }
  sqlite3_close(dst.db);
  dst.db = nullptr;
  {
    const int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      (void)fsync(fd);
      ::close(fd);
    }
  }
  fs::rename(partial, to, ec);
  if (ec) return Status::Error("cannot rename " + partial + " to " + to + ": " + ec.message());
  if (info) info->bytes = static_cast<int64_t>(fs::file_size(to, ec));
  return Status::Ok();
}

}  // namespace mpp::store
