#include "broker/store/wal_syncer.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>

#include "broker/store/store.h"
#include "testing/sync_gate.h"
#include "testing/temp_dir.h"
#include "testing/wait_for.h"

namespace mpp::store {
namespace {

using mpp::testing::WaitFor;

class WalSyncerTest : public ::testing::Test {
 protected:
  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }

  mpp::testing::TempDir dir_;
  std::string path_ = dir_.File("mpp.db");
  std::unique_ptr<Store> store_ = std::move(Store::Open(path_).value());  // creates the WAL
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
  mpp::testing::SyncGate gate;
  gate.Hold();
  auto s = WalSyncer::Start(path_, [&](int fd) { return gate.Sync(fd); });
  ASSERT_TRUE(s.ok());
  WalSyncer& syncer = *s.value();
  syncer.Request(1);
  ASSERT_TRUE(gate.WaitEntered(1));
  syncer.Request(2);  // the first sync has begun: it cannot cover this one
  gate.Release();
  ASSERT_TRUE(WaitFor([&] { return syncer.syncs() == 2; }, 5000));
  EXPECT_EQ(syncer.TakeSynced(), 2u);
  EXPECT_EQ(gate.entered(), 2);
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
  auto s = WalSyncer::Start(dir_.File("nothing.db"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nothing.db-wal"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace mpp::store
