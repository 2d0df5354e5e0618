// System tests: the real broker process, a real SQLite file, real ZeroMQ
// sockets on free ports.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <zmq_addon.hpp>

#include "common/time_util.h"
#include "common/wire.h"
#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

// Receives the next envelope on `sub` within `timeout_ms`.
std::optional<v1::Envelope> Receive(zmq::socket_t& sub, int timeout_ms) {
  zmq::pollitem_t item{sub.handle(), 0, ZMQ_POLLIN, 0};
  zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms));
  if (!(item.revents & ZMQ_POLLIN)) return std::nullopt;
  std::vector<zmq::message_t> frames;
  (void)zmq::recv_multipart(sub, std::back_inserter(frames));
  v1::Envelope env;
  if (frames.size() != 2 || !env.ParseFromArray(frames[1].data(), frames[1].size())) {
    return std::nullopt;
  }
  return env;
}

// Subscribes `sub` to every topic at `endpoint` and waits until a heartbeat
// proves the subscription is live (a PUB drops what it sends before that).
::testing::AssertionResult SubscribeLive(zmq::socket_t& sub, const std::string& endpoint) {
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::subscribe, std::string(kTopicPrefix));
  sub.connect(endpoint);
  std::optional<v1::Envelope> hb;
  for (int i = 0; i < 5 && !(hb && hb->has_heartbeat()); ++i) hb = Receive(sub, 1500);
  if (hb && hb->has_heartbeat()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no heartbeat from " << endpoint << " within 7.5 s";
}

TEST(BrokerSystem, ConcurrentKiosksGetUniqueGapFreeNumbers) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  constexpr int kKiosks = 16, kEach = 25;
  std::vector<std::vector<std::string>> numbers(kKiosks);
  std::vector<std::thread> threads;
  for (int k = 0; k < kKiosks; ++k) {
    threads.emplace_back([&, k] {
      TestClient kiosk(broker.command_endpoint(), "kiosk-" + std::to_string(k));
      for (int i = 0; i < kEach; ++i) {
        // SKCK-PANJANG has no daily quota; it shares prefix B with SKCK-BARU.
        const v1::Reply r = kiosk.Issue(i % 2 ? "SKCK-PANJANG" : "SKCK-BARU");
        if (r.error().code() == v1::QUOTA_EXHAUSTED) continue;
        numbers[k].push_back(r.ticket().number());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  size_t total = 0;
  for (const auto& v : numbers) {
    total += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(all.size(), total) << "duplicate numbers were issued";
  // Gap-free: B-001 .. B-<total>.
  for (size_t i = 1; i <= total; ++i) {
    char want[16];
    std::snprintf(want, sizeof want, "B-%03zu", i);
    EXPECT_TRUE(all.count(want)) << want << " missing";
  }
  // SKCK-BARU's quota (60) stops it; the shared prefix keeps counting.
  TestClient c(broker.command_endpoint());
  EXPECT_EQ(c.Status().tickets_today(), static_cast<int>(total));
  EXPECT_EQ(total, 60u + kKiosks * (kEach / 2));  // 60 SKCK-BARU + every SKCK-PANJANG
}

TEST(BrokerSystem, RetriedRequestGetsTheSameTicketEvenAfterARestart) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  v1::Ticket first;
  {
    TestClient kiosk(broker.command_endpoint(), "kiosk-1");
    first = kiosk.Issue("KTP-REKAM", v1::PRIORITY_NONE, "req-42").ticket();
    const v1::Ticket again = kiosk.Issue("KTP-REKAM", v1::PRIORITY_NONE, "req-42").ticket();
    EXPECT_EQ(first.number(), "A-001");
    EXPECT_EQ(again.id(), first.id());
    EXPECT_EQ(again.number(), first.number());
    // Another kiosk may use the same request id: it is a different request.
    TestClient other(broker.command_endpoint(), "kiosk-2");
    EXPECT_EQ(other.Issue("KTP-REKAM", v1::PRIORITY_NONE, "req-42").ticket().number(), "A-002");
    EXPECT_EQ(kiosk.Status().tickets_today(), 2);
  }
  ASSERT_EQ(broker.Stop(), 0);
  ASSERT_TRUE(broker.Start());
  TestClient kiosk(broker.command_endpoint(), "kiosk-1");
  const v1::Ticket after = kiosk.Issue("KTP-REKAM", v1::PRIORITY_NONE, "req-42").ticket();
  EXPECT_EQ(after.id(), first.id());
  EXPECT_EQ(kiosk.Status().tickets_today(), 2);
  EXPECT_EQ(kiosk.Issue("KTP-REKAM").ticket().number(), "A-003");
}

TEST(BrokerSystem, EventsFollowTheSnapshotInSeqOrderWithHeartbeats) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint(), "display-A");
  c.Issue("KTP-REKAM");
  // Clone pattern: subscribe first, then take the snapshot.
  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  ASSERT_TRUE(SubscribeLive(sub, broker.event_endpoint()));
  const v1::Reply snap = c.Snapshot("A");
  ASSERT_EQ(snap.error().code(), v1::OK);
  EXPECT_EQ(snap.event_endpoint(), broker.event_endpoint());
  const uint64_t base = snap.snapshot().seq();
  EXPECT_EQ(base, 1u);
  ASSERT_EQ(snap.snapshot().tickets_size(), 1);

  c.SignIn(1, "ani");  // adds the operator, then signs in
  c.CallNext(1);
  std::vector<v1::Envelope> events;
  while (events.size() < 3) {
    auto env = Receive(sub, 3000);
    ASSERT_TRUE(env) << "event not delivered";
    if (env->has_event()) events.push_back(*env);
  }
  EXPECT_EQ(events[0].seq(), base + 1);
  EXPECT_EQ(events[0].event().type(), v1::OPERATOR_CHANGED);
  EXPECT_EQ(events[0].event().operator_info().id(), "ani");
  EXPECT_EQ(events[0].event().operator_info().pin_hash(), "") << "the PIN hash is never published";
  EXPECT_EQ(events[1].seq(), base + 2);
  EXPECT_EQ(events[1].event().type(), v1::COUNTER_CHANGED);
  EXPECT_EQ(events[2].seq(), base + 3);
  EXPECT_EQ(events[2].event().type(), v1::TICKET_CALLED);
  EXPECT_EQ(events[2].event().ticket().number(), "A-001");
  EXPECT_EQ(events[2].event().counter().current_ticket(), events[2].event().ticket().id());
  // The next heartbeat carries the latest seq.
  std::optional<v1::Envelope> beat;
  while (!(beat && beat->has_heartbeat())) {
    beat = Receive(sub, 3000);
    ASSERT_TRUE(beat) << "heartbeat stopped";
  }
  EXPECT_EQ(beat->heartbeat().seq(), base + 3);
  EXPECT_EQ(beat->heartbeat().business_day(), "2026-11-30");
}

TEST(BrokerSystem, StateIsRebuiltAfterARestart) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  {
    TestClient c(broker.command_endpoint());
    c.Issue("KTP-REKAM");
    c.Issue("KTP-REKAM", v1::LANSIA);
    c.Issue("KTP-CETAK");
    c.SignIn(1, "ani");
    EXPECT_EQ(c.CallNext(1).ticket().number(), "A-002");
    c.StartServing(1);
  }
  ASSERT_EQ(broker.Stop(), 0) << "SIGTERM must stop the broker cleanly";
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  const v1::Snapshot s = c.Snapshot().snapshot();
  EXPECT_EQ(s.seq(), 7u);  // 3 issued, operator added, sign-in, call, start
  const v1::Counter* one = nullptr;
  for (const auto& k : s.counters()) {
    if (k.id() == 1) one = &k;
  }
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->status(), v1::OPEN);
  EXPECT_EQ(one->operator_id(), "ani");
  // The served ticket is still at counter 1 and can be finished.
  const v1::Ticket done = c.Finish(1).ticket();
  EXPECT_EQ(done.number(), "A-002");
  EXPECT_EQ(done.state(), v1::DONE);
  EXPECT_EQ(c.CallNext(1).ticket().number(), "A-001");
  EXPECT_EQ(c.Issue("KIA").ticket().number(), "A-004");
}

TEST(BrokerSystem, NumberingResetsOnTheNextBusinessDayAcrossARestart) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  {
    TestClient c(broker.command_endpoint());
    c.Issue("KTP-REKAM");
    c.Issue("KTP-REKAM");
  }
  ASSERT_EQ(broker.Stop(), 0);
  broker.options().clock_start = "2026-12-01T08:05:00+07:00";  // Tuesday
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  const v1::Ticket t = c.Issue("KTP-REKAM").ticket();
  EXPECT_EQ(t.number(), "A-001");
  EXPECT_EQ(t.business_day(), "2026-12-01");
  EXPECT_EQ(t.id(), 3);
  EXPECT_EQ(c.Status().tickets_today(), 1);
}

