#include "tools/sim/day_plan.h"

#include <gtest/gtest.h>

namespace mpp::sim {
namespace {

class DayPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = LoadCatalogFile(std::string(MPP_SOURCE_DIR) + "/config/mpp-cilegon.toml");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<CatalogIndex>(*catalog);
  }
  Millis At(const std::string& iso) { return *ParseIsoTime(iso, 420); }
  std::unique_ptr<CatalogIndex> catalog_;
};

TEST_F(DayPlanTest, MostWhoBookedComeEarlySomeLateSomeNever) {
  std::mt19937_64 rng(7);
  const Millis slot = At("2026-11-30T10:00:00+07:00");
  int never = 0, late = 0, early = 0;
  const int n = 10000;
  for (int i = 0; i < n; ++i) {
    const auto at = PlanBookedVisit(slot, rng);
    if (!at) {
      ++never;
    } else if (*at > slot) {
      ++late;
      EXPECT_GE(*at, slot + 6 * 60000);  // past the sample catalog's 5 minutes' grace
    } else {
      ++early;
      EXPECT_GE(*at, slot - 20 * 60000);
    }
  }
  EXPECT_NEAR(never / static_cast<double>(n), 0.12, 0.015);
  EXPECT_NEAR(late / static_cast<double>(n), 0.08, 0.015);
  EXPECT_NEAR(early / static_cast<double>(n), 0.80, 0.02);
}

TEST_F(DayPlanTest, AMondayPeaksInTheMorningInsideEachServicesWindow) {
  std::mt19937_64 rng(42);
  const auto plan = PlanArrivals(*catalog_, "2026-11-30", At("2026-11-30T00:00:00+07:00"),
                                 At("2026-11-30T23:59:00+07:00"), 1.0, rng);
  double expected = 0;
  for (const auto& s : catalog_->catalog().services()) {
    if (catalog_->WindowOn(s, 1)) expected += ExpectedDailyTickets(s, 1.0);
  }
  // A Poisson total: within 4 standard deviations of its mean.
  EXPECT_NEAR(static_cast<double>(plan.size()), expected, 4 * std::sqrt(expected));
  int morning = 0, priority = 0;
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& a = plan[i];
    if (i > 0) {
      EXPECT_LE(plan[i - 1].at, a.at);
    }
    const v1::Service* s = catalog_->FindService(a.service);
    ASSERT_NE(s, nullptr);
    const auto window = catalog_->WindowOn(*s, 1);
    ASSERT_TRUE(window);
    const int m = ToLocal(a.at, 420).minute_of_day;
    EXPECT_GE(m, window->start().minutes()) << a.service;
    EXPECT_LT(m, window->end().minutes()) << a.service;
    morning += m >= 8 * 60 && m < 11 * 60;
    if (a.priority != v1::PRIORITY_NONE) {
      ++priority;
      EXPECT_TRUE(s->priority_allowed()) << a.service;
    }
  }
  // 08.00-11.00 carries 5.4 of the day's 8.7 weight units (about 62 %).
  EXPECT_GT(morning, static_cast<int>(plan.size() * 0.55));
  EXPECT_GT(priority, 0);
  EXPECT_LT(priority, static_cast<int>(plan.size() * 0.15));
}

TEST_F(DayPlanTest, TheSameSeedGivesTheSameDayAndAHolidayGivesNone) {
  std::mt19937_64 a(7), b(7);
  const Millis from = At("2026-11-30T08:00:00+07:00"), to = At("2026-11-30T12:00:00+07:00");
  const auto p = PlanArrivals(*catalog_, "2026-11-30", from, to, 1.0, a);
  const auto q = PlanArrivals(*catalog_, "2026-11-30", from, to, 1.0, b);
  ASSERT_EQ(p.size(), q.size());
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(p[i].at, q[i].at);
    EXPECT_EQ(p[i].service, q[i].service);
  }
  for (const auto& x : p) {
    EXPECT_GE(x.at, from);
    EXPECT_LT(x.at, to);
  }
  const v1::Holiday& h = catalog_->catalog().holidays(0);
  std::mt19937_64 c(7);
  EXPECT_TRUE(
      PlanArrivals(*catalog_, h.date(), 0, At("2030-01-01T00:00:00+07:00"), 1.0, c).empty());
}

TEST(ServiceTimes, AboutOneInTenOverrunsTheStandard) {
  std::mt19937_64 rng(1);
  int over = 0;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) over += ServiceMinutes(20, rng) > 20;
  EXPECT_GT(over, kN * 0.06);
  EXPECT_LT(over, kN * 0.12);
}

TEST(Ratings, ShareAndShape) {
  std::mt19937_64 rng(3);
  int rated = 0, forms = 0;
  for (int i = 0; i < 10000; ++i) {
    auto r = PlanRating(0.6, rng);
    if (!r) continue;
    ++rated;
    EXPECT_GE(r->score, 1);
    EXPECT_LE(r->score, 4);
    if (!r->skm.empty()) {
      ++forms;
      EXPECT_EQ(r->skm.size(), 9u);
    }
  }
  EXPECT_NEAR(rated, 6000, 300);
  EXPECT_NEAR(forms, rated * 0.4, 300);
  EXPECT_FALSE(PlanRating(0.0, rng));
}

}  // namespace
}  // namespace mpp::sim
