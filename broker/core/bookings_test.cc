// Appointments on hand-made days (docs/PROTOCOL.md section 10): slots,
// booking, check-in, the merge into the call order, missed bookings, quota.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "broker/core/audience.h"
#include "broker/core/queue_core.h"
#include "common/booking_code.h"
#include "testing/test_catalog.h"

namespace mpp::core {
namespace {

Millis At(const char* iso) { return *ParseIsoTime(iso, 420); }

// The test catalog with appointments for S1 (30-minute slots, three a slot,
// a week ahead) and S3 (quota 2, half kept for walk-ins: one booking a day).
std::string CatalogWithAppointments() {
  std::string toml = testing::kTestCatalog;
  const std::string s1_end = "complaint = \"Meja pengaduan\"\n";
  toml.insert(toml.find(s1_end) + s1_end.size(),
              "[service.appointments]\nslot_min = 30\nper_slot = 3\ndays_ahead = 7\n"
              "grace_min = 5\n");
  const std::string s3_end = "complaint = \"Propam\"\n";
  toml.insert(toml.find(s3_end) + s3_end.size(),
              "[service.appointments]\nslot_min = 60\nper_slot = 2\nwalk_in_share = 50\n");
  return toml;
}

class BookingsTest : public ::testing::Test {
 protected:
  BookingsTest()
      : index_(ParseCatalog(CatalogWithAppointments(), "test.toml").value()), core_(&index_) {
    core_.Restore({}, {}, 0, 0, "", monday_);
    v1::Request r;
    r.mutable_set_operator()->set_operator_id("ani");
    r.mutable_set_operator()->set_pin("1234");
    core_.OfferPinWork({"1234", "", false, "$argon2id$made-on-the-pin-thread"});
    EXPECT_EQ(core_.Apply(r, monday_).reply.error().code(), v1::OK);
  }

  v1::Reply Do(const v1::Request& r, Millis now, const std::string& device = "") {
    Outcome o = core_.Apply(r, now, device);
    for (const auto& e : o.events) events_.push_back(e);
    return o.reply;
  }
  // Every booking and ticket gets its own random part, as from the reactor.
  std::string NextRandom() {
    std::string r = "aaaaaaaaaaaaaaaaaaaa";
    int n = ++randoms_;
    for (int i = 0; i < 8 && n > 0; ++i, n /= 26) r[i] = static_cast<char>('a' + n % 26);
    return r;
  }
  v1::Reply Book(const std::string& service, const std::string& day, const char* hhmm, Millis now,
                 const std::string& name = "", const std::string& phone = "") {
    v1::Request r;
    r.mutable_book()->set_service(service);
    r.mutable_book()->set_day(day);
    r.mutable_book()->set_start_min(*ParseHhMm(hhmm));
    r.mutable_book()->set_name(name);
    r.mutable_book()->set_phone(phone);
    core_.OfferTokenRandom(NextRandom());
    return Do(r, now, "web-1");
  }
  v1::Reply Ref(v1::BookingRef* (v1::Request::*field)(), const std::string& code, Millis now) {
    v1::Request r;
    (r.*field)()->set_code(code);
    core_.OfferTokenRandom(NextRandom());
    return Do(r, now, "kiosk-1");
  }
  v1::Reply CheckIn(const std::string& code, Millis now) {
    return Ref(&v1::Request::mutable_check_in, code, now);
  }
  v1::Reply Walkin(const std::string& service, Millis now) {
    v1::Request r;
    r.mutable_issue()->set_service(service);
    core_.OfferTokenRandom(NextRandom());
    return Do(r, now, "kiosk-1");
  }
  v1::SlotList Slots(const std::string& service, const std::string& day, Millis now) {
    v1::Request r;
    r.mutable_list_slots()->set_service(service);
    r.mutable_list_slots()->set_day(day);
    v1::Reply reply = Do(r, now);
    EXPECT_EQ(reply.error().code(), v1::OK) << reply.error().message_en();
    return reply.slots();
  }
  // Signs "ani" in at `counter` (the PIN thread's verdict handed in).
  void Open(int counter, Millis now) {
    v1::Request r;
    r.mutable_sign_in()->set_counter_id(counter);
    r.mutable_sign_in()->set_operator_id("ani");
    r.mutable_sign_in()->set_pin("1234");
    core_.OfferPinWork({"1234", core_.FindOperator("ani")->pin_hash(), true, ""});
    const v1::Reply reply = Do(r, now);
    ASSERT_EQ(reply.error().code(), v1::OK) << reply.error().message_en();
  }
  // call_next, start and finish: the number called.
  std::string CallAndFinish(int counter, Millis now) {
    v1::Request call;
    call.mutable_call_next()->set_counter_id(counter);
    const v1::Reply called = Do(call, now);
    EXPECT_EQ(called.error().code(), v1::OK) << called.error().message_en();
    v1::Request start;
    start.mutable_start()->set_counter_id(counter);
    EXPECT_EQ(Do(start, now + 500).error().code(), v1::OK);
    v1::Request finish;
    finish.mutable_finish()->set_counter_id(counter);
    EXPECT_EQ(Do(finish, now + 1000).error().code(), v1::OK);
    return called.ticket().number();
  }

