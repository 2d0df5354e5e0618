// A broker with CURVE keys (Ironhouse): only registered devices get in, and
// each may only do what its role allows - decided from the key it connected
// with, never from the payload. Real broker process, real keys on disk.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <zmq_addon.hpp>

#include "common/clone_client.h"
#include "common/keys.h"
#include "common/wire.h"
#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

class SecureBroker : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker_keys = GenerateKeyPair();
    ASSERT_TRUE(broker_keys.ok());
    ASSERT_TRUE(WriteKeyPair(dir_.File("broker"), "broker", *broker_keys).ok());
    broker_public_ = broker_keys->public_z85;
    admin_ = Keys();
    ASSERT_TRUE(WriteKeyPair(dir_.File("broker/admins"), "admin", admin_.own).ok());
    opt_.extra_args = {"--keys", dir_.File("broker")};
  }
  ClientKeys Keys() {
    auto k = GenerateKeyPair();
    EXPECT_TRUE(k.ok());
    return ClientKeys{broker_public_, *k};
  }
  // Adds a device (as the admin) and returns its keys.
  ClientKeys Device(const std::string& name, v1::DeviceRole role,
                    const std::vector<int>& counters = {},
                    const std::vector<std::string>& zones = {}) {
    ClientKeys k = Keys();
    TestClient admin(broker_->command_endpoint(), "admin", &admin_);
    v1::Request r;
    v1::Device* d = r.mutable_set_device()->mutable_device();
    d->set_public_key(k.own.public_z85);
    d->set_name(name);
    d->set_role(role);
    for (int c : counters) d->add_counter_ids(c);
    for (const auto& z : zones) d->add_zones(z);
    EXPECT_EQ(admin.Must(r).error().code(), v1::OK);
    return k;
  }
  // Revokes the device `name` (as the admin).
  void Revoke(const std::string& name, const ClientKeys& keys, v1::DeviceRole role) {
    TestClient admin(broker_->command_endpoint(), "admin", &admin_);
    v1::Request r;
    v1::Device* d = r.mutable_set_device()->mutable_device();
    d->set_public_key(keys.own.public_z85);
    d->set_name(name);
    d->set_role(role);
    d->set_revoked(true);
    ASSERT_EQ(admin.Must(r).error().code(), v1::OK);
  }
  // An event subscriber with `keys`, connected to the broker.
  std::unique_ptr<zmq::socket_t> Subscribe(zmq::context_t& ctx, const ClientKeys& keys,
                                           const std::string& prefix = std::string(kTopicPrefix)) {
    auto sub = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::sub);
    sub->set(zmq::sockopt::linger, 0);
    sub->set(zmq::sockopt::subscribe, prefix);
    sub->set(zmq::sockopt::curve_serverkey, keys.broker_public);
    sub->set(zmq::sockopt::curve_publickey, keys.own.public_z85);
    sub->set(zmq::sockopt::curve_secretkey, keys.own.secret_z85);
    sub->connect(broker_->event_endpoint());
    return sub;
  }
  void StartBroker() {
    broker_ = std::make_unique<BrokerProcess>(dir_, opt_);
    ASSERT_TRUE(broker_->Start());
  }
  static v1::Request Call(int counter) {
    v1::Request r;
    r.mutable_call_next()->set_counter_id(counter);
    return r;
  }
  static v1::Request Status() {
    v1::Request r;
    r.mutable_status();
    return r;
  }

  TempDir dir_;
  BrokerProcess::Options opt_;
  std::string broker_public_;
  ClientKeys admin_;
  std::unique_ptr<BrokerProcess> broker_;
};

TEST_F(SecureBroker, UnknownKeysAndPlaintextClientsAreRefused) {
  StartBroker();
  // The start-up self-test: ZAP refused the broker's own probe before it served.
  EXPECT_NE(broker_->StderrText().find("security: refused a connection"), std::string::npos)
      << broker_->StderrText();
  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  EXPECT_TRUE(admin.Call(Status(), 3000).ok());
  ClientKeys stranger = Keys();  // a valid key nobody registered
  TestClient outsider(broker_->command_endpoint(), "outsider", &stranger);
  EXPECT_FALSE(outsider.Call(Status(), 1500).ok());
  TestClient plaintext(broker_->command_endpoint(), "plain");
  EXPECT_FALSE(plaintext.Call(Status(), 1500).ok());
  // The refused handshake is in the security log, with the key.
  EXPECT_TRUE(WaitFor(
      [&] { return broker_->StderrText().find(stranger.own.public_z85) != std::string::npos; },
      5000));
}

