#include "broker/store/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "broker/store/sqlite_conn.h"

namespace mpp::store {

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
  SqliteConn src, dst;
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
  const std::string check = dst.Text("PRAGMA quick_check");
  if (check != "ok") {
    fs::remove(partial, ec);
    return Status::Error("the copy failed its check (" + check + "); nothing was written");
  }
  if (info) {
    info->last_seq = dst.Int("SELECT COALESCE(MAX(seq), 0) FROM events");
    info->tickets = dst.Int("SELECT COUNT(*) FROM tickets");
    info->last_day = dst.Text("SELECT MAX(business_day) FROM tickets");
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

std::string BackupFileName(int64_t unix_ms) {
  const time_t t = static_cast<time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char name[40];
  std::strftime(name, sizeof name, "mpp-%Y%m%d-%H%M%S.db", &local);
  return name;
}

bool IsBackupFileName(const std::string& name) {
  // mpp-YYYYMMDD-HHMMSS.db
  if (name.size() != 22 || name.rfind("mpp-", 0) != 0 || name[12] != '-' ||
      name.compare(19, 3, ".db") != 0) {
    return false;
  }
  for (size_t i : {4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18}) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  return true;
}

StatusOr<std::vector<std::string>> PruneBackups(const std::string& dir, int keep) {
  namespace fs = std::filesystem;
  if (keep < 1) return Status::Error("--keep must be at least 1 (the backup just made)");
  std::vector<std::string> backups, deleted;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const bool partial = name.size() > 8 && name.compare(name.size() - 8, 8, ".partial") == 0 &&
                         IsBackupFileName(name.substr(0, name.size() - 8));
    if (partial) {
      if (fs::remove(it->path(), ec)) deleted.push_back(it->path().string());
    } else if (IsBackupFileName(name) && it->is_regular_file()) {
      backups.push_back(name);
    }
  }
  if (ec) return Status::Error("cannot list backups in " + dir + ": " + ec.message());
  std::sort(backups.begin(), backups.end());  // oldest first
  const size_t excess = backups.size() > static_cast<size_t>(keep) ? backups.size() - keep : 0;
  for (size_t i = 0; i < excess; ++i) {
    const fs::path p = fs::path(dir) / backups[i];
    if (!fs::remove(p, ec)) {
      return Status::Error("cannot delete the old backup " + p.string() + ": " + ec.message());
    }
    deleted.push_back(p.string());
  }
  return deleted;
}

}  // namespace mpp::store
