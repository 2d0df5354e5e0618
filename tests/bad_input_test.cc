// Hostile and broken input against the running broker: every case gets an
// error reply or a drop, the broker keeps serving, and state is unchanged.
#include <gtest/gtest.h>

#include <random>
#include <zmq_addon.hpp>

#include "common/wire.h"
#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start());
    raw_.set(zmq::sockopt::linger, 0);
    raw_.connect(broker_.command_endpoint());
  }

  // Sends raw frames and returns the reply envelope, if one comes within 2 s.
  std::optional<v1::Envelope> Send(const std::vector<std::string>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
      raw_.send(zmq::buffer(frames[i]),
                i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
    zmq::pollitem_t item{raw_.handle(), 0, ZMQ_POLLIN, 0};
    zmq::poll(&item, 1, std::chrono::milliseconds(2000));
    if (!(item.revents & ZMQ_POLLIN)) return std::nullopt;
    std::vector<zmq::message_t> reply;
    (void)zmq::recv_multipart(raw_, std::back_inserter(reply));
    EXPECT_EQ(reply.size(), 2u);
    EXPECT_EQ(reply[0].to_string(), "MPP1");
    v1::Envelope env;
    EXPECT_TRUE(env.ParseFromArray(reply.back().data(), reply.back().size()));
    return env;
  }

  static std::string Envelope(const v1::Request& r, const std::string& request_id = "r1",
                              const std::string& client_id = "raw") {
    v1::Envelope e;
    e.set_request_id(request_id);
    e.set_client_id(client_id);
    *e.mutable_request() = r;
    return e.SerializeAsString();
  }

  v1::ErrorCode CodeOf(const std::vector<std::string>& frames) {
    auto env = Send(frames);
    EXPECT_TRUE(env) << "no reply";
    return env ? env->reply().error().code() : v1::OK;
  }

  static int net_budget() { return 50; }  // net::Reactor::kBadPerSecond
  static int reply_queue() { return 32; }  // net::Reactor::kReplyQueue

  void ExpectStillServing() {
    TestClient c(broker_.command_endpoint(), "honest");
    EXPECT_EQ(c.Issue("KTP-REKAM").error().code(), v1::OK);
  }

  TempDir dir_;
  BrokerProcess broker_{dir_};
  zmq::context_t ctx_{1};
  zmq::socket_t raw_{ctx_, zmq::socket_type::dealer};
};

TEST_F(BadInput, WrongFrameCount) {
  EXPECT_EQ(CodeOf({"MPP1"}), v1::INVALID_ARGUMENT);
  v1::Request r;
  r.mutable_status();
  EXPECT_EQ(CodeOf({"MPP1", Envelope(r), "extra"}), v1::INVALID_ARGUMENT);
  EXPECT_EQ(CodeOf({"MPP1", "", "", "", ""}), v1::INVALID_ARGUMENT);
  ExpectStillServing();
}

TEST_F(BadInput, UnknownProtocolTag) {
  v1::Request r;
  r.mutable_status();
  EXPECT_EQ(CodeOf({"MPP9", Envelope(r)}), v1::UNSUPPORTED_VERSION);
  EXPECT_EQ(CodeOf({"", Envelope(r)}), v1::UNSUPPORTED_VERSION);
  ExpectStillServing();
}

TEST_F(BadInput, GarbageProtobuf) {
  EXPECT_EQ(CodeOf({"MPP1", std::string("\xff\xff\xff\xff\x0f garbage", 14)}),
            v1::INVALID_ARGUMENT);
  std::mt19937 rng(42);
  auto junk = [&] {
    std::string j(rng() % 300, '\0');
    for (auto& ch : j) ch = static_cast<char>(rng());
    return j;
  };
  // Each bad message is answered, up to the budget of one connection per second.
  for (int i = 1; i < net_budget(); ++i) {
    auto env = Send({"MPP1", junk()});
    ASSERT_TRUE(env) << "the broker stopped answering after garbage #" << i;
    EXPECT_EQ(env->reply().error().code(), v1::INVALID_ARGUMENT);
  }
  ExpectStillServing();
}

TEST_F(BadInput, AFloodingConnectionIsIgnoredAndHonestClientsAreServed) {
  std::mt19937 rng(7);
  std::string j(120, '\0');
  // Over the budget (50 bad messages a second): the rest of that second this
  // connection is neither read nor answered; everybody else is served.
  int answered = 0;
  for (int i = 0; i < 400; ++i) {
    for (auto& ch : j) ch = static_cast<char>(rng());
    raw_.send(zmq::buffer(std::string("MPP1")), zmq::send_flags::sndmore);
    raw_.send(zmq::buffer(j), zmq::send_flags::none);
  }
  ExpectStillServing();
  zmq::pollitem_t item{raw_.handle(), 0, ZMQ_POLLIN, 0};
  while (zmq::poll(&item, 1, std::chrono::milliseconds(500)) > 0) {
    std::vector<zmq::message_t> reply;
    (void)zmq::recv_multipart(raw_, std::back_inserter(reply));
    ++answered;
  }
  // Answered up to the budget, or as many as one connection's reply queue
  // holds while it is not reading (the rest are dropped, not queued).
  EXPECT_GE(answered, std::min(net_budget() - 1, reply_queue()));
  EXPECT_LT(answered, 400) << "every bad message was answered: no budget";
  EXPECT_TRUE(
      WaitFor([&] { return broker_.StderrText().find("ignoring it") != std::string::npos; }, 5000));
  // A second later the same connection is heard again.
  v1::Request r;
  r.mutable_status();
  std::optional<v1::Envelope> env;
  EXPECT_TRUE(WaitFor(
      [&] {
        env = Send({"MPP1", Envelope(r, "again-" + std::to_string(rng()))});
        return env.has_value();
      },
      10000));
}