  const Millis monday_ = At("2026-11-30T09:00:00+07:00");
  CatalogIndex index_;
  QueueCore core_;
  std::vector<v1::Event> events_;
  int randoms_ = 0;
};

TEST_F(BookingsTest, SlotsFollowTheServiceHoursTheBreaksAndTheDaysAhead) {
  // Monday 09:00: today's slots not yet begun, 09:30 .. 14:30 (hours 08-15).
  v1::SlotList today = Slots("S1", "2026-11-30", monday_);
  ASSERT_EQ(today.slots_size(), 11);
  EXPECT_EQ(today.slots(0).start_min(), 9 * 60 + 30);
  EXPECT_EQ(today.slots(10).start_min(), 14 * 60 + 30);
  EXPECT_EQ(today.slots(0).capacity(), 3);
  EXPECT_EQ(today.slots(0).free(), 3);
  EXPECT_EQ(today.slots(0).start_ms(), At("2026-11-30T09:30:00+07:00"));
  // Friday: the 11:30-13:00 prayer break takes three slots (14 - 3).
  EXPECT_EQ(Slots("S1", "2026-12-04", monday_).slots_size(), 11);
  // Saturday: S1 is not served; a week ahead is the last bookable day.
  EXPECT_EQ(Slots("S1", "2026-12-05", monday_).slots_size(), 0);
  EXPECT_EQ(Slots("S1", "2026-12-07", monday_).slots_size(), 14);
  EXPECT_EQ(Slots("S1", "2026-12-08", monday_).slots_size(), 0);
  // Every bookable day at once: today's 11 + Tue..Fri + next Monday.
  EXPECT_EQ(Slots("S1", "", monday_).slots_size(), 11 + 14 + 14 + 14 + 11 + 14);
  // A service without appointments says so.
  v1::Request r;
  r.mutable_list_slots()->set_service("S2");
  const v1::Reply none = Do(r, monday_);
  EXPECT_EQ(none.error().code(), v1::FAILED_PRECONDITION);
  EXPECT_NE(none.error().message_id().find("tidak menerima janji temu"), std::string::npos);
}

TEST_F(BookingsTest, ABookingHoldsItsPlaceAndItsCodeIsItsOnlyKey) {
  const v1::Reply b = Book("S1", "2026-12-01", "10:00", monday_, "Siti Aminah", "0812-1111-2222");
  ASSERT_EQ(b.error().code(), v1::OK) << b.error().message_en();
  const v1::Booking& booking = b.booking();
  EXPECT_EQ(booking.code().size(), 8u);
  EXPECT_EQ(booking.state(), v1::BOOKED);
  EXPECT_EQ(booking.start_ms(), At("2026-12-01T10:00:00+07:00"));
  EXPECT_TRUE(booking.name().empty());  // the reply never carries who booked
  EXPECT_TRUE(booking.phone().empty());
  // The event keeps them for the store; no audience but administrators sees
  // the code, and none but them the name.
  ASSERT_TRUE(events_.back().has_booking());
  EXPECT_EQ(events_.back().booking().name(), "Siti Aminah");
  for (Audience a : {Audience::kPublic, Audience::kStaff}) {
    const v1::Event seen = ForAudience(events_.back(), a);
    EXPECT_TRUE(seen.booking().code().empty());
    EXPECT_TRUE(seen.booking().name().empty());
    EXPECT_TRUE(seen.booking().phone().empty());
  }
  EXPECT_EQ(Slots("S1", "2026-12-01", monday_).slots(4).free(), 2);  // 10:00 is the 5th
  // Looked up as a visitor types it: lower case, a dash, O for 0.
  std::string typed = FormatBookingCode(booking.code());
  for (char& c : typed) c = static_cast<char>(std::tolower(c == '0' ? 'O' : c));
  const v1::Reply found = Ref(&v1::Request::mutable_get_booking, typed, monday_);
  ASSERT_EQ(found.error().code(), v1::OK) << typed;
  EXPECT_EQ(found.booking().code(), booking.code());
  EXPECT_EQ(Ref(&v1::Request::mutable_get_booking, "ZZZZ-ZZZZ", monday_).error().code(),
            v1::NOT_FOUND);
  // Checked in on another day: refused, naming the day.
  const v1::Reply early = CheckIn(booking.code(), monday_);
  EXPECT_EQ(early.error().code(), v1::FAILED_PRECONDITION);
  EXPECT_NE(early.error().message_id().find("1 Desember 2026"), std::string::npos)
      << early.error().message_id();
  // Cancelled: the place is free again, and the code checks in no more.
  ASSERT_EQ(Ref(&v1::Request::mutable_cancel_booking, booking.code(), monday_).error().code(),
            v1::OK);
  EXPECT_EQ(Slots("S1", "2026-12-01", monday_).slots(4).free(), 3);
  EXPECT_EQ(CheckIn(booking.code(), At("2026-12-01T09:50:00+07:00")).error().code(),
            v1::FAILED_PRECONDITION);
}

TEST_F(BookingsTest, BookingsAreRefusedWithAReasonAVisitorCanActOn) {
  auto code = [&](const std::string& service, const std::string& day, const char* at,
                  const std::string& name = "", const std::string& phone = "") {
    return Book(service, day, at, monday_, name, phone).error().code();
  };
  EXPECT_EQ(code("S2", "2026-12-01", "10:00"), v1::FAILED_PRECONDITION);  // no appointments
  EXPECT_EQ(code("NOPE", "2026-12-01", "10:00"), v1::NOT_FOUND);
  EXPECT_EQ(code("S1", "2026-12-01", "10:10"), v1::INVALID_ARGUMENT);  // not a slot's start
  EXPECT_EQ(code("S1", "2026-11-30", "08:30"), v1::INVALID_ARGUMENT);  // begun
  EXPECT_EQ(code("S1", "2026-12-08", "10:00"), v1::INVALID_ARGUMENT);  // past days_ahead
  EXPECT_EQ(code("S1", "2026-12-05", "10:00"), v1::INVALID_ARGUMENT);  // not served Saturday
  EXPECT_EQ(code("S1", "1 Desember", "10:00"), v1::INVALID_ARGUMENT);
  EXPECT_EQ(code("S1", "2026-12-01", "10:00", std::string(101, 'a')), v1::INVALID_ARGUMENT);
  EXPECT_EQ(code("S1", "2026-12-01", "10:00", "Siti\nAminah"), v1::INVALID_ARGUMENT);
  EXPECT_EQ(code("S1", "2026-12-01", "10:00", "", "0812; DROP"), v1::INVALID_ARGUMENT);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(code("S1", "2026-12-01", "10:00"), v1::OK);
  EXPECT_EQ(code("S1", "2026-12-01", "10:00"), v1::QUOTA_EXHAUSTED);  // three a slot
  // No random offered (not from the reactor): no code, nothing booked.
  v1::Request r;
  r.mutable_book()->set_service("S1");
  r.mutable_book()->set_day("2026-12-01");
  r.mutable_book()->set_start_min(11 * 60);
  const size_t before = events_.size();
  EXPECT_EQ(Do(r, monday_).error().code(), v1::UNAVAILABLE);
  EXPECT_EQ(events_.size(), before);
}

TEST_F(BookingsTest, AnOnTimeAppointmentIsCalledAtItsSlotButAtMostEveryOtherCall) {
  std::vector<std::string> codes;
  for (int i = 0; i < 3; ++i) {
    codes.push_back(Book("S1", "2026-12-01", "10:00", monday_).booking().code());
  }
  const Millis tue = At("2026-12-01T09:40:00+07:00");
  ASSERT_EQ(Walkin("S1", tue).ticket().number(), "A-001");  // came before the slot
  std::vector<std::string> appt;
  for (int i = 0; i < 3; ++i) {
    const v1::Reply t = CheckIn(codes[i], tue + (i + 1) * 60000);  // 09:41 .. 09:43: early
    ASSERT_EQ(t.error().code(), v1::OK) << t.error().message_en();
    EXPECT_EQ(t.ticket().source(), v1::ONLINE);
    EXPECT_FALSE(t.ticket().appointment_late());
    EXPECT_FALSE(t.ticket().token().empty());  // the kiosk prints its QR like an issue's
    EXPECT_EQ(t.ticket().arrival_ms(), At("2026-12-01T10:00:00+07:00"));
    appt.push_back(t.ticket().number());
  }
  // Walk-ins who came after the slot's start.
  for (int i = 1; i <= 3; ++i) Walkin("S1", At("2026-12-01T10:00:00+07:00") + i * 60000);
  const Millis call_at = At("2026-12-01T10:05:00+07:00");
  Open(1, call_at);
  // What the forecast says of each waiting ticket before the first call...
  std::map<std::string, int> forecast;
  for (const char* n : {"A-002", "A-003", "A-004", "A-005", "A-006", "A-007", "A-001"}) {
    const v1::Ticket* t = core_.FindTicketByNumber(n);
    ASSERT_NE(t, nullptr);
    forecast[n] = core_.ForecastFor("S1", CallOrder(*t), call_at).ahead;
  }
  // ...and the calls: the earlier walk-in, then appointment and walk-in in turn.
  std::vector<std::string> order;
  for (int i = 0; i < 7; ++i) order.push_back(CallAndFinish(1, call_at + i * 10000));
  const std::vector<std::string> want = {"A-001", appt[0], "A-005", appt[1],
                                         "A-006", appt[2], "A-007"};
  EXPECT_EQ(order, want);
  for (size_t i = 0; i < order.size(); ++i) {
    EXPECT_EQ(forecast[order[i]], static_cast<int>(i)) << order[i];
  }
  // An appointment's wait counts from its slot's start, not its early check-in.
  const v1::Ticket* first = core_.FindTicketByNumber(appt[0]);
  EXPECT_EQ(first->wait_ms(), call_at + 10000 - At("2026-12-01T10:00:00+07:00"));
}

TEST_F(BookingsTest, ALateCheckInIsOrderedAsAWalkIn) {
  const std::string code = Book("S1", "2026-12-01", "10:00", monday_).booking().code();
  Walkin("S1", At("2026-12-01T10:03:00+07:00"));
  // Within the grace (5 minutes) it would still be on time; at 10:06 it is late.
  const v1::Reply t = CheckIn(code, At("2026-12-01T10:06:00+07:00"));
  ASSERT_EQ(t.error().code(), v1::OK);
  EXPECT_TRUE(t.ticket().appointment_late());
  EXPECT_EQ(t.ticket().arrival_ms(), At("2026-12-01T10:06:00+07:00"));
  EXPECT_EQ(t.ahead(), 1);  // no counter open: its own queue, the walk-in before it
  Open(1, At("2026-12-01T10:07:00+07:00"));
  EXPECT_EQ(CallAndFinish(1, At("2026-12-01T10:07:00+07:00")), "A-001");
  EXPECT_EQ(CallAndFinish(1, At("2026-12-01T10:08:00+07:00")), t.ticket().number());
  // Checked in twice: refused, naming its number.
  const v1::Reply again = CheckIn(code, At("2026-12-01T10:09:00+07:00"));
  EXPECT_EQ(again.error().code(), v1::FAILED_PRECONDITION);
  EXPECT_NE(again.error().message_id().find(t.ticket().number()), std::string::npos);
}

TEST_F(BookingsTest, BookingsNeverCheckedInAreMissedWhenTheirDayEnds) {
  const std::string kept = Book("S1", "2026-11-30", "14:00", monday_).booking().code();
  const std::string missed = Book("S1", "2026-11-30", "14:30", monday_).booking().code();
  const std::string later = Book("S1", "2026-12-02", "10:00", monday_).booking().code();
  ASSERT_EQ(CheckIn(kept, At("2026-11-30T13:50:00+07:00")).error().code(), v1::OK);
  events_.clear();
  const Outcome day = core_.ChangeDay(At("2026-12-01T00:00:01+07:00"));
  ASSERT_GE(day.events.size(), 2u);
  const v1::Event& miss = day.events[day.events.size() - 2];
  EXPECT_EQ(miss.type(), v1::BOOKING_CHANGED);
  EXPECT_EQ(miss.booking().code(), missed);
  EXPECT_EQ(miss.booking().state(), v1::MISSED);
  EXPECT_EQ(day.events.back().day_change().bookings_missed(), 1);
  // The ended day's bookings are history; later ones stay.
  EXPECT_EQ(core_.FindBooking(missed), nullptr);
  ASSERT_NE(core_.FindBooking(later), nullptr);
  EXPECT_EQ(core_.FindBooking(later)->state(), v1::BOOKED);
}

TEST_F(BookingsTest, TheWalkInShareKeepsPartOfTheQuotaForWalkInsAndBookingsKeepTheirs) {
  // S3: quota 2, half for walk-ins -> one booking a day.
  const v1::Reply b = Book("S3", "2026-12-01", "10:00", monday_);
  ASSERT_EQ(b.error().code(), v1::OK) << b.error().message_en();
  EXPECT_EQ(Book("S3", "2026-12-01", "11:00", monday_).error().code(), v1::QUOTA_EXHAUSTED);
  const v1::SlotList s3 = Slots("S3", "2026-12-01", monday_);
  ASSERT_EQ(s3.slots_size(), 8) << s3.ShortDebugString();  // 08:00 .. 15:00
  EXPECT_EQ(s3.slots(0).free(), 0);
  const Millis tue = At("2026-12-01T08:30:00+07:00");
  ASSERT_EQ(Walkin("S3", tue).error().code(), v1::OK);
  // One ticket out and one booked: the quota is used, but the booked
  // visitor's place is kept.
  EXPECT_EQ(Walkin("S3", tue + 60000).error().code(), v1::QUOTA_EXHAUSTED);
  v1::Request snap;
  snap.mutable_snapshot();
  const v1::Reply snapshot = Do(snap, tue);
  for (const auto& q : snapshot.snapshot().queues()) {
    if (q.service() == "S3") {
      EXPECT_EQ(q.availability(), v1::QUOTA_EXHAUSTED);
    }
  }
  EXPECT_EQ(CheckIn(b.booking().code(), tue + 120000).error().code(), v1::OK);
}

TEST_F(BookingsTest, AServiceWithBookingsToComeCannotBeRemovedFromTheCatalog) {
  ASSERT_EQ(Book("S1", "2026-12-02", "10:00", monday_).error().code(), v1::OK);
  // The same catalog without S1 (and without its counter's mention of it).
  std::string toml = CatalogWithAppointments();
  const size_t from = toml.find("[[service]]\ncode = \"S1\"");
  toml.erase(from, toml.find("[[service]]", from + 5) - from);
  for (const char* list : {"services = [\"S1\", \"S2\"]", "services = [\"S1\", \"S3\"]"}) {
    const size_t at = toml.find(list);
    toml.replace(at, std::string(list).size(),
                 std::string(list).find("S2") != std::string::npos ? "services = [\"S2\"]"
                                                                   : "services = [\"S3\"]");
  }
  auto parsed = ParseCatalog(toml, "next.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const CatalogIndex next(*parsed);
  const Outcome o = core_.ChangeCatalog(&next, monday_);
  ASSERT_EQ(o.reply.error().code(), v1::FAILED_PRECONDITION);
  ASSERT_EQ(o.reply.catalog_change().problems_size(), 1);
  EXPECT_NE(o.reply.catalog_change().problems(0).find("1 bookings not yet checked in"),
            std::string::npos)
      << o.reply.catalog_change().problems(0);
}

TEST_F(BookingsTest, CheckInIsRefusedWhileTheServiceTakesNoTickets) {
  const std::string code = Book("S1", "2026-11-30", "14:30", monday_).booking().code();
  // 15:10: S1 stopped issuing at 15:00; the booking stays open until the day ends.
  const v1::Reply late = CheckIn(code, At("2026-11-30T15:10:00+07:00"));
  EXPECT_EQ(late.error().code(), v1::SERVICE_CLOSED);
  EXPECT_EQ(core_.FindBooking(code)->state(), v1::BOOKED);
}

}  // namespace
}  // namespace mpp::core
