#include "broker/net/token_source.h"

#include <gtest/gtest.h>

#include <set>

#include "common/ticket_token.h"

namespace mpp::net {
namespace {

TEST(TokenSource, EveryTokenIsWellFormedAndNoneRepeatsAcrossRefills) {
  TokenSource source;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {  // past six refills of the pool
    const std::string t = source.Next();
    ASSERT_TRUE(ValidTokenRandom(t)) << t;
    EXPECT_TRUE(seen.insert(t).second) << "repeated: " << t;
  }
  // Every character of the alphabet turns up: the bits are spread over it.
  std::set<char> chars;
  for (const auto& t : seen) chars.insert(t.begin(), t.end());
  EXPECT_EQ(chars.size(), 32u);
}

}  // namespace
}  // namespace mpp::net