TEST(BrokerSystem, RefusalsCarryReasonsAndNextOpening) {
  TempDir dir;
  BrokerProcess::Options o;
  o.clock_start = "2026-11-30T07:15:00+07:00";  // before opening
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  v1::Reply r = c.Issue("KTP-REKAM");
  EXPECT_EQ(r.error().code(), v1::SERVICE_CLOSED);
  EXPECT_EQ(r.error().next_open_ms(), *ParseIsoTime("2026-11-30T08:00:00+07:00", 0));
  EXPECT_NE(r.error().message_id().find("pukul 08.00"), std::string::npos);
  r = c.Issue("HAJI");  // Kemenag: Tuesday and Thursday only
  EXPECT_EQ(r.error().code(), v1::NOT_SERVED_TODAY);
  EXPECT_EQ(r.error().next_open_ms(), *ParseIsoTime("2026-12-01T08:00:00+07:00", 0));
  r = c.CallNext(4);
  EXPECT_EQ(r.error().code(), v1::FAILED_PRECONDITION);
  EXPECT_FALSE(r.error().message_id().empty());
  EXPECT_FALSE(r.error().message_en().empty());
}

TEST(BrokerSystem, HolidayIsRefusedForEveryService) {
  TempDir dir;
  BrokerProcess::Options o;
  o.clock_start = "2026-12-25T09:00:00+07:00";
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  const v1::Reply r = c.Issue("KTP-REKAM");
  EXPECT_EQ(r.error().code(), v1::MPP_HOLIDAY);
  EXPECT_NE(r.error().message_id().find("Natal"), std::string::npos);
}

TEST(BrokerSystem, QuotaExhaustedThroughTheWire) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  for (int i = 0; i < 20; ++i) ASSERT_EQ(c.Issue("SKHPN").error().code(), v1::OK) << i;  // quota 20
  EXPECT_EQ(c.Issue("SKHPN").error().code(), v1::QUOTA_EXHAUSTED);
}

TEST(BrokerSystem, BadCatalogIsRefusedAtStartWithFileAndLine) {
  TempDir dir;
  const std::string bad = dir.File("bad.toml");
  {
    std::ifstream in(SampleCatalog());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    text.replace(text.find("daily_quota = 100"), 17, "daily_quota = \"seratus\"");
    std::ofstream(bad) << text;
  }
  BrokerProcess::Options o;
  o.config = bad;
  BrokerProcess broker(dir, o);
  EXPECT_EQ(broker.RunToExit(), 2);
  const std::string err = broker.StderrText();
  EXPECT_NE(err.find(bad + ":"), std::string::npos) << err;
  EXPECT_NE(err.find("'daily_quota' must be a whole number"), std::string::npos) << err;
}

TEST(BrokerSystem, RefusesAPublicBindWithoutKeys) {
  TempDir dir;
  BrokerProcess::Options o;
  o.endpoint = "tcp://0.0.0.0:*";
  BrokerProcess broker(dir, o);
  EXPECT_EQ(broker.RunToExit(), 2);
  EXPECT_NE(broker.StderrText().find("without CURVE keys"), std::string::npos);
}

}  // namespace
}  // namespace mpp::testing

namespace mpp::testing {
namespace {

TEST(BrokerSystem, WrongPinsHoldTheDeviceThatTypesThemNotTheOperator) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  auto sign_in = [&](const std::string& client, int counter, const std::string& pin) {
    TestClient c(broker.command_endpoint(), client);
    v1::Request r;
    r.mutable_sign_in()->set_counter_id(counter);
    r.mutable_sign_in()->set_operator_id("ani");
    r.mutable_sign_in()->set_pin(pin);
    return c.Must(r);
  };
  {
    TestClient c(broker.command_endpoint());
    v1::Request add;
    add.mutable_set_operator()->set_operator_id("ani");
    add.mutable_set_operator()->set_pin("4321");
    ASSERT_EQ(c.Must(add).error().code(), v1::OK);
  }
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(sign_in("counter-1", 1, "1111").error().code(), v1::NOT_PERMITTED);
  EXPECT_NE(sign_in("counter-1", 1, "1111").error().message_en().find("device is held"),
            std::string::npos);
  // The operator was not locked: another workstation signs her in at once.
  EXPECT_EQ(sign_in("counter-2", 2, "4321").counter().operator_id(), "ani");
  EXPECT_NE(broker.StderrText().find("security: device counter-1 held"), std::string::npos)
      << broker.StderrText();
  // The officer knows it was a fumbling new operator: releases the device
  // instead of waiting out the hold (mppctl device release).
  EXPECT_NE(sign_in("counter-1", 1, "4321").error().message_en().find("Too many wrong PINs"),
            std::string::npos);
  const CommandResult released =
      RunCommand(std::string(MPP_CTL_BIN) + " --broker " + broker.command_endpoint() +
                 " device release counter-1 2>&1");
  EXPECT_EQ(released.exit_code, 0) << released.out;
  EXPECT_NE(released.out.find("counter-1"), std::string::npos) << released.out;
  EXPECT_EQ(sign_in("counter-1", 1, "4321").counter().operator_id(), "ani");
  EXPECT_NE(broker.StderrText().find("security: device counter-1 released by"), std::string::npos)
      << broker.StderrText();
}

// Which operator ids exist must not be readable off the replies: an unknown
// id gets the wrong-PIN answer, after the same Argon2 check.
TEST(BrokerSystem, AnUnknownOperatorIdIsAnsweredLikeAWrongPinInTheSameTime) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint(), "counter-1");
  v1::Request add;
  add.mutable_set_operator()->set_operator_id("ani");
  add.mutable_set_operator()->set_pin("4321");
  ASSERT_EQ(c.Must(add).error().code(), v1::OK);
  auto timed = [&](const std::string& id, std::string* message) {
    v1::Request r;
    r.mutable_sign_in()->set_counter_id(1);
    r.mutable_sign_in()->set_operator_id(id);
    r.mutable_sign_in()->set_pin("1111");
    const auto start = std::chrono::steady_clock::now();
    const v1::Reply reply = c.Must(r);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    *message = reply.error().message_en();
    return ms;
  };
  std::string wrong, unknown;
  // Two of each (four wrong tries: no hold); the fastest of each pair.
  const double wrong_ms = std::min(timed("ani", &wrong), timed("ani", &wrong));
  const double unknown_ms = std::min(timed("nobody", &unknown), timed("nobody", &unknown));
  EXPECT_EQ(wrong, "Wrong operator id or PIN; 3 tries left on this device.");
  EXPECT_EQ(unknown, "Wrong operator id or PIN; 1 tries left on this device.");
  // Argon2 (~0.1-0.3 s here) for both; the old unknown-id answer took ~1 ms.
  // A wide margin: the claim is "the same work", not a timing figure.
  EXPECT_GT(unknown_ms, wrong_ms / 4) << "unknown " << unknown_ms << " ms, wrong " << wrong_ms;
}

