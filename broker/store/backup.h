// A consistent copy of a live database (docs/OPERATIONS.md, "Backup"):
// SQLite's online backup API reads the database and its -wal as one snapshot
// on a read-only connection of its own, while the broker goes on writing.
// Copying mpp.db with cp while the broker runs can leave out committed
// tickets still in mpp.db-wal; this is the way to copy a live database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace mpp::store {

struct BackupInfo {
  int64_t bytes = 0;
  int64_t last_seq = 0;
  int64_t tickets = 0;
  std::string last_day;  // the latest business day with tickets
};

// Copies `db` to `to` (which must not exist): written as `to`.partial, 0600,
// synced, checked with quick_check, then renamed.
Status BackupDatabase(const std::string& db, const std::string& to, BackupInfo* info);

// Backups kept in a folder (the nightly timer's): each named
// mpp-YYYYMMDD-HHMMSS.db after the local time it was taken, so that names
// sort by age.
std::string BackupFileName(int64_t unix_ms);
bool IsBackupFileName(const std::string& name);

// Deletes the oldest backups in `dir` beyond the newest `keep` (>= 1), and
// any mpp-*.db.partial left by a backup that did not finish; other files are
// never touched. Returns the paths deleted.
StatusOr<std::vector<std::string>> PruneBackups(const std::string& dir, int keep);

}  // namespace mpp::store
