// WalSyncer: makes the reactor's commits durable on a thread of its own.
//
// With synchronous=FULL every COMMIT fsyncs the write-ahead log on the
// reactor's thread, which then waits ~0.3-1 ms doing nothing while requests
// queue behind it. With a WalSyncer the writer commits with
// synchronous=NORMAL (Store::SetCommitSync(false)) and this thread fdatasyncs
// the WAL file instead; the reactor holds every reply and event of a batch
// until a sync that began after the batch's COMMIT returned has finished, and
// meanwhile handles the next batch.
//
// Why that is as durable as FULL: an fdatasync covers every write to the
// file that completed before it began, and a COMMIT's frames are written
// (pwrite) before COMMIT returns. The rest of what FULL syncs NORMAL still
// syncs itself: the WAL header when the log restarts from its beginning
// (before any frame is written over old ones) and both files around each
// checkpoint. SQLite opens the WAL once and never replaces it while a
// connection is open, so the file this thread opened by name is the one
// SQLite writes.
//
// Thread-safe: Request and TakeSynced from the reactor, Run on its own thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/mutex.h"
#include "common/status.h"

namespace mpp::store {

class WalSyncer {
 public:
  // `sync` syncs the file (fdatasync by default; tests slow it down). The
  // WAL file (`db_path` + "-wal") must exist: open the Store first.
  static StatusOr<std::unique_ptr<WalSyncer>> Start(const std::string& db_path,
                                                    std::function<int(int fd)> sync = nullptr);
  ~WalSyncer();  // syncs what was requested, then joins
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Asks for a sync that begins after this call; `generation` numbers it and
  // must grow. Never blocks.
  void Request(uint64_t generation);
  // Readable (an eventfd) when a sync finished; poll it as a plain descriptor.
  int synced_fd() const { return synced_fd_; }
  // Clears synced_fd and returns the highest generation whose sync finished.
  uint64_t TakeSynced();
  // Syncs finished so far (each covers every generation requested before it began).
  int64_t syncs() const;

 private:
  WalSyncer(int wal_fd, int synced_fd, std::string wal_path, std::function<int(int)> sync);
  void Run();

  const int wal_fd_;
  const int synced_fd_;
  const std::string wal_path_;
  const std::function<int(int)> sync_;
  mutable Mutex mu_;
  CondVar cv_;
  uint64_t requested_ GUARDED_BY(mu_) = 0;
  uint64_t synced_ GUARDED_BY(mu_) = 0;
  int64_t syncs_ GUARDED_BY(mu_) = 0;
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mpp::store