// Opening time: every counter of the hall signs in within the same moment,
// and each workstation's client resends its request after a second without
// an answer. Nobody may be refused for load, and a resend of a sign-in still
// waiting for a PIN thread is not checked twice (nor answered twice).
TEST(BrokerSystem, AWholeHallSigningInAtOnceIsServedOnceEach) {
  TempDir dir;
  BrokerProcess::Options opt;
  opt.log_level = "info";  // for the count of absorbed resends at stop
  BrokerProcess broker(dir, opt);
  ASSERT_TRUE(broker.Start());
  constexpr int kCounters = 21;  // every counter of the sample catalog
  {
    TestClient admin(broker.command_endpoint(), "admin");
    for (int i = 1; i <= kCounters; ++i) {
      v1::Request add;
      add.mutable_set_operator()->set_operator_id("op-" + std::to_string(i));
      add.mutable_set_operator()->set_pin("1234");
      ASSERT_EQ(admin.Must(add).error().code(), v1::OK);
    }
  }
  zmq::context_t ctx(1);
  std::vector<std::unique_ptr<zmq::socket_t>> desks;
  auto envelope = [](int i) {
    v1::Envelope e;
    e.set_client_id("counter-" + std::to_string(i));
    e.set_request_id("sign-in-" + std::to_string(i));
    e.mutable_request()->mutable_sign_in()->set_counter_id(i);
    e.mutable_request()->mutable_sign_in()->set_operator_id("op-" + std::to_string(i));
    e.mutable_request()->mutable_sign_in()->set_pin("1234");
    return e.SerializeAsString();
  };
  for (int i = 1; i <= kCounters; ++i) {
    auto s = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::dealer);
    s->set(zmq::sockopt::linger, 0);
    s->connect(broker.command_endpoint());
    desks.push_back(std::move(s));
  }
  // Each desk sends its sign-in, and at once the same request again (a
  // client's resend), all before the first answer can come.
  for (int round = 0; round < 2; ++round) {
    for (int i = 1; i <= kCounters; ++i) {
      const std::string body = envelope(i);
      desks[i - 1]->send(zmq::buffer(kProtocolTag), zmq::send_flags::sndmore);
      desks[i - 1]->send(zmq::buffer(body), zmq::send_flags::none);
    }
  }
  std::vector<int> answers(kCounters + 1, 0);
  int signed_in = 0, answered = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (answered < kCounters && std::chrono::steady_clock::now() < deadline) {
    std::vector<zmq::pollitem_t> items;
    for (auto& d : desks) items.push_back({d->handle(), 0, ZMQ_POLLIN, 0});
    zmq::poll(items.data(), items.size(), std::chrono::milliseconds(500));
    for (int i = 1; i <= kCounters; ++i) {
      if (!(items[i - 1].revents & ZMQ_POLLIN)) continue;
      std::vector<zmq::message_t> frames;
      ASSERT_TRUE(zmq::recv_multipart(*desks[i - 1], std::back_inserter(frames)));
      ASSERT_EQ(frames.size(), 2u);
      v1::Envelope reply;
      ASSERT_TRUE(reply.ParseFromArray(frames[1].data(), static_cast<int>(frames[1].size())));
      EXPECT_EQ(reply.reply().error().code(), v1::OK)
          << "counter " << i << ": " << reply.reply().error().message_en();
      signed_in += reply.reply().counter().operator_id() == "op-" + std::to_string(i);
      answered += ++answers[i] == 1;
    }
  }
  EXPECT_EQ(signed_in, kCounters);
  // One answer each: the broker logs at stop how many resends it absorbed.
  ASSERT_EQ(broker.Stop(), 0);
  for (int i = 1; i <= kCounters; ++i) EXPECT_EQ(answers[i], 1) << "counter " << i;
  EXPECT_NE(
      broker.StderrText().find(std::to_string(kCounters) + " retries of a PIN check absorbed"),
      std::string::npos)
      << broker.StderrText();
}

// A clock set back (a PC with a flat CMOS battery, an NTP step) made waits
// of -30 minutes that counted as within the target. Far behind the last
// event the broker refuses to start; told to start anyway, time goes on from
// the last event, so no wait is negative or shorter than what really passed.
TEST(BrokerSystem, AClockBehindTheLastEventIsRefusedOrGoneOnFrom) {
  TempDir dir;
  BrokerProcess::Options opt;  // 09:00 on a Monday
  int64_t issued = 0;
  {
    BrokerProcess broker(dir, opt);
    ASSERT_TRUE(broker.Start());
    TestClient c(broker.command_endpoint());
    ASSERT_EQ(c.SignIn(1, "ani").error().code(), v1::OK);
    issued = c.Issue("KTP-REKAM").ticket().issued_ms();  // the last event
    ASSERT_EQ(broker.Stop(), 0);
  }
  opt.clock_start = "2026-11-30T08:30:00+07:00";  // half an hour back
  {
    BrokerProcess behind(dir, opt);
    EXPECT_EQ(behind.RunToExit(), 2);
    EXPECT_NE(behind.StderrText().find("is behind the last event"), std::string::npos)
        << behind.StderrText();
    EXPECT_NE(behind.StderrText().find("by 30 min"), std::string::npos);
    EXPECT_NE(behind.StderrText().find("--allow-clock-behind"), std::string::npos);
  }
  opt.extra_args = {"--allow-clock-behind"};
  BrokerProcess allowed(dir, opt);
  ASSERT_TRUE(allowed.Start());
  EXPECT_NE(allowed.StderrText().find("s behind the last time this broker used"), std::string::npos)
      << allowed.StderrText();
  TestClient c(allowed.command_endpoint());
  EXPECT_GE(c.Status().now_ms(), issued) << "never before the last event";
  const v1::Ticket called = c.CallNext(1).ticket();
  EXPECT_GE(called.first_called_ms(), issued);
  EXPECT_GE(called.wait_ms(), 0) << "a wait of " << called.wait_ms() / 60000 << " min";
}

// An unmounted data volume, a wrong --db or an emptied file used to start an
// empty hall at number 001 while visitors held today's numbers. A new
// database is made only with --init, which never touches an existing one.
TEST(BrokerSystem, AMissingOrEmptyDatabaseIsRefusedUnlessInitAsksForANewOne) {
  TempDir dir;
  BrokerProcess::Options opt;
  opt.init = false;
  {
    BrokerProcess missing(dir, opt);
    EXPECT_EQ(missing.RunToExit(), 2);
    EXPECT_NE(missing.StderrText().find("no database at " + missing.db_path()), std::string::npos)
        << missing.StderrText();
    EXPECT_NE(missing.StderrText().find("is the data volume mounted"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(missing.db_path())) << "nothing created";
  }
  {
    std::ofstream(dir.File("mpp.db")).close();  // an emptied file
    BrokerProcess empty(dir, opt);
    EXPECT_EQ(empty.RunToExit(), 2);
    EXPECT_NE(empty.StderrText().find("(the file is empty)"), std::string::npos)
        << empty.StderrText();
    std::filesystem::remove(dir.File("mpp.db"));
  }
  // A folder that is not there (the volume is not mounted).
  const CommandResult no_dir =
      RunCommand(std::string(MPP_BROKER_BIN) + " --config " + SampleCatalog() + " --db " +
                 dir.File("gone/mpp.db") + " --endpoint 'tcp://127.0.0.1:*' 2>&1");
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_NE(no_dir.out.find("the data directory " + dir.File("gone") + " does not exist"),
            std::string::npos)
      << no_dir.out;
  // --init makes a new hall, once.
  opt.extra_args = {"--init"};
  {
    BrokerProcess fresh(dir, opt);
    ASSERT_TRUE(fresh.Start());
    TestClient c(fresh.command_endpoint());
    EXPECT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-001");
    ASSERT_EQ(fresh.Stop(), 0);
  }
  BrokerProcess again(dir, opt);
  EXPECT_EQ(again.RunToExit(), 2);
  EXPECT_NE(again.StderrText().find("it is never overwritten"), std::string::npos)
      << again.StderrText();
  opt.extra_args.clear();
  BrokerProcess plain(dir, opt);
  ASSERT_TRUE(plain.Start());
  TestClient c(plain.command_endpoint());
  EXPECT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-002") << "the same hall, not a new one";
}

// A read-only file or folder (a volume mounted ro, chattr +i) must be refused
// at start with the reason, not after the first ticket. chattr +i holds even
// for root, so this runs as the CI's root too.
TEST(BrokerSystem, ADatabaseThatCannotBeWrittenIsRefusedAtStartSayingWhy) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  ASSERT_EQ(broker.Stop(), 0);
  auto chattr = [](const std::string& flag, const std::string& path) {
    return RunCommand("chattr " + flag + " " + path + " 2>&1").exit_code == 0;
  };
  if (!chattr("+i", broker.db_path())) {
    GTEST_SKIP() << "chattr +i is not supported on this file system";
  }
  {
    BrokerProcess immutable_file(dir);
    const int rc = immutable_file.RunToExit();
    chattr("-i", broker.db_path());
    EXPECT_EQ(rc, 2);
    EXPECT_NE(immutable_file.StderrText().find("cannot open the database " + broker.db_path() +
                                               " for writing"),
              std::string::npos)
        << immutable_file.StderrText();
    EXPECT_NE(immutable_file.StderrText().find("mounted read-only"), std::string::npos);
  }
  ASSERT_TRUE(chattr("+i", dir.path().string()));
  BrokerProcess immutable_folder(dir);
  const int rc = immutable_folder.RunToExit();
  chattr("-i", dir.path().string());
  EXPECT_EQ(rc, 2);
  EXPECT_NE(immutable_folder.StderrText().find("of the database cannot be written to"),
            std::string::npos)
      << immutable_folder.StderrText();
  EXPECT_EQ(immutable_folder.StderrText().find("restore the last backup"), std::string::npos)
      << "not a damaged file";
}

