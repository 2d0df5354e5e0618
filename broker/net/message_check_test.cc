#include "broker/net/message_check.h"

#include <gtest/gtest.h>

#include "common/wire.h"

namespace mpp::net {
namespace {

std::string Envelope(const std::string& client_id, const std::string& request_id,
                     bool with_request = true) {
  v1::Envelope e;
  e.set_client_id(client_id);
  e.set_request_id(request_id);
  if (with_request) e.mutable_request()->mutable_status();
  return e.SerializeAsString();
}

std::optional<BadInput> Check(std::vector<std::string_view> frames, v1::Envelope* in = nullptr) {
  v1::Envelope scratch;
  return CheckMessage(frames.size(), frames.size() > 0 ? frames[0] : "",
                      frames.size() > 1 ? frames[1] : "", in ? in : &scratch);
}

TEST(MessageCheck, AWellFormedMessageIsParsed) {
  const std::string env = Envelope("kiosk-1", "r-1");
  v1::Envelope in;
  EXPECT_FALSE(Check({kProtocolTag, env}, &in));
  EXPECT_EQ(in.client_id(), "kiosk-1");
  EXPECT_TRUE(in.request().has_status());
  // A read needs no request id.
  EXPECT_FALSE(Check({kProtocolTag, Envelope("kiosk-1", "")}));
}

TEST(MessageCheck, EachKindOfGarbageIsRefusedWithWhatIsWrong) {
  const std::string env = Envelope("kiosk-1", "r-1");
  auto frames = Check({kProtocolTag});
  ASSERT_TRUE(frames);
  EXPECT_EQ(frames->code, v1::INVALID_ARGUMENT);
  EXPECT_EQ(frames->message_en, "Malformed message: expected 2 frames [MPP1][Envelope].");
  EXPECT_EQ(frames->log, "bad message: 1 frames, expected 2");
  EXPECT_TRUE(Check({kProtocolTag, env, env}));

  auto tag = Check({"MPP2", env});
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->code, v1::UNSUPPORTED_VERSION);
  EXPECT_NE(tag->message_en.find("this broker speaks MPP1"), std::string::npos);

  auto garbage = Check({kProtocolTag, "\xff\xff\xff garbage"});
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->message_id, "Isi pesan tidak dapat dibaca.");

  for (const std::string& bad :
       {Envelope("kiosk-1", "r-1", /*with_request=*/false), Envelope("kiosk 1", "r-1"),
        Envelope("kiosk-1", "r 1"), Envelope(std::string(129, 'k'), "r-1")}) {
    auto refused = Check({kProtocolTag, bad});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, v1::INVALID_ARGUMENT);
    EXPECT_TRUE(refused->garbage);
  }
  // A bad request id is never echoed; a good one is, so the client can match.
  EXPECT_EQ(Check({kProtocolTag, Envelope("kiosk-1", "r 1")})->request_id, "");
  EXPECT_EQ(Check({kProtocolTag, Envelope("kiosk 1", "r-1")})->request_id, "r-1");
}

TEST(MessageCheck, AFieldTooLongIsNamedWithItsLimitNeverItsValue) {
  v1::Envelope e;
  e.set_client_id("kiosk-1");
  e.set_request_id("r-1");
  const std::string secret(5000, 'x');
  e.mutable_request()->mutable_issue()->set_service(secret);
  const std::string env = e.SerializeAsString();
  auto refused = Check({kProtocolTag, env});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, v1::INVALID_ARGUMENT);
  EXPECT_EQ(refused->request_id, "r-1");
  EXPECT_NE(refused->message_en.find("issue.service"), std::string::npos) << refused->message_en;
  EXPECT_EQ(refused->message_en.find("xxxx"), std::string::npos);
  EXPECT_EQ(refused->log.find("xxxx"), std::string::npos);
  EXPECT_FALSE(refused->garbage) << "a client bug, not a flood";
}

TEST(MessageCheck, IdsAreShortPrintableAscii) {
  EXPECT_TRUE(ValidId(""));
  EXPECT_TRUE(ValidId("display-A_1:2"));
  EXPECT_TRUE(ValidId(std::string(128, 'a')));
  EXPECT_FALSE(ValidId(std::string(129, 'a')));
  EXPECT_FALSE(ValidId("a b"));
  EXPECT_FALSE(ValidId("caf\xc3\xa9"));
  EXPECT_FALSE(ValidId(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace mpp::net
