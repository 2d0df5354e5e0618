// JobThread: the thread a screen hands its slow work to (the network, a
// printer), so that a frame never waits - the plumbing RequestWorker and
// KioskWorker share. The UI thread submits jobs and takes results; the body
// running on the thread takes jobs in order with Next (which also wakes it at
// a time of its choosing, for polls and retries) and hands results back with
// Post, which calls `wake` (glfwPostEmptyEvent) so the UI draws them.
//
//   JobThread<Job, Result> jobs(wake);
//   jobs.Start([&] { std::optional<Job> j; while (jobs.Next(deadline, &j)) ...; });
//   jobs.Submit(job);                 // UI thread
//   for (auto& r : jobs.TakeResults()) ...
//   jobs.Stop();                      // the job in hand is finished first
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "common/mutex.h"

namespace mpp {

template <typename Job, typename Result>
class JobThread {
 public:
  using Clock = std::chrono::steady_clock;

  explicit JobThread(std::function<void()> wake) : wake_(std::move(wake)) {}
  ~JobThread() { Stop(); }
  JobThread(const JobThread&) = delete;
  JobThread& operator=(const JobThread&) = delete;

  // Runs `body` on the thread. REQUIRES: not started.
  void Start(std::function<void()> body) { thread_ = std::thread(std::move(body)); }
  // Makes Next return false and joins the thread.
  void Stop() {
    {
      MutexLock lock(&mu_);
      stop_ = true;
    }
    cv_.SignalAll();
    if (thread_.joinable()) thread_.join();
  }

  void Submit(Job job) {
    {
      MutexLock lock(&mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.SignalAll();
  }
  std::vector<Result> TakeResults() {
    MutexLock lock(&mu_);
    return std::exchange(results_, {});
  }

  // On the thread: waits for a job until `until`. False when stopping; else
  // `*job` is the next job, or empty when `until` came first.
  bool Next(Clock::time_point until, std::optional<Job>* job) {
    MutexLock lock(&mu_);
    while (!stop_ && jobs_.empty()) {
      if (!cv_.WaitUntil(&mu_, until)) break;
    }
    if (stop_) return false;
    job->reset();
    if (!jobs_.empty()) {
      job->emplace(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    return true;
  }
  // On the thread: a result for the UI, which is woken.
  void Post(Result result) {
    {
      MutexLock lock(&mu_);
      results_.push_back(std::move(result));
    }
    if (wake_) wake_();
  }

 private:
  std::function<void()> wake_;
  std::thread thread_;
  Mutex mu_;
  CondVar cv_;
  bool stop_ GUARDED_BY(mu_) = false;
  std::deque<Job> jobs_ GUARDED_BY(mu_);
  std::vector<Result> results_ GUARDED_BY(mu_);
};

}  // namespace mpp