// A client without keys, or with the wrong broker.pub, fails before ZAP is
// asked: the broker's log says so (a socket monitor), not only the client's.
TEST_F(SecureBroker, HandshakesThatFailBeforeZapAreLogged) {
  StartBroker();
  TestClient plaintext(broker_->command_endpoint(), "plain");
  EXPECT_FALSE(plaintext.Call(Status(), 1500).ok());
  ClientKeys wrong_broker = Device("kiosk-1", v1::ROLE_KIOSK);
  auto other = GenerateKeyPair();
  ASSERT_TRUE(other.ok());
  wrong_broker.broker_public = other->public_z85;  // the wrong broker.pub
  TestClient lost(broker_->command_endpoint(), "kiosk-1", &wrong_broker);
  EXPECT_FALSE(lost.Call(Status(), 1500).ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        const std::string log = broker_->StderrText();
        // libzmq reports a plaintext client as a mechanism mismatch, or - when
        // it hangs up first - as a broken-off handshake.
        return (log.find("failed on the command port: a client without CURVE keys") !=
                    std::string::npos ||
                log.find("failed on the command port: a handshake broken off") !=
                    std::string::npos) &&
               log.find("failed on the command port: a client with the wrong broker.pub") !=
                   std::string::npos;
      },
      5000))
      << broker_->StderrText();
}

TEST_F(SecureBroker, AnAdminsFolderOthersCanWriteToIsRefusedAtStart) {
  ASSERT_EQ(chmod(dir_.File("broker/admins").c_str(), 0777), 0);
  broker_ = std::make_unique<BrokerProcess>(dir_, opt_);
  EXPECT_EQ(broker_->RunToExit(), 2);
  EXPECT_NE(broker_->StderrText().find("can be written by other users (mode 0777)"),
            std::string::npos)
      << broker_->StderrText();
  EXPECT_NE(broker_->StderrText().find("chmod 700"), std::string::npos);
}

TEST_F(SecureBroker, AKioskActsOnlyOnItsOwnTicketsAndCannotClaimToBeStaff) {
  StartBroker();
  const ClientKeys k1 = Device("kiosk-1", v1::ROLE_KIOSK);
  const ClientKeys k2 = Device("kiosk-2", v1::ROLE_KIOSK);
  TestClient one(broker_->command_endpoint(), "k1", &k1);
  TestClient two(broker_->command_endpoint(), "k2", &k2);
  // A kiosk that claims to be an operator granting priority is recorded as itself.
  v1::Request forged;
  forged.mutable_issue()->set_service("KTP-REKAM");
  forged.mutable_issue()->set_priority(v1::LANSIA);
  forged.mutable_issue()->set_source(v1::STAFF);
  forged.mutable_issue()->set_source_id("operator-ani");
  const v1::Ticket mine = one.Must(forged).ticket();
  EXPECT_EQ(mine.source(), v1::KIOSK);
  EXPECT_EQ(mine.source_id(), "kiosk-1");
  EXPECT_EQ(mine.priority_granted_by(), "self") << "self-declared at a kiosk, never 'operator-ani'";
  // Another kiosk may neither cancel it nor mark its print as failed.
  v1::Request cancel;
  cancel.mutable_cancel()->mutable_ticket()->set_id(mine.id());
  EXPECT_EQ(two.Must(cancel).error().code(), v1::NOT_PERMITTED);
  v1::Request print;
  *print.mutable_report_print()->mutable_ticket() = cancel.cancel().ticket();
  print.mutable_report_print()->set_ok(false);
  EXPECT_EQ(two.Must(print).error().code(), v1::NOT_PERMITTED);
  EXPECT_EQ(one.Must(print).error().code(), v1::OK) << "its own kiosk may";
  EXPECT_EQ(one.Must(cancel).error().code(), v1::OK);
}

TEST_F(SecureBroker, AStoredReplyBelongsToTheDeviceThatMadeTheRequest) {
  StartBroker();
  const ClientKeys k1 = Device("kiosk-1", v1::ROLE_KIOSK);
  const ClientKeys k2 = Device("kiosk-2", v1::ROLE_KIOSK);
  TestClient first(broker_->command_endpoint(), "kiosk", &k1);
  TestClient second(broker_->command_endpoint(), "kiosk", &k2);  // the same client id
  const v1::Reply a = first.Issue("KTP-REKAM", v1::PRIORITY_NONE, "req-1");
  const v1::Reply b = second.Issue("KTP-REKAM", v1::PRIORITY_NONE, "req-1");
  ASSERT_EQ(a.error().code(), v1::OK);
  ASSERT_EQ(b.error().code(), v1::OK);
  EXPECT_NE(a.ticket().id(), b.ticket().id())
      << "another device's request id must not fetch the first device's reply";
  EXPECT_EQ(first.Issue("KTP-REKAM", v1::PRIORITY_NONE, "req-1").ticket().id(), a.ticket().id())
      << "a retry by the same device still gets its own reply";
}

