#include "broker/store/checkpointer.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "common/time_util.h"

namespace mpp::store {

StatusOr<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                            std::chrono::milliseconds interval) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Status::Error(path + ": cannot open the database for checkpoints (" + msg + ")");
  }
  // The checkpoint syncs with this connection's setting: FULL, as the writer.
  char* err = nullptr;
  if (sqlite3_exec(db, "PRAGMA synchronous=FULL;", nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    sqlite3_close_v2(db);
    return Status::Error(path + ": SQLite: " + msg);
  }
  std::unique_ptr<Checkpointer> c(new Checkpointer(db, path, interval));
  c->thread_ = std::thread([p = c.get()] { p->Run(); });
  return c;
}

Checkpointer::Checkpointer(sqlite3* db, std::string path, std::chrono::milliseconds interval)
    : db_(db), path_(std::move(path)), interval_(interval), caught_up_ms_(SteadyNowMs()) {}

Checkpointer::~Checkpointer() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.SignalAll();
  if (thread_.joinable()) thread_.join();
  sqlite3_close_v2(db_);
}

std::chrono::milliseconds Checkpointer::behind_for() const {
  if (frames_behind_.load() == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(SteadyNowMs() - caught_up_ms_.load());
}

void Checkpointer::Run() {
  pthread_setname_np(pthread_self(), "mpp-checkpoint");
  auto last_warning = std::chrono::steady_clock::now() - std::chrono::minutes(2);
  MutexLock lock(&mu_);
  while (true) {
    const auto until = std::chrono::steady_clock::now() + interval_;
    while (!stop_ && cv_.WaitUntil(&mu_, until)) {
    }
    if (stop_) return;
    mu_.Unlock();  // the checkpoint runs without it
    int wal_frames = 0, copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied);
    if (rc == SQLITE_OK) {
      // `copied` counts the WAL's frames now in the file, also those copied by
      // earlier runs; a smaller WAL than last time means it was restarted.
      const int fresh = wal_frames < last_wal_frames_ ? copied : copied - last_copied_;
      if (fresh > 0) {
        frames_ += fresh;
        ++runs_;
      }
      last_wal_frames_ = wal_frames;
      last_copied_ = copied;
      frames_behind_ = wal_frames - copied;
      if (copied >= wal_frames) caught_up_ms_ = SteadyNowMs();
    } else if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_warning > std::chrono::minutes(1)) {
        last_warning = now;
        spdlog::warn("{}: WAL checkpoint failed: {}; the writer's backstop checkpoint takes over",
                     path_, sqlite3_errmsg(db_));
      }
    }
    mu_.Lock();
  }
}

}  // namespace mpp::store
