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
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

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
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  void Submit(Job job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
  }
  std::vector<Result> TakeResults() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(results_, {});
  }

  // On the thread: waits for a job until `until`. False when stopping; else
  // `*job` is the next job, or empty when `until` came first.
  bool Next(Clock::time_point until, std::optional<Job>* job) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, until, [&] { return stop_ || !jobs_.empty(); });
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
      std::lock_guard<std::mutex> lock(mu_);
      results_.push_back(std::move(result));
    }
    if (wake_) wake_();
  }

 private:
  std::function<void()> wake_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;            // GUARDED_BY(mu_)
  std::deque<Job> jobs_;         // GUARDED_BY(mu_)
  std::vector<Result> results_;  // GUARDED_BY(mu_)
};

}  // namespace mpp