TEST_F(SecureBroker, EachRoleMayOnlyDoItsJob) {
  StartBroker();
  const ClientKeys kiosk = Device("kiosk-1", v1::ROLE_KIOSK);
  const ClientKeys loket3 = Device("loket-3", v1::ROLE_COUNTER, {3});
  const ClientKeys display = Device("display-a", v1::ROLE_DISPLAY);
  const ClientKeys manager = Device("manager", v1::ROLE_MANAGER);
  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  v1::Request op;
  op.mutable_set_operator()->set_operator_id("ani");
  op.mutable_set_operator()->set_pin("2580");
  ASSERT_EQ(admin.Must(op).error().code(), v1::OK);

  TestClient k(broker_->command_endpoint(), "kiosk-1", &kiosk);
  // Counter 3 serves KTP-CETAK (prefix A) and KIA.
  EXPECT_EQ(k.Issue("KTP-CETAK").ticket().number(), "A-001");
  EXPECT_EQ(k.Issue("KTP-CETAK").ticket().number(), "A-002");
  const v1::Reply kiosk_call = k.Must(Call(3));
  EXPECT_EQ(kiosk_call.error().code(), v1::NOT_PERMITTED) << "a kiosk cannot call";
  EXPECT_NE(kiosk_call.error().message_en().find("may not send 'call_next'"), std::string::npos);

  TestClient c3(broker_->command_endpoint(), "counter-3", &loket3);
  v1::Request in;
  in.mutable_sign_in()->set_counter_id(3);
  in.mutable_sign_in()->set_operator_id("ani");
  in.mutable_sign_in()->set_pin("2580");
  ASSERT_EQ(c3.Must(in).error().code(), v1::OK);
  EXPECT_EQ(c3.Must(Call(3)).ticket().number(), "A-001");
  // Counter 3's device acting for counter 4: refused, whatever the payload says.
  in.mutable_sign_in()->set_counter_id(4);
  const v1::Reply other = c3.Must(in);
  EXPECT_EQ(other.error().code(), v1::NOT_PERMITTED);
  EXPECT_NE(other.error().message_en().find("may not act for counter 4"), std::string::npos);
  EXPECT_EQ(c3.Must(Call(4)).error().code(), v1::NOT_PERMITTED);

  TestClient d(broker_->command_endpoint(), "display-a", &display);
  EXPECT_EQ(d.Snapshot("A").error().code(), v1::OK);
  EXPECT_EQ(d.Must(Status()).error().code(), v1::OK);
  EXPECT_EQ(d.Issue("KTP-REKAM").error().code(), v1::NOT_PERMITTED) << "a display only reads";

  TestClient m(broker_->command_endpoint(), "manager", &manager);
  v1::Request ticker;
  ticker.mutable_set_ticker()->set_text("Selamat datang");
  EXPECT_EQ(m.Must(ticker).error().code(), v1::OK);
  EXPECT_EQ(m.Must(op).error().code(), v1::NOT_PERMITTED) << "only an admin manages operators";
  v1::Request dev;
  dev.mutable_list_devices();
  EXPECT_EQ(m.Must(dev).error().code(), v1::NOT_PERMITTED);
  EXPECT_EQ(admin.Must(dev).devices().devices_size(), 4);

  // Nothing the refused devices sent changed the state.
  const v1::Snapshot s = admin.Snapshot().snapshot();
  for (const auto& c : s.counters()) {
    if (c.id() == 4) {
      EXPECT_EQ(c.status(), v1::CLOSED);
    }
  }
  EXPECT_EQ(s.tickets_size(), 2);
}

TEST_F(SecureBroker, TheWebGatewayReadsTicketsByTokenAndNothingElse) {
  StartBroker();
  const ClientKeys kiosk = Device("kiosk-1", v1::ROLE_KIOSK);
  const ClientKeys web = Device("web", v1::ROLE_WEB);
  TestClient k(broker_->command_endpoint(), "kiosk-1", &kiosk);
  const v1::Reply issued = k.Issue("KTP-CETAK");
  const std::string token = issued.ticket().token();
  ASSERT_EQ(token.size(), 28u) << "the kiosk gets the token to print";
  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  admin.SignIn(3, "ani");

  TestClient w(broker_->command_endpoint(), "web", &web);
  v1::Request status;
  status.mutable_ticket_status()->add_tokens(token);
  const v1::Reply st = w.Must(status);
  ASSERT_EQ(st.error().code(), v1::OK);
  ASSERT_EQ(st.ticket_statuses().statuses_size(), 1);
  const v1::Ticket& t = st.ticket_statuses().statuses(0).ticket();
  EXPECT_EQ(t.number(), issued.ticket().number());
  EXPECT_EQ(t.source_id(), "") << "as the public sees it: not which kiosk";
  EXPECT_EQ(t.token(), "");
  const v1::Reply snap = w.Snapshot();
  ASSERT_EQ(snap.error().code(), v1::OK);
  for (const auto& c : snap.snapshot().counters()) EXPECT_EQ(c.operator_id(), "") << "no staff";
  for (const auto& tk : snap.snapshot().tickets()) EXPECT_EQ(tk.token(), "") << "no tokens";

  EXPECT_EQ(w.Issue("KTP-REKAM").error().code(), v1::NOT_PERMITTED) << "no tickets from the web";
  EXPECT_EQ(w.Must(Call(3)).error().code(), v1::NOT_PERMITTED) << "no calls";
  v1::Request report;
  report.mutable_report()->set_from("2026-11-30");
  report.mutable_report()->set_to("2026-11-30");
  EXPECT_EQ(w.Must(report).error().code(), v1::NOT_PERMITTED) << "no reports";
  v1::Request ops;
  ops.mutable_list_operators();
  EXPECT_EQ(w.Must(ops).error().code(), v1::NOT_PERMITTED) << "no operator data";
  // A kiosk, a display or a counter cannot look tickets up by token.
  EXPECT_EQ(k.Must(status).error().code(), v1::NOT_PERMITTED);
}

