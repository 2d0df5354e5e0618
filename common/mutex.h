// Mutex, MutexLock and CondVar: std::mutex and std::condition_variable_any
// with the capability annotations clang checks (common/thread_annotations.h);
// libstdc++'s own types carry none.
//
//   mutable Mutex mu_;
//   int n_ GUARDED_BY(mu_) = 0;
//   void Add() { MutexLock lock(&mu_); ++n_; }
//   while (n_ == 0) cv_.Wait(&mu_);   // with mu_ held
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/thread_annotations.h"

namespace mpp {

class CAPABILITY("mutex") Mutex {
 public:
  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  // BasicLockable, for CondVar.
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Holds a Mutex for its scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* mu_;
};

// Waited on with its Mutex held; the wait releases it and takes it back.
class CondVar {
 public:
  void Wait(Mutex* mu) REQUIRES(mu) { cv_.wait(*mu); }
  // False when `until` came first.
  bool WaitUntil(Mutex* mu, std::chrono::steady_clock::time_point until) REQUIRES(mu) {
    return cv_.wait_until(*mu, until) == std::cv_status::no_timeout;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable_any cv_;
};

}  // namespace mpp
