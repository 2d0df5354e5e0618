// DatabaseLock: one broker per database file, and a file only its owner reads.
//
// Two brokers on one file each die on the other's events in turn (a crash
// loop under a service manager). The broker takes an exclusive flock(2) on
// the database file itself for its whole life - SQLite's own locks are
// fcntl(2) locks, which do not interact with it - before it opens or
// migrates anything; a second broker is refused with the holder's pid (from
// /proc/locks). The file holds operators' PIN hashes: it is created 0600 and
// one that others may read is refused (SQLite gives -wal and -shm the same
// mode).
#pragma once

#include <string>

#include "common/status.h"

namespace mpp::store {

class DatabaseLock {
 public:
  // Creates `path` (0600) when it does not exist, checks its mode and locks it.
  static StatusOr<DatabaseLock> Acquire(const std::string& path);
  DatabaseLock(DatabaseLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DatabaseLock& operator=(DatabaseLock&&) = delete;
  DatabaseLock(const DatabaseLock&) = delete;
  ~DatabaseLock();

 private:
  explicit DatabaseLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// The database's folder must take new files: SQLite creates the -wal and
// -shm files there (a read-only folder would fail at the first write).
Status CheckFolderWritable(const std::string& path);

}  // namespace mpp::store
