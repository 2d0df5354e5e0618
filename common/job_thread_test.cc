#include "common/job_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "testing/wait_for.h"

namespace mpp {
namespace {

using Clock = std::chrono::steady_clock;

TEST(JobThread, JobsAreDoneInOrderAndEachWakesTheUi) {
  std::atomic<int> wakes{0};
  JobThread<int, std::string> jobs([&] { ++wakes; });
  jobs.Start([&] {
    std::optional<int> job;
    while (jobs.Next(Clock::now() + std::chrono::hours(1), &job)) {
      if (job) jobs.Post("done " + std::to_string(*job));
    }
  });
  for (int i = 1; i <= 3; ++i) jobs.Submit(i);
  std::vector<std::string> results;
  // A result is taken before its wake call returns: wait for both.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        for (auto& r : jobs.TakeResults()) results.push_back(r);
        return results.size() == 3 && wakes.load() == 3;
      },
      5000));
  EXPECT_EQ(results, (std::vector<std::string>{"done 1", "done 2", "done 3"}));
  EXPECT_EQ(wakes.load(), 3);
  jobs.Stop();
}

TEST(JobThread, NextWakesAtItsDeadlineWithoutAJobAndStopEndsIt) {
  JobThread<int, int> jobs(nullptr);
  std::atomic<int> timeouts{0};
  std::atomic<bool> ended{false};
  jobs.Start([&] {
    std::optional<int> job;
    while (jobs.Next(Clock::now() + std::chrono::milliseconds(5), &job)) {
      if (!job) ++timeouts;
    }
    ended = true;
  });
  ASSERT_TRUE(testing::WaitFor([&] { return timeouts.load() >= 3; }, 5000));
  jobs.Stop();
  EXPECT_TRUE(ended.load());
}

}  // namespace
}  // namespace mpp
