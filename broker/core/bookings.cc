// Appointments: slots, bookings and check-in (docs/PROTOCOL.md section 10).
//
// A booking holds a place in one slot of one service on one day. It is kept
// in memory from the day it was made until its day ends (then it was checked
// in, cancelled, or MISSED by the day change); the store keeps them all.
// Checked in, it becomes a ticket whose call-order key is its slot's start
// (MergedAppointment), so it is called at its slot ahead of walk-ins who came
// later - but a counter never calls two appointments in a row while a walk-in
// waits (NextInOrder).
#include <algorithm>

#include "broker/core/core_text.h"
#include "broker/core/queue_core.h"
#include "common/booking_code.h"
#include "common/i18n.h"

namespace mpp::core {
namespace {

constexpr Millis kDayMs = 24 * 3600 * 1000;
constexpr size_t kMaxNameBytes = 100;
constexpr size_t kMaxPhoneChars = 20;

// What a visitor's reply may carry: never the name or phone (they stay in
// the MPP's database), nor the device that booked.
v1::Booking ForReply(v1::Booking b) {
  b.clear_name();
  b.clear_phone();
  b.clear_source_id();
  return b;
}

bool ValidPhone(const std::string& phone) {
  if (phone.size() > kMaxPhoneChars) return false;
  return std::all_of(phone.begin(), phone.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-';
  });
}

Outcome NoAppointments(const v1::Service& s) {
  return Refuse(
      v1::FAILED_PRECONDITION,
      "Layanan " + s.name() + " tidak menerima janji temu; silakan ambil nomor antrean " +
          "di kios.",
      "Service " + s.name_en() + " takes no appointments; take a ticket at a kiosk instead.");
}

}  // namespace

void QueueCore::RestoreBookings(const std::vector<v1::Booking>& bookings) {
  for (const v1::Booking& b : bookings) FoldBooking(b);
}

const v1::Booking* QueueCore::FindBooking(const std::string& code) const {
  const auto it = bookings_.find(code);
  return it == bookings_.end() ? nullptr : &it->second;
}

int QueueCore::OpenBookingsOf(const std::string& service) const {
  int n = 0;
  for (const auto& [key, count] : outstanding_) {
    if (key.size() > service.size() &&
        key.compare(key.size() - service.size(), service.size(), service) == 0 &&
        key[key.size() - service.size() - 1] == '|') {
      n += count;
    }
  }
  return n;
}

void QueueCore::CountBooking(const v1::Booking& b, int delta) {
  const std::string key = DayKey(b.day(), b.service());
  if (b.state() == v1::BOOKED || b.state() == v1::CHECKED_IN) {
    slot_taken_[key][b.start_min()] += delta;
    day_taken_[key] += delta;
  }
  if (b.state() == v1::BOOKED) outstanding_[key] += delta;
}

void QueueCore::FoldBooking(const v1::Booking& b) {
  auto [it, fresh] = bookings_.try_emplace(b.code(), b);
  if (!fresh) {
    CountBooking(it->second, -1);
    it->second = b;
  }
  CountBooking(b, +1);
}

Outcome QueueCore::BookingEvent(v1::Booking booking, Millis now) {
  booking.set_changed_ms(now);
  v1::Event e;
  e.set_type(v1::BOOKING_CHANGED);
  *e.mutable_booking() = std::move(booking);
  Fold(e);
  ++seq_;
  Outcome o;
  *o.reply.mutable_booking() = ForReply(e.booking());
  o.events.push_back(std::move(e));
  return o;
}

std::vector<v1::Event> QueueCore::MissBookings(const std::string& day, Millis now) {
  std::vector<v1::Booking> missed;
  for (const auto& [code, b] : bookings_) {  // in code order: the same log on every replay
    if (b.day() < day && b.state() == v1::BOOKED) missed.push_back(b);
  }
  std::vector<v1::Event> events;
  for (v1::Booking& b : missed) {
    b.set_state(v1::MISSED);
    events.push_back(BookingEvent(std::move(b), now).events[0]);
  }
  return events;
}