TEST_F(BadInput, InvalidUtf8InAString) {
  // Build the envelope by hand: field 2 (client_id), length 3, bytes C3 28 41.
  std::string bytes = std::string("\x0a\x02r1", 4) + std::string("\x12\x03\xc3\x28\x41", 5);
  v1::Request r;
  r.mutable_status();
  std::string req = r.SerializeAsString();
  bytes += std::string("\x52", 1) + static_cast<char>(req.size()) + req;  // field 10, LEN
  EXPECT_EQ(CodeOf({"MPP1", bytes}), v1::INVALID_ARGUMENT);
  ExpectStillServing();
}

TEST_F(BadInput, OversizedMessageIsDroppedAndOthersAreServed) {
  // Larger than the broker's ZMQ_MAXMSGSIZE: libzmq drops the connection.
  EXPECT_FALSE(Send({"MPP1", std::string(kMaxMessageBytes + 1024, 'x')}));
  ExpectStillServing();
}

TEST_F(BadInput, UnknownOrEmptyCommand) {
  v1::Request empty;
  EXPECT_EQ(CodeOf({"MPP1", Envelope(empty)}), v1::INVALID_ARGUMENT);
  v1::Envelope no_body;
  no_body.set_request_id("x");
  EXPECT_EQ(CodeOf({"MPP1", no_body.SerializeAsString()}), v1::INVALID_ARGUMENT);
  // Unknown fields from a newer client are ignored by protobuf; the empty
  // command inside is still refused.
  std::string future = Envelope(empty) + std::string("\xf8\x07\x01", 3);  // field 127 = 1
  EXPECT_EQ(CodeOf({"MPP1", future}), v1::INVALID_ARGUMENT);
  ExpectStillServing();
}

TEST_F(BadInput, OutOfRangeIdsAndValues) {
  for (int id : {0, -5, 2147483647}) {
    v1::Request r;
    r.mutable_call_next()->set_counter_id(id);
    EXPECT_EQ(CodeOf({"MPP1", Envelope(r, "call" + std::to_string(id))}), v1::NOT_FOUND) << id;
  }
  v1::Request cancel;
  cancel.mutable_cancel()->mutable_ticket()->set_id(-1);
  EXPECT_EQ(CodeOf({"MPP1", Envelope(cancel, "c1")}), v1::NOT_FOUND);
  v1::Request issue;
  issue.mutable_issue()->set_service("KTP-REKAM");
  issue.mutable_issue()->set_priority(static_cast<v1::PriorityReason>(99));  // open enum
  EXPECT_EQ(CodeOf({"MPP1", Envelope(issue, "i1")}), v1::INVALID_ARGUMENT);
  issue.mutable_issue()->set_priority(v1::PRIORITY_NONE);
  issue.mutable_issue()->set_service(std::string(5000, 'S'));
  EXPECT_EQ(CodeOf({"MPP1", Envelope(issue, "i2")}), v1::INVALID_ARGUMENT);  // field limit
  ExpectStillServing();
}

TEST_F(BadInput, ATicketIsNamedOnceAndClearlyOrRefused) {
  TestClient c(broker_.command_endpoint(), "kiosk");
  const v1::Ticket a = c.Issue("KTP-REKAM").ticket();
  const v1::Ticket b = c.Issue("KTP-REKAM").ticket();
  v1::Request cancel;
  cancel.mutable_cancel()->mutable_ticket();  // names nothing (id 0, no number)
  auto env = Send({"MPP1", Envelope(cancel, "c0")});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->reply().error().code(), v1::INVALID_ARGUMENT);
  EXPECT_NE(env->reply().error().message_en().find("e.g. A-007"), std::string::npos)
      << "never 'Ticket  was not found': " << env->reply().error().message_en();
  // A number and an id of two different tickets: refused, not guessed.
  cancel.mutable_cancel()->mutable_ticket()->set_number(a.number());
  cancel.mutable_cancel()->mutable_ticket()->set_id(b.id());
  env = Send({"MPP1", Envelope(cancel, "c1")});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->reply().error().code(), v1::INVALID_ARGUMENT);
  EXPECT_EQ(c.Snapshot().snapshot().tickets_size(), 2) << "nothing was cancelled";
  // Both naming the same ticket is fine.
  cancel.mutable_cancel()->mutable_ticket()->set_id(a.id());
  EXPECT_EQ(CodeOf({"MPP1", Envelope(cancel, "c2")}), v1::OK);
}