TEST_F(SecureBroker, ARevokedDeviceIsCutOffAtOnceAndCannotReconnect) {
  StartBroker();
  const ClientKeys kiosk = Device("kiosk-1", v1::ROLE_KIOSK);
  TestClient k(broker_->command_endpoint(), "kiosk-1", &kiosk);
  ASSERT_EQ(k.Issue("KTP-REKAM").error().code(), v1::OK);
  Revoke("kiosk-1", kiosk, v1::ROLE_KIOSK);
  // Still connected: its next command is refused.
  EXPECT_EQ(k.Issue("KTP-REKAM").error().code(), v1::NOT_PERMITTED);
  // A new connection is refused in the handshake, also after a restart,
  // and the kiosk is told it is its key, not the network.
  TestClient again(broker_->command_endpoint(), "kiosk-1b", &kiosk);
  const auto refused = again.Call(Status(), 1500);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("PERMISSION_DENIED"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("refused this device's key"), std::string::npos)
      << refused.status().message();
  ASSERT_EQ(broker_->Stop(), 0);
  ASSERT_TRUE(broker_->Start());
  TestClient after(broker_->command_endpoint(), "kiosk-1c", &kiosk);
  EXPECT_FALSE(after.Call(Status(), 1500).ok());
  TestClient admin2(broker_->command_endpoint(), "admin", &admin_);
  EXPECT_EQ(admin2.Snapshot().snapshot().tickets_size(), 1);
}