Outcome QueueCore::ListSlots(const v1::ListSlots& c, Millis now) const {
  const v1::Service* s = catalog_->FindService(c.service());
  if (!s) {
    return Refuse(v1::NOT_FOUND, "Layanan '" + c.service() + "' tidak dikenal.",
                  "Service '" + c.service() + "' is not in the catalog.");
  }
  const v1::AppointmentRules& rules = s->appointments();
  if (rules.slot_min() <= 0 || s->retired()) return NoAppointments(*s);
  const int off = catalog_->utc_offset_min();
  Outcome o;
  v1::SlotList* list = o.reply.mutable_slots();
  list->set_service(s->code());
  const int bookable = catalog_->BookableOn(*s);
  for (int i = 0; i <= rules.days_ahead(); ++i) {
    const std::string day = ToLocal(day_begin_ms_ + i * kDayMs + kDayMs / 2, off).Date();
    if (!c.day().empty() && c.day() != day) continue;
    const std::string key = DayKey(day, s->code());
    const auto taken = slot_taken_.find(key);
    const auto day_taken = day_taken_.find(key);
    const int day_left = bookable - (day_taken == day_taken_.end() ? 0 : day_taken->second);
    const Millis midnight = *LocalMidnightMs(day, off);
    for (int start : catalog_->AppointmentSlots(*s, day)) {
      const Millis start_ms = midnight + static_cast<Millis>(start) * 60000;
      if (start_ms <= now) continue;  // begun: no longer bookable
      int held = 0;
      if (taken != slot_taken_.end()) {
        const auto h = taken->second.find(start);
        held = h == taken->second.end() ? 0 : h->second;
      }
      v1::AppointmentSlot* slot = list->add_slots();
      slot->set_day(day);
      slot->set_start_min(start);
      slot->set_start_ms(start_ms);
      slot->set_capacity(rules.per_slot());
      slot->set_free(std::max(0, std::min(rules.per_slot() - held, day_left)));
    }
  }
  return o;
}

Outcome QueueCore::Book(const v1::Book& c, Millis now, const std::string& device) {
  const v1::Service* s = catalog_->FindService(c.service());
  if (!s) {
    return Refuse(v1::NOT_FOUND, "Layanan '" + c.service() + "' tidak dikenal.",
                  "Service '" + c.service() + "' is not in the catalog.");
  }
  if (s->appointments().slot_min() <= 0 || s->retired()) return NoAppointments(*s);
  if (c.name().size() > kMaxNameBytes || HasControlOrSeparator(c.name())) {
    return Refuse(v1::INVALID_ARGUMENT,
                  "Nama terlalu panjang atau berisi karakter yang tidak sah (paling banyak 100).",
                  "The name is too long or holds control characters (at most 100 bytes, one "
                  "line).");
  }
  if (!ValidPhone(c.phone())) {
    return Refuse(v1::INVALID_ARGUMENT,
                  "Nomor telepon hanya boleh berisi angka, +, spasi dan tanda hubung (paling "
                  "banyak 20).",
                  "A phone number holds only digits, +, spaces and dashes (at most 20).");
  }
  // The slot: one list_slots would offer now.
  v1::ListSlots ask;
  ask.set_service(s->code());
  ask.set_day(c.day());
  const Outcome listed = ListSlots(ask, now);
  const v1::AppointmentSlot* slot = nullptr;
  for (const auto& sl : listed.reply.slots().slots()) {
    if (sl.start_min() == c.start_min()) slot = &sl;
  }
  if (!slot) {
    return Refuse(v1::INVALID_ARGUMENT,
                  "Tidak ada slot " + s->name() + " pada " + c.day() + " pukul " +
                      ClockText(c.start_min(), Lang::kId) +
                      " yang masih dapat dipesan; pilih slot dari daftar.",
                  "There is no bookable slot of " + s->name_en() + " on " + c.day() + " at " +
                      FormatHhMm(c.start_min()) +
                      " (past, outside its hours or days ahead, or not a slot's start); choose "
                      "one from list_slots.");
  }
  if (slot->free() <= 0) {
    return Refuse(v1::QUOTA_EXHAUSTED, "Slot ini sudah penuh; pilih slot lain.",
                  "This slot is fully booked; choose another one.");
  }
  const std::string code = BookingCodeFrom(offered_token_);
  if (code.empty() || bookings_.count(code)) {  // no random offered, or a collision (2^-40)
    return Refuse(v1::UNAVAILABLE, "Kode janji temu belum dapat dibuat; coba lagi.",
                  "No booking code could be made; try again.");
  }
  v1::Booking b;
  b.set_code(code);
  b.set_service(s->code());
  b.set_day(slot->day());
  b.set_start_min(slot->start_min());
  b.set_slot_min(s->appointments().slot_min());
  b.set_start_ms(slot->start_ms());
  b.set_state(v1::BOOKED);
  b.set_booked_ms(now);
  b.set_name(c.name());
  b.set_phone(c.phone());
  b.set_source_id(device);
  return BookingEvent(std::move(b), now);
}