TEST_F(BadInput, AReusedRequestIdForAnotherCommandIsRefusedNotAnsweredOk) {
  v1::Request issue;
  issue.mutable_issue()->set_service("KTP-REKAM");
  auto first = Send({"MPP1", Envelope(issue, "same-id")});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->reply().error().code(), v1::OK);
  TestClient(broker_.command_endpoint(), "counter").SignIn(1, "ani");
  v1::Request call;
  call.mutable_call_next()->set_counter_id(1);
  auto reused = Send({"MPP1", Envelope(call, "same-id")});
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->reply().error().code(), v1::INVALID_ARGUMENT)
      << "the issue's stored reply must not answer a call_next";
  EXPECT_NE(reused->reply().error().message_en().find("already used for another command"),
            std::string::npos);
  EXPECT_EQ(TestClient(broker_.command_endpoint()).Snapshot().snapshot().tickets(0).state(),
            v1::WAITING)
      << "nothing was called";
  auto retry = Send({"MPP1", Envelope(issue, "same-id")});  // a real retry
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->reply().ticket().id(), first->reply().ticket().id());
}

TEST_F(BadInput, TheRunningTextRefusesEveryKindOfLineBreak) {
  v1::Request ticker;
  for (const char* text : {"Satu\u0085Dua", "Satu\u2028Dua", "Satu\u2029Dua", "Satu\tDua"}) {
    ticker.mutable_set_ticker()->set_text(text);
    EXPECT_EQ(CodeOf({"MPP1", Envelope(ticker, std::string("t") + text)}), v1::INVALID_ARGUMENT)
        << text;
  }
  ticker.mutable_set_ticker()->set_text("Layanan SIM tutup pukul 12.00 \u2014 terima kasih");
  EXPECT_EQ(CodeOf({"MPP1", Envelope(ticker, "t-ok")}), v1::OK) << "ordinary UTF-8 is fine";
}

TEST_F(BadInput, EveryStoredStringHasALimitAndRefusalsDoNotEchoIt) {
  // 50 issues with a 200 KiB source_id once made every snapshot 10 MB, and the
  // refusal of a huge service code echoed it back in both languages.
  v1::Request issue;
  issue.mutable_issue()->set_service("KTP-REKAM");
  issue.mutable_issue()->set_source_id(std::string(200 * 1024, 'k'));
  auto env = Send({"MPP1", Envelope(issue, "big-1")});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->reply().error().code(), v1::INVALID_ARGUMENT);
  EXPECT_NE(env->reply().error().message_en().find("issue.source_id is 204800 bytes; at most 64"),
            std::string::npos)
      << env->reply().error().message_en();
  EXPECT_LT(env->ByteSizeLong(), 1024u) << "the refusal quotes no input";
  v1::Request pause;
  pause.mutable_pause()->set_counter_id(1);
  pause.mutable_pause()->set_reason(std::string(121, 'r'));
  EXPECT_EQ(CodeOf({"MPP1", Envelope(pause, "big-2")}), v1::INVALID_ARGUMENT);
  v1::Request report;
  report.mutable_report()->set_from(std::string(100 * 1024, '2'));
  env = Send({"MPP1", Envelope(report, "big-3")});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->reply().error().code(), v1::INVALID_ARGUMENT);
  EXPECT_LT(env->ByteSizeLong(), 1024u);
  EXPECT_EQ(TestClient(broker_.command_endpoint()).Status().tickets_today(), 0);
  ExpectStillServing();
}

TEST_F(BadInput, MissingOrOversizedIds) {
  v1::Request issue;
  issue.mutable_issue()->set_service("KTP-REKAM");
  EXPECT_EQ(CodeOf({"MPP1", Envelope(issue, "")}), v1::INVALID_ARGUMENT);
  EXPECT_EQ(CodeOf({"MPP1", Envelope(issue, std::string(200, 'r'))}), v1::INVALID_ARGUMENT);
  EXPECT_EQ(CodeOf({"MPP1", Envelope(issue, "ok", "bad client id")}), v1::INVALID_ARGUMENT);
  ExpectStillServing();
}

TEST_F(BadInput, StateIsUntouchedByBadInput) {
  TestClient c(broker_.command_endpoint(), "observer");
  const uint64_t before = c.Status().seq();
  Send({"MPP1"});
  Send({"MPP1", "garbage"});
  v1::Request r;
  r.mutable_finish()->set_counter_id(1);  // nothing to finish: refused
  Send({"MPP1", Envelope(r, "f1")});
  EXPECT_EQ(c.Status().seq(), before);
  EXPECT_EQ(c.Status().tickets_today(), 0);
}

}  // namespace
}  // namespace mpp::testing
