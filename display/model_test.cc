#include "display/model.h"

#include <gtest/gtest.h>

#include "testing/test_catalog.h"

namespace mpp::display {
namespace {

class ModelTest : public ::testing::Test {
 protected:
  ModelTest() : index_(ParseCatalog(testing::kTestCatalog, "t.toml").value()) {
    v1::Snapshot s;
    s.set_seq(5);
    s.set_business_day("2026-11-30");
    for (int id : {1, 2, 3, 4}) {
      v1::Counter* c = s.add_counters();
      c->set_id(id);
      c->set_status(v1::CLOSED);
    }
    state_.ApplySnapshot(s);
  }
  DisplayModel Build(const std::string& zone, bool connected = true) {
    ModelInput in;
    in.state = &state_;
    in.catalog = &index_;
    in.zone = zone;
    in.connected = connected;
    in.now_ms = *ParseIsoTime("2026-11-30T09:15:02+07:00", 0);
    in.local_now_ms = 100000;
    in.last_call_seen_ms = last_call_seen_;
    return BuildDisplayModel(in);
  }
  uint64_t seq_ = 5;
  void Event(v1::EventType type, int64_t id, const std::string& number, const std::string& svc,
             v1::TicketState st, int counter, v1::CounterStatus cs = v1::OPEN) {
    v1::Event e;
    e.set_type(type);
    auto* t = e.mutable_ticket();
    t->set_id(id);
    t->set_number(number);
    t->set_service(svc);
    t->set_state(st);
    t->set_counter_id(counter);
    t->set_business_day("2026-11-30");
    if (counter) {
      e.mutable_counter()->set_id(counter);
      e.mutable_counter()->set_status(cs);
      e.mutable_counter()->set_current_ticket(st == v1::CALLED || st == v1::SERVING ? id : 0);
    }
    ASSERT_EQ(state_.ApplyEvent(++seq_, e), LiveState::EventResult::kApplied);
  }
  CatalogIndex index_;
  LiveState state_;
  Millis last_call_seen_ = 0;
};

TEST_F(ModelTest, HeaderDateAndClockInLocalTime) {
  const DisplayModel m = Build("A");
  EXPECT_EQ(m.mpp_name, "MPP Uji");
  EXPECT_EQ(m.zone_name, "Zona A");
  EXPECT_EQ(m.date_text, "Senin, 30 November 2026");
  EXPECT_EQ(m.clock_text, "09.15");  // PUEBI, minutes only
  EXPECT_TRUE(m.banner.empty());
  EXPECT_FALSE(m.has_call);
}

TEST_F(ModelTest, ZoneShowsItsCountersCallsAndQueues) {
  Event(v1::TICKET_ISSUED, 1, "A-001", "S1", v1::WAITING, 0);
  Event(v1::TICKET_ISSUED, 2, "A-002", "S1", v1::WAITING, 0);
  Event(v1::TICKET_ISSUED, 3, "K-001", "S4", v1::WAITING, 0);
  Event(v1::TICKET_CALLED, 1, "A-001", "S1", v1::CALLED, 1);
  Event(v1::TICKET_CALLED, 3, "K-001", "S4", v1::CALLED, 4);  // zone B
  last_call_seen_ = 99000;
  DisplayModel a = Build("A");
  ASSERT_TRUE(a.has_call);
  EXPECT_EQ(a.now_calling.number, "A-001");  // K-001 at counter 4 is another zone's
  EXPECT_EQ(a.now_calling.counter, "Loket 1");
  EXPECT_EQ(a.now_calling.agency, "Disdukcapil");
  EXPECT_TRUE(a.highlight);          // seen 1 s ago
  ASSERT_EQ(a.counters.size(), 2u);  // counters 1 and 3
  EXPECT_EQ(a.counters[0].tone, CounterPanel::Tone::kCalling);
  EXPECT_EQ(a.counters[0].ticket, "A-001");
  EXPECT_EQ(a.counters[1].tone, CounterPanel::Tone::kClosed);
  int s1 = -1;
  for (const auto& w : a.waiting) {
    if (w.prefix == "A" && w.service == "Rekam KTP") s1 = w.waiting;
    EXPECT_NE(w.service, "Haji");  // S4 is zone B only
  }
  EXPECT_EQ(s1, 1);

  DisplayModel b = Build("B");
  EXPECT_EQ(b.now_calling.number, "K-001");
  last_call_seen_ = 1000;  // long ago: no flash
  EXPECT_FALSE(Build("A").highlight);
}

TEST_F(ModelTest, ServingBreakAndHistory) {
  Event(v1::TICKET_CALLED, 1, "A-001", "S1", v1::CALLED, 1);
  Event(v1::TICKET_SERVING, 1, "A-001", "S1", v1::SERVING, 1);
  Event(v1::TICKET_CALLED, 2, "B-001", "S3", v1::CALLED, 3);
  DisplayModel m = Build("A");
  EXPECT_EQ(m.now_calling.number, "B-001");
  ASSERT_EQ(m.history.size(), 1u);
  EXPECT_EQ(m.history[0].number, "A-001");
  EXPECT_EQ(m.counters[0].tone, CounterPanel::Tone::kServing);
  EXPECT_EQ(m.counters[0].state_text, "Melayani");
  v1::Event brk;
  brk.set_type(v1::COUNTER_CHANGED);
  brk.mutable_counter()->set_id(3);
  brk.mutable_counter()->set_status(v1::ON_BREAK);
  brk.mutable_counter()->set_break_reason("Salat");
  ASSERT_EQ(state_.ApplyEvent(++seq_, brk), LiveState::EventResult::kApplied);
  m = Build("A");
  EXPECT_EQ(m.counters[1].tone, CounterPanel::Tone::kBreak);
  EXPECT_EQ(m.counters[1].state_text, "Istirahat: Salat");
}

TEST_F(ModelTest, DisconnectedKeepsTheLastStateUnderABanner) {
  Event(v1::TICKET_CALLED, 1, "A-001", "S1", v1::CALLED, 1);
  const DisplayModel m = Build("A", /*connected=*/false);
  // It tells visitors what to do meanwhile (issue 20).
  EXPECT_EQ(m.banner,
            "Koneksi terputus - menyambung ulang. Silakan perhatikan panggilan petugas.");
  EXPECT_EQ(m.now_calling.number, "A-001");
}

// With no call to show, the panel says why: every counter of the zone is
// closed, or nobody has been called yet (issue 20: an empty panel).
TEST_F(ModelTest, AnEmptyPanelSaysWhetherTheCountersAreClosed) {
  EXPECT_FALSE(Build("A").has_call);
  EXPECT_EQ(Build("A").idle_text, "Semua loket tutup saat ini");
  v1::Snapshot s;
  s.set_seq(6);
  s.set_business_day("2026-11-30");
  v1::Counter* open = s.add_counters();
  open->set_id(1);
  open->set_status(v1::OPEN);
  state_.ApplySnapshot(s);
  EXPECT_EQ(Build("A").idle_text, "Belum ada panggilan");
}

}  // namespace
}  // namespace mpp::display