// A full disk used to abort the broker on the failed COMMIT, again after each
// restart: a crash loop in which no client heard anything. Now the batch is
// rolled back and refused (RESOURCE_EXHAUSTED), reads and heartbeats go on,
// and commands are accepted again by themselves once there is space. A real
// ENOSPC: the broker's folder is a 4 MB tmpfs (root only; skipped otherwise).
TEST(BrokerSystem, AFullDiskRefusesCommandsKeepsReadingAndRecoversByItself) {
  TempDir dir;
  if (RunCommand("mount -t tmpfs -o size=4m,mode=0700 tmpfs " + dir.path().string() + " 2>&1")
          .exit_code != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root)";
  }
  struct Unmount {
    std::string path;
    ~Unmount() { RunCommand("umount -l " + path); }
  } unmount{dir.path().string()};
  BrokerProcess::Options opt;
  opt.extra_args = {"--disk-floor-mb", "8"};
  BrokerProcess broker(dir, opt);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  const v1::Status before = c.Status();
  EXPECT_TRUE(before.disk_low()) << "4 MB is below the floor of 8";
  EXPECT_NE(broker.StderrText().find("MB free on the database's disk"), std::string::npos);
  // Leave ~256 KB: a few hundred tickets' worth of WAL (free space as the
  // file system says, not as the broker reports it).
  struct statvfs vfs {};
  ASSERT_EQ(statvfs(dir.path().c_str(), &vfs), 0);
  const int64_t filler =
      static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize) - 256 * 1024;
  EXPECT_NEAR(static_cast<double>(before.disk_free_bytes()),
              static_cast<double>(filler + 256 * 1024), 64 * 1024);
  ASSERT_GT(filler, 0);
  ASSERT_EQ(RunCommand("head -c " + std::to_string(filler) + " /dev/zero > " + dir.File("filler") +
                       " 2>&1")
                .exit_code,
            0);
  int acknowledged = 0;
  v1::Reply refused;
  for (int i = 0; i < 20000; ++i) {
    const v1::Reply r = c.Issue("KTP-REKAM");
    if (r.error().code() == v1::OK) {
      ++acknowledged;
      continue;
    }
    refused = r;
    break;
  }
  ASSERT_EQ(refused.error().code(), v1::RESOURCE_EXHAUSTED)
      << acknowledged << " issued, then: " << refused.error().message_en();
  EXPECT_NE(refused.error().message_id().find("Disk server antrean penuh"), std::string::npos);
  // Still serving: reads, status, and every further command refused at once.
  const v1::Status full = c.Status();
  EXPECT_TRUE(full.writes_refused());
  EXPECT_EQ(full.tickets_today(), acknowledged) << "the refused batch was rolled back";
  EXPECT_EQ(c.Snapshot().snapshot().tickets_size(), acknowledged);
  EXPECT_EQ(c.Issue("KTP-REKAM").error().code(), v1::RESOURCE_EXHAUSTED);
  EXPECT_NE(broker.StderrText().find("disk full"), std::string::npos) << broker.StderrText();
  {
    // The heartbeats say so too (the manager's dashboard alerts from them).
    zmq::context_t ctx(1);
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    ASSERT_TRUE(SubscribeLive(sub, broker.event_endpoint()));
    bool said = false;
    for (int i = 0; i < 5 && !said; ++i) {
      const auto env = Receive(sub, 3000);
      said = env && env->has_heartbeat() && env->heartbeat().writes_refused();
    }
    EXPECT_TRUE(said);
  }
  // Space again: accepted by itself within a few probes (one a second).
  std::filesystem::remove(dir.File("filler"));
  v1::Reply after;
  ASSERT_TRUE(WaitFor(
      [&] {
        after = c.Issue("KTP-REKAM");
        return after.error().code() == v1::OK;
      },
      10000))
      << after.error().message_en();
  EXPECT_EQ(after.ticket().seq_no(), acknowledged + 1)
      << "numbering goes on from the last acknowledged ticket";
  EXPECT_FALSE(c.Status().writes_refused());
  // Every acknowledged ticket is on disk.
  ASSERT_EQ(broker.Stop(), 0);
  ASSERT_TRUE(broker.Start());
  TestClient again(broker.command_endpoint());
  EXPECT_EQ(again.Status().tickets_today(), acknowledged + 1);
  ASSERT_EQ(broker.Stop(), 0);
}

// A client that sends thousands of snapshot requests and never reads the
// replies raised the broker's memory to 1.5 GB, kept after it left, and
// stalled everyone. Now one connection holds at most a small queue of
// replies, its reads are not even built once it stops reading, and the log
// names dropped replies as such.
TEST(BrokerSystem, AClientThatNeverReadsItsRepliesCannotExhaustTheBrokersMemory) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient honest(broker.command_endpoint(), "kiosk-honest");
  for (int i = 0; i < 400; ++i) ASSERT_EQ(honest.Issue("INFO-PENGADUAN").error().code(), v1::OK);
  const size_t snapshot_bytes = honest.Snapshot().snapshot().ByteSizeLong();
  ASSERT_GT(snapshot_bytes, 20000u) << "a hall with 400 waiting: every snapshot is big";
  zmq::context_t ctx(1);
  zmq::socket_t flood(ctx, zmq::socket_type::dealer);
  flood.set(zmq::sockopt::linger, 0);
  flood.set(zmq::sockopt::rcvhwm, 1);
  flood.set(zmq::sockopt::sndhwm, 100000);
  flood.connect(broker.command_endpoint());
  constexpr int kRequests = 4000;  // ~4000 x 40 KB = 160 MB queued before
  for (int i = 0; i < kRequests; ++i) {
    v1::Envelope e;
    e.set_client_id("flood");
    e.set_request_id("f" + std::to_string(i));
    e.mutable_request()->mutable_snapshot();
    flood.send(zmq::buffer(kProtocolTag), zmq::send_flags::sndmore);
    flood.send(zmq::buffer(e.SerializeAsString()), zmq::send_flags::none);
  }
  // Past its read budget the flood is refused, then ignored like garbage;
  // replies it does not read are dropped and said to be.
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::string log = broker.StderrText();
        return log.find("reads past its budget") != std::string::npos ||
               log.find("do not read them") != std::string::npos;
      },
      20000))
      << broker.StderrText();
  EXPECT_EQ(honest.Issue("INFO-PENGADUAN").error().code(), v1::OK);
  std::ifstream status("/proc/" + std::to_string(broker.pid()) + "/status");
  std::string line;
  long peak_kb = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) peak_kb = std::atol(line.c_str() + 6);
  }
  EXPECT_GT(peak_kb, 0);
  EXPECT_LT(peak_kb, 100 * 1024) << "peak resident memory " << peak_kb / 1024 << " MB";
  EXPECT_EQ(broker.StderrText().find("bad input or refusals suppressed"), std::string::npos)
      << "dropped replies are not bad input";
}

