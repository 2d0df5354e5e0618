// Checkpointer: copies the write-ahead log back into the database file on a
// thread of its own. SQLite's automatic checkpoint runs inside the COMMIT that
// crosses its threshold - about a thousand pages written and the database file
// fsynced on the reactor's thread while every client waits for its reply.
// With a Checkpointer the broker raises that threshold to a backstop
// (Store::SetAutoCheckpointPages) and this thread does a PASSIVE checkpoint
// every `interval`: it never blocks the writer or the report thread's reads,
// and copies what no reader still needs.
//
// Durability is unchanged: the connection uses synchronous=FULL, so the WAL is
// synced before pages are copied and the database file before the WAL may be
// reused.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/mutex.h"
#include "common/status.h"

namespace mpp::store {

class Checkpointer {
 public:
  static StatusOr<std::unique_ptr<Checkpointer>> Start(const std::string& path,
                                                       std::chrono::milliseconds interval);
  ~Checkpointer();  // stops and joins the thread, then closes its connection
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // WAL frames copied into the database file so far (a WAL restarted and
  // grown past its old size between two runs is undercounted: a statistic).
  int64_t frames() const { return frames_.load(); }
  // Checkpoints that found something to copy.
  int64_t runs() const { return runs_.load(); }
  // Frames of the WAL not in the database file at the last checkpoint, and
  // how long since the WAL was last fully copied (0 when it is): a reader
  // that never ends, or failing checkpoints, make both grow.
  int64_t frames_behind() const { return frames_behind_.load(); }
  std::chrono::milliseconds behind_for() const;

 private:
  Checkpointer(sqlite3* db, std::string path, std::chrono::milliseconds interval);
  void Run();

  sqlite3* db_;
  std::string path_;
  std::chrono::milliseconds interval_;
  Mutex mu_;
  CondVar cv_;
  bool stop_ GUARDED_BY(mu_) = false;
  std::atomic<int64_t> frames_{0}, runs_{0}, frames_behind_{0};
  // steady_clock milliseconds of the last checkpoint that copied everything.
  std::atomic<int64_t> caught_up_ms_;
  int last_wal_frames_ = 0, last_copied_ = 0;  // the thread's own
  std::thread thread_;
};

}  // namespace mpp::store
