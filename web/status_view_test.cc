#include "web/status_view.h"

#include <gtest/gtest.h>

#include "testing/test_catalog.h"
#include "web/pages.h"
#include "web/rate_limit.h"

namespace mpp::web {
namespace {

class TicketViewTest : public ::testing::Test {
 protected:
  TicketViewTest() : catalog_(ParseCatalog(mpp::testing::kTestCatalog, "test.toml").value()) {}

  v1::TicketStatus Waiting(int ahead, Millis wait_ms = 12 * 60000) {
    v1::TicketStatus st;
    st.set_code(v1::OK);
    v1::Ticket* t = st.mutable_ticket();
    t->set_id(7);
    t->set_number("A-007");
    t->set_service("S1");
    t->set_business_day("2026-11-30");
    t->set_state(v1::WAITING);
    st.set_ahead(ahead);
    st.set_estimated(true);
    st.set_estimated_wait_ms(wait_ms);
    return st;
  }
  TicketView View(const v1::TicketStatus& st, const LiveState* live = nullptr,
                  Lang lang = Lang::kId) {
    TicketInput in;
    in.status = &st;
    in.live = live;
    in.catalog = &catalog_;
    in.lang = lang;
    return BuildTicketView(in);
  }
  // A live state of 2026-11-30 where counter 3 calls `number` (id 5).
  LiveState LiveCalling(const std::string& number, int64_t id, int counter) {
    v1::Snapshot s;
    s.set_seq(10);
    s.set_business_day("2026-11-30");
    v1::Ticket* t = s.add_tickets();
    t->set_id(id);
    t->set_number(number);
    t->set_service("S1");
    t->set_business_day("2026-11-30");
    t->set_state(v1::CALLED);
    t->set_counter_id(counter);
    v1::Counter* c = s.add_counters();
    c->set_id(counter);
    c->set_status(v1::OPEN);
    c->set_current_ticket(id);
    LiveState live;
    live.ApplySnapshot(s);
    return live;
  }

