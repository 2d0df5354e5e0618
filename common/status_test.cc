// Status codes: a failure's kind is a value, never parsed from its words.
#include "common/status.h"

#include <gtest/gtest.h>

#include "common/client.h"
#include "common/wire.h"

namespace mpp {
namespace {

TEST(StatusCode, AnErrorCarriesItsCodeBesideItsMessage) {
  EXPECT_EQ(Status::Ok().code(), StatusCode::kOk);
  const Status unavailable = Status::Error(StatusCode::kUnavailable, "the broker did not answer");
  EXPECT_FALSE(unavailable.ok());
  EXPECT_EQ(unavailable.code(), StatusCode::kUnavailable);
  EXPECT_EQ(unavailable.message(), "the broker did not answer");
  // An error made without a code is of no particular kind.
  EXPECT_EQ(Status::Error("cannot read catalog.toml").code(), StatusCode::kUnknown);
  StatusOr<int> failed = Status::Error(StatusCode::kKeyRefused, "refused");
  EXPECT_EQ(failed.status().code(), StatusCode::kKeyRefused);
}

TEST(StatusCode, NamesAreTheProtocolsAndTheClientsOwn) {
  EXPECT_EQ(StatusCodeName(StatusCode::kOk), "OK");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnavailable), "UNAVAILABLE");
  EXPECT_EQ(StatusCodeName(StatusCode::kKeyRefused), "PERMISSION_DENIED");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnknown), "UNKNOWN");
}

TEST(StatusCode, TheBrokersErrorCodesMapOneToOne) {
  for (int i = v1::ErrorCode_MIN; i <= v1::ErrorCode_MAX; ++i) {
    if (!v1::ErrorCode_IsValid(i)) continue;
    const auto code = static_cast<v1::ErrorCode>(i);
    EXPECT_EQ(StatusCodeName(FromErrorCode(code)), v1::ErrorCode_Name(code)) << i;
  }
}

// The key refusal used to be recognised by a message starting with
// "PERMISSION_DENIED": any text that happened to start so was taken for one,
// and a refusal whose words changed was not.
TEST(StatusCode, AKeyRefusalIsKnownByItsCodeNotItsWords) {
  EXPECT_TRUE(IsKeyRefused(Status::Error(StatusCode::kKeyRefused, "the broker refused this key")));
  EXPECT_FALSE(IsKeyRefused(Status::Error("PERMISSION_DENIED: a message from elsewhere")));
  EXPECT_FALSE(IsKeyRefused(Status::Error(StatusCode::kUnavailable, "no answer")));
  EXPECT_FALSE(IsKeyRefused(Status::Ok()));
}

}  // namespace
}  // namespace mpp
