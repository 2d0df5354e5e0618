#include "broker/core/forecast.h"

#include <gtest/gtest.h>

#include <random>

namespace mpp::core {
namespace {

constexpr Millis kMin = 60000;
constexpr Millis kNow = 1'000'000'000;

// Hand-made halls: queue 0 and 1 with keys (priority ? 0 : 1, arrival, id).
CallOrderKey Regular(Millis arrival, int64_t id) { return {1, arrival, id}; }
CallOrderKey Priority(Millis arrival, int64_t id) { return {0, arrival, id}; }

TEST(Forecast, OneCounterOneQueueIsTheQueueTimesTheServiceTime) {
  std::set<CallOrderKey> a = {Regular(1, 1), Regular(2, 2), Regular(3, 3)};
  std::vector<ForecastQueue> q = {{&a, 10 * kMin}};
  std::vector<ForecastDesk> d = {{{0}, kNow}};
  const Forecast f = ReplayCallRule(q, d, 0, Regular(3, 3), kNow);
  ASSERT_TRUE(f.known);
  EXPECT_EQ(f.ahead, 2);
  EXPECT_EQ(f.wait_ms, 20 * kMin);
  // A ticket issued now (after every key) waits for all three.
  const Forecast next = ReplayCallRule(q, d, 0, Regular(kNow, 99), kNow);
  EXPECT_EQ(next.ahead, 3);
  EXPECT_EQ(next.wait_ms, 30 * kMin);
}

TEST(Forecast, ASharedCounterCallsTheOtherServicesEarlierTicketsFirst) {
  // The sample hall's case: counter 1 alone serves KTP-REKAM (queue 0) and
  // KTP-CETAK (queue 1). One CETAK visitor waits; seven REKAM visitors came
  // earlier. The old estimate said "1 ahead, 10 minutes".
  std::set<CallOrderKey> rekam, cetak;
  for (int i = 0; i < 7; ++i) rekam.insert(Regular(i, i + 1));
  cetak.insert(Regular(5, 100));  // arrived before the last two REKAM
  const CallOrderKey mine = Regular(10, 200);
  cetak.insert(mine);
  std::vector<ForecastQueue> q = {{&rekam, 10 * kMin}, {&cetak, 10 * kMin}};
  std::vector<ForecastDesk> d = {{{0, 1}, kNow}};
  const Forecast f = ReplayCallRule(q, d, 1, mine, kNow);
  EXPECT_EQ(f.ahead, 8);  // 7 REKAM and the earlier CETAK
  EXPECT_EQ(f.wait_ms, 80 * kMin);
}

TEST(Forecast, PriorityOfAnotherServiceGoesFirstAtASharedCounter) {
  std::set<CallOrderKey> a = {Regular(1, 1)}, b = {Priority(50, 2)};
  std::vector<ForecastQueue> q = {{&a, 10 * kMin}, {&b, 5 * kMin}};
  std::vector<ForecastDesk> d = {{{0, 1}, kNow}};
  const Forecast f = ReplayCallRule(q, d, 0, Regular(1, 1), kNow);
  EXPECT_EQ(f.ahead, 1);
  EXPECT_EQ(f.wait_ms, 5 * kMin);
}

TEST(Forecast, BusyCountersAreFreeWhenTheirTicketShouldBeDone) {
  std::set<CallOrderKey> a = {Regular(1, 1)};
  std::vector<ForecastQueue> q = {{&a, 10 * kMin}};
  // Two counters: one free in 7 minutes, one in 3.
  std::vector<ForecastDesk> d = {{{0}, kNow + 7 * kMin}, {{0}, kNow + 3 * kMin}};
  const Forecast f = ReplayCallRule(q, d, 0, Regular(1, 1), kNow);
  EXPECT_EQ(f.ahead, 0);
  EXPECT_EQ(f.wait_ms, 3 * kMin);
}

TEST(Forecast, OnlyCallsByCountersThatCanServeItCountAsAhead) {
  // Counter 0 serves queue 0 only, counter 1 serves both; queue 1 waits on
  // counter 1, which first takes the earlier queue-0 ticket.
  std::set<CallOrderKey> a = {Regular(1, 1), Regular(2, 2)}, b = {Regular(3, 3)};
  std::vector<ForecastQueue> q = {{&a, 10 * kMin}, {&b, 10 * kMin}};
  std::vector<ForecastDesk> d = {{{0}, kNow}, {{0, 1}, kNow + kMin}};
  const Forecast f = ReplayCallRule(q, d, 1, Regular(3, 3), kNow);
  EXPECT_EQ(f.ahead, 1);  // A-002 called by counter 1; A-001 by counter 0 does not count
  EXPECT_EQ(f.wait_ms, 11 * kMin);
}

TEST(Forecast, NoOpenCounterForTheQueueMeansNoForecast) {
  std::set<CallOrderKey> a = {Regular(1, 1)};
  std::vector<ForecastQueue> q = {{&a, 10 * kMin}, {nullptr, 10 * kMin}};
  std::vector<ForecastDesk> d = {{{1}, kNow}};
  EXPECT_FALSE(ReplayCallRule(q, d, 0, Regular(1, 1), kNow).known);
}

TEST(Forecast, ALongQueuePastTheReplayBudgetIsExtrapolated) {
  std::set<CallOrderKey> a;
  for (int i = 0; i < 1000; ++i) a.insert(Regular(i, i + 1));
  std::vector<ForecastQueue> q = {{&a, 10 * kMin}};
  std::vector<ForecastDesk> d = {{{0}, kNow}, {{0}, kNow}};
  const Forecast exact = ReplayCallRule(q, d, 0, Regular(kNow, 5000), kNow, 5000);
  const Forecast capped = ReplayCallRule(q, d, 0, Regular(kNow, 5000), kNow, 100);
  EXPECT_EQ(exact.ahead, 1000);
  EXPECT_EQ(exact.wait_ms, 500 * 10 * kMin);
  EXPECT_EQ(capped.ahead, exact.ahead);
  EXPECT_EQ(capped.wait_ms, exact.wait_ms);
}

TEST(Forecast, AppointmentsTakeAtMostEveryOtherCallAtACounter) {
  // Three on-time appointments of the 09:00 slot (key 9:00) checked in before
  // three walk-ins who came at 9:01..9:03: one counter calls A, W, A, W, A, W -
  // not all three appointments first.
  const Millis slot = 9 * 60 * kMin;
  std::set<CallOrderKey> all, appts;
  for (int i = 0; i < 3; ++i) {
    appts.insert(Regular(slot, 10 + i));
    all.insert(Regular(slot, 10 + i));
    all.insert(Regular(slot + (i + 1) * kMin, 20 + i));
  }
  std::vector<ForecastQueue> q = {{&all, 10 * kMin, &appts}};
  std::vector<ForecastDesk> d = {{{0}, kNow}};
  EXPECT_EQ(ReplayCallRule(q, d, 0, Regular(slot, 11), kNow).ahead, 2);  // A10, W20
  EXPECT_EQ(ReplayCallRule(q, d, 0, Regular(slot + kMin, 20), kNow).ahead, 1);
  EXPECT_EQ(ReplayCallRule(q, d, 0, Regular(slot + 3 * kMin, 22), kNow).ahead, 5);
  // A ticket issued now is a walk-in after all six.
  EXPECT_EQ(ReplayCallRule(q, d, 0, Regular(kNow, 99), kNow).ahead, 6);
  // The counter's last call was an appointment: a walk-in first.
  d[0].last_appointment = true;
  EXPECT_EQ(ReplayCallRule(q, d, 0, Regular(slot + kMin, 20), kNow).ahead, 0);
  EXPECT_EQ(ReplayCallRule(q, d, 0, Regular(slot, 10), kNow).ahead, 1);
  // Without walk-ins waiting, appointments follow each other.
  std::set<CallOrderKey> only = appts;
  q[0].waiting = &only;
  EXPECT_EQ(ReplayCallRule(q, d, 0, Regular(slot, 12), kNow).ahead, 2);
}

TEST(Forecast, OneReplayForManyTicketsGivesEachTheFiguresOfItsOwnReplay) {
  // Random halls: 4 queues, 1-5 counters serving 1-3 of them each, busy or
  // free, priority, regular and appointment keys; every waiting ticket forecast both ways,
  // with a budget that cuts the replay short and one that does not.
  std::mt19937 rng(7);
  for (int hall = 0; hall < 300; ++hall) {
    std::vector<std::set<CallOrderKey>> sets(4), appts(4);
    int64_t id = 1;
    for (size_t k = 0; k < 4; ++k) {
      const int n = static_cast<int>(rng() % 25);
      for (int i = 0; i < n; ++i) {
        const Millis arrival = static_cast<Millis>(rng() % 1000);
        const CallOrderKey key = rng() % 6 == 0 ? Priority(arrival, id++) : Regular(arrival, id++);
        sets[k].insert(key);
        if (std::get<0>(key) == 1 && rng() % 4 == 0) appts[k].insert(key);  // on-time appointments
      }
    }
    std::vector<ForecastQueue> q;
    for (size_t k = 0; k < 4; ++k) {
      q.push_back({&sets[k], static_cast<Millis>(1 + rng() % 20) * kMin, &appts[k]});
    }
    std::vector<ForecastDesk> d;
    const int desks = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < desks; ++i) {
      ForecastDesk desk;
      for (size_t k = 0; k < 4; ++k) {
        if (rng() % 3 == 0) desk.queues.push_back(k);
      }
      desk.free_at = kNow + static_cast<Millis>(rng() % 15) * kMin;
      desk.last_appointment = rng() % 2 == 0;
      d.push_back(desk);
    }
    std::vector<ForecastTarget> targets;
    for (size_t k = 0; k < 4; ++k) {
      for (const auto& key : sets[k]) targets.push_back({k, key});
    }
    for (int budget : {kMaxReplayCalls, 7}) {
      const std::vector<Forecast> all = ReplayCallRuleFor(q, d, targets, kNow, budget);
      ASSERT_EQ(all.size(), targets.size());
      for (size_t t = 0; t < targets.size(); ++t) {
        const Forecast one = ReplayCallRule(q, d, targets[t].queue, targets[t].key, kNow, budget);
        ASSERT_EQ(all[t].known, one.known) << "hall " << hall << " target " << t;
        ASSERT_EQ(all[t].ahead, one.ahead)
            << "hall " << hall << " target " << t << " budget " << budget;
        ASSERT_EQ(all[t].wait_ms, one.wait_ms) << "hall " << hall << " target " << t;
      }
    }
  }
}

}  // namespace
}  // namespace mpp::core
