// The counter workstation and its rating pad under Xvfb against the real
// broker: a ticket issued with the broker's own client is called, served and
// finished by a scripted operator at the keyboard (after a PIN sign-in), and
// the visitor's rating from the pad is stored with ticket, counter, operator
// and service in the database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/keys.h"
#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

class CounterSystem : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(xvfb_.Start(1920, 1400));
    ASSERT_TRUE(broker_.Start());
    TestClient c(broker_.command_endpoint());
    v1::Request add;
    add.mutable_set_operator()->set_operator_id("ani");
    add.mutable_set_operator()->set_pin("2580");
    add.mutable_set_operator()->set_name("Ani Rahmawati");
    ASSERT_EQ(c.Must(add).error().code(), v1::OK);
  }
  std::string Script(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    std::ofstream(path) << text;
    return path;
  }
  std::vector<std::string> Env() const { return {"DISPLAY=" + xvfb_.display()}; }

  Xvfb xvfb_;
  TempDir dir_;
  BrokerProcess broker_{dir_};
};

TEST_F(CounterSystem, AnOperatorServesATicketAndTheVisitorRatesIt) {
  // Tickets come from mppctl, as at a staff desk.
  const std::string ctl = std::string(MPP_CTL_BIN) + " --broker " + broker_.command_endpoint();
  ASSERT_EQ(std::system((ctl + " issue KTP-REKAM >/dev/null").c_str()), 0);
  // what a double press would wrongly call.
  ASSERT_EQ(std::system((ctl + " issue KTP-REKAM >/dev/null").c_str()), 0);
  TestClient c(broker_.command_endpoint());
  int64_t id = 0;
  const v1::Reply issued = c.Snapshot();
  for (const auto& t : issued.snapshot().tickets()) {
    if (t.number() == "A-001") id = t.id();
  }
  ASSERT_NE(id, 0);
  const std::string shots = dir_.File("counter");
  // The operator mistypes the PIN once, then signs in, calls, serves, finishes.
  const std::string script = Script("operator.script",
                                    "wait signed-out\n"
                                    "tap field:operator\n"
                                    "type ani\n"
                                    "tap field:pin\n"
                                    "type 1111\n"
                                    "key Enter\n"
                                    "wait answered\n"
                                    "screenshot " +
                                        shots +
                                        "-wrong-pin.png\n"
                                        "tap field:pin\n"
                                        "type 2580\n"
                                        "key Enter\n"
                                        "wait ready\n"
                                        "key F1\n"
                                        "wait calling:A-001\n"
                                        "key F1\n"  // a double press: must not call a second ticket
                                        "key F3\n"
                                        "wait serving:A-001\n"
                                        "screenshot " +
                                        shots +
                                        "-serving.png\n"
                                        "key F4\n"
                                        "wait idle\n"
                                        "quit\n");
  const std::string pad_script = Script("pad.script",
                                        "wait ask 60\n"
                                        "screenshot " +
                                            dir_.File("pad-ask.png") +
                                            "\n"
                                            "tap score:4\n"
                                            "tap survey:yes\n"
                                            "wait skm\n"
                                            "screenshot " +
                                            dir_.File("pad-skm.png") +
                                            "\n"
                                            "tap answer:4\n"
                                            "tap answer:3\n"
                                            "tap answer:skip\n"
                                            "tap answer:4\n"
                                            "tap answer:4\n"
                                            "tap answer:3\n"
                                            "tap answer:4\n"
                                            "tap answer:2\n"
                                            "tap answer:4\n"
                                            "wait sent\n"
                                            "quit\n");
  ChildProcess pad, counter;
  ASSERT_TRUE(pad.Start({MPP_COUNTER_BIN, "--broker", broker_.command_endpoint(), "--counter", "1",
                         "--rating-pad", "--script", pad_script},
                        Env(), dir_.File("pad.log")));
  ASSERT_TRUE(counter.Start({MPP_COUNTER_BIN, "--broker", broker_.command_endpoint(), "--counter",
                             "1", "--script", script},
                            Env(), dir_.File("counter.log")));
  ASSERT_EQ(counter.Wait(60000), 0) << ReadFile(dir_.File("counter.log"));
  ASSERT_EQ(pad.Wait(60000), 0) << ReadFile(dir_.File("pad.log"));

  const v1::Snapshot s = c.Snapshot().snapshot();
  for (const auto& k : s.counters()) {
    if (k.id() != 1) continue;
    EXPECT_EQ(k.operator_id(), "ani");
    EXPECT_EQ(k.current_ticket(), 0) << "the double F1 must not have called A-002";
    EXPECT_EQ(k.last_finished_ticket(), id);
  }
  EXPECT_EQ(c.Status().waiting(), 1) << "A-002 still waits";

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(broker_.db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT ticket_id, counter_id, operator_id, service, score,"
                               " u1, u2, u3 IS NULL, u8 FROM ratings",
                               -1, &q, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW) << "no rating stored";
  EXPECT_EQ(sqlite3_column_int64(q, 0), id);
  EXPECT_EQ(sqlite3_column_int(q, 1), 1);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 2)), "ani");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 3)), "KTP-REKAM");
  EXPECT_EQ(sqlite3_column_int(q, 4), 4);
  EXPECT_EQ(sqlite3_column_int(q, 5), 4);
  EXPECT_EQ(sqlite3_column_int(q, 6), 3);
  EXPECT_EQ(sqlite3_column_int(q, 7), 1);  // skipped
  EXPECT_EQ(sqlite3_column_int(q, 8), 2);
  EXPECT_NE(sqlite3_step(q), SQLITE_ROW) << "exactly one rating";
  sqlite3_finalize(q);
  // The wrong PIN counted against the workstation, not the operator: no event.
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM events WHERE type = 'OPERATOR_CHANGED'",
                               -1, &q, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 1);  // added
  sqlite3_finalize(q);
  sqlite3_close(db);
  int w = 0, h = 0;
  for (const char* f :
       {"counter-wrong-pin.png", "counter-serving.png", "pad-ask.png", "pad-skm.png"}) {
    EXPECT_TRUE(PngSize(dir_.File(f), &w, &h)) << f;
  }
}