  CatalogIndex catalog_;
};

TEST_F(TicketViewTest, AWaitingTicketSaysHowManyAreAheadAndHowLong) {
  const TicketView v = View(Waiting(5));
  EXPECT_EQ(v.phase, TicketPhase::kWaiting);
  EXPECT_EQ(v.number, "A-007");
  EXPECT_EQ(v.service, "Rekam KTP");
  EXPECT_EQ(v.agency, "Disdukcapil");
  EXPECT_EQ(v.ahead_text, "5 orang di depan Anda");
  EXPECT_EQ(v.wait_text, "Perkiraan waktu tunggu: sekitar 10 menit");
  EXPECT_EQ(v.alert_key, "") << "nothing to ring for yet";
}

TEST_F(TicketViewTest, AlmostYourTurnAtTheServicesThresholdAndNotBefore) {
  // The test catalog leaves almost_turn_ahead at its default, 3.
  EXPECT_EQ(View(Waiting(4)).phase, TicketPhase::kWaiting);
  const TicketView v = View(Waiting(3));
  EXPECT_EQ(v.phase, TicketPhase::kAlmost);
  EXPECT_EQ(v.headline, "Hampir giliran Anda!");
  EXPECT_EQ(View(Waiting(0), nullptr, Lang::kEn).headline, "Almost your turn!");
  // A service that turned it off never says it.
  catalog_ = CatalogIndex([this] {
    v1::Catalog c = catalog_.catalog();
    for (auto& s : *c.mutable_services()) s.set_almost_turn_ahead(0);
    return c;
  }());
  EXPECT_EQ(View(Waiting(0)).phase, TicketPhase::kWaiting);
}

TEST_F(TicketViewTest, NoEstimateIsClaimedWhileNoCounterServesIt) {
  v1::TicketStatus st = Waiting(2);
  st.set_estimated(false);
  EXPECT_EQ(View(st).wait_text, "Perkiraan waktu tunggu: belum tersedia (loket belum buka)");
  v1::TicketStatus late = Waiting(2);
  late.set_past_closing(true);
  EXPECT_EQ(View(late).wait_text,
            "Perkiraan waktu tunggu: sekitar 10 menit. Kemungkinan tidak terlayani hari ini.")
      << "the kiosk's words on paper and screen";
}

TEST_F(TicketViewTest, TheLiveStateShowsACallBeforeTheBrokersNextAnswer) {
  const LiveState live = LiveCalling("A-007", 7, 3);
  const TicketView v = View(Waiting(0), &live);  // the broker's answer is from before the call
  EXPECT_EQ(v.phase, TicketPhase::kCalled);
  EXPECT_EQ(v.headline, "Nomor Anda dipanggil!");
  EXPECT_EQ(v.detail, "Silakan menuju Loket 3 (Zona A).");
  EXPECT_EQ(v.alert_key, "called:3:0");
  EXPECT_TRUE(v.ahead_text.empty()) << "no stale figures once called";
}

TEST_F(TicketViewTest, ARecallRingsAgain) {
  v1::TicketStatus st = Waiting(0);
  st.mutable_ticket()->set_state(v1::CALLED);
  st.mutable_ticket()->set_counter_id(1);
  const std::string first = View(st).alert_key;
  st.mutable_ticket()->add_recall_ms(1);
  EXPECT_NE(View(st).alert_key, first);
}

TEST_F(TicketViewTest, AWaitingTicketSeesWhoIsCalledAtItsCounters) {
  const LiveState live = LiveCalling("A-005", 5, 3);
  const TicketView v = View(Waiting(1), &live);
  ASSERT_EQ(v.now_calling.size(), 1u);
  EXPECT_EQ(v.now_calling[0].counter, "Loket 3");
  EXPECT_EQ(v.now_calling[0].number, "A-005");
  // Counter 2 does not serve S1: its call is not this visitor's business.
  const LiveState other = LiveCalling("B-001", 9, 2);
  EXPECT_TRUE(View(Waiting(1), &other).now_calling.empty());
}

TEST_F(TicketViewTest, EveryEndSaysWhatHappened) {
  struct Case {
    v1::TicketState state;
    TicketPhase phase;
    const char* headline;
  } cases[] = {
      {v1::SERVING, TicketPhase::kServing, "Sedang dilayani di Loket 1"},
      {v1::HELD, TicketPhase::kHeld, "Ditunda"},
      {v1::DONE, TicketPhase::kDone, "Layanan selesai. Terima kasih."},
      {v1::NO_SHOW, TicketPhase::kNoShow, "Nomor Anda sudah dipanggil"},
      {v1::CANCELLED, TicketPhase::kCancelled, "Tiket ini dibatalkan"},
      {v1::EXPIRED, TicketPhase::kExpired, "Hari layanan tiket ini sudah berakhir"},
  };
  for (const Case& c : cases) {
    v1::TicketStatus st = Waiting(0);
    st.mutable_ticket()->set_state(c.state);
    st.mutable_ticket()->set_counter_id(1);
    const TicketView v = View(st);
    EXPECT_EQ(v.phase, c.phase) << c.headline;
    EXPECT_EQ(v.headline, c.headline);
  }
}

TEST_F(TicketViewTest, AnUnknownTokenAndAnotherDaysTokenSaySo) {
  v1::TicketStatus unknown;
  unknown.set_code(v1::NOT_FOUND);
  EXPECT_EQ(View(unknown).phase, TicketPhase::kUnknown);
  EXPECT_EQ(View(unknown).headline, "Tiket tidak ditemukan");
  v1::TicketStatus old = unknown;
  old.set_other_day(true);
  old.set_business_day("2026-11-27");
  const TicketView v = View(old);
  EXPECT_EQ(v.phase, TicketPhase::kOtherDay);
  EXPECT_EQ(v.headline, "Tiket ini bukan untuk hari ini");
  EXPECT_NE(v.detail.find("Jumat, 27 November 2026"), std::string::npos) << v.detail;
  EXPECT_TRUE(v.number.empty());
}

TEST_F(TicketViewTest, TheBoardSaysWhatTheKioskSays) {
  v1::Snapshot s;
  s.set_now_ms(*ParseIsoTime("2026-11-30T09:00:00+07:00", 0));
  v1::ServiceQueue* q = s.add_queues();
  q->set_service("S1");
  q->set_availability(v1::OK);
  q->set_waiting(3);
  q->set_open_counters(1);
  q->set_estimated_wait_ms(15 * 60000);
  q = s.add_queues();
  q->set_service("S3");
  q->set_availability(v1::QUOTA_EXHAUSTED);
  const BoardView b = BuildBoardView(s, catalog_, Lang::kId);
  EXPECT_EQ(b.mpp_name, "MPP Uji");
  EXPECT_EQ(b.date_text, "Senin, 30 November 2026");
  ASSERT_GE(b.agencies.size(), 2u);
  EXPECT_EQ(b.agencies[0].name, "Disdukcapil");
  EXPECT_EQ(b.agencies[0].services[0].availability, "3 menunggu, sekitar 15 menit");
  EXPECT_TRUE(b.agencies[0].services[0].available);
  EXPECT_FALSE(b.agencies[1].services[0].available);
  EXPECT_EQ(b.agencies[1].services[0].availability, "Kuota hari ini habis");
}

TEST(Pages, TextIsEscapedAndThePageFollowsItsOwnEvents) {
  EXPECT_EQ(HtmlEscape("<b a=\"x\">&'"), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
  TicketView v;
  v.phase = TicketPhase::kWaiting;
  v.number = "A-001";
  v.service = "<script>alert(1)</script>";
  const std::string page = TicketPage(v, {Lang::kId, "/t/x", "MPP"}, "/t/x/events");
  EXPECT_EQ(page.find("<script>alert"), std::string::npos) << "a catalog name cannot inject";
  EXPECT_NE(page.find("data-events=\"/t/x/events\""), std::string::npos);
  EXPECT_NE(page.find("<noscript><meta http-equiv=\"refresh\""), std::string::npos)
      << "without JavaScript the page reloads itself";
  EXPECT_NE(page.find("href=\"/t/x?lang=en\">English"), std::string::npos);
  const std::string json = TicketEventJson(v, Lang::kId);
  EXPECT_NE(json.find("\"phase\":\"waiting\""), std::string::npos) << json;
}

TEST(RateLimit, ABurstThenTheRateAndEachAddressOnItsOwn) {
  RateLimiter limit(1.0, 3);  // 1 a second, 3 at once
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limit.Allow("a", 1000);
  EXPECT_EQ(allowed, 3);
  EXPECT_TRUE(limit.Allow("b", 1000)) << "another address has its own bucket";
  EXPECT_FALSE(limit.Allow("a", 1500));
  EXPECT_EQ(limit.RetryAfterS("a", 1500), 1);
  EXPECT_TRUE(limit.Allow("a", 2000)) << "one token a second comes back";
  EXPECT_FALSE(limit.Allow("a", 2000));
}

TEST(RateLimit, ForgetsFullBucketsPastItsMemory) {
  RateLimiter limit(1.0, 2, 100);
  for (int i = 0; i < 100; ++i) limit.Allow("addr" + std::to_string(i), 0);
  limit.Allow("late", 10'000);  // every earlier bucket is full again by now
  EXPECT_LE(limit.keys(), 2u);
}

}  // namespace
}  // namespace mpp::web
