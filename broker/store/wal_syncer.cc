#include "broker/store/wal_syncer.h"

#include <fcntl.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mpp::store {

StatusOr<std::unique_ptr<WalSyncer>> WalSyncer::Start(const std::string& db_path,
                                                      std::function<int(int)> sync) {
  const std::string wal = db_path + "-wal";
  const int fd = open(wal.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::Error("cannot open " + wal + " to sync it: " + std::strerror(errno));
  }
  const int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) {
    close(fd);
    return Status::Error(std::string("eventfd: ") + std::strerror(errno));
  }
  if (!sync) sync = [](int f) { return fdatasync(f); };
  return std::unique_ptr<WalSyncer>(new WalSyncer(fd, efd, wal, std::move(sync)));
}

WalSyncer::WalSyncer(int wal_fd, int synced_fd, std::string wal_path, std::function<int(int)> sync)
    : wal_fd_(wal_fd),
      synced_fd_(synced_fd),
      wal_path_(std::move(wal_path)),
      sync_(std::move(sync)) {
  thread_ = std::thread([this] { Run(); });
}

WalSyncer::~WalSyncer() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  cv_.Signal();
  thread_.join();
  close(wal_fd_);
  close(synced_fd_);
}

void WalSyncer::Request(uint64_t generation) {
  {
    MutexLock lock(&mu_);
    requested_ = generation;
  }
  cv_.Signal();
}

uint64_t WalSyncer::TakeSynced() {
  uint64_t n;
  (void)!read(synced_fd_, &n, sizeof n);  // EAGAIN: nothing new
  MutexLock lock(&mu_);
  return synced_;
}

int64_t WalSyncer::syncs() const {
  MutexLock lock(&mu_);
  return syncs_;
}

void WalSyncer::Run() {
  pthread_setname_np(pthread_self(), "mpp-walsync");
  MutexLock lock(&mu_);
  while (true) {
    while (!stop_ && requested_ <= synced_) cv_.Wait(&mu_);
    if (requested_ == synced_) return;  // stopping, and nothing left to sync
    // Every generation requested so far had its COMMIT return before its
    // request, so before this sync begins.
    const uint64_t target = requested_;
    mu_.Unlock();  // the sync runs without it: Request and TakeSynced go on
    const int rc = sync_(wal_fd_);
    const int err = errno;
    mu_.Lock();
    if (rc != 0) {
      // After a failed fsync the kernel may have dropped the dirty pages:
      // nothing since the last good sync can be called durable. Nothing of it
      // was acknowledged; exit, and the next start rebuilds from what is on disk.
      spdlog::critical("fdatasync {} failed: {}; exiting so state is rebuilt from the database",
                       wal_path_, std::strerror(err));
      std::abort();
    }
    synced_ = target;
    ++syncs_;
    const uint64_t one = 1;
    (void)!write(synced_fd_, &one, sizeof one);
  }
}

}  // namespace mpp::store
