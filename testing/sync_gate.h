// SyncGate: a WAL sync function (for store::WalSyncer::Start) that a test can
// hold back. While held, a thread that calls Sync waits in it; the test sees
// how many syncs began and lets them finish with Release.
#pragma once

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace mpp::testing {

class SyncGate {
 public:
  int Sync(int fd) {
    std::unique_lock<std::mutex> lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !held_; });
    return fdatasync(fd);
  }
  // Holds the syncs that begin from now on, and counts them from zero.
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
    entered_ = 0;
  }
  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  // Waits (up to 5 s) until `n` syncs began since Hold.
  bool WaitEntered(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ >= n; });
  }
  int entered() {
    std::lock_guard<std::mutex> lock(mu_);
    return entered_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  int entered_ = 0;
};

}  // namespace mpp::testing