// Out of file descriptors, new devices used to be silently not accepted: they
// waited in the listen backlog while libzmq's listener retried the failed
// accept in a loop (~46% CPU), with nothing in the log. Now the broker keeps
// the last descriptors for itself and refuses a connection beyond them during
// the handshake (ZAP status 500): every device gets an answer, the refused
// ones hear "no room" and try again, the log says how to fix it, connected
// devices go on being served and the broker does not spin.
TEST(BrokerSystem, BeyondTheOpenFileLimitNewDevicesAreRefusedCleanlyNotLeftWaiting) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient connected(broker.command_endpoint(), "kiosk-connected");
  ASSERT_EQ(connected.Issue("KTP-REKAM").error().code(), v1::OK);
  const std::string pid = std::to_string(broker.pid());
  int open_fds = 0;
  for ([[maybe_unused]] const auto& f : std::filesystem::directory_iterator("/proc/" + pid + "/fd"))
    ++open_fds;
  // Room for about ten more connections above the broker's reserve (24 at
  // this limit). The soft limit only: raising a hard one needs CAP_SYS_RESOURCE.
  const int limit = open_fds + 24 + 10;
  ASSERT_EQ(RunCommand("prlimit --pid " + pid + " --nofile=" + std::to_string(limit) + ": 2>&1")
                .exit_code,
            0);

  // A crowd of 40 devices connects at once, each socket watched for the
  // verdict of its handshake.
  zmq::context_t ctx(1);
  struct Device {
    std::unique_ptr<zmq::socket_t> socket, monitor;
    bool in = false, no_room = false, other = false;
  };
  std::vector<Device> crowd(40);
  for (size_t i = 0; i < crowd.size(); ++i) {
    auto& d = crowd[i];
    d.socket = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::dealer);
    d.socket->set(zmq::sockopt::linger, 0);
    const std::string watch = "inproc://crowd-" + std::to_string(i);
    ASSERT_EQ(zmq_socket_monitor(d.socket->handle(), watch.c_str(),
                                 ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                                     ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                     ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL),
              0);
    d.monitor = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pair);
    d.monitor->set(zmq::sockopt::rcvhwm, 0);
    d.monitor->connect(watch);
  }
  for (auto& d : crowd) d.socket->connect(broker.command_endpoint());
  auto verdicts = [&] {
    int n = 0;
    for (auto& d : crowd) {
      std::vector<zmq::message_t> frames;
      while (
          zmq::recv_multipart(*d.monitor, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
        uint16_t event;
        uint32_t value;
        std::memcpy(&event, frames[0].data(), 2);
        std::memcpy(&value, static_cast<const char*>(frames[0].data()) + 2, 4);
        if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED) {
          d.in = true;
        } else if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH && value == 500) {
          d.no_room = true;
        } else {
          d.other = true;
        }
        frames.clear();
      }
      n += d.in || d.no_room || d.other;
    }
    return n;
  };
  // Every device hears something: none is left waiting in the backlog.
  ASSERT_TRUE(WaitFor([&] { return verdicts() == static_cast<int>(crowd.size()); }, 20000))
      << verdicts() << " of " << crowd.size() << " devices had an answer\n"
      << broker.StderrText();
  int in = 0, no_room = 0;
  for (const auto& d : crowd) {
    in += d.in;
    no_room += d.no_room;
    EXPECT_FALSE(d.other) << "a handshake failed for another reason";
  }
  EXPECT_GT(in, 0);
  EXPECT_GT(no_room, 0);
  EXPECT_EQ(in + no_room, static_cast<int>(crowd.size()));
  // Refused, their descriptors are free again: the broker's reserve is kept.
  auto open_now = [&] {
    int n = 0;
    for ([[maybe_unused]] const auto& f :
         std::filesystem::directory_iterator("/proc/" + pid + "/fd"))
      ++n;
    return n;
  };
  EXPECT_TRUE(WaitFor([&] { return open_now() <= limit - 24; }, 5000))
      << open_now() << " descriptors open, limit " << limit;
  std::cout << in << " of " << crowd.size() << " let in at once, " << no_room
            << " told there is no room; descriptors " << open_fds << " before, " << open_now()
            << " after, limit " << limit << "\n";
  EXPECT_TRUE(WaitFor(
      [&] { return broker.StderrText().find("no room for new connections") != std::string::npos; },
      5000))
      << broker.StderrText();
  EXPECT_NE(broker.StderrText().find("Raise LimitNOFILE"), std::string::npos);
  // mppctl status tells the officer too.
  const v1::Status st = connected.Status();
  EXPECT_GE(st.connections_refused_no_room(), no_room);
  EXPECT_EQ(st.open_file_limit(), limit);

  // The device connected before is still served, and the broker does not
  // spin: over the next second it uses well under a third of a core (an
  // idle broker ~0%; the failed-accept loop took ~46%, even on a busy machine
  // over a third of what it is given).
  auto cpu_ticks = [&] {
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string f;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
      if (i == 14) utime = std::stoll(f);
      if (i == 15) stime = std::stoll(f);
    }
    return utime + stime;
  };
  const long long ticks_before = cpu_ticks();
  const auto wall_before = std::chrono::steady_clock::now();
  EXPECT_EQ(connected.Issue("KTP-REKAM").error().code(), v1::OK);
  // Over a second of the broker's own uptime (it answers status meanwhile).
  const int64_t up_before = connected.Status().uptime_ms();
  ASSERT_TRUE(WaitFor([&] { return connected.Status().uptime_ms() >= up_before + 1000; }, 10000));
  const double used_s = static_cast<double>(cpu_ticks() - ticks_before) / sysconf(_SC_CLK_TCK);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  EXPECT_LT(used_s / wall_s, 0.33)
      << "the broker used " << used_s << " s of CPU in " << wall_s << " s";

  // Devices that come one by one are let in while there is room (a burst
  // fills the reserve with handshakes, so fewer may have got in above); the
  // first one beyond it is told why, not "key refused".
  v1::Request status;
  status.mutable_status();
  std::vector<std::unique_ptr<TestClient>> one_by_one;
  std::string why;
  for (int i = 0; i < 30 && why.empty(); ++i) {
    one_by_one.push_back(
        std::make_unique<TestClient>(broker.command_endpoint(), "late-" + std::to_string(i)));
    auto reply = one_by_one.back()->Call(status, 1500);
    if (!reply.ok()) why = reply.status().message();
  }
  EXPECT_NE(why.find("no room for more connections"), std::string::npos) << why;
  one_by_one.clear();

  // The crowd leaves; a new device is let in again.
  for (auto& d : crowd) {
    zmq_socket_monitor(d.socket->handle(), nullptr, 0);
    d.monitor.reset();
    d.socket.reset();
  }
  TestClient later(broker.command_endpoint(), "kiosk-later");
  EXPECT_TRUE(WaitFor([&] { return later.Call(status, 1000).ok(); }, 20000)) << broker.StderrText();
}

// Under systemd, stderr is the journal: each line starts with its syslog
// priority (sd-daemon(3)) so `journalctl -p warning` finds warnings, and
// carries no timestamp of its own. Before, every line was "info" there.
TEST(BrokerSystem, UnderSystemdEachLogLineCarriesItsPriority) {
  TempDir dir;
  const std::string err = dir.File("broker.stderr");
  { std::ofstream create(err); }
  struct stat st {};
  ASSERT_EQ(stat(err.c_str(), &st), 0);
  BrokerProcess::Options o;
  o.log_level = "info";
  o.env = {"JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)};
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start());
  const std::string text = broker.StderrText();
  // The simulated clock is a warning; the catalog line is information.
  EXPECT_NE(text.find("<4>mpp-broker: simulated clock"), std::string::npos) << text;
  EXPECT_NE(text.find("<6>mpp-broker: catalog "), std::string::npos) << text;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_EQ(line.rfind('<', 0), 0u) << "a line without a priority: " << line;
  }

  // Not the journal (another file): the usual timestamped lines.
  TempDir plain_dir;
  BrokerProcess::Options p;
  p.env = {"JOURNAL_STREAM=1:2"};
  BrokerProcess plain(plain_dir, p);
  ASSERT_TRUE(plain.Start());
  EXPECT_NE(plain.StderrText().find("warning mpp-broker: simulated clock"), std::string::npos)
      << plain.StderrText();
}

// One device signing in several counters at once (an administrator's
// mppctl, mpp-sim running a whole hall) is not "a second sign-in while the
// first is checked": the limit is one per device and counter.
TEST(BrokerSystem, OneDeviceMaySignInSeveralCountersAtOnce) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  {
    TestClient admin(broker.command_endpoint(), "admin");
    for (int i = 1; i <= 3; ++i) {
      v1::Request add;
      add.mutable_set_operator()->set_operator_id("op-" + std::to_string(i));
      add.mutable_set_operator()->set_pin("1234");
      ASSERT_EQ(admin.Must(add).error().code(), v1::OK);
    }
  }
  zmq::context_t ctx(1);
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.connect(broker.command_endpoint());
  for (int i = 1; i <= 3; ++i) {
    v1::Envelope e;
    e.set_client_id("sim");  // one client, as mpp-sim is
    e.set_request_id("in-" + std::to_string(i));
    e.mutable_request()->mutable_sign_in()->set_counter_id(i);
    e.mutable_request()->mutable_sign_in()->set_operator_id("op-" + std::to_string(i));
    e.mutable_request()->mutable_sign_in()->set_pin("1234");
    s.send(zmq::buffer(kProtocolTag), zmq::send_flags::sndmore);
    s.send(zmq::buffer(e.SerializeAsString()), zmq::send_flags::none);
  }
  for (int i = 0; i < 3; ++i) {
    zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
    ASSERT_GT(zmq::poll(&item, 1, std::chrono::milliseconds(30000)), 0);
    std::vector<zmq::message_t> frames;
    ASSERT_TRUE(zmq::recv_multipart(s, std::back_inserter(frames)));
    v1::Envelope reply;
    ASSERT_TRUE(reply.ParseFromArray(frames[1].data(), static_cast<int>(frames[1].size())));
    EXPECT_EQ(reply.reply().error().code(), v1::OK) << reply.reply().error().message_en();
  }
}

