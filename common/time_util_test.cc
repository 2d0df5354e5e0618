#include "common/time_util.h"

#include <gtest/gtest.h>

namespace mpp {
namespace {

TEST(TimeUtil, LocalTimeInWib) {
  // 2026-11-30T01:30:00Z is 08:30 WIB on Monday.
  const Millis t = *ParseIsoTime("2026-11-30T01:30:00Z", 0);
  const LocalTime lt = ToLocal(t, 420);
  EXPECT_EQ(lt.Date(), "2026-11-30");
  EXPECT_EQ(lt.weekday, 1);
  EXPECT_EQ(lt.minute_of_day, 8 * 60 + 30);
  // 17:30Z on Sunday is already Monday 00:30 in Jakarta.
  EXPECT_EQ(ToLocal(*ParseIsoTime("2026-11-29T17:30:00Z", 0), 420).Date(), "2026-11-30");
}

TEST(TimeUtil, ParsesOffsetsAndRejectsGarbage) {
  EXPECT_EQ(*ParseIsoTime("2026-11-30T08:30:00+07:00", 0), *ParseIsoTime("2026-11-30T01:30Z", 0));
  EXPECT_EQ(*ParseIsoTime("2026-11-30T08:30", 420), *ParseIsoTime("2026-11-30T01:30:00Z", 0));
  EXPECT_EQ(*ParseIsoTime("2026-11-30T09:30:00+08:00", 0), *ParseIsoTime("2026-11-30T01:30Z", 0));
  EXPECT_FALSE(ParseIsoTime("2026-11-30", 0));
  EXPECT_FALSE(ParseIsoTime("2026-13-30T08:00", 0));
  EXPECT_FALSE(ParseIsoTime("2026-11-30T25:00", 0));
  EXPECT_FALSE(ParseIsoTime("2026-11-30T08:00+7", 0));
  EXPECT_FALSE(ParseIsoTime("yesterday at noon", 0));
}

TEST(TimeUtil, FormatsRoundTrip) {
  const Millis t = *ParseIsoTime("2026-12-25T07:05:09+07:00", 0);
  EXPECT_EQ(FormatIsoLocal(t, 420), "2026-12-25T07:05:09+07:00");
  EXPECT_EQ(FormatHhMm(605), "10:05");
  EXPECT_EQ(*ParseHhMm("08:00"), 480);
  EXPECT_EQ(*ParseHhMm("24:00"), 1440);
  EXPECT_FALSE(ParseHhMm("8:00"));
  EXPECT_FALSE(ParseHhMm("08:60"));
  EXPECT_EQ(*LocalMidnightMs("2026-11-30", 420), *ParseIsoTime("2026-11-29T17:00:00Z", 0));
  EXPECT_FALSE(LocalMidnightMs("2026-02-30", 420));
}

TEST(TimeUtil, IndonesianZones) {
  EXPECT_EQ(*KnownZoneOffsetMin("Asia/Jakarta"), 420);
  EXPECT_EQ(*KnownZoneOffsetMin("Asia/Makassar"), 480);
  EXPECT_EQ(*KnownZoneOffsetMin("Asia/Jayapura"), 540);
  EXPECT_FALSE(KnownZoneOffsetMin("Europe/Nowhere"));
}

TEST(TimeUtil, ScaledClockRunsFromItsStart) {
  ScaledClock c(1000, 0.001);
  EXPECT_GE(c.NowMs(), 1000);
  EXPECT_LT(c.NowMs(), 1000 + 60000);
}

}  // namespace
}  // namespace mpp

namespace mpp {
namespace {

class FakeClock : public Clock {
 public:
  Millis NowMs() const override { return now; }
  Millis now = 0;
};

TEST(ForwardClock, NeverGoesBackAndMeasuresTheTimeThatReallyPassed) {
  FakeClock inner;
  int64_t steady = 100;
  inner.now = 1000;
  std::vector<std::pair<Millis, Millis>> changes;
  ForwardClock clock(
      &inner, 5000, [&](Millis behind, Millis at) { changes.push_back({behind, at}); },
      [&] { return steady; });
  EXPECT_EQ(clock.NowMs(), 5000);  // behind the floor (the last committed event)
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], std::make_pair(Millis{4000}, Millis{5000}));
  steady += 700;  // 700 ms pass; the clock is still behind: time goes on from 5000
  inner.now = 1700;
  EXPECT_EQ(clock.NowMs(), 5700);
  EXPECT_EQ(clock.NowMs(), 5700);
  EXPECT_EQ(changes.size(), 1u) << "once per departure, not per call";
  inner.now = 6000;  // set right
  EXPECT_EQ(clock.NowMs(), 6000);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].first, 0);
  inner.now = 5500;  // stepped back while running (an NTP correction)
  EXPECT_EQ(clock.NowMs(), 6000);
  steady += 250;
  EXPECT_EQ(clock.NowMs(), 6250);
  EXPECT_EQ(changes.size(), 3u);
  inner.now = 7000;
  EXPECT_EQ(clock.NowMs(), 7000);
  EXPECT_EQ(changes.size(), 4u);
}

}  // namespace
}  // namespace mpp