const v1::Booking* QueueCore::ResolveBooking(const v1::BookingRef& ref, Outcome* refusal) const {
  const auto code = NormalizeBookingCode(ref.code());
  const v1::Booking* b = code ? FindBooking(*code) : nullptr;
  if (!b) {
    *refusal = Refuse(v1::NOT_FOUND,
                      "Kode janji temu tidak ditemukan. Periksa kodenya (8 huruf/angka), atau "
                      "janji temu itu sudah lewat harinya.",
                      "No booking has this code. Check the code (8 letters or digits); a "
                      "booking of an earlier day is no longer open.");
  }
  return b;
}

Outcome QueueCore::GetBooking(const v1::BookingRef& ref) const {
  Outcome o;
  const v1::Booking* b = ResolveBooking(ref, &o);
  if (b) *o.reply.mutable_booking() = ForReply(*b);
  return o;
}

Outcome QueueCore::CancelBooking(const v1::BookingRef& ref, Millis now) {
  Outcome refusal;
  const v1::Booking* b = ResolveBooking(ref, &refusal);
  if (!b) return refusal;
  switch (b->state()) {
    case v1::BOOKED:
      break;
    case v1::CHECKED_IN:
      return Refuse(v1::FAILED_PRECONDITION,
                    "Janji temu ini sudah check-in (nomor " + b->ticket_number() +
                        "); batalkan nomornya di loket.",
                    "This booking was checked in (ticket " + b->ticket_number() +
                        "); cancel the ticket at a counter instead.");
    default:
      return Refuse(v1::FAILED_PRECONDITION, "Janji temu ini sudah dibatalkan.",
                    "This booking is already cancelled.");
  }
  v1::Booking next = *b;
  next.set_state(v1::BOOKING_CANCELLED);
  return BookingEvent(std::move(next), now);
}

Outcome QueueCore::CheckIn(const v1::BookingRef& ref, Millis now, const std::string& device) {
  Outcome refusal;
  const v1::Booking* b = ResolveBooking(ref, &refusal);
  if (!b) return refusal;
  const int off = catalog_->utc_offset_min();
  if (b->state() == v1::CHECKED_IN) {
    return Refuse(v1::FAILED_PRECONDITION,
                  "Janji temu ini sudah check-in: nomor antrean Anda " + b->ticket_number() + ".",
                  "This booking is already checked in: your ticket is " + b->ticket_number() + ".");
  }
  if (b->state() != v1::BOOKED) {
    return Refuse(v1::FAILED_PRECONDITION, "Janji temu ini sudah dibatalkan.",
                  "This booking was cancelled.");
  }
  if (b->day() != business_day_) {
    return Refuse(v1::FAILED_PRECONDITION,
                  "Janji temu Anda untuk " + LongDate(b->start_ms(), off, Lang::kId) + " pukul " +
                      ClockText(b->start_min(), Lang::kId) + ". Silakan datang pada hari itu.",
                  "Your appointment is on " + LongDate(b->start_ms(), off, Lang::kEn) + " at " +
                      FormatHhMm(b->start_min()) + ". Please come on that day.");
  }
  const v1::Service* s = catalog_->FindService(b->service());
  if (!s || s->retired()) {
    return Refuse(v1::SERVICE_CLOSED,
                  "Layanan janji temu ini tidak lagi dilayani; silakan ke meja informasi.",
                  "The booked service is no longer offered; please ask at the information desk.");
  }
  if (auto refused = NotIssuing(*s, now)) return *refused;
  const bool late =
      now > b->start_ms() + static_cast<Millis>(s->appointments().grace_min()) * 60000;
  v1::Ticket t = NewTicket(*s, now);
  t.set_source(v1::ONLINE);
  t.set_source_id(device);
  t.set_appointment_ms(b->start_ms());
  t.set_appointment_late(late);
  if (!late) t.set_arrival_ms(b->start_ms());  // ordered from the slot's start
  v1::Booking next = *b;
  next.set_state(v1::CHECKED_IN);
  next.set_ticket_id(t.id());
  next.set_ticket_number(t.number());
  next.set_late(late);
  Outcome o = BookingEvent(std::move(next), now);
  Outcome issued = TicketEvent(v1::TICKET_ISSUED, std::move(t), nullptr);
  o.events.push_back(std::move(issued.events[0]));
  o.reply = std::move(issued.reply);
  SetForecast(&o.reply, now);
  return o;
}

}  // namespace mpp::core
