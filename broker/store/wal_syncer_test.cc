#include "broker/store/wal_syncer.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "broker/store/store.h"
#include "tests/wait_for.h"

namespace mpp::store {
namespace {

using mpp::testing::WaitFor;

class WalSyncerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mpp-syncer-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "mpp.db").string();
    store_ = std::move(Store::Open(path_).value());  // creates the WAL
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(WalSyncerTest, ARequestIsSyncedAndSignalled) {
  std::atomic<int> calls{0};
  auto s = WalSyncer::Start(path_, [&](int fd) {
    ++calls;
    return fdatasync(fd);
  });
  ASSERT_TRUE(s.ok()) << s.status().message();
  WalSyncer& syncer = *s.value();
  EXPECT_FALSE(Readable(syncer.synced_fd()));
  syncer.Request(1);
  ASSERT_TRUE(WaitFor([&] { return Readable(syncer.synced_fd()); }, 5000));
  EXPECT_EQ(syncer.TakeSynced(), 1u);
  EXPECT_FALSE(Readable(syncer.synced_fd()));  // taken
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(syncer.syncs(), 1);
}

// A sync vouches only for commits that returned before it began: a request
// made while a sync runs needs the next one.
TEST_F(WalSyncerTest, ARequestDuringASyncWaitsForTheNextSync) {
  std::mutex mu;
  std::condition_variable cv;
  bool hold = true;
  int entered = 0;
  auto s = WalSyncer::Start(path_, [&](int fd) {
    std::unique_lock<std::mutex> lock(mu);
    ++entered;
    cv.notify_all();
    cv.wait(lock, [&] { return !hold; });
    return fdatasync(fd);
  });
  ASSERT_TRUE(s.ok());
  WalSyncer& syncer = *s.value();
  syncer.Request(1);
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return entered == 1; }));
  }
  syncer.Request(2);  // the first sync has begun: it cannot cover this one
  {
    std::lock_guard<std::mutex> lock(mu);
    hold = false;
  }
  cv.notify_all();
  ASSERT_TRUE(WaitFor([&] { return syncer.syncs() == 2; }, 5000));
  EXPECT_EQ(syncer.TakeSynced(), 2u);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(entered, 2);
}

TEST_F(WalSyncerTest, StoppingSyncsWhatWasRequested) {
  std::atomic<int> calls{0};
  {
    auto s = WalSyncer::Start(path_, [&](int fd) {
      ++calls;
      return fdatasync(fd);
    });
    ASSERT_TRUE(s.ok());
    s.value()->Request(7);
  }  // destroyed at once: the request is still synced
  EXPECT_GE(calls.load(), 1);
}

TEST_F(WalSyncerTest, AMissingWalIsAClearError) {
  auto s = WalSyncer::Start((dir_ / "nothing.db").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nothing.db-wal"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace mpp::store