// What a device is told when its call goes unanswered says where to look.
TEST_F(SecureBroker, AnUnansweredCallSaysWhetherKeysOrTheNetworkAreWrong) {
  StartBroker();
  auto message = [&](const ClientKeys* keys) {
    TestClient c(broker_->command_endpoint(), "probe", keys);
    const auto r = c.Call(Status(), 1500);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  // A key the broker does not know.
  const ClientKeys stranger = Keys();
  EXPECT_NE(message(&stranger).find("refused this device's key"), std::string::npos);
  // A registered key, but another broker's public key in the keys folder.
  ClientKeys wrong_broker = Device("kiosk-x", v1::ROLE_KIOSK);
  wrong_broker.broker_public = Keys().own.public_z85;
  const std::string wrong = message(&wrong_broker);
  EXPECT_NE(wrong.find("secure handshake failed"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("broker.pub"), std::string::npos) << wrong;
  // No keys at all against a broker that requires them.
  const std::string plain = message(nullptr);
  EXPECT_NE(plain.find("secure handshake failed"), std::string::npos) << plain;
  // Nothing listening: the old advice.
  TestClient nobody("tcp://127.0.0.1:9", "probe", &stranger);  // nothing listens on discard
  const auto down = nobody.Call(Status(), 1500);
  ASSERT_FALSE(down.ok());
  EXPECT_NE(down.status().message().find("check that mpp-broker is running"), std::string::npos)
      << down.status().message();
  // A registered device still gets in.
  const ClientKeys kiosk = Device("kiosk-1", v1::ROLE_KIOSK);
  EXPECT_TRUE(TestClient(broker_->command_endpoint(), "kiosk-1", &kiosk).Call(Status()).ok());
}

TEST_F(SecureBroker, EventsReachOnlyRegisteredDevices) {
  StartBroker();
  const ClientKeys display = Device("display-a", v1::ROLE_DISPLAY);
  const ClientKeys stranger = Keys();
  zmq::context_t ctx(1);
  auto heard = [](zmq::socket_t& s, int ms) {
    zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(ms));
    return (item.revents & ZMQ_POLLIN) != 0;
  };
  auto good = Subscribe(ctx, display);
  auto bad = Subscribe(ctx, stranger);
  EXPECT_TRUE(heard(*good, 5000)) << "heartbeats reach a registered display";
  // Heartbeats come every second: three seconds of silence is a refusal.
  EXPECT_FALSE(heard(*bad, 3000)) << "an unknown key must not hear the hall";
}

TEST_F(SecureBroker, ARevokedSubscriberStopsHearingTheHallAtOnce) {
  StartBroker();
  const ClientKeys revoked = Device("display-a", v1::ROLE_DISPLAY);
  const ClientKeys honest = Device("display-b", v1::ROLE_DISPLAY);
  zmq::context_t ctx(1);
  // The highest seq among the messages that arrive within `ms`.
  auto highest_seq = [](zmq::socket_t& s, int ms) {
    uint64_t seq = 0;
    zmq::pollitem_t item{s.handle(), 0, ZMQ_POLLIN, 0};
    while (zmq::poll(&item, 1, std::chrono::milliseconds(ms)) > 0) {
      std::vector<zmq::message_t> frames;
      if (!zmq::recv_multipart(s, std::back_inserter(frames), zmq::recv_flags::dontwait)) break;
      v1::Envelope env;
      if (frames.size() == 2 && env.ParseFromArray(frames[1].data(), frames[1].size())) {
        seq = std::max<uint64_t>(seq, env.seq());
      }
      ms = 0;  // then only what is already there
    }
    return seq;
  };
  auto a = Subscribe(ctx, revoked);
  auto b = Subscribe(ctx, honest);
  ASSERT_GT(highest_seq(*a, 5000) + highest_seq(*b, 5000), 0u) << "both hear heartbeats";

  Revoke("display-a", revoked, v1::ROLE_DISPLAY);
  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  const uint64_t after = admin.Issue("KTP-REKAM").ticket().id() > 0 ? admin.Status().seq() : 0;
  ASSERT_GT(after, 0u);
  // The honest display reconnects by itself and hears heartbeats that carry
  // the seq of the ticket issued after the revocation - twice, so at least a
  // second passes in which the revoked one would have heard them too.
  int heard = 0;
  EXPECT_TRUE(WaitFor([&] { return (heard += highest_seq(*b, 200) >= after) >= 2; }, 10000));
  EXPECT_LT(highest_seq(*a, 0), after) << "the revoked display still hears the hall";
  EXPECT_NE(broker_->StderrText().find("event socket was renewed"), std::string::npos);
}

// Each device hears only what its role may see, even when it subscribes to
// everything: a kiosk or display gets tickets without who issued or served
// them and nothing of operators, devices or security; a counter gets
// operators (without failure counts) but no devices or security notices;
// the administrator gets it all. Every stream stays gap-free (stubs).
TEST_F(SecureBroker, EachDeviceHearsOnlyWhatItsRoleMaySee) {
  opt_.extra_args.push_back("--security-summary-seconds");
  opt_.extra_args.push_back("1");
  StartBroker();
  const ClientKeys kiosk = Device("kiosk-1", v1::ROLE_KIOSK);
  const ClientKeys display = Device("display-1", v1::ROLE_DISPLAY);
  const ClientKeys counter = Device("loket-1", v1::ROLE_COUNTER, {1});
  const ClientKeys zone_a = Device("display-a", v1::ROLE_DISPLAY, {}, {"A"});
  const ClientKeys zone_b = Device("display-b", v1::ROLE_DISPLAY, {}, {"B"});
  zmq::context_t ctx(1);
  struct Listener {
    std::string name;
    std::unique_ptr<zmq::socket_t> sub;
    std::vector<v1::Envelope> events;
    bool heartbeat = false;
  };
  std::vector<Listener> ears;
  ears.push_back({"kiosk", Subscribe(ctx, kiosk, ""), {}, false});
  ears.push_back({"display", Subscribe(ctx, display, ""), {}, false});
  ears.push_back({"counter", Subscribe(ctx, counter, ""), {}, false});
  ears.push_back({"admin", Subscribe(ctx, admin_, ""), {}, false});
  ears.push_back({"display-a", Subscribe(ctx, zone_a, ""), {}, false});
  ears.push_back({"display-b", Subscribe(ctx, zone_b, ""), {}, false});
  auto drain = [&](Listener& l) {
    for (;;) {
      std::vector<zmq::message_t> frames;
      if (!zmq::recv_multipart(*l.sub, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
        return;
      }
      v1::Envelope env;
      if (frames.size() != 2 || !env.ParseFromArray(frames[1].data(), frames[1].size())) continue;
      if (env.has_heartbeat()) l.heartbeat = true;
      // A zone display hears its zones' copy of an event and then a stub of
      // it, which it drops as already seen (as LiveState does).
      const bool zone_bound = l.name == "display-a" || l.name == "display-b";
      if (env.has_event() && zone_bound && !l.events.empty() &&
          env.seq() <= l.events.back().seq()) {
        continue;
      }
      if (env.has_event()) l.events.push_back(env);
    }
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        bool all = true;
        for (auto& l : ears) {
          drain(l);
          all &= l.heartbeat;
        }
        return all;
      },
      10000))
      << "every subscriber hears heartbeats";

  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  v1::Request op;
  op.mutable_set_operator()->set_operator_id("ani");
  op.mutable_set_operator()->set_pin("2580");
  ASSERT_EQ(admin.Must(op).error().code(), v1::OK);           // OPERATOR_CHANGED
  Device("display-2", v1::ROLE_DISPLAY);                        // DEVICE_CHANGED
  TestClient k(broker_->command_endpoint(), "kiosk-1", &kiosk);
  ASSERT_EQ(k.Issue("KTP-REKAM").error().code(), v1::OK);      // TICKET_ISSUED
  TestClient c(broker_->command_endpoint(), "loket-1", &counter);
  v1::Request sign_in;
  sign_in.mutable_sign_in()->set_counter_id(1);
  sign_in.mutable_sign_in()->set_operator_id("ani");
  sign_in.mutable_sign_in()->set_pin("2580");
  ASSERT_EQ(c.Must(sign_in).error().code(), v1::OK);           // COUNTER_CHANGED
  ASSERT_EQ(c.CallNext(1).error().code(), v1::OK);             // TICKET_CALLED
  EXPECT_EQ(k.Must(Call(1)).error().code(), v1::NOT_PERMITTED);  // -> SECURITY_NOTICE
  // Until the administrator has heard the security notice and everyone the last seq.
  auto admin_heard_notice = [&] {
    for (const auto& e : ears[3].events) {
      if (e.event().type() == v1::SECURITY_NOTICE) return e.seq();
    }
    return uint64_t{0};
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        for (auto& l : ears) drain(l);
        const uint64_t last = admin_heard_notice();
        if (last == 0) return false;
        for (auto& l : ears) {
          if (l.events.empty() || l.events.back().seq() < last) return false;
        }
        return true;
      },
      10000));

  for (const auto& l : ears) {
    SCOPED_TRACE(l.name);
    // Gap-free: one message per seq, each seq once.
    for (size_t i = 1; i < l.events.size(); ++i) {
      EXPECT_EQ(l.events[i].seq(), l.events[i - 1].seq() + 1)
          << v1::EventType_Name(l.events[i].event().type()) << " after "
          << v1::EventType_Name(l.events[i - 1].event().type());
    }
    bool saw_ticket = false, saw_operator = false, saw_device = false, saw_security = false;
    for (const auto& env : l.events) {
      const v1::Event& e = env.event();
      EXPECT_NE(e.type(), v1::EVENT_TYPE_UNSPECIFIED);
      if (e.has_ticket()) {
        saw_ticket = true;
        const bool is_public = l.name.rfind("display", 0) == 0 || l.name == "kiosk";
        EXPECT_EQ(e.ticket().source_id().empty(), is_public) << e.ShortDebugString();
        if (is_public) {
          EXPECT_EQ(e.ticket().operator_id(), "");
        }
      }
      if (e.has_counter()) {
        EXPECT_NE(l.name, "display-b") << "counter 1 is in zone A";
      }
      if (e.has_counter() && (l.name == "kiosk" || l.name.rfind("display", 0) == 0)) {
        EXPECT_EQ(e.counter().operator_id(), "") << e.ShortDebugString();
      }
      if (e.has_operator_info()) {
        saw_operator = true;
        EXPECT_EQ(e.operator_info().pin_hash(), "");
      }
      saw_device |= e.has_device();
      saw_security |= e.has_security();
    }
    // Zone B's display hears nothing of a KTP-REKAM ticket called at counter 1 (zone A).
    EXPECT_EQ(saw_ticket, l.name != "display-b");
    EXPECT_EQ(saw_operator, l.name == "counter" || l.name == "admin");
    EXPECT_EQ(saw_device, l.name == "admin");
    EXPECT_EQ(saw_security, l.name == "admin");
  }
  // A kiosk's snapshot is redacted like its events; the counter's is whole.
  const v1::Snapshot ks = k.Snapshot().snapshot();
  ASSERT_FALSE(ks.tickets().empty());
  EXPECT_EQ(ks.tickets(0).source_id(), "");
  EXPECT_EQ(ks.tickets(0).operator_id(), "");
  for (const auto& ctr : ks.counters()) EXPECT_EQ(ctr.operator_id(), "");
  const v1::Snapshot cs = c.Snapshot().snapshot();
  ASSERT_FALSE(cs.tickets().empty());
  EXPECT_EQ(cs.tickets(0).source_id(), "kiosk-1");
}