// The package's first configuration creates the hall with --init-only (and
// exits); installed, the programs' defaults are /etc/mpp and /var/lib/mpp,
// while a build tree keeps the source checkout's.
TEST(BrokerSystem, InitOnlyCreatesTheDatabaseAndInstalledDefaultsAreTheSystemPaths) {
  TempDir dir;
  const std::string db = dir.File("mpp.db");
  const std::string init = std::string(MPP_BROKER_BIN) + " --init-only --config " +
                           SampleCatalog() + " --db " + db + " --log-level warn 2>&1";
  const CommandResult first = RunCommand(init);
  EXPECT_EQ(first.exit_code, 0) << first.out;
  EXPECT_NE(first.out.find("database " + db + " ready (schema"), std::string::npos) << first.out;
  struct stat st {};
  ASSERT_EQ(stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const CommandResult second = RunCommand(init);
  EXPECT_EQ(second.exit_code, 2);
  EXPECT_NE(second.out.find("never overwritten"), std::string::npos) << second.out;

  const CommandResult built = RunCommand(std::string(MPP_BROKER_BIN) + " --help 2>&1");
  EXPECT_NE(built.out.find("config/mpp-cilegon.toml"), std::string::npos) << built.out;
  const std::string installed = dir.File("mpp-broker");  // no CMakeCache.txt beside it
  std::filesystem::copy_file(MPP_BROKER_BIN, installed);
  std::filesystem::permissions(installed, std::filesystem::perms::owner_all);
  const CommandResult help = RunCommand(installed + " --help 2>&1");
  EXPECT_NE(help.out.find("/etc/mpp/catalog.toml"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("/var/lib/mpp/mpp.db"), std::string::npos) << help.out;
}

// Under systemd (Type=notify, WatchdogSec=) the broker says READY=1 once it
// serves, and its loop's heartbeat pets the watchdog. A notify socket of our
// own stands in for systemd.
TEST(BrokerSystem, TellsTheServiceManagerItIsReadyAndPetsTheWatchdog) {
  TempDir dir;
  NotifySocket notify(dir.File("notify"));
  ASSERT_TRUE(notify.ok());
  setenv("NOTIFY_SOCKET", notify.path().c_str(), 1);
  setenv("WATCHDOG_USEC", "2000000", 1);
  BrokerProcess broker(dir);
  const bool started = broker.Start();
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  ASSERT_TRUE(started);
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::string& heard = notify.Heard();
        return heard.find("READY=1") != std::string::npos &&
               heard.find("WATCHDOG=1") != std::string::npos;
      },
      10000))
      << notify.Heard();
  ASSERT_EQ(broker.Stop(), 0);
  EXPECT_NE(notify.Heard().find("STOPPING=1"), std::string::npos) << notify.Heard();
}

TEST(BrokerSystem, RunningTextIsPublishedAndSurvivesARestart) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint(), "manager");
  const std::string catalog_text = c.Snapshot().snapshot().ticker();
  EXPECT_EQ(catalog_text.rfind("Selamat datang di MPP Kota Cilegon", 0), 0u) << catalog_text;
  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  ASSERT_TRUE(SubscribeLive(sub, broker.event_endpoint()));

  v1::Request set;
  set.mutable_set_ticker()->set_text("Layanan SIM tutup pukul 12.00 hari ini");
  ASSERT_EQ(c.Must(set).error().code(), v1::OK);
  std::optional<v1::Envelope> ev;
  while (!(ev && ev->has_event())) {
    ev = Receive(sub, 3000);
    ASSERT_TRUE(ev) << "no TICKER_CHANGED event";
  }
  EXPECT_EQ(ev->event().type(), v1::TICKER_CHANGED);
  EXPECT_EQ(ev->event().ticker(), "Layanan SIM tutup pukul 12.00 hari ini");

  v1::Request bad;
  bad.mutable_set_ticker()->set_text("two\nlines");
  const v1::Reply refused = c.Must(bad);
  EXPECT_EQ(refused.error().code(), v1::INVALID_ARGUMENT);
  EXPECT_NE(refused.error().message_en().find("one line"), std::string::npos);
  bad.mutable_set_ticker()->set_text(std::string(501, 'x'));
  EXPECT_EQ(c.Must(bad).error().code(), v1::INVALID_ARGUMENT);

  ASSERT_EQ(broker.Stop(), 0);
  ASSERT_TRUE(broker.Start());
  TestClient after(broker.command_endpoint(), "manager");
  EXPECT_EQ(after.Snapshot().snapshot().ticker(), "Layanan SIM tutup pukul 12.00 hari ini");
  v1::Request reset;
  reset.mutable_set_ticker();
  ASSERT_EQ(after.Must(reset).error().code(), v1::OK);
  EXPECT_EQ(after.Snapshot().snapshot().ticker(), catalog_text);
}

TEST(BrokerSystem, ReportsComeFromTheBrokersReportThread) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint(), "manager");
  c.Issue("KTP-REKAM");
  c.Issue("KTP-REKAM", v1::LANSIA);
  c.Issue("SKCK-BARU");
  c.SignIn(1, "ani");
  ASSERT_EQ(c.CallNext(1).ticket().number(), "A-002");  // priority first
  c.StartServing(1);
  c.Finish(1);

  v1::Request q;
  q.mutable_report()->set_from("2026-11-30");
  q.mutable_report()->set_to("2026-11-30");
  q.mutable_report()->set_by("service");
  const v1::Reply r = c.Must(q);
  ASSERT_EQ(r.error().code(), v1::OK) << r.error().message_en();
  const v1::ComplianceReport& rep = r.report();
  EXPECT_EQ(rep.by(), "service");
  EXPECT_EQ(rep.total().issued(), 3);
  EXPECT_EQ(rep.total().served(), 1);
  EXPECT_EQ(rep.total().priority(), 1);
  EXPECT_EQ(rep.total().priority_by_reason().at("LANSIA"), 1);
  ASSERT_EQ(rep.rows_size(), 2);
  EXPECT_EQ(rep.rows(0).key(), "KTP-REKAM");
  EXPECT_EQ(rep.rows(0).wait_judged(), 1);
  EXPECT_EQ(rep.rows(1).key(), "SKCK-BARU");
  EXPECT_GT(rep.completeness_size(), 0);

  // Bad input is refused with what to do; the broker goes on serving.
  q.mutable_report()->set_by("weekday");
  const v1::Reply bad_by = c.Must(q);
  EXPECT_EQ(bad_by.error().code(), v1::INVALID_ARGUMENT);
  EXPECT_NE(bad_by.error().message_en().find("weekday-hour"), std::string::npos);
  q.mutable_report()->set_by("day");
  q.mutable_report()->set_from("30-11-2026");
  EXPECT_EQ(c.Must(q).error().code(), v1::INVALID_ARGUMENT);
  EXPECT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-003");
}

// The business days with a report summary in the broker's file.
std::vector<std::string> SummarizedDays(const std::string& db_path) {
  std::vector<std::string> days;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT business_day FROM report_days ORDER BY 1", -1, &q, nullptr);
    while (q && sqlite3_step(q) == SQLITE_ROW) {
      days.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    }
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  return days;
}

v1::Request ReportRequest(const std::string& from, const std::string& to, const std::string& by) {
  v1::Request q;
  q.mutable_report()->set_from(from);
  q.mutable_report()->set_to(to);
  q.mutable_report()->set_by(by);
  return q;
}

TEST(BrokerSystem, AClosedDayIsSummarizedAtStartAndItsReportIsUnchanged) {
  TempDir dir;
  BrokerProcess broker(dir);  // Monday 30 November, 09:00
  ASSERT_TRUE(broker.Start());
  std::string before;
  {
    TestClient c(broker.command_endpoint(), "manager");
    c.Issue("KTP-REKAM");
    c.Issue("KTP-REKAM", v1::LANSIA);
    c.Issue("SKCK-BARU");
    c.SignIn(1, "ani");
    for (int i = 0; i < 2; ++i) {
      c.CallNext(1);
      c.StartServing(1);
      c.Finish(1);
    }
    v1::Request cancel;  // every ticket ended: the day change changes none
    cancel.mutable_cancel()->mutable_ticket()->set_number("B-001");
    ASSERT_EQ(c.Must(cancel).error().code(), v1::OK);
    const v1::Reply r = c.Must(ReportRequest("2026-11-30", "2026-11-30", "operator"));
    ASSERT_EQ(r.error().code(), v1::OK);
    v1::ComplianceReport rep = r.report();
    rep.clear_build_ms();
    before = rep.SerializeAsString();
    EXPECT_TRUE(SummarizedDays(broker.db_path()).empty());  // today is still open
  }
  ASSERT_EQ(broker.Stop(), 0);
  broker.options().clock_start = "2026-12-01T09:00:00+07:00";
  ASSERT_TRUE(broker.Start());
  EXPECT_EQ(SummarizedDays(broker.db_path()), std::vector<std::string>{"2026-11-30"});
  TestClient c(broker.command_endpoint(), "manager");
  const v1::Reply r = c.Must(ReportRequest("2026-11-30", "2026-11-30", "operator"));
  ASSERT_EQ(r.error().code(), v1::OK);
  v1::ComplianceReport after = r.report();
  after.clear_build_ms();
  EXPECT_EQ(after.SerializeAsString(), before);  // from the summary: the same figures
  EXPECT_EQ(after.total().issued(), 3);
  c.Issue("KTP-REKAM");
  const v1::Reply both = c.Must(ReportRequest("2026-11-30", "2026-12-01", "day"));
  ASSERT_EQ(both.error().code(), v1::OK);
  EXPECT_EQ(both.report().total().issued(), 4);  // a summarized day and today's tickets
  EXPECT_EQ(both.report().rows_size(), 2);
}

