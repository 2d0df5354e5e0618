#include "common/live_state.h"

#include <gtest/gtest.h>

namespace mpp {
namespace {

v1::Event Called(int64_t id, const std::string& number, int counter, bool recall = false) {
  v1::Event e;
  e.set_type(recall ? v1::TICKET_RECALLED : v1::TICKET_CALLED);
  e.mutable_ticket()->set_id(id);
  e.mutable_ticket()->set_number(number);
  e.mutable_ticket()->set_state(v1::CALLED);
  e.mutable_ticket()->set_counter_id(counter);
  e.mutable_ticket()->set_business_day("2026-11-30");
  e.mutable_counter()->set_id(counter);
  e.mutable_counter()->set_status(v1::OPEN);
  e.mutable_counter()->set_current_ticket(id);
  return e;
}

v1::Snapshot SnapshotWithOneCall(uint64_t seq) {
  v1::Snapshot s;
  s.set_seq(seq);
  s.set_business_day("2026-11-30");
  v1::Ticket* t = s.add_tickets();
  t->set_id(1);
  t->set_number("A-001");
  t->set_state(v1::CALLED);
  t->set_counter_id(1);
  *s.add_recent_calls() = *t;
  v1::Counter* c = s.add_counters();
  c->set_id(1);
  c->set_status(v1::OPEN);
  c->set_current_ticket(1);
  return s;
}

TEST(LiveState, SnapshotThenNewerEventsInOrder) {
  LiveState s;
  EXPECT_FALSE(s.synced());
  EXPECT_EQ(s.ApplyEvent(1, Called(1, "A-001", 1)), LiveState::EventResult::kGap);
  s.ApplySnapshot(SnapshotWithOneCall(10));
  EXPECT_TRUE(s.synced());
  EXPECT_EQ(s.recent_calls().front().number(), "A-001");
  // Events at or below the snapshot's seq were already in it.
  EXPECT_EQ(s.ApplyEvent(9, Called(9, "Z-009", 2)), LiveState::EventResult::kStale);
  EXPECT_EQ(s.ApplyEvent(10, Called(9, "Z-009", 2)), LiveState::EventResult::kStale);
  EXPECT_EQ(s.ApplyEvent(11, Called(2, "A-002", 2)), LiveState::EventResult::kApplied);
  EXPECT_EQ(s.seq(), 11u);
  EXPECT_EQ(s.recent_calls().front().number(), "A-002");
  EXPECT_EQ(s.counters().at(2).current_ticket(), 2);
}

TEST(LiveState, AGapUnsyncsAndTheNextSnapshotRecovers) {
  LiveState s;
  s.ApplySnapshot(SnapshotWithOneCall(10));
  EXPECT_EQ(s.ApplyEvent(12, Called(2, "A-002", 2)), LiveState::EventResult::kGap);
  EXPECT_FALSE(s.synced());
  EXPECT_EQ(s.recent_calls().front().number(), "A-001");  // the last state stays visible
  EXPECT_EQ(s.ApplyEvent(11, Called(2, "A-002", 2)), LiveState::EventResult::kGap);
  s.ApplySnapshot(SnapshotWithOneCall(12));
  EXPECT_EQ(s.ApplyEvent(13, Called(3, "A-003", 3)), LiveState::EventResult::kApplied);
}

TEST(LiveState, HeartbeatAheadMeansMissedEvents) {
  LiveState s;
  s.ApplySnapshot(SnapshotWithOneCall(10));
  EXPECT_FALSE(s.BehindHeartbeat(10));
  EXPECT_TRUE(s.BehindHeartbeat(11));
}

TEST(LiveState, OnlyCallsFromEventsAreAnnouncedAndEachOnce) {
  LiveState s;
  s.ApplySnapshot(SnapshotWithOneCall(10));  // A-001 was called before: not announced
  EXPECT_TRUE(s.TakeAnnouncements().empty());
  s.ApplyEvent(11, Called(2, "A-002", 2));
  s.ApplyEvent(12, Called(2, "A-002", 2, /*recall=*/true));
  s.ApplyEvent(12, Called(2, "A-002", 2, /*recall=*/true));  // duplicate delivery: stale
  auto a = s.TakeAnnouncements();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].ticket.number(), "A-002");
  EXPECT_FALSE(a[0].recall);
  EXPECT_TRUE(a[1].recall);
  EXPECT_TRUE(s.TakeAnnouncements().empty());
  // A resync (reconnect) brings the same call in a snapshot: still not announced.
  s.MarkUnsynced();
  s.ApplySnapshot(SnapshotWithOneCall(12));
  EXPECT_TRUE(s.TakeAnnouncements().empty());
}

TEST(LiveState, EndedTicketsLeaveTheOpenList) {
  LiveState s;
  s.ApplySnapshot(SnapshotWithOneCall(10));
  v1::Event done = Called(1, "A-001", 1);
  done.set_type(v1::TICKET_FINISHED);
  done.mutable_ticket()->set_state(v1::DONE);
  done.mutable_counter()->set_current_ticket(0);
  s.ApplyEvent(11, done);
  EXPECT_TRUE(s.tickets().empty());
  EXPECT_EQ(s.counters().at(1).current_ticket(), 0);
  EXPECT_EQ(s.recent_calls().front().state(), v1::DONE);  // history keeps it
}

TEST(LiveState, ADayChangeEmptiesTheHallAndItsRecentCalls) {
  LiveState s;
  s.ApplySnapshot(SnapshotWithOneCall(10));
  v1::Event expired;
  expired.set_type(v1::TICKET_EXPIRED);
  expired.mutable_ticket()->set_id(1);
  expired.mutable_ticket()->set_state(v1::EXPIRED);
  expired.mutable_ticket()->set_business_day("2026-11-30");
  ASSERT_EQ(s.ApplyEvent(11, expired), LiveState::EventResult::kApplied);
  EXPECT_TRUE(s.tickets().empty());
  EXPECT_EQ(s.recent_calls().size(), 1u);  // still Monday's last call
  v1::Event day;
  day.set_type(v1::DAY_CHANGED);
  day.mutable_day_change()->set_business_day("2026-12-01");
  ASSERT_EQ(s.ApplyEvent(12, day), LiveState::EventResult::kApplied);
  EXPECT_EQ(s.business_day(), "2026-12-01");
  EXPECT_TRUE(s.recent_calls().empty());
  EXPECT_TRUE(s.TakeAnnouncements().empty()) << "a day change is never voiced";
}

}  // namespace
}  // namespace mpp
