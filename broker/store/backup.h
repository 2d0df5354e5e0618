// A consistent copy of a live database (docs/OPERATIONS.md, "Backup"):
// SQLite's online backup API reads the database and its -wal as one snapshot
// on a read-only connection of its own, while the broker goes on writing.
// Copying mpp.db with cp while the broker runs can leave out committed
// tickets still in mpp.db-wal; this is the way to copy a live database.
#pragma once

#include <cstdint>
#include <string>

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

}  // namespace mpp::store
