// A broker restored from an older backup never hands out a number a visitor
// already holds: the clients that survived tell it what they saw, and an
// administrator can skip a margin when none did (docs/OPERATIONS.md).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/clone_client.h"
#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

namespace fs = std::filesystem;

int LastNumber(const v1::Snapshot& s, const std::string& prefix) {
  for (const auto& p : s.last_numbers()) {
    if (p.prefix() == prefix) return p.last();
  }
  return 0;
}

// The database as a backup taken now (the broker stopped: no -wal left over).
void CopyDatabase(const std::string& from, const std::string& to) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(to + suffix);
    if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix);
  }
}

TEST(Restore, AClientThatSawLaterNumbersMakesTheRestoredBrokerSkipThem) {
  TempDir dir;
  BrokerProcess broker(dir);  // Monday 09:00
  ASSERT_TRUE(broker.Start());
  {
    TestClient kiosk(broker.command_endpoint(), "kiosk-1");
    kiosk.Issue("KTP-REKAM");
    kiosk.Issue("KTP-REKAM");
  }
  ASSERT_EQ(broker.Stop(), 0);
  const std::string backup = dir.File("backup.db");
  CopyDatabase(broker.db_path(), backup);

  ASSERT_TRUE(broker.StartOnSamePorts());
  CloneClient::Options co;
  co.broker = broker.command_endpoint();
  co.client_id = "display-A";
  CloneClient display(co, nullptr);
  display.Start();
  {
    TestClient kiosk(broker.command_endpoint(), "kiosk-1");
    for (int i = 3; i <= 5; ++i) ASSERT_EQ(kiosk.Issue("KTP-REKAM").ticket().seq_no(), i);
  }
  ASSERT_TRUE(WaitFor([&] { return display.Read().state.tickets().size() == 5; }, 10000));

  // The disk is lost; the administrator restores this morning's backup.
  ASSERT_EQ(broker.Stop(), 0);
  CopyDatabase(backup, broker.db_path());
  ASSERT_TRUE(broker.StartOnSamePorts());
  TestClient kiosk(broker.command_endpoint(), "kiosk-1");
  // The display saw A-005; the restored broker knew only A-002.
  EXPECT_TRUE(WaitFor([&] { return LastNumber(kiosk.Snapshot().snapshot(), "A") >= 5; }, 15000))
      << broker.StderrText();
  display.Stop();
  EXPECT_NE(broker.StderrText().find("numbering raised"), std::string::npos)
      << "the raise is logged";
  // The raise is durable: a restart with nobody to remind the broker keeps it.
  ASSERT_EQ(broker.Stop(), 0);
  ASSERT_TRUE(broker.StartOnSamePorts());
  TestClient after(broker.command_endpoint(), "kiosk-1");
  EXPECT_EQ(after.Issue("KTP-REKAM").ticket().number(), "A-006");
}

TEST(Restore, AnAdministratorSkipsAMarginWhenNoClientSurvived) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient admin(broker.command_endpoint(), "mppctl");
  ASSERT_EQ(admin.Issue("KTP-REKAM").ticket().number(), "A-001");
  v1::Request skip;
  skip.mutable_skip_numbers()->set_margin(50);
  ASSERT_EQ(admin.Must(skip).error().code(), v1::OK);
  EXPECT_EQ(admin.Issue("KTP-REKAM").ticket().number(), "A-052");
  EXPECT_EQ(admin.Issue("SKCK-BARU").ticket().number(), "B-051") << "every prefix, used or not";
  skip.mutable_skip_numbers()->set_margin(0);
  EXPECT_EQ(admin.Must(skip).error().code(), v1::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace mpp::testing