TEST_F(SecureBroker, RefusalsAreSummedIntoTheEventLog) {
  opt_.extra_args.push_back("--security-summary-seconds");
  opt_.extra_args.push_back("1");
  StartBroker();
  const ClientKeys kiosk = Device("kiosk-1", v1::ROLE_KIOSK);
  TestClient k(broker_->command_endpoint(), "kiosk-1", &kiosk);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(k.Must(Call(1)).error().code(), v1::NOT_PERMITTED);
  const ClientKeys stranger = Keys();
  TestClient outsider(broker_->command_endpoint(), "outsider", &stranger);
  EXPECT_FALSE(outsider.Call(Status(), 1500).ok());
  // Five wrong PINs hold the device that typed them: a security event too.
  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  v1::Request op;
  op.mutable_set_operator()->set_operator_id("ani");
  op.mutable_set_operator()->set_pin("2580");
  ASSERT_EQ(admin.Must(op).error().code(), v1::OK);
  v1::Request wrong;
  wrong.mutable_sign_in()->set_counter_id(1);
  wrong.mutable_sign_in()->set_operator_id("ani");
  wrong.mutable_sign_in()->set_pin("0000");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(admin.Must(wrong).error().code(), v1::NOT_PERMITTED);
  // One SECURITY_NOTICE per kind and subject, with the count: five refused
  // calls are one event, not five.
  std::vector<v1::SecurityNotice> notices;
  auto read = [&] {
    notices.clear();
    sqlite3* db = nullptr;
    sqlite3_open_v2(broker_->db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT payload FROM events WHERE type = 'SECURITY_NOTICE'", -1, &q,
                       nullptr);
    while (q && sqlite3_step(q) == SQLITE_ROW) {
      v1::Event e;
      if (e.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0))) {
        notices.push_back(e.security());
      }
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    bool command = false, handshake = false, lockout = false;
    for (const auto& n : notices) {
      command |= n.kind() == "command_refused";
      handshake |= n.kind() == "handshake_refused" && n.subject() == stranger.own.public_z85;
      lockout |= n.kind() == "pin_hold" && n.subject() == "admin:admin";
    }
    return command && handshake && lockout;
  };
  ASSERT_TRUE(WaitFor(read, 10000)) << notices.size() << " notices\n" << broker_->StderrText();
  int refused_calls = 0;
  for (const auto& n : notices) {
    EXPECT_NE(n.subject(), "") << n.kind();
    if (n.kind() == "command_refused") {
      EXPECT_EQ(n.subject(), "kiosk-1");
      EXPECT_NE(n.detail().find("call_next"), std::string::npos);
      refused_calls += n.count();
    }
  }
  EXPECT_EQ(refused_calls, 5);
  EXPECT_NE(broker_->StderrText().find("security: device admin:admin held"), std::string::npos);
}