TEST(BrokerSystem, TheRunningBrokerSummarizesADayWhenItEnds) {
  TempDir dir;
  BrokerProcess::Options opt;
  // 14.00 at 36000x: midnight comes about a second after start.
  opt.clock_start = "2026-11-30T14:00:00+07:00";
  opt.extra_args = {"--clock-scale", "36000"};
  BrokerProcess broker(dir, opt);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint(), "manager");
  const v1::Reply issued = c.Issue("KTP-REKAM");
  ASSERT_EQ(issued.error().code(), v1::OK) << issued.error().message_en();
  ASSERT_EQ(issued.ticket().business_day(), "2026-11-30");
  EXPECT_TRUE(WaitFor([&] { return !SummarizedDays(broker.db_path()).empty(); }, 20000))
      << broker.StderrText();
  EXPECT_EQ(SummarizedDays(broker.db_path()).front(), "2026-11-30");
  const v1::Reply r = c.Must(ReportRequest("2026-11-30", "2026-11-30", "service"));
  ASSERT_EQ(r.error().code(), v1::OK);
  EXPECT_EQ(r.report().total().issued(), 1);
}

v1::Request CounterRequest(int counter, void (*set)(v1::Request*, int)) {
  v1::Request r;
  set(&r, counter);
  return r;
}

// A hall with one ticket called at counter 1 and one waiting, on Monday 09:00.
void CallOneLeaveOneWaiting(TestClient& c) {
  ASSERT_EQ(c.Issue("KTP-REKAM").error().code(), v1::OK);
  ASSERT_EQ(c.Issue("KTP-REKAM").error().code(), v1::OK);
  c.SignIn(1, "ani");
  ASSERT_EQ(c.CallNext(1).ticket().number(), "A-001");
}

TEST(BrokerSystem, TheDayChangesAtMidnightAsEventsWithNoRequestToTriggerIt) {
  TempDir dir;
  BrokerProcess broker(dir);  // Monday 09:00
  ASSERT_TRUE(broker.Start());
  {
    TestClient c(broker.command_endpoint());
    CallOneLeaveOneWaiting(c);
  }
  ASSERT_EQ(broker.Stop(), 0);
  // The same Monday, a minute before midnight, at 10x: midnight in ~6 s.
  broker.options().clock_start = "2026-11-30T23:59:00+07:00";
  broker.options().extra_args = {"--clock-scale", "10"};
  ASSERT_TRUE(broker.Start());
  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  ASSERT_TRUE(SubscribeLive(sub, broker.event_endpoint()));
  TestClient c(broker.command_endpoint(), "display-A");
  const v1::Snapshot before = c.Snapshot().snapshot();
  ASSERT_EQ(before.business_day(), "2026-11-30") << "midnight came too soon for this test";
  ASSERT_EQ(before.tickets_size(), 2);
  // Nobody sends a request: only the broker's own clock can change the day.
  std::vector<v1::Envelope> events;
  std::optional<v1::Envelope> beat;
  while (!(beat && beat->has_heartbeat() && beat->heartbeat().business_day() == "2026-12-01")) {
    beat = Receive(sub, 15000);
    ASSERT_TRUE(beat) << "no heartbeat on the new day\n" << broker.StderrText();
    if (beat->has_event() && beat->seq() > before.seq()) events.push_back(*beat);
  }
  // Each change has its own seq, right after the snapshot's: a client
  // following the Clone rules applies them like any other event.
  ASSERT_EQ(events.size(), 4u);  // two tickets expired, counter 1 closed, the day
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq(), before.seq() + 1 + i);
  EXPECT_EQ(events[0].event().type(), v1::TICKET_EXPIRED);
  EXPECT_EQ(events[0].event().ticket().number(), "A-001");
  EXPECT_EQ(events[0].event().ticket().state(), v1::EXPIRED);
  EXPECT_EQ(events[0].event().ticket().expired_from(), v1::CALLED);
  EXPECT_EQ(events[1].event().ticket().number(), "A-002");
  EXPECT_EQ(events[1].event().ticket().expired_from(), v1::WAITING);
  EXPECT_EQ(events[2].event().type(), v1::COUNTER_CHANGED);
  EXPECT_EQ(events[2].event().counter().status(), v1::CLOSED);
  EXPECT_EQ(events[2].event().counter().operator_id(), "");
  EXPECT_EQ(events[3].event().type(), v1::DAY_CHANGED);
  EXPECT_EQ(events[3].event().day_change().business_day(), "2026-12-01");
  EXPECT_EQ(events[3].event().day_change().previous_day(), "2026-11-30");
  EXPECT_EQ(events[3].event().day_change().expired(), 2);
  EXPECT_EQ(beat->heartbeat().seq(), events.back().seq());
  // A snapshot now is the state at the new seq, never a changed state at the old one.
  const v1::Snapshot after = c.Snapshot().snapshot();
  EXPECT_EQ(after.seq(), events.back().seq());
  EXPECT_EQ(after.business_day(), "2026-12-01");
  EXPECT_EQ(after.tickets_size(), 0);
  EXPECT_EQ(after.recent_calls_size(), 0);
  // Yesterday's call can no longer be recalled at counter 1, which is closed.
  const v1::Reply recall = c.Must(
      CounterRequest(1, [](v1::Request* r, int id) { r->mutable_recall()->set_counter_id(id); }));
  EXPECT_EQ(recall.error().code(), v1::FAILED_PRECONDITION);
  // The report of Monday counts both: the uncalled one as a wait not met.
  const v1::Reply rep = c.Must(ReportRequest("2026-11-30", "2026-11-30", "service"));
  ASSERT_EQ(rep.error().code(), v1::OK);
  EXPECT_EQ(rep.report().total().issued(), 2);
  EXPECT_EQ(rep.report().total().expired(), 2);
  EXPECT_EQ(rep.report().total().wait_judged(), 2);
  EXPECT_EQ(rep.report().total().wait_within(), 1);
}

TEST(BrokerSystem, AStartOnALaterDayExpiresTheTicketsLeftOpen) {
  TempDir dir;
  BrokerProcess broker(dir);  // Monday 09:00
  ASSERT_TRUE(broker.Start());
  uint64_t seq_before = 0;
  {
    TestClient c(broker.command_endpoint());
    CallOneLeaveOneWaiting(c);
    c.StartServing(1);  // A-001 is being served when the hall goes home
    seq_before = c.Status().seq();
  }
  ASSERT_EQ(broker.Stop(), 0);
  broker.options().clock_start = "2026-12-01T08:30:00+07:00";  // Tuesday morning
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  const v1::Snapshot s = c.Snapshot().snapshot();
  EXPECT_EQ(s.business_day(), "2026-12-01");
  EXPECT_EQ(s.seq(), seq_before + 4);  // two expiries, counter 1 closed, the day
  EXPECT_EQ(s.tickets_size(), 0);
  c.SignIn(1, "ani");
  // Finishing yesterday's ticket this morning would be a ~16 h service time.
  const v1::Reply finish = c.Finish(1);
  EXPECT_EQ(finish.error().code(), v1::FAILED_PRECONDITION);
  const v1::Reply rep = c.Must(ReportRequest("2026-11-30", "2026-11-30", "service"));
  ASSERT_EQ(rep.error().code(), v1::OK);
  EXPECT_EQ(rep.report().total().expired(), 2);
  EXPECT_EQ(rep.report().total().served(), 0);
  EXPECT_EQ(rep.report().total().service_judged(), 0) << "an unfinished service is not timed";
  // Monday is closed for good, so it was summarized at start with both expiries.
  EXPECT_EQ(SummarizedDays(broker.db_path()), std::vector<std::string>{"2026-11-30"});
}

