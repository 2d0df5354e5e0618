// Every resync rule of the Clone pattern's client side, without a socket.
#include "common/clone_session.h"

#include <gtest/gtest.h>

namespace mpp {
namespace {

using Step = CloneSession::Step;

v1::Reply CatalogReply(const std::string& version) {
  v1::Reply r;
  r.mutable_catalog()->set_version(version);
  r.set_event_endpoint("tcp://127.0.0.1:5556");
  return r;
}

v1::Envelope SnapshotAt(uint64_t seq, const std::string& version = "v1", int64_t time_ms = 0) {
  v1::Envelope e;
  e.set_time_ms(time_ms);
  v1::Snapshot* s = e.mutable_reply()->mutable_snapshot();
  s->set_seq(seq);
  s->set_catalog_version(version);
  s->set_business_day("2026-11-30");
  return e;
}

v1::Envelope Event(uint64_t seq, v1::EventType type = v1::COUNTER_CHANGED) {
  v1::Envelope e;
  e.set_seq(seq);
  e.mutable_event()->set_type(type);
  e.mutable_event()->mutable_counter()->set_id(1);
  return e;
}

v1::Envelope Heartbeat(uint64_t seq, const std::string& version = "v1") {
  v1::Envelope e;
  e.mutable_heartbeat()->set_seq(seq);
  e.mutable_heartbeat()->set_catalog_version(version);
  return e;
}

// A session that fetched catalog v1 and took a snapshot at seq 10, at t=1000.
CloneSession Synced() {
  CloneSession s(3000);
  s.CatalogFetched(CatalogReply("v1"), 1000);
  EXPECT_TRUE(s.SnapshotTaken(SnapshotAt(10), 1000, 0));
  return s;
}

TEST(CloneSession, CatalogThenSubscriptionThenSnapshotThenEvents) {
  CloneSession s;
  EXPECT_EQ(s.Next(), Step::kFetchCatalog);
  EXPECT_FALSE(s.connected());
  s.CatalogFetched(CatalogReply("v1"), 0);
  EXPECT_TRUE(s.has_catalog());
  EXPECT_TRUE(s.subscribed());
  EXPECT_EQ(s.event_endpoint(), "tcp://127.0.0.1:5556");
  EXPECT_EQ(s.catalog_generation(), 1u);
  EXPECT_EQ(s.Next(), Step::kSnapshot);
  EXPECT_TRUE(s.SnapshotTaken(SnapshotAt(10, "v1", 5000), 0, 4000));
  EXPECT_TRUE(s.connected());
  EXPECT_EQ(s.broker_offset_ms(), 1000);
  EXPECT_EQ(s.resyncs(), 1u);
  EXPECT_EQ(s.Next(), Step::kListen);
  EXPECT_TRUE(s.Published(Event(11), 100, 0).changed);
  EXPECT_EQ(s.state().seq(), 11u);
  EXPECT_FALSE(s.Published(Event(11), 100, 0).changed) << "a stale event changes nothing";
}

TEST(CloneSession, AGapInTheEventsResyncs) {
  CloneSession s = Synced();
  EXPECT_FALSE(s.Published(Event(12), 1100, 0).changed);  // 11 was missed
  EXPECT_EQ(s.Next(), Step::kSnapshot);
  EXPECT_TRUE(s.subscribed()) << "the subscription stays; only the state is fetched again";
}

TEST(CloneSession, AHeartbeatAheadOfTheStateResyncs) {
  CloneSession s = Synced();
  s.Published(Heartbeat(10), 1100, 0);
  EXPECT_EQ(s.Next(), Step::kListen);
  s.Published(Heartbeat(12), 1200, 0);  // events 11 and 12 never came
  EXPECT_EQ(s.Next(), Step::kSnapshot);
}

// One heartbeat behind is normal (sent while the snapshot's events waited for
// the WAL sync); two in a row: the broker was restored from a backup.
TEST(CloneSession, ABrokerBehindTheStateTwiceWasRestoredAndResyncs) {
  CloneSession s = Synced();
  s.Published(Heartbeat(4), 1100, 0);
  EXPECT_EQ(s.Next(), Step::kListen);
  s.Published(Heartbeat(10), 1200, 0);
  s.Published(Heartbeat(4), 1300, 0);
  EXPECT_EQ(s.Next(), Step::kListen) << "not in a row";
  s.Published(Heartbeat(4), 1400, 0);
  EXPECT_EQ(s.Next(), Step::kSnapshot);
}

TEST(CloneSession, ANewCatalogVersionInAHeartbeatFetchesItThenTheSnapshot) {
  CloneSession s = Synced();
  s.Published(Heartbeat(10, "v2"), 1100, 0);
  EXPECT_EQ(s.Next(), Step::kFetchCatalog);
  s.CatalogFetched(CatalogReply("v2"), 1200);
  EXPECT_EQ(s.catalog_generation(), 2u);
  EXPECT_EQ(s.Next(), Step::kSnapshot);
}

TEST(CloneSession, ASnapshotOfAnotherCatalogIsNotTakenUntilThatCatalogIs) {
  CloneSession s;
  s.CatalogFetched(CatalogReply("v1"), 0);
  EXPECT_FALSE(s.SnapshotTaken(SnapshotAt(10, "v2"), 0, 0));
  EXPECT_FALSE(s.connected());
  EXPECT_EQ(s.state().seq(), 0u);
  EXPECT_EQ(s.Next(), Step::kFetchCatalog);
}

TEST(CloneSession, ACatalogChangeEventFetchesTheCatalogBeforeTheNextEvent) {
  CloneSession s = Synced();
  v1::Envelope change = Event(11, v1::CATALOG_CHANGED);
  change.mutable_event()->mutable_catalog_change()->set_version("v2");
  const auto heard = s.Published(change, 1100, 0);
  EXPECT_TRUE(heard.changed);
  EXPECT_TRUE(heard.fetch_catalog);
  s.CatalogInForce(true, CatalogReply("v2"));
  EXPECT_EQ(s.catalog().version(), "v2");
  EXPECT_EQ(s.Next(), Step::kListen) << "the state stays in step: no resync";
  // The same version again (a replay) fetches nothing.
  v1::Envelope again = Event(12, v1::CATALOG_CHANGED);
  again.mutable_event()->mutable_catalog_change()->set_version("v2");
  EXPECT_FALSE(s.Published(again, 1200, 0).fetch_catalog);
}

TEST(CloneSession, ACatalogThatCannotBeFetchedAfterItsEventIsFetchedAgainThenTheSnapshot) {
  CloneSession s = Synced();
  s.CatalogInForce(false, v1::Reply());
  EXPECT_EQ(s.Next(), Step::kFetchCatalog);
  EXPECT_FALSE(s.state().synced());
}

TEST(CloneSession, SilenceDisconnectsAndSubscribesAfresh) {
  CloneSession s = Synced();   // heard at 1000
  EXPECT_FALSE(s.Tick(4000));  // exactly 3 s: not yet
  s.Published(Heartbeat(10), 3500, 0);
  EXPECT_FALSE(s.Tick(6500));
  EXPECT_TRUE(s.Tick(6501));
  EXPECT_FALSE(s.connected());
  EXPECT_FALSE(s.state().synced());
  EXPECT_EQ(s.Next(), Step::kFetchCatalog);
  EXPECT_FALSE(s.Tick(20000)) << "nothing to be silent about without a subscription";
}

TEST(CloneSession, AnUnansweredCallOrARefusedSnapshotDisconnectsAndSubscribesAfresh) {
  CloneSession s = Synced();
  s.CallFailed();
  EXPECT_FALSE(s.connected());
  EXPECT_FALSE(s.subscribed());
  EXPECT_EQ(s.Next(), Step::kFetchCatalog);
  EXPECT_TRUE(s.has_catalog()) << "the last catalog stays for the screen";

  CloneSession r;
  r.CatalogFetched(CatalogReply("v1"), 0);
  v1::Envelope refused;
  refused.mutable_reply()->mutable_error()->set_code(v1::NOT_FOUND);
  EXPECT_FALSE(r.SnapshotTaken(refused, 0, 0));
  EXPECT_FALSE(r.subscribed());
}

TEST(CloneSession, TheHeartbeatCarriesTheBrokersDiskAndClock) {
  CloneSession s = Synced();
  v1::Envelope h = Heartbeat(10);
  h.set_time_ms(9000);
  h.mutable_heartbeat()->set_disk_low(true);
  h.mutable_heartbeat()->set_writes_refused(true);
  s.Published(h, 1100, 7000);
  EXPECT_TRUE(s.disk_low());
  EXPECT_TRUE(s.writes_refused());
  EXPECT_EQ(s.broker_offset_ms(), 2000);
}

}  // namespace
}  // namespace mpp