// A counter workstation that types wrong PINs for every operator of the hall
// holds back itself, not them: the operator signs in at the next counter, and
// the security log names the guessing device, which the admin can revoke.
TEST_F(SecureBroker, WrongPinsFromOneCounterDeviceDoNotLockTheOperatorsOut) {
  opt_.extra_args.push_back("--security-summary-seconds");
  opt_.extra_args.push_back("1");
  StartBroker();
  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  for (const char* id : {"ani", "budi"}) {
    v1::Request op;
    op.mutable_set_operator()->set_operator_id(id);
    op.mutable_set_operator()->set_pin("2580");
    ASSERT_EQ(admin.Must(op).error().code(), v1::OK);
  }
  const ClientKeys guesser_keys = Device("loket-1", v1::ROLE_COUNTER, {1});
  const ClientKeys honest_keys = Device("loket-2", v1::ROLE_COUNTER, {2});
  TestClient guesser(broker_->command_endpoint(), "loket-1", &guesser_keys);
  auto sign_in = [](int counter, const std::string& id, const std::string& pin) {
    v1::Request r;
    r.mutable_sign_in()->set_counter_id(counter);
    r.mutable_sign_in()->set_operator_id(id);
    r.mutable_sign_in()->set_pin(pin);
    return r;
  };
  // Five operators' worth of guesses (the old lock fell on each operator).
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(guesser.Must(sign_in(1, i % 2 ? "budi" : "ani", "000" + std::to_string(i)))
                  .error()
                  .code(),
              v1::NOT_PERMITTED);
  }
  const v1::Reply held = guesser.Must(sign_in(1, "ani", "2580"));
  EXPECT_NE(held.error().message_en().find("Too many wrong PINs from this device"),
            std::string::npos)
      << held.error().message_en();
  // The victims are not locked: both sign in from the honest device.
  TestClient honest(broker_->command_endpoint(), "loket-2", &honest_keys);
  EXPECT_EQ(honest.Must(sign_in(2, "ani", "2580")).counter().operator_id(), "ani");
  // The notice names the device (from its key, not the client id it chose).
  EXPECT_TRUE(WaitFor(
      [&] {
        return broker_->StderrText().find("security: device loket-1 held") != std::string::npos;
      },
      5000))
      << broker_->StderrText();
  EXPECT_NE(broker_->StderrText().find("mppctl device revoke loket-1"), std::string::npos);
}

