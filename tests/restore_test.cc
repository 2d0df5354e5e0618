// A broker restored from an older backup never hands out a number a visitor
// already holds: the clients that survived tell it what they saw, and an
// administrator can skip a margin when none did (docs/OPERATIONS.md).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

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

// An upgrade: a hall's database written by the broker of schema 8 (a
// simulated morning, tests/data/schema8-2026-11-30.db, made with that
// release's mpp-broker and mpp-sim) is opened by this broker the next
// morning. It migrates the file after copying it as it was (the way back),
// says so, and the day's report is the one that release's mppctl printed
// (tests/data/schema8-2026-11-30.report.json) - field for field, for every
// field it had.
TEST(Upgrade, AnOlderDatabaseIsCopiedMigratedAndReportsTheSameDay) {
  TempDir dir;
  const std::string fixture = std::string(MPP_SOURCE_DIR) + "/tests/data/schema8-2026-11-30.db";
  fs::copy_file(fixture, dir.File("mpp.db"));
  fs::permissions(dir.File("mpp.db"), fs::perms::owner_read | fs::perms::owner_write);
  BrokerProcess::Options o;
  o.clock_start = "2026-12-01T07:00:00+07:00";  // upgraded overnight
  o.log_level = "info";
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start()) << broker.StderrText();
  const std::string log = broker.StderrText();
  EXPECT_NE(log.find("migrated to schema 9"), std::string::npos) << log;
  std::string copy;
  for (const auto& f : fs::directory_iterator(dir.path()))
    if (f.path().filename().string().rfind("mpp.db.schema8-", 0) == 0) copy = f.path().string();
  ASSERT_FALSE(copy.empty()) << "no copy of the schema 8 file beside it";
  EXPECT_NE(log.find(copy), std::string::npos) << "the log names the copy: " << log;
  // The copy is the file as it was: its schema and every row.
  auto counts = [](const std::string& file) {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* q = nullptr;
      sqlite3_prepare_v2(db,
                         "SELECT (SELECT user_version FROM pragma_user_version), "
                         "(SELECT count(*) FROM tickets), (SELECT count(*) FROM events)",
                         -1, &q, nullptr);
      if (sqlite3_step(q) == SQLITE_ROW) {
        for (int i = 0; i < 3; ++i) out += std::to_string(sqlite3_column_int64(q, i)) + " ";
      }
      sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return out;
  };
  EXPECT_EQ(counts(copy), "8 42 226 ");
  EXPECT_EQ(counts(copy), counts(fixture));

  const CommandResult r = RunCommand(std::string(MPP_CTL_BIN) + " --broker " +
                                     broker.command_endpoint() +
                                     " report --from 2026-11-30 --format json 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json now = nlohmann::json::parse(r.out);
  const nlohmann::json before = nlohmann::json::parse(
      ReadFile(std::string(MPP_SOURCE_DIR) + "/tests/data/schema8-2026-11-30.report.json"));
  // Every field the old report had, with its value (new fields may be added).
  std::function<void(const nlohmann::json&, const nlohmann::json&, const std::string&)> same =
      [&](const nlohmann::json& a, const nlohmann::json& b, const std::string& at) {
        if (a.is_object()) {
          ASSERT_TRUE(b.is_object()) << at;
          for (auto it = a.begin(); it != a.end(); ++it) {
            ASSERT_TRUE(b.contains(it.key())) << at << "/" << it.key() << " is gone";
            same(it.value(), b[it.key()], at + "/" + it.key());
          }
        } else if (a.is_array()) {
          ASSERT_TRUE(b.is_array() && a.size() == b.size()) << at;
          for (size_t i = 0; i < a.size(); ++i) same(a[i], b[i], at + "[" + std::to_string(i) + "]");
        } else {
          EXPECT_EQ(a, b) << at;
        }
      };
  same(before, now, "");
}

}  // namespace
}  // namespace mpp::testing
