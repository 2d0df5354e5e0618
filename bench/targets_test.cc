#include "bench/targets.h"

#include <gtest/gtest.h>

namespace mpp::bench {
namespace {

TEST(Targets, EachTargetIsJudgedAtItsLine) {
  const std::vector<IssueFigures> at_the_line = {{1, 2000, 0.5, 5.0, 0}, {64, 20000, 2, 4, 0}};
  const std::vector<EventFigures> events_at_the_line = {{200, 5.0, 600, 600}};
  auto rows = CheckTargets(at_the_line, events_at_the_line);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) EXPECT_TRUE(r.met) << r.target << ": " << r.measured;

  const std::vector<IssueFigures> just_over = {{1, 2000, 0.501, 5.001, 0}, {64, 19999.4, 2, 4, 0}};
  const std::vector<EventFigures> events_over = {{200, 5.001, 600, 600}};
  rows = CheckTargets(just_over, events_over);
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) EXPECT_FALSE(r.met) << r.target << ": " << r.measured;
  EXPECT_EQ(rows[0].target, ">= 20,000 durable ops/s at 64 clients");
  EXPECT_EQ(rows[0].measured, "19999 ops/s, 0 errors");
  EXPECT_EQ(rows[1].measured, "0.501 ms");
}

TEST(Targets, ErrorsOrLostDeliveriesFailWhateverTheFigures) {
  const auto rows =
      CheckTargets({{1, 4000, 0.2, 0.4, 1}, {64, 40000, 1, 3, 2}}, {{200, 2.0, 599, 600}});
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) EXPECT_FALSE(r.met) << r.target << ": " << r.measured;
  EXPECT_EQ(rows[3].measured, "2.000 ms (599 of 600 deliveries)");
}

TEST(Targets, RowsNotMeasuredAreLeftOut) {
  EXPECT_TRUE(CheckTargets({{16, 25000, 0.6, 1, 0}}, {{1, 0.3, 300, 300}}).empty());
  const auto rows = CheckTargets({{64, 30000, 1, 3, 0}}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].met);
}

}  // namespace
}  // namespace mpp::bench