// A visitor comes back with the document that was missing: the operator finds
// their number, calls it ahead of the queue, chooses why - and the day's
// report counts it, so calling out of order cannot hide.
TEST_F(CounterSystem, AReturningVisitorIsCalledAheadByNumberWithTheReasonInTheReport) {
  {
    TestClient c(broker_.command_endpoint());
    c.SignIn(1, "ani");
    for (int i = 0; i < 3; ++i) c.Issue("KTP-REKAM");  // A-001..A-003
  }
  const std::string shot = dir_.File("call-ahead.png");
  const std::string script = Script("ahead.script",
                                    "wait idle\n"
                                    "tap field:find\n"
                                    "type 003\n"
                                    "tap call:A-003\n"
                                    "wait dialog\n"
                                    "screenshot " +
                                        shot +
                                        "\n"
                                        "tap ahead:RETURNED_WITH_DOCUMENT\n"
                                        "wait calling:A-003\n"
                                        "quit\n");
  ChildProcess counter;
  ASSERT_TRUE(counter.Start({MPP_COUNTER_BIN, "--broker", broker_.command_endpoint(), "--counter",
                             "1", "--script", script},
                            Env(), dir_.File("counter.log")));
  ASSERT_EQ(counter.Wait(60000), 0) << ReadFile(dir_.File("counter.log"));
  TestClient c(broker_.command_endpoint());
  const v1::Snapshot snapshot = c.Snapshot().snapshot();
  for (const auto& t : snapshot.tickets()) {
    if (t.number() == "A-003") {
      EXPECT_EQ(t.state(), v1::CALLED);
      EXPECT_EQ(t.out_of_order(), v1::RETURNED_WITH_DOCUMENT);
    } else {
      EXPECT_EQ(t.state(), v1::WAITING) << t.number() << " keeps its place";
    }
  }
  const CommandResult report =
      RunCommand(std::string(MPP_CTL_BIN) + " --broker " + broker_.command_endpoint() +
                 " report --from 2026-11-30 --format csv");
  ASSERT_EQ(report.exit_code, 0) << report.out;
  EXPECT_NE(report.out.find(",out_of_order,"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("KTP-REKAM,Perekaman KTP-el,3,0,0,0,0,0,0,0,1,"), std::string::npos)
      << report.out;
  int w = 0, h = 0;
  EXPECT_TRUE(PngSize(shot, &w, &h));
}

TEST_F(CounterSystem, ABrokerRestartShowsTheBannerAndTheCounterCarriesOn) {
  {
    TestClient c(broker_.command_endpoint());
    c.SignIn(1, "ani");
    c.Issue("KTP-REKAM");
  }
  const std::string ready = dir_.File("ready.png"), offline = dir_.File("offline.png");
  const std::string script = Script("restart.script",
                                    "wait ready\n"
                                    "screenshot " +
                                        ready +
                                        "\n"
                                        "wait offline 30\n"
                                        "screenshot " +
                                        offline +
                                        "\n"
                                        "wait connected 30\n"
                                        "wait ready\n"
                                        "key F1\n"
                                        "wait calling:A-001\n"
                                        "quit\n");
  ChildProcess counter;
  ASSERT_TRUE(counter.Start({MPP_COUNTER_BIN, "--broker", broker_.command_endpoint(), "--counter",
                             "1", "--script", script},
                            Env(), dir_.File("counter.log")));
  ASSERT_TRUE(WaitForFile(ready)) << ReadFile(dir_.File("counter.log"));
  broker_.Kill();
  ASSERT_TRUE(WaitForFile(offline)) << "no offline banner: " << ReadFile(dir_.File("counter.log"));
  ASSERT_TRUE(broker_.StartOnSamePorts());
  ASSERT_EQ(counter.Wait(60000), 0) << ReadFile(dir_.File("counter.log"));
}

TEST_F(CounterSystem, AnUnknownCounterIsRefusedWithTheFix) {
  ChildProcess counter;
  ASSERT_TRUE(
      counter.Start({MPP_COUNTER_BIN, "--broker", broker_.command_endpoint(), "--counter", "99"},
                    Env(), dir_.File("bad.log")));
  EXPECT_EQ(counter.Wait(30000), 2);
  EXPECT_NE(ReadFile(dir_.File("bad.log")).find("counter 99 is not in the broker's catalog"),
            std::string::npos);
}

// A workstation whose key the broker does not know says so (not "connecting"
// forever), and connects by itself once the admin registers it.
TEST(CounterKeys, ARefusedKeyIsShownUntilTheAdminRegistersIt) {
  Xvfb xvfb;
  ASSERT_TRUE(xvfb.Start(1920, 1080));
  TempDir dir;
  auto broker_keys = GenerateKeyPair(), admin_keys = GenerateKeyPair(),
       counter_keys = GenerateKeyPair();
  ASSERT_TRUE(broker_keys.ok() && admin_keys.ok() && counter_keys.ok());
  ASSERT_TRUE(WriteKeyPair(dir.File("broker"), "broker", *broker_keys).ok());
  ASSERT_TRUE(WriteKeyPair(dir.File("broker/admins"), "admin", *admin_keys).ok());
  ASSERT_TRUE(WriteKeyPair(dir.File("counter"), "device", *counter_keys).ok());
  std::ofstream(dir.File("counter/broker.pub")) << broker_keys->public_z85 << "\n";
  BrokerProcess::Options opt;
  opt.extra_args = {"--keys", dir.File("broker")};
  BrokerProcess broker(dir, opt);
  ASSERT_TRUE(broker.Start());

  const std::string shot = dir.File("refused.png");
  std::ofstream(dir.File("counter.script")) << "wait key-refused 20\n"
                                               "screenshot "
                                            << shot
                                            << "\n"
                                               "wait signed-out 30\n"
                                               "quit\n";
  ChildProcess counter;
  ASSERT_TRUE(
      counter.Start({MPP_COUNTER_BIN, "--broker", broker.command_endpoint(), "--counter", "1",
                     "--keys", dir.File("counter"), "--script", dir.File("counter.script")},
                    {"DISPLAY=" + xvfb.display()}, dir.File("counter.log")));
  ASSERT_TRUE(WaitForFile(shot)) << ReadFile(dir.File("counter.log"));
  EXPECT_NE(ReadFile(dir.File("counter.log")).find("refused this device's key"), std::string::npos)
      << ReadFile(dir.File("counter.log"));

  // The admin registers the workstation: it gets its catalog and the sign-in form.
  const ClientKeys admin_client{broker_keys->public_z85, *admin_keys};
  TestClient admin(broker.command_endpoint(), "admin", &admin_client);
  v1::Request add;
  v1::Device* d = add.mutable_set_device()->mutable_device();
  d->set_public_key(counter_keys->public_z85);
  d->set_name("loket-1");
  d->set_role(v1::ROLE_COUNTER);
  d->add_counter_ids(1);
  ASSERT_EQ(admin.Must(add).error().code(), v1::OK);
  EXPECT_EQ(counter.Wait(45000), 0) << ReadFile(dir.File("counter.log"));
}

}  // namespace
}  // namespace mpp::testing