TEST_F(SecureBroker, ASecretKeyOthersCanReadIsRefusedAtStart) {
  ASSERT_EQ(chmod(dir_.File("broker/broker.key").c_str(), 0644), 0);
  BrokerProcess broker(dir_, opt_);
  EXPECT_EQ(broker.RunToExit(), 2);
  EXPECT_NE(broker.StderrText().find("chmod 600"), std::string::npos) << broker.StderrText();
}

TEST_F(SecureBroker, WithKeysThePublicAddressIsAllowed) {
  opt_.endpoint = "tcp://0.0.0.0:*";
  StartBroker();
  TestClient admin("tcp://127.0.0.1:" + broker_->command_endpoint().substr(
                                            broker_->command_endpoint().rfind(':') + 1),
                   "admin", &admin_);
  EXPECT_TRUE(admin.Call(Status(), 3000).ok());
}

// "Which TV is off": the broker remembers when and from where each
// registered device was last heard; status lists (for admins and managers)
// the devices silent longer than --silent-after-s, and screens say hello
// every 20 s (here 200 ms) so that only a device that is off goes silent.
TEST_F(SecureBroker, StatusNamesSilentDevicesAndTheListSaysWhenEachWasLastSeen) {
  opt_.extra_args.insert(opt_.extra_args.end(), {"--silent-after-s", "1"});
  StartBroker();
  const ClientKeys kiosk_keys = Device("kiosk-1", v1::ROLE_KIOSK);
  const ClientKeys tv_keys = Device("tv-lobby", v1::ROLE_DISPLAY);
  const ClientKeys manager_keys = Device("manager-1", v1::ROLE_MANAGER);
  TestClient kiosk(broker_->command_endpoint(), "kiosk-1", &kiosk_keys);
  TestClient manager(broker_->command_endpoint(), "manager-1", &manager_keys);
  TestClient admin(broker_->command_endpoint(), "admin", &admin_);
  ASSERT_EQ(kiosk.Issue("KTP-REKAM").error().code(), v1::OK);
  auto silent = [&](TestClient& who) {
    std::map<std::string, v1::Presence> out;
    const v1::Status st = who.Status();
    for (const auto& p : st.silent_devices()) out[p.name()] = p;
    return out;
  };
  auto listed = [&](const std::string& name) {
    v1::Request r;
    r.mutable_list_devices();
    const v1::Reply reply = admin.Must(r);
    for (const auto& d : reply.devices().devices())
      if (d.name() == name) return d;
    return v1::Device();
  };
  // Seen: when and from where. Never seen: nothing.
  EXPECT_GT(listed("kiosk-1").last_seen_ms(), 0);
  EXPECT_EQ(listed("kiosk-1").last_address(), "127.0.0.1");
  EXPECT_EQ(listed("tv-lobby").last_seen_ms(), 0);
  // A second on, the TV (never heard from) and the kiosk (quiet since) are
  // silent; the manager, who is asking, is not. A kiosk is not told.
  ASSERT_TRUE(WaitFor([&] { return silent(manager).count("kiosk-1") == 1; }, 10000));
  auto now_silent = silent(manager);
  ASSERT_EQ(now_silent.count("tv-lobby"), 1u);
  EXPECT_EQ(now_silent["tv-lobby"].last_seen_ms(), 0);
  EXPECT_EQ(now_silent["kiosk-1"].last_address(), "127.0.0.1");
  EXPECT_EQ(now_silent["kiosk-1"].role(), v1::ROLE_KIOSK);
  EXPECT_EQ(now_silent.count("manager-1"), 0u);
  EXPECT_EQ(kiosk.Status().silent_devices_size(), 0);

  // The TV comes on: its live view says hello every 200 ms, so the broker
  // keeps hearing from it after the catalog and snapshot are fetched.
  UseClientKeys(tv_keys);
  CloneClient::Options o;
  o.broker = broker_->command_endpoint();
  o.client_id = "tv-lobby";
  o.hello_ms = 200;
  CloneClient tv(o, nullptr);
  tv.Start();
  ASSERT_TRUE(WaitFor([&] { return tv.Read().connected; }, 10000));
  const int64_t first = listed("tv-lobby").last_seen_ms();
  EXPECT_TRUE(WaitFor([&] { return listed("tv-lobby").last_seen_ms() > first + 600; }, 10000))
      << "no hello after the snapshot";
  EXPECT_EQ(silent(manager).count("tv-lobby"), 0u);
  // Switched off, it goes silent again, with the time and address of its last word.
  tv.Stop();
  ForgetClientKeys();
  ASSERT_TRUE(WaitFor([&] { return silent(manager).count("tv-lobby") == 1; }, 10000));
  EXPECT_GT(silent(manager)["tv-lobby"].last_seen_ms(), first);
  EXPECT_EQ(silent(manager)["tv-lobby"].last_address(), "127.0.0.1");
}

}  // namespace
}  // namespace mpp::testing
