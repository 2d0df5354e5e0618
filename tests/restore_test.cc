// A broker restored from an older backup never hands out a number a visitor
// already holds: the clients that survived tell it what they saw, and an
// administrator can skip a margin when none did (docs/OPERATIONS.md).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "broker/store/schema_version.h"
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
  EXPECT_NE(log.find("migrated to schema " + std::to_string(store::kSchemaVersion)),
            std::string::npos)
      << log;
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

  const CommandResult r =
      RunCommand(std::string(MPP_CTL_BIN) + " --broker " + broker.command_endpoint() +
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
          for (size_t i = 0; i < a.size(); ++i)
            same(a[i], b[i], at + "[" + std::to_string(i) + "]");
        } else {
          EXPECT_EQ(a, b) << at;
        }
      };
  same(before, now, "");
}

// A closed year's events and tickets move to an archive file; the hall's
// reports do not change (closed days are read from their summaries), the
// archive reports its year on its own, and the broker goes on numbering.
TEST(Archive, AClosedYearMovesOutAndEveryReportStaysTheSame) {
  TempDir dir;
  const std::string ctl = std::string(MPP_CTL_BIN);
  BrokerProcess::Options o;
  o.clock_start = "2025-12-30T09:00:00+07:00";
  {
    BrokerProcess last_year(dir, o);
    ASSERT_TRUE(last_year.Start());
    TestClient c(last_year.command_endpoint());
    c.SignIn(1, "ani");
    for (int i = 0; i < 5; ++i) c.Issue("KTP-REKAM");
    for (int i = 0; i < 3; ++i) {
      c.CallNext(1);
      c.StartServing(1);
      c.Finish(1);
    }
    ASSERT_EQ(last_year.Stop(), 0);
  }
  // `where`: --broker URL, or --db FILE --config CATALOG (options of report).
  auto report = [&](const std::string& where) {
    return RunCommand(ctl + " report --from 2025-12-30 --format json " + where + " 2>&1").out;
  };
  o.clock_start = "2026-01-02T08:00:00+07:00";
  std::string before;
  int64_t seq_before = 0;
  {
    BrokerProcess next(dir, o);  // closes 2025-12-30 (expires its open tickets, summarizes it)
    ASSERT_TRUE(next.Start());
    TestClient c(next.command_endpoint());
    EXPECT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-001");
    before = report("--broker " + next.command_endpoint());
    ASSERT_NE(before.find("\"issued\":5"), std::string::npos) << before;
    seq_before = static_cast<int64_t>(c.Status().seq());
    // Never under a running broker.
    const CommandResult busy = RunCommand(ctl + " archive --db " + next.db_path() +
                                          " --through 2025 --to " + dir.File("a.db") + " 2>&1");
    EXPECT_EQ(busy.exit_code, 2);
    EXPECT_NE(busy.out.find("stop the broker first"), std::string::npos) << busy.out;
    EXPECT_FALSE(fs::exists(dir.File("a.db")));
    ASSERT_EQ(next.Stop(), 0);
  }
  const std::string db = dir.File("mpp.db"), archive = dir.File("mpp-2025.db");
  // The year in progress is not closed.
  CommandResult r = RunCommand(ctl + " archive --db " + db + " --through 2026 --to " +
                               dir.File("b.db") + " 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("2026 is not closed"), std::string::npos) << r.out;
  r = RunCommand(ctl + " --json archive --db " + db + " --through 2025 --to " + archive +
                 " --vacuum 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const nlohmann::json moved = nlohmann::json::parse(r.out);
  EXPECT_EQ(moved["tickets"], 5);
  EXPECT_EQ(moved["first_day"], "2025-12-30");
  EXPECT_GT(moved["events"].get<int64_t>(), 10);
  // The archive alone reports the year as the hall did.
  EXPECT_EQ(report("--db " + archive + " --config " + SampleCatalog()), before);
  // The hall's database no longer holds 2025's tickets, reports it the same,
  // and the broker numbers on from where it was.
  o.clock_start = "2026-01-02T09:00:00+07:00";
  BrokerProcess after(dir, o);
  ASSERT_TRUE(after.Start()) << after.StderrText();
  EXPECT_EQ(report("--broker " + after.command_endpoint()), before);
  TestClient c(after.command_endpoint());
  EXPECT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-002");
  EXPECT_GT(static_cast<int64_t>(c.Status().seq()), seq_before);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(h, "SELECT count(*) FROM tickets WHERE business_day < '2026-01-01'", -1, &q,
                     nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 0);
  sqlite3_finalize(q);
  sqlite3_close(h);
  // A broker never serves from an archive.
  TempDir other;
  fs::copy_file(archive, other.File("mpp.db"));
  fs::permissions(other.File("mpp.db"), fs::perms::owner_read | fs::perms::owner_write);
  BrokerProcess wrong(other, o);
  EXPECT_EQ(wrong.RunToExit(), 2);
  EXPECT_NE(wrong.StderrText().find("not an MPP broker database"), std::string::npos)
      << wrong.StderrText();
}

}  // namespace
}  // namespace mpp::testing