TEST(BrokerSystem, PeopleAheadCountsEveryTicketASharedCounterCallsFirst) {
  TempDir dir;
  BrokerProcess broker(dir);  // Monday 09:00
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  c.SignIn(1, "ani");  // counter 1, the only one open, serves KTP-REKAM and KTP-CETAK
  for (int i = 0; i < 3; ++i) c.Issue("KTP-REKAM");
  c.Issue("KTP-CETAK");
  for (int i = 0; i < 4; ++i) c.Issue("KTP-REKAM");
  const v1::Reply mine = c.Issue("KTP-CETAK");
  ASSERT_EQ(mine.error().code(), v1::OK);
  // The old answer was "1 ahead, about 10 minutes" (the same service only).
  EXPECT_EQ(mine.ahead(), 8);
  EXPECT_EQ(mine.estimated_wait_ms(), 8 * 10 * 60000) << "8 tickets of 10 minutes, one counter";
  EXPECT_FALSE(mine.past_closing());
  // And it is true: counter 1 calls exactly eight tickets before it.
  for (int i = 0; i < 8; ++i) {
    const v1::Reply called = c.CallNext(1);
    ASSERT_EQ(called.error().code(), v1::OK);
    EXPECT_NE(called.ticket().id(), mine.ticket().id()) << "called after " << i;
    c.StartServing(1);
    c.Finish(1);
  }
  EXPECT_EQ(c.CallNext(1).ticket().id(), mine.ticket().id());
}

TEST(BrokerSystem, ATicketUnlikelyToBeServedBeforeClosingSaysSo) {
  TempDir dir;
  BrokerProcess::Options o;
  o.clock_start = "2026-11-30T14:30:00+07:00";  // the hall closes at 16.00
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  c.SignIn(1, "ani");
  v1::Reply last;
  for (int i = 0; i < 12; ++i) last = c.Issue("KTP-REKAM");  // 12 x 10 min > 90 min
  ASSERT_EQ(last.error().code(), v1::OK);
  EXPECT_TRUE(last.past_closing()) << "wait " << last.estimated_wait_ms() / 60000 << " min";
  const v1::Reply first_queue = c.Snapshot();
  bool found = false;
  for (const auto& q : first_queue.snapshot().queues()) {
    if (q.service() != "KTP-REKAM") continue;
    found = true;
    EXPECT_TRUE(q.past_closing()) << "the kiosk can warn before the visitor takes a number";
    EXPECT_EQ(q.ahead(), 12);
  }
  EXPECT_TRUE(found);
}

TEST(BrokerSystem, ASecondBrokerOnTheSameFileIsRefusedWithTheHoldersPid) {
  TempDir dir;
  BrokerProcess first(dir);
  ASSERT_TRUE(first.Start());
  TestClient(first.command_endpoint()).Issue("KTP-REKAM");
  TempDir other;  // its own folder and stderr; its mpp.db is the first one's file
  std::filesystem::create_symlink(first.db_path(), other.File("mpp.db"));
  BrokerProcess second(other);
  EXPECT_EQ(second.RunToExit(), 2);
  EXPECT_NE(second.StderrText().find("is in use by another mpp-broker (pid "), std::string::npos)
      << second.StderrText();
  // The first one is untouched and keeps serving.
  EXPECT_EQ(TestClient(first.command_endpoint()).Issue("KTP-REKAM").ticket().number(), "A-002");
}

TEST(BrokerSystem, TheDatabaseIsCreatedForItsOwnerOnlyAndAReadableOneIsRefused) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient(broker.command_endpoint()).Issue("KTP-REKAM");
  for (const char* suffix : {"", "-wal"}) {
    struct stat st {};
    ASSERT_EQ(stat((broker.db_path() + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "mpp.db" << suffix << " holds PIN hashes";
  }
  ASSERT_EQ(broker.Stop(), 0);
  ASSERT_EQ(chmod(broker.db_path().c_str(), 0644), 0);
  EXPECT_EQ(broker.RunToExit(), 2);
  EXPECT_NE(broker.StderrText().find("mode 0644"), std::string::npos) << broker.StderrText();
  EXPECT_NE(broker.StderrText().find("chmod 600"), std::string::npos) << "says the fix";
}

TEST(BrokerSystem, ATransferIntoAServiceNobodyServesTodayIsRefused) {
  TempDir dir;
  BrokerProcess broker(dir);  // Monday 09:00; HAJI is served on Tuesday and Thursday
  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  c.Issue("KTP-REKAM");
  c.SignIn(1, "ani");
  ASSERT_EQ(c.CallNext(1).error().code(), v1::OK);
  v1::Request transfer;
  transfer.mutable_transfer()->set_counter_id(1);
  transfer.mutable_transfer()->set_service("HAJI");
  const v1::Reply refused = c.Must(transfer);
  EXPECT_EQ(refused.error().code(), v1::NOT_SERVED_TODAY);
  EXPECT_NE(refused.error().message_en().find("choose another service"), std::string::npos);
  EXPECT_GT(refused.error().next_open_ms(), 0) << "says when it is served";
  transfer.mutable_transfer()->set_service("KTP-CETAK");
  EXPECT_EQ(c.Must(transfer).ticket().state(), v1::WAITING) << "a service open today is fine";
}

TEST(BrokerSystem, AForeignOrDamagedFileIsNeverServedFrom) {
  TempDir dir;
  BrokerProcess broker(dir);
  {  // another program's SQLite file where the broker's should be
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(broker.db_path().c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    chmod(broker.db_path().c_str(), 0600);
  }
  EXPECT_EQ(broker.RunToExit(), 2);
  EXPECT_NE(broker.StderrText().find("is not an MPP broker database"), std::string::npos)
      << broker.StderrText();
  std::filesystem::remove(broker.db_path());

  ASSERT_TRUE(broker.Start());
  {
    TestClient c(broker.command_endpoint());
    for (int i = 0; i < 30; ++i) c.Issue("KTP-REKAM");
  }
  ASSERT_EQ(broker.Stop(), 0);
  {  // a page of zeros in the middle of the file, as a failing disk leaves it
    std::fstream f(broker.db_path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4 * 4096);
    const std::string zeros(4096, '\0');
    f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
  }
  EXPECT_EQ(broker.RunToExit(), 2);
  EXPECT_NE(broker.StderrText().find("is damaged"), std::string::npos) << broker.StderrText();
  EXPECT_NE(broker.StderrText().find("restore the last backup"), std::string::npos);
}

TEST(BrokerSystem, ASignInDoesNotHoldUpTheRestOfTheHall) {
  // Checking a PIN is ~0.3 s of Argon2id. It runs on the broker's PIN thread:
  // other clients are answered meanwhile.
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  TestClient admin(broker.command_endpoint(), "admin");
  v1::Request add;
  add.mutable_set_operator()->set_operator_id("ani");
  add.mutable_set_operator()->set_pin("2580");
  ASSERT_EQ(admin.Must(add).error().code(), v1::OK);

  zmq::context_t ctx(1);
  zmq::socket_t counter(ctx, zmq::socket_type::dealer);
  counter.set(zmq::sockopt::linger, 0);
  counter.connect(broker.command_endpoint());
  v1::Envelope env;
  env.set_client_id("counter-1");
  env.set_request_id("sign-in-1");
  env.mutable_request()->mutable_sign_in()->set_counter_id(1);
  env.mutable_request()->mutable_sign_in()->set_operator_id("ani");
  env.mutable_request()->mutable_sign_in()->set_pin("2580");
  counter.send(zmq::buffer(kProtocolTag), zmq::send_flags::sndmore);
  counter.send(zmq::buffer(env.SerializeAsString()), zmq::send_flags::none);

  TestClient kiosk(broker.command_endpoint(), "kiosk-1");
  EXPECT_EQ(kiosk.Issue("KTP-REKAM").error().code(), v1::OK);
  EXPECT_EQ(kiosk.Snapshot().error().code(), v1::OK);
  // The kiosk was served while the sign-in was still being checked.
  zmq::pollitem_t item{counter.handle(), 0, ZMQ_POLLIN, 0};
  EXPECT_EQ(zmq::poll(&item, 1, std::chrono::milliseconds(0)), 0)
      << "the sign-in was answered before the kiosk: it held up the hall";
  // And then the sign-in is answered, and worked.
  ASSERT_EQ(zmq::poll(&item, 1, std::chrono::milliseconds(10000)), 1);
  std::vector<zmq::message_t> frames;
  ASSERT_TRUE(zmq::recv_multipart(counter, std::back_inserter(frames)));
  ASSERT_EQ(frames.size(), 2u);
  v1::Envelope reply;
  ASSERT_TRUE(reply.ParseFromArray(frames[1].data(), static_cast<int>(frames[1].size())));
  EXPECT_EQ(reply.request_id(), "sign-in-1");
  EXPECT_EQ(reply.reply().error().code(), v1::OK) << reply.reply().error().message_en();
  EXPECT_EQ(reply.reply().counter().operator_id(), "ani");
  // A wrong PIN goes the same way and is refused.
  v1::Request wrong;
  wrong.mutable_sign_in()->set_counter_id(2);
  wrong.mutable_sign_in()->set_operator_id("ani");
  wrong.mutable_sign_in()->set_pin("0000");
  EXPECT_EQ(admin.Must(wrong).error().code(), v1::NOT_PERMITTED);
}

}  // namespace
}  // namespace mpp::testing
