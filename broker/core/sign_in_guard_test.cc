#include "broker/core/sign_in_guard.h"

#include <gtest/gtest.h>

namespace mpp::core {
namespace {

TEST(SignInGuard, HoldsAfterFiveThenDoublesAndForgetsTheOldest) {
  SignInGuard g;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(g.Failed("a", 1000).tries_left, 4 - i);
  const auto fifth = g.Failed("a", 1000);
  EXPECT_EQ(fifth.held_until, 1000 + SignInGuard::kFirstHoldMs);
  EXPECT_EQ(g.HeldUntil("a", 1000), 1000 + SignInGuard::kFirstHoldMs);
  EXPECT_EQ(g.HeldUntil("b", 1000), 0) << "another device is not held";
  const Millis later = 1000 + SignInGuard::kFirstHoldMs;
  EXPECT_EQ(g.Failed("a", later).held_until, later + 2 * SignInGuard::kFirstHoldMs);
  g.Succeeded("a");
  EXPECT_EQ(g.HeldUntil("a", later), 0);
  // Bounded: a flood of client ids keeps at most kMaxDevices.
  for (size_t i = 0; i < SignInGuard::kMaxDevices + 10; ++i) {
    g.Failed("flood-" + std::to_string(i), static_cast<Millis>(i));
  }
  EXPECT_EQ(g.size(), SignInGuard::kMaxDevices);
}

}  // namespace
}  // namespace mpp::core
