#include "broker/core/queue_core.h"

#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "broker/core/audience.h"
#include "broker/core/catalog_change.h"
#include "broker/core/core_text.h"
#include "broker/core/forecast.h"
#include "common/i18n.h"
#include "common/ticket_rules.h"
#include "common/ticket_token.h"
#include "common/z85.h"

namespace mpp::core {
namespace {

constexpr size_t kRecentCalls = 20;

Outcome UnknownCounter(int counter_id) {
  const std::string n = std::to_string(counter_id);
  return Refuse(v1::NOT_FOUND, "Loket " + n + " tidak ada di katalog.",
                "Counter " + n + " is not in the catalog; check the counter id.");
}

}  // namespace

v1::Reply ErrorReply(v1::ErrorCode code, const std::string& message_id,
                     const std::string& message_en, Millis next_open_ms) {
  v1::Reply r;
  r.mutable_error()->set_code(code);
  r.mutable_error()->set_message_id(message_id);
  r.mutable_error()->set_message_en(message_en);
  r.mutable_error()->set_next_open_ms(next_open_ms);
  return r;
}

CallOrderKey CallOrder(const v1::Ticket& t) {
  return {t.priority() != v1::PRIORITY_NONE ? 0 : 1, t.arrival_ms(), t.id()};
}

bool MergedAppointment(const v1::Ticket& t) {
  return t.appointment_ms() > 0 && !t.appointment_late() && t.transfers() == 0;
}

std::string FormatTicketNumber(const std::string& prefix, int digits, int seq_no) {
  std::string n = std::to_string(seq_no);
  if (static_cast<int>(n.size()) < digits) n.insert(0, digits - n.size(), '0');
  return prefix + "-" + n;
}

bool IsTerminal(v1::TicketState s) {
  return s == v1::DONE || s == v1::NO_SHOW || s == v1::CANCELLED || s == v1::EXPIRED;
}

bool IsMutating(const v1::Request& r) {
  switch (r.command_case()) {
    case v1::Request::kTicketStatus:
    case v1::Request::kListSlots:
    case v1::Request::kGetBooking:
    case v1::Request::kGetCatalog:
    case v1::Request::kSnapshot:
    case v1::Request::kStatus:
    case v1::Request::kReport:
    case v1::Request::kListDevices:
    case v1::Request::kListOperators:
    case v1::Request::kCheckCatalog:
    case v1::Request::kHello:
    case v1::Request::kReleaseDevice:  // memory only: nothing to record or replay
    case v1::Request::COMMAND_NOT_SET:
      return false;
    default:
      return true;
  }
}

QueueCore::QueueCore(const CatalogIndex* catalog)
    : catalog_(catalog), ticker_(catalog->catalog().ticker()) {
  if (sodium_init() < 0) std::abort();  // libsodium unusable: cannot check PINs
  for (const auto& def : catalog_->catalog().counters()) {
    v1::Counter c;
    c.set_id(def.id());
    c.set_status(v1::CLOSED);
    counters_[def.id()] = c;
  }
}

void QueueCore::Restore(const std::vector<v1::Ticket>& tickets,
                        const std::vector<v1::Counter>& counters, uint64_t last_seq,
                        int64_t last_ticket_id, const std::string& business_day, Millis now) {
  EnterDay(business_day.empty() ? catalog_->BusinessDay(now) : business_day);
  stale_open_ = false;
  for (const auto& t : tickets) {
    if (!IsTerminal(t.state()) && t.business_day() != business_day_) stale_open_ = true;
  }
  for (const auto& t : tickets) {
    v1::Event e;
    e.set_type(v1::TICKET_ISSUED);
    *e.mutable_ticket() = t;
    Fold(e);
  }
  for (const auto& c : counters) {
    if (counters_.count(c.id()))
      counters_[c.id()] = c;  // counters no longer in the catalog drop out
  }
  // Rebuild the recent calls list from call times.
  std::vector<const v1::Ticket*> called;
  for (const auto& [id, t] : tickets_) {
    if (t.first_called_ms() > 0 && t.business_day() == business_day_) called.push_back(&t);
  }
  auto last_call = [](const v1::Ticket* t) {
    return t->recall_ms().empty() ? t->first_called_ms() : *t->recall_ms().rbegin();
  };
  std::sort(called.begin(), called.end(),
            [&](auto* a, auto* b) { return last_call(a) > last_call(b); });
  recent_calls_.clear();
  for (size_t i = 0; i < called.size() && i < kRecentCalls; ++i) {
    recent_calls_.push_back(called[i]->id());
  }
  seq_ = last_seq;
  last_ticket_id_ = last_ticket_id;
}

void QueueCore::Index(const v1::Ticket& t) {
  if (t.state() == v1::WAITING && t.business_day() == business_day_) {
    waiting_[t.service()].insert(CallOrder(t));
    if (MergedAppointment(t)) appointments_[t.service()].insert(CallOrder(t));
  }
}

void QueueCore::Unindex(const v1::Ticket& t) {
  auto it = waiting_.find(t.service());
  if (it != waiting_.end()) it->second.erase(CallOrder(t));
  if (MergedAppointment(t)) {
    if (auto a = appointments_.find(t.service()); a != appointments_.end()) {
      a->second.erase(CallOrder(t));
    }
  }
}

void QueueCore::Fold(const v1::Event& e) {
  if (e.has_ticket()) {
    const v1::Ticket& t = e.ticket();
    auto it = tickets_.find(t.id());
    const bool was_done = it != tickets_.end() && it->second.state() == v1::DONE;
    if (t.state() == v1::DONE && !was_done) served_[DayKey(t.business_day(), t.service())]++;
    if (it != tickets_.end()) {
      Unindex(it->second);
      it->second = t;
    } else {
      tickets_[t.id()] = t;
      number_index_[DayKey(t.business_day(), t.number())] = t.id();
      if (!t.token().empty()) token_index_[t.token()] = t.id();
      int& last = last_seq_no_[DayKey(t.business_day(), t.prefix())];
      last = std::max(last, t.seq_no());
      issued_[DayKey(t.business_day(),
                     t.issued_service().empty() ? t.service() : t.issued_service())]++;
      last_ticket_id_ = std::max(last_ticket_id_, t.id());
    }
    Index(t);
    if (t.state() == v1::DONE && t.service_ms() > 0) {
      auto& times = service_times_[t.service()];
      times.push_back(t.service_ms());
      if (times.size() > kRecentServiceTimes) times.pop_front();
    }
    if (e.type() == v1::TICKET_CALLED || e.type() == v1::TICKET_RECALLED) {
      recent_calls_.erase(std::remove(recent_calls_.begin(), recent_calls_.end(), t.id()),
                          recent_calls_.end());
      recent_calls_.push_front(t.id());
      if (recent_calls_.size() > kRecentCalls) recent_calls_.pop_back();
    }
  }
  if (e.has_counter()) counters_[e.counter().id()] = e.counter();
  if (e.has_booking()) FoldBooking(e.booking());
  if (e.has_operator_info()) operators_[e.operator_info().id()] = e.operator_info();
  if (e.type() == v1::TICKER_CHANGED) ticker_ = e.ticker();
  if (e.has_device()) devices_[e.device().public_key()] = e.device();
  if (e.has_numbers_raised()) {
    const v1::NumbersRaised& n = e.numbers_raised();
    for (const auto& p : n.numbers()) {
      int& last = last_seq_no_[DayKey(n.business_day(), p.prefix())];
      last = std::max(last, p.last());
    }
  }
  if (e.has_catalog_change()) {  // catalog_ is already the new one
    for (int id : e.catalog_change().counters_removed()) counters_.erase(id);
    for (int id : e.catalog_change().counters_added()) {
      v1::Counter c;
      c.set_id(id);
      c.set_status(v1::CLOSED);
      counters_[id] = c;
    }
  }
  if (e.type() == v1::DAY_CHANGED) {
    const std::string& day = e.day_change().business_day();
    EnterDay(day);
    // The ended day's tickets are history now (all terminal: ChangeDay
    // expired the rest); reports read them from the store.
    for (auto it = tickets_.begin(); it != tickets_.end();) {
      const v1::Ticket& t = it->second;
      if (t.business_day() != day) {
        Unindex(t);
        number_index_.erase(DayKey(t.business_day(), t.number()));
        token_index_.erase(t.token());
        it = tickets_.erase(it);
      } else {
        ++it;
      }
    }
    recent_calls_.clear();
    for (auto it = last_seq_no_.begin(); it != last_seq_no_.end();) {
      it = it->first.compare(0, day.size(), day) == 0 ? std::next(it) : last_seq_no_.erase(it);
    }
    for (auto it = served_.begin(); it != served_.end();) {
      it = it->first.compare(0, day.size(), day) == 0 ? std::next(it) : served_.erase(it);
    }
    for (auto it = issued_.begin(); it != issued_.end();) {
      it = it->first.compare(0, day.size(), day) == 0 ? std::next(it) : issued_.erase(it);
    }
    // Bookings of ended days are history (MissBookings closed the open ones).
    for (auto it = bookings_.begin(); it != bookings_.end();) {
      if (it->second.day() < day) {
        CountBooking(it->second, -1);
        it = bookings_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

Outcome QueueCore::SecurityNote(const v1::SecurityNotice& notice) {
  v1::Event e;
  e.set_type(v1::SECURITY_NOTICE);
  *e.mutable_security() = notice;
  ++seq_;
  Outcome o;
  o.events.push_back(std::move(e));
  return o;
}

void QueueCore::RestoreDevices(const std::vector<v1::Device>& devices) {
  for (const auto& d : devices) devices_[d.public_key()] = d;
}

const v1::Device* QueueCore::FindDevice(const std::string& public_key) const {
  auto it = devices_.find(public_key);
  return it == devices_.end() ? nullptr : &it->second;
}

Outcome QueueCore::SetDevice(const v1::Device& in, Millis now) {
  if (!IsZ85Key(in.public_key())) {
    return Refuse(v1::INVALID_ARGUMENT, "Kunci publik perangkat tidak sah.",
                  "The device's public key must be a 40-character Z85 CURVE key (the .pub file "
                  "written by `mppctl keys generate`).");
  }
  if (in.name().empty() || in.name().size() > 64) {
    return Refuse(v1::INVALID_ARGUMENT, "Nama perangkat wajib diisi (paling banyak 64 karakter).",
                  "A device needs a name of 1 to 64 characters, e.g. kiosk-1 or loket-3.");
  }
  if (in.role() == v1::DEVICE_ROLE_UNSPECIFIED || !v1::DeviceRole_IsValid(in.role())) {
    return Refuse(v1::INVALID_ARGUMENT, "Peran perangkat wajib diisi.",
                  "A device needs a role: kiosk, counter, display, manager, admin or web.");
  }
  if (in.role() == v1::ROLE_COUNTER && in.counter_ids().empty()) {
    return Refuse(v1::INVALID_ARGUMENT, "Perangkat loket harus terikat ke nomor loket.",
                  "A counter device must be bound to its counters (--counters 3 or 3,4).");
  }
  for (int id : in.counter_ids()) {
    if (!catalog_->FindCounter(id)) return UnknownCounter(id);
  }
  for (const auto& zone : in.zones()) {
    if (!catalog_->ZoneExists(zone)) {
      return Refuse(v1::NOT_FOUND, "Zona '" + zone + "' tidak ada di katalog.",
                    "Zone '" + zone + "' is not in the catalog.");
    }
  }
  for (const auto& [key, d] : devices_) {
    if (d.name() == in.name() && key != in.public_key() && !d.revoked()) {
      return Refuse(v1::FAILED_PRECONDITION, "Nama perangkat '" + in.name() + "' sudah dipakai.",
                    "Device name '" + in.name() +
                        "' is taken by another key; revoke that one "
                        "first or choose another name.");
    }
  }
  v1::Event e;
  e.set_type(v1::DEVICE_CHANGED);
  *e.mutable_device() = in;
  e.mutable_device()->set_changed_ms(now);
  Fold(e);
  ++seq_;
  Outcome o;
  o.events.push_back(std::move(e));
  return o;
}

void QueueCore::RestoreTicker(const std::string& text) { ticker_ = text; }

Outcome QueueCore::SetTicker(const std::string& text) {
  if (text.size() > kMaxTickerBytes) {
    return Refuse(v1::INVALID_ARGUMENT,
                  "Teks berjalan terlalu panjang (" + std::to_string(text.size()) +
                      " byte); paling banyak " + std::to_string(kMaxTickerBytes) + ".",
                  "The running text is " + std::to_string(text.size()) +
                      " bytes; shorten it to at most " + std::to_string(kMaxTickerBytes) + ".");
  }
  if (HasControlOrSeparator(text)) {
    return Refuse(v1::INVALID_ARGUMENT, "Teks berjalan harus satu baris tanpa karakter kendali.",
                  "The running text must be one line without control characters "
                  "(no newlines, tabs, U+0085 or line/paragraph separators).");
  }
  v1::Event e;
  e.set_type(v1::TICKER_CHANGED);
  e.set_ticker(text.empty() ? catalog_->catalog().ticker() : text);
  Fold(e);
  ++seq_;
  Outcome o;
  o.events.push_back(std::move(e));
  return o;
}

void QueueCore::RestoreOperators(const std::vector<v1::Operator>& operators) {
  for (const auto& op : operators) operators_[op.id()] = op;
}

const v1::Operator* QueueCore::FindOperator(const std::string& id) const {
  auto it = operators_.find(id);
  return it == operators_.end() ? nullptr : &it->second;
}

void QueueCore::EnterDay(const std::string& day) {
  business_day_ = day;
  if (auto midnight = LocalMidnightMs(day, catalog_->utc_offset_min())) {
    day_begin_ms_ = *midnight;
    day_end_ms_ = *midnight + 24 * 3600 * 1000;  // a fixed offset: no DST
  } else {
    day_begin_ms_ = day_end_ms_ = 0;  // not a date: the next request changes the day
  }
}

Millis QueueCore::ExpiryWaitEnd(const v1::Ticket& t, Millis now) const {
  const int off = catalog_->utc_offset_min();
  const auto midnight = LocalMidnightMs(t.business_day(), off);
  if (!midnight) return now;
  Millis end = *midnight + 24 * 3600 * 1000;
  if (const v1::Service* s = catalog_->FindService(t.service())) {
    if (auto w = catalog_->WindowOn(*s, ToLocal(*midnight, off).weekday)) {
      end = *midnight + static_cast<Millis>(w->end().minutes()) * 60000;
    }
  }
  return std::max(std::min(end, now), t.issued_ms());
}

Outcome QueueCore::ChangeDay(Millis now) {
  Outcome o;
  if (!DayChangeDue(now)) return o;
  const std::string day = catalog_->BusinessDay(now);
  if (day == business_day_ && !stale_open_) {  // bounds not known yet: nothing ends
    EnterDay(day);
    return o;
  }
  stale_open_ = false;
  // Every unfinished ticket of another day expires, in id order (the event
  // log is the same on every replay).
  std::vector<int64_t> open;
  for (const auto& [id, t] : tickets_) {
    if (!IsTerminal(t.state()) && t.business_day() != day) open.push_back(id);
  }
  std::sort(open.begin(), open.end());
  for (int64_t id : open) {
    v1::Ticket t = tickets_.at(id);
    t.set_expired_from(t.state());
    t.set_state(v1::EXPIRED);
    const auto midnight = LocalMidnightMs(t.business_day(), catalog_->utc_offset_min());
    t.set_ended_ms(midnight ? std::min(now, *midnight + 24 * 3600 * 1000) : now);
    if (t.first_called_ms() == 0) {
      // Never called: the worst case of waiting, judged as not within the
      // target; its wait runs until the service's window closed that day
      // (at least 1 ms, so the store and reports see a judged wait).
      t.set_wait_ms(std::max<Millis>(1, ExpiryWaitEnd(t, now) - t.issued_ms()));
      t.set_wait_met(false);
    }
    o.events.push_back(TicketEvent(v1::TICKET_EXPIRED, std::move(t), nullptr).events[0]);
  }
  // Sign-ins end with the day: nobody is at a counter at midnight, and a
  // workstation left signed in overnight must not serve tomorrow's hall.
  // (Only a counter holding an expired ticket when the day itself stays: the
  // stale tickets of an old database.)
  int closed = 0;
  const bool new_day = day != business_day_;
  for (const auto& [id, c] : counters_) {
    if (c.status() == v1::CLOSED && c.operator_id().empty() && c.current_ticket() == 0) continue;
    if (!new_day && !std::binary_search(open.begin(), open.end(), c.current_ticket())) continue;
    v1::Counter next = c;
    next.set_status(v1::CLOSED);
    next.clear_operator_id();
    next.clear_break_reason();
    next.set_current_ticket(0);
    o.events.push_back(CounterEvent(std::move(next), now).events[0]);
    ++closed;
  }
  std::vector<v1::Event> missed = MissBookings(day, now);
  const int bookings_missed = static_cast<int>(missed.size());
  std::move(missed.begin(), missed.end(), std::back_inserter(o.events));
  v1::Event e;
  e.set_type(v1::DAY_CHANGED);
  e.mutable_day_change()->set_bookings_missed(bookings_missed);
  e.mutable_day_change()->set_business_day(day);
  e.mutable_day_change()->set_previous_day(business_day_);
  e.mutable_day_change()->set_expired(static_cast<int>(open.size()));
  e.mutable_day_change()->set_counters_closed(closed);
  Fold(e);
  ++seq_;
  o.events.push_back(std::move(e));
  return o;
}

Outcome QueueCore::Apply(const v1::Request& r, Millis now, const std::string& device) {
  Outcome day = ChangeDay(now);  // usually nothing: the reactor changes the day first
  Outcome o = ApplyOne(r, now, device);
  offered_pin_.reset();  // it and the token were for this request only
  offered_token_.clear();
  // The token goes to the kiosk that issued the ticket, no one else.
  if (!r.has_issue() && !r.has_check_in() && o.reply.has_ticket()) {
    o.reply.mutable_ticket()->clear_token();
  }
  if (!day.events.empty()) {
    o.events.insert(o.events.begin(), std::make_move_iterator(day.events.begin()),
                    std::make_move_iterator(day.events.end()));
  }
  return o;
}

Outcome QueueCore::ApplyOne(const v1::Request& r, Millis now, const std::string& device) {
  switch (r.command_case()) {
    case v1::Request::kIssue:
      return Issue(r.issue(), now);
    case v1::Request::kCallNext:
      return CallNext(r.call_next().counter_id(), now);
    case v1::Request::kCallTicket:
      return CallTicket(r.call_ticket(), now);
    case v1::Request::kRecall:
      return Recall(r.recall().counter_id(), now);
    case v1::Request::kStart:
      return StartServing(r.start().counter_id(), now);
    case v1::Request::kFinish:
      return Finish(r.finish().counter_id(), now);
    case v1::Request::kNoShow:
      return NoShow(r.no_show().counter_id(), now);
    case v1::Request::kTransfer:
      return Transfer(r.transfer(), now);
    case v1::Request::kHold:
      return Hold(r.hold().counter_id(), now);
    case v1::Request::kUnhold:
      return Unhold(r.unhold().ticket(), now);
    case v1::Request::kCancel:
      return Cancel(r.cancel().ticket(), now);
    case v1::Request::kListSlots:
      return ListSlots(r.list_slots(), now);
    case v1::Request::kBook:
      return Book(r.book(), now, device);
    case v1::Request::kGetBooking:
      return GetBooking(r.get_booking());
    case v1::Request::kCancelBooking:
      return CancelBooking(r.cancel_booking(), now);
    case v1::Request::kCheckIn:
      return CheckIn(r.check_in(), now, device);
    case v1::Request::kReportPrint:
      return ReportPrint(r.report_print());
    case v1::Request::kOpen:
      return OpenCounter(r.open().counter_id(), r.open().operator_id(), false, now);
    case v1::Request::kPause:
      return PauseCounter(r.pause(), now);
    case v1::Request::kClose:
      return CloseCounter(r.close().counter_id(), false, now);
    case v1::Request::kSignIn:
      return SignIn(r.sign_in(), now, device);
    case v1::Request::kSetOperator:
      return SetOperator(r.set_operator());
    case v1::Request::kRate:
      return Rate(r.rate(), now);
    case v1::Request::kSignOut:
      return CloseCounter(r.sign_out().counter_id(), true, now);
    case v1::Request::kSetTicker:
      return SetTicker(r.set_ticker().text());
    case v1::Request::kSetDevice:
      return SetDevice(r.set_device().device(), now);
    case v1::Request::kReportNumbers:
      return ReportNumbers(r.report_numbers());
    case v1::Request::kSkipNumbers:
      return SkipNumbers(r.skip_numbers());
    case v1::Request::kCheckCatalog: {
      auto parsed = ParseCatalog(r.check_catalog().toml(), r.check_catalog().source_name().empty()
                                                               ? "catalog.toml"
                                                               : r.check_catalog().source_name());
      if (!parsed.ok()) {
        return Refuse(v1::INVALID_ARGUMENT, "Katalog ditolak:\n" + parsed.status().message(),
                      "The catalog was refused:\n" + parsed.status().message());
      }
      const CatalogIndex next(Versioned(std::move(parsed).value()));
      Outcome o;
      *o.reply.mutable_catalog_change() = DiffCatalogs(*catalog_, next, *this);
      if (!o.reply.catalog_change().problems().empty()) {
        *o.reply.mutable_error() =
            ErrorReply(v1::FAILED_PRECONDITION, "Katalog ini belum dapat dipakai sekarang.",
                       "This catalog cannot be applied now.")
                .error();
      }
      return o;
    }
    case v1::Request::kReloadCatalog:  // the reactor reads the file and calls ChangeCatalog
      break;
    case v1::Request::kListDevices: {
      Outcome o;
      for (const auto& [key, d] : devices_) *o.reply.mutable_devices()->add_devices() = d;
      return o;
    }
    case v1::Request::kReleaseDevice: {
      const std::string& name = r.release_device().device();
      if (name.empty()) {
        return Refuse(v1::INVALID_ARGUMENT, "Nama perangkat wajib diisi.",
                      "Name the device to release (its name with keys, its client id without).");
      }
      guard_.Succeeded(name);  // the reactor logs who released whom
      return Outcome();
    }
    case v1::Request::kListOperators: {
      Outcome o;
      for (const auto& [id, op] : operators_) {
        v1::Operator* out = o.reply.mutable_operators()->add_operators();
        *out = op;
        out->clear_pin_hash();  // never leaves the broker
        out->clear_failures();
        out->clear_locked_until_ms();
      }
      return o;
    }
    case v1::Request::kGetCatalog: {
      Outcome o;
      *o.reply.mutable_catalog() = catalog_->catalog();
      return o;
    }
    case v1::Request::kSnapshot: {
      const std::string& zone = r.snapshot().zone();
      if (!zone.empty() && !catalog_->ZoneExists(zone)) {
        return Refuse(v1::NOT_FOUND, "Zona '" + zone + "' tidak ada di katalog.",
                      "Zone '" + zone + "' is not in the catalog; leave it empty for all zones.");
      }
      Outcome o;
      *o.reply.mutable_snapshot() = MakeSnapshot(zone, now);
      return o;
    }
    case v1::Request::kTicketStatus:
      return TicketStatuses(r.ticket_status(), now);
    case v1::Request::kStatus:
    case v1::Request::kHello:
    case v1::Request::kReport:  // the reactor's report thread answers these
    case v1::Request::COMMAND_NOT_SET:
      break;
  }
  return Refuse(v1::INVALID_ARGUMENT, "Perintah tidak dikenal.",
                "Unknown or empty command; update the client or check the request.");
}

Outcome QueueCore::TicketEvent(v1::EventType type, v1::Ticket ticket, const v1::Counter* counter) {
  Outcome o;
  v1::Event e;
  e.set_type(type);
  *e.mutable_ticket() = std::move(ticket);
  if (counter) *e.mutable_counter() = *counter;
  Fold(e);
  ++seq_;
  *o.reply.mutable_ticket() = e.ticket();
  o.events.push_back(std::move(e));
  return o;
}

void QueueCore::SetForecast(v1::Reply* reply, Millis now) const {
  const v1::Ticket& t = reply->ticket();
  PutForecast(ForecastFor(t.service(), CallOrder(t), now), reply);
}

void QueueCore::PutForecast(const TicketForecast& f, v1::Reply* reply) {
  reply->set_ahead(f.ahead);
  reply->set_estimated_wait_ms(f.wait_ms);
  reply->set_past_closing(f.past_closing);
}

Outcome QueueCore::CounterEvent(v1::Counter counter, Millis now) {
  counter.set_since_ms(now);
  Outcome o;
  v1::Event e;
  e.set_type(v1::COUNTER_CHANGED);
  *e.mutable_counter() = counter;
  Fold(e);
  ++seq_;
  *o.reply.mutable_counter() = counter;
  o.events.push_back(std::move(e));
  return o;
}

Outcome QueueCore::Issue(const v1::IssueTicket& c, Millis now) {
  const v1::Service* s = catalog_->FindService(c.service());
  if (!s) {
    return Refuse(v1::NOT_FOUND, "Layanan '" + c.service() + "' tidak dikenal.",
                  "Service '" + c.service() + "' is not in the catalog; see `mppctl catalog`.");
  }
  if (!v1::PriorityReason_IsValid(c.priority()) || !v1::TicketSource_IsValid(c.source())) {
    return Refuse(v1::INVALID_ARGUMENT, "Alasan prioritas atau sumber tiket tidak sah.",
                  "Unknown priority reason or ticket source.");
  }
  if (s->retired()) {
    return Refuse(v1::SERVICE_CLOSED, "Layanan " + s->name() + " tidak lagi dilayani di MPP ini.",
                  "Service " + s->name_en() + " is no longer offered at this MPP.");
  }
  if (c.priority() != v1::PRIORITY_NONE && !s->priority_allowed()) {
    return Refuse(v1::INVALID_ARGUMENT,
                  "Layanan " + s->name() + " tidak memakai antrean prioritas.",
                  "Service " + s->name_en() + " has no priority queue; issue a regular ticket.");
  }
  if (auto refused = NotIssuing(*s, now)) return *refused;
  const int off = catalog_->utc_offset_min();
  // The forecast of the ticket about to be issued (its key: the next id).
  const CallOrderKey key{c.priority() != v1::PRIORITY_NONE ? 0 : 1, now, last_ticket_id_ + 1};
  const TicketForecast forecast = ForecastFor(s->code(), key, now);
  if (forecast.past_closing && s->refuse_past_closing()) {
    const std::string minutes = std::to_string(forecast.wait_ms / 60000);
    return Refuse(v1::PAST_CLOSING,
                  "Antrean " + s->name() + " diperkirakan tidak terlayani sebelum MPP tutup hari " +
                      "ini (perkiraan tunggu " + minutes + " menit). Silakan datang lagi pada " +
                      "hari layanan berikutnya.",
                  "The queue for " + s->name_en() + " is not expected to be served before the " +
                      "MPP closes today (estimated wait " + minutes +
                      " minutes). Please come back on the next service day.");
  }
  if (s->daily_quota() > 0 && QuotaUsed(s->code()) >= s->daily_quota()) {
    // Says how many and when to come back, in words a visitor can act on.
    const std::string q = std::to_string(s->daily_quota());
    const LocalTime lt = ToLocal(now, off);
    const Millis tomorrow = now - (static_cast<Millis>(lt.minute_of_day) * 60 + lt.second) * 1000 -
                            lt.millis + 24 * 3600 * 1000;
    const Availability next = catalog_->ServiceAvailability(*s, tomorrow);
    const Millis next_open = next.code == v1::OK ? tomorrow : next.next_open_ms;
    const std::string when_id = next_open > 0
                                    ? "Silakan datang lagi " + WhenId(next_open, off) + "."
                                    : "Silakan datang lagi pada hari layanan berikutnya.";
    const std::string when_en = next_open > 0 ? "Please come back " + WhenEn(next_open, off) + "."
                                              : "Please come back on the next service day.";
    return Refuse(v1::QUOTA_EXHAUSTED,
                  "Kuota harian " + s->name() + " sudah habis: " + q +
                      " nomor hari ini sudah diambil semua. " + when_id,
                  "Today's quota for " + s->name_en() + " is used up: all " + q +
                      " numbers for today have been taken. " + when_en);
  }
  v1::Ticket t = NewTicket(*s, now);
  t.set_priority(c.priority());
  if (c.priority() != v1::PRIORITY_NONE) {
    t.set_priority_granted_by(c.source() == v1::STAFF
                                  ? (c.source_id().empty() ? "staff" : c.source_id())
                              : c.source() == v1::ONLINE ? "online"
                                                         : "self");
  }
  t.set_source(c.source() == v1::SOURCE_UNSPECIFIED ? v1::KIOSK : c.source());
  t.set_source_id(c.source_id());
  if (forecast.known) {  // kept, so reports show how honest the estimates were
    t.set_estimated(true);
    t.set_estimated_wait_ms(forecast.wait_ms);
  }
  Outcome o = TicketEvent(v1::TICKET_ISSUED, std::move(t), nullptr);
  PutForecast(forecast, &o.reply);  // the same as after: it was made for this ticket
  return o;
}

v1::Ticket QueueCore::NewTicket(const v1::Service& svc, Millis now) {
  const v1::Service* s = &svc;
  const std::string& day = business_day_;
  const int seq_no = last_seq_no_[DayKey(day, s->prefix())] + 1;
  v1::Ticket t;
  t.set_id(last_ticket_id_ + 1);
  t.set_number(FormatTicketNumber(s->prefix(), s->digits(), seq_no));
  t.set_service(s->code());
  t.set_issued_service(s->code());
  t.set_prefix(s->prefix());
  t.set_seq_no(seq_no);
  t.set_business_day(day);
  t.set_state(v1::WAITING);
  t.set_issued_ms(now);
  t.set_arrival_ms(now);
  t.set_wait_target_min(s->wait_target_min());
  t.set_service_std_min(s->service_std_min());
  if (ValidTokenRandom(offered_token_)) t.set_token(TicketToken(day, offered_token_));
  return t;
}

std::optional<Outcome> QueueCore::NotIssuing(const v1::Service& svc, Millis now) const {
  const v1::Service* s = &svc;
  const int off = catalog_->utc_offset_min();
  const Availability a = catalog_->ServiceAvailability(*s, now);
  switch (a.code) {
    case v1::MPP_HOLIDAY:
      return Refuse(
          v1::MPP_HOLIDAY,
          "MPP libur (" + a.reason + "). Buka kembali " + WhenId(a.next_open_ms, off) + ".",
          "The MPP is closed for a holiday (" + a.reason + "). It reopens " +
              WhenEn(a.next_open_ms, off) + ".",
          a.next_open_ms);
    case v1::NOT_SERVED_TODAY:
      return Refuse(v1::NOT_SERVED_TODAY,
                    "Layanan " + s->name() + " tidak dibuka hari ini. Buka kembali " +
                        WhenId(a.next_open_ms, off) + ".",
                    "Service " + s->name_en() +
                        " is not served today. Next opening: " + WhenEn(a.next_open_ms, off) + ".",
                    a.next_open_ms);
    case v1::SERVICE_CLOSED:
      return Refuse(v1::SERVICE_CLOSED,
                    "Layanan " + s->name() + " sedang tutup. Buka kembali " +
                        WhenId(a.next_open_ms, off) + ".",
                    "Service " + s->name_en() +
                        " is closed now. Next opening: " + WhenEn(a.next_open_ms, off) + ".",
                    a.next_open_ms);
    default:
      break;
  }
  return std::nullopt;
}

int QueueCore::QuotaUsed(const std::string& service) const {
  const std::string key = DayKey(business_day_, service);
  const auto issued = issued_.find(key);
  const auto booked = outstanding_.find(key);
  return (issued == issued_.end() ? 0 : issued->second) +
         (booked == outstanding_.end() ? 0 : booked->second);
}

Outcome QueueCore::TicketStatuses(const v1::GetTicketStatus& r, Millis now) const {
  if (r.tokens_size() > kMaxStatusTokens) {
    return Refuse(v1::INVALID_ARGUMENT, "Terlalu banyak token dalam satu permintaan.",
                  "At most " + std::to_string(kMaxStatusTokens) +
                      " tokens per ticket_status request; split the list.");
  }
  Outcome o;
  v1::TicketStatusList* list = o.reply.mutable_ticket_statuses();
  std::vector<ForecastTarget> waiting;
  std::vector<v1::TicketStatus*> waiting_status;
  for (const std::string& token : r.tokens()) {
    v1::TicketStatus* st = list->add_statuses();
    st->set_token(token.substr(0, kTokenLength));
    const auto it = token_index_.find(token);
    const v1::Ticket* t = it == token_index_.end() ? nullptr : FindTicket(it->second);
    if (!t) {
      st->set_code(v1::NOT_FOUND);
      const std::string day = TokenDay(token);
      if (!day.empty() && day != business_day_) {
        st->set_other_day(true);
        st->set_business_day(day);
      }
      continue;
    }
    *st->mutable_ticket() = *t;
    RedactTicket(st->mutable_ticket(), Audience::kPublic);
    const int queue = catalog_->ServiceIndex(t->service());
    if (t->state() == v1::WAITING && t->business_day() == business_day_ && queue >= 0) {
      waiting.push_back({static_cast<size_t>(queue), CallOrder(*t)});
      waiting_status.push_back(st);
    }
  }
  // One replay of the call rule for every waiting ticket asked about: a
  // thousand pages cost the reactor about one issue's forecast, not a
  // thousand (the same figures: ReplayCallRuleFor).
  if (waiting.empty()) return o;
  std::vector<ForecastQueue> queues;
  std::vector<ForecastDesk> desks;
  ForecastInputs(now, &queues, &desks);
  const std::vector<Forecast> all = ReplayCallRuleFor(queues, desks, waiting, now);
  for (size_t i = 0; i < all.size(); ++i) {
    v1::TicketStatus* st = waiting_status[i];
    const TicketForecast f = all[i].known ? TicketForecast{true, all[i].ahead, all[i].wait_ms,
                                                           PastClosing(now, all[i].wait_ms)}
                                          : UnknownForecast(st->ticket().service(), waiting[i].key);
    st->set_estimated(f.known);
    st->set_ahead(f.ahead);
    st->set_estimated_wait_ms(f.wait_ms);
    st->set_past_closing(f.past_closing);
  }
  return o;
}

QueueCore::Desk QueueCore::FindDesk(int counter_id) const {
  Desk d;
  d.def = catalog_->FindCounter(counter_id);
  if (!d.def) return d;
  d.state = counters_.at(counter_id);
  if (d.state.current_ticket() != 0) {
    const v1::Ticket* t = FindTicket(d.state.current_ticket());
    if (t && (t->state() == v1::CALLED || t->state() == v1::SERVING)) d.ticket = t;
  }
  return d;
}

// Why `d` cannot call a ticket now, or nullopt when it can.
std::optional<Outcome> QueueCore::CannotCall(const Desk& d) const {
  if (d.state.status() == v1::ON_BREAK) {
    return Refuse(v1::FAILED_PRECONDITION, d.def->name() + " sedang istirahat; lanjutkan dulu.",
                  d.def->name() + " is on a break; resume it before calling.");
  }
  if (d.state.status() != v1::OPEN) {
    return Refuse(v1::FAILED_PRECONDITION, d.def->name() + " tutup; buka loket dulu.",
                  d.def->name() + " is closed; open it (sign in) before calling.");
  }
  if (d.ticket) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.def->name() + " masih melayani " + d.ticket->number() +
                      "; selesaikan, tandai tidak hadir, alihkan, atau tunda dulu.",
                  d.def->name() + " still has " + d.ticket->number() +
                      "; finish, mark no-show, transfer or hold it first.");
  }
  return std::nullopt;
}

// The call-next policy (docs/PROTOCOL.md section 10): the smallest CallOrder
// among the services this counter serves - but after a merged appointment,
// the smallest walk-in if one waits. Any suitable counter can take any
// ticket. The forecast replays the same rule (forecast.cc, PickNext).
const CallOrderKey* QueueCore::NextInOrder(const Desk& d) const {
  const CallOrderKey* best = nullptr;
  const CallOrderKey* walk = nullptr;  // the smallest key that is not an appointment
  for (const auto& svc : d.def->services()) {
    auto it = waiting_.find(svc);
    if (it == waiting_.end() || it->second.empty()) continue;
    if (!best || *it->second.begin() < *best) best = &*it->second.begin();
    const auto a = appointments_.find(svc);
    for (const CallOrderKey& k : it->second) {
      if (a != appointments_.end() && a->second.count(k)) continue;
      if (!walk || k < *walk) walk = &k;
      break;
    }
  }
  if (best && walk && best != walk && d.state.last_call_appointment()) return walk;
  return best;
}

Outcome QueueCore::Called(const Desk& d, v1::Ticket t, Millis now) {
  const bool appointment = MergedAppointment(t);
  t.set_state(v1::CALLED);
  t.set_counter_id(d.def->id());
  t.set_operator_id(d.state.operator_id());
  if (t.first_called_ms() == 0) {
    t.set_first_called_ms(now);
    t.set_wait_ms(std::max<Millis>(0, now - WaitStartMs(t)));
    t.set_wait_met(t.wait_ms() <= static_cast<Millis>(t.wait_target_min()) * 60000);
  }
  v1::Counter c = d.state;
  c.set_last_call_appointment(appointment);
  c.set_current_ticket(t.id());
  return TicketEvent(v1::TICKET_CALLED, std::move(t), &c);
}

Outcome QueueCore::CallNext(int counter_id, Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (auto refused = CannotCall(d)) return *refused;
  const CallOrderKey* best = NextInOrder(d);
  if (!best) {
    return Refuse(v1::QUEUE_EMPTY, "Tidak ada antrean yang menunggu untuk " + d.def->name() + ".",
                  "Nobody is waiting for the services of " + d.def->name() + ".");
  }
  return Called(d, *FindTicket(std::get<2>(*best)), now);
}

Outcome QueueCore::CallTicket(const v1::CallTicket& r, Millis now) {
  Desk d = FindDesk(r.counter_id());
  if (!d.def) return UnknownCounter(r.counter_id());
  if (auto refused = CannotCall(d)) return *refused;
  Outcome refusal;
  const v1::Ticket* found = ResolveTicket(r.ticket(), &refusal);
  if (!found) return refusal;
  if (found->state() != v1::WAITING) {
    return Refuse(v1::FAILED_PRECONDITION,
                  found->number() +
                      " tidak sedang menunggu; hanya nomor yang menunggu yang dapat "
                      "dipanggil.",
                  found->number() + " is not waiting; only a waiting ticket can be called.");
  }
  if (!catalog_->CounterServes(d.def->id(), found->service())) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.def->name() + " tidak melayani layanan " + found->service() + " (" +
                      found->number() + "); alihkan tiketnya atau panggil dari loket lain.",
                  d.def->name() + " does not serve " + found->service() + " (" + found->number() +
                      "); transfer it or call it from a counter that does.");
  }
  if (!v1::OutOfOrderReason_IsValid(r.reason())) {
    return Refuse(v1::INVALID_ARGUMENT, "Alasan panggilan di luar urutan tidak dikenal.",
                  "Unknown out-of-order reason.");
  }
  v1::Ticket t = *found;
  const CallOrderKey* next = NextInOrder(d);
  const bool in_order = next && std::get<2>(*next) == t.id();
  if (!in_order && r.reason() == v1::IN_ORDER) {
    return Refuse(v1::INVALID_ARGUMENT,
                  t.number() +
                      " belum gilirannya; pilih alasan memanggilnya lebih dulu (dicatat "
                      "dalam laporan).",
                  t.number() +
                      " is not next in line; choose the reason for calling it ahead "
                      "(it is recorded in the reports).");
  }
  t.set_out_of_order(in_order ? v1::IN_ORDER : r.reason());
  return Called(d, std::move(t), now);
}

Outcome QueueCore::Recall(int counter_id, Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (!d.ticket || d.ticket->state() != v1::CALLED) {
    return Refuse(v1::FAILED_PRECONDITION, d.def->name() + " tidak sedang memanggil nomor apa pun.",
                  d.def->name() + " has no called ticket to recall; call the next one first.");
  }
  v1::Ticket t = *d.ticket;
  v1::Counter c = d.state;
  if (t.recall_ms_size() >= catalog_->catalog().max_recalls()) {
    // Past the configured maximum, the visitor is taken as absent.
    t.set_state(v1::NO_SHOW);
    t.set_ended_ms(now);
    c.set_current_ticket(0);
    return TicketEvent(v1::TICKET_NO_SHOW, std::move(t), &c);
  }
  t.add_recall_ms(now);
  return TicketEvent(v1::TICKET_RECALLED, std::move(t), &c);
}

Outcome QueueCore::StartServing(int counter_id, Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (!d.ticket || d.ticket->state() != v1::CALLED) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.ticket ? d.ticket->number() + " sudah dilayani."
                           : d.def->name() + " belum memanggil nomor; panggil dulu.",
                  d.ticket ? d.ticket->number() + " is already being served."
                           : d.def->name() + " has not called a ticket; call the next one first.");
  }
  v1::Ticket t = *d.ticket;
  t.set_state(v1::SERVING);
  t.set_serving_ms(now);
  // The standard in force when service starts is the one the ticket is judged by.
  if (const v1::Service* s = catalog_->FindService(t.service())) {
    t.set_service_std_min(s->service_std_min());
  }
  return TicketEvent(v1::TICKET_SERVING, std::move(t), &d.state);
}

Outcome QueueCore::Finish(int counter_id, Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (!d.ticket || d.ticket->state() != v1::SERVING) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.ticket ? d.ticket->number() + " belum mulai dilayani; tekan Mulai Layani dulu."
                           : d.def->name() + " tidak sedang melayani siapa pun.",
                  d.ticket
                      ? d.ticket->number() + " is called but not being served; start serving first."
                      : d.def->name() + " is not serving anyone; nothing to finish.");
  }
  v1::Ticket t = *d.ticket;
  t.set_state(v1::DONE);
  t.set_finished_ms(now);
  t.set_ended_ms(now);
  t.set_service_ms(now - t.serving_ms());
  t.set_service_met(t.service_ms() <= static_cast<Millis>(t.service_std_min()) * 60000);
  v1::Counter c = d.state;
  c.set_current_ticket(0);
  c.set_last_finished_ticket(t.id());
  c.set_last_finished_number(t.number());
  c.set_last_finished_ms(now);
  return TicketEvent(v1::TICKET_FINISHED, std::move(t), &c);
}

Outcome QueueCore::NoShow(int counter_id, Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (!d.ticket || d.ticket->state() != v1::CALLED) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.ticket
                      ? d.ticket->number() + " sedang dilayani; tidak bisa ditandai tidak hadir."
                      : d.def->name() + " tidak sedang memanggil nomor apa pun.",
                  d.ticket ? d.ticket->number() + " is being served; it cannot be a no-show."
                           : d.def->name() + " has no called ticket.");
  }
  v1::Ticket t = *d.ticket;
  t.set_state(v1::NO_SHOW);
  t.set_ended_ms(now);
  v1::Counter c = d.state;
  c.set_current_ticket(0);
  return TicketEvent(v1::TICKET_NO_SHOW, std::move(t), &c);
}

Outcome QueueCore::Transfer(const v1::Transfer& cmd, Millis now) {
  Desk d = FindDesk(cmd.counter_id());
  if (!d.def) return UnknownCounter(cmd.counter_id());
  const v1::Service* s = catalog_->FindService(cmd.service());
  if (!s) {
    return Refuse(v1::NOT_FOUND, "Layanan tujuan '" + cmd.service() + "' tidak dikenal.",
                  "Target service '" + cmd.service() + "' is not in the catalog.");
  }
  if (!d.ticket) {
    return Refuse(v1::FAILED_PRECONDITION, d.def->name() + " tidak sedang melayani siapa pun.",
                  d.def->name() + " has no called or served ticket to transfer.");
  }
  if (s->retired()) {
    return Refuse(v1::FAILED_PRECONDITION, "Layanan " + s->name() + " tidak lagi dilayani.",
                  "Service " + s->name_en() + " is retired; transfer to another service.");
  }
  // A visitor sent on to a service nobody serves today, or whose daily quota
  // is used up (card stock), would wait for nothing. A service whose ticket
  // window has closed is still served until the MPP closes: that is allowed.
  const Availability a = catalog_->ServiceAvailability(*s, now);
  if (a.code == v1::NOT_SERVED_TODAY || a.code == v1::MPP_HOLIDAY) {
    return Refuse(a.code,
                  "Layanan " + s->name() + " tidak dibuka hari ini; pilih layanan lain atau " +
                      "minta pengunjung datang pada hari layanannya.",
                  "Service " + s->name_en() +
                      " is not served today; choose another service, or ask the visitor to "
                      "come back on its service day.",
                  a.next_open_ms);
  }
  if (s->daily_quota() > 0 && QuotaUsed(s->code()) >= s->daily_quota()) {
    return Refuse(v1::QUOTA_EXHAUSTED,
                  "Kuota harian " + s->name() + " sudah habis; tiket tidak dapat dialihkan ke " +
                      "sana hari ini.",
                  "Today's quota for " + s->name_en() +
                      " is used up; the ticket cannot be transferred there today.");
  }
  if (d.ticket->service() == s->code()) {
    return Refuse(v1::INVALID_ARGUMENT, d.ticket->number() + " sudah berada di layanan itu.",
                  d.ticket->number() + " is already in that service; pick another one.");
  }
  v1::Ticket t = *d.ticket;
  t.set_transferred_from(t.service());
  t.set_service(s->code());
  t.set_transfers(t.transfers() + 1);
  t.set_state(v1::WAITING);
  t.set_serving_ms(0);
  // counter_id stays: it is the counter that called the ticket last (recent
  // calls on the displays are filtered by it).
  (void)now;  // arrival_ms is kept: the visitor keeps a fair place in the new queue
  v1::Counter c = d.state;
  c.set_current_ticket(0);
  Outcome o = TicketEvent(v1::TICKET_TRANSFERRED, std::move(t), &c);
  SetForecast(&o.reply, now);
  return o;
}

Outcome QueueCore::Hold(int counter_id, Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (!d.ticket) {
    return Refuse(v1::FAILED_PRECONDITION, d.def->name() + " tidak sedang melayani siapa pun.",
                  d.def->name() + " has no called or served ticket to hold.");
  }
  v1::Ticket t = *d.ticket;
  t.set_state(v1::HELD);
  t.set_serving_ms(0);
  (void)now;
  v1::Counter c = d.state;
  c.set_current_ticket(0);
  return TicketEvent(v1::TICKET_HELD, std::move(t), &c);
}

const v1::Ticket* QueueCore::ResolveTicket(const v1::TicketRef& ref, Outcome* refusal) const {
  if (ref.id() == 0 && ref.number().empty()) {
    *refusal =
        Refuse(v1::INVALID_ARGUMENT, "Sebutkan nomor antrean (misalnya A-007) atau id tiketnya.",
               "Name the ticket by its number today (e.g. A-007) or by its id.");
    return nullptr;
  }
  const std::string number = ref.number().substr(0, 24);  // quoted, never echoed whole
  const v1::Ticket* by_id = ref.id() != 0 ? FindTicket(ref.id()) : nullptr;
  const v1::Ticket* by_number = ref.number().empty() ? nullptr : FindTicketByNumber(ref.number());
  if (ref.id() != 0 && !ref.number().empty() && by_id != by_number) {
    const std::string id = std::to_string(ref.id());
    *refusal = Refuse(
        v1::INVALID_ARGUMENT,
        "Nomor " + number + " dan id #" + id + " bukan tiket yang sama; kirim salah satu saja.",
        "Number " + number + " and id #" + id +
            " do not name the same ticket; send only one of them.");
    return nullptr;
  }
  const v1::Ticket* found = ref.id() != 0 ? by_id : by_number;
  if (!found) {
    const std::string name = ref.id() != 0 ? "#" + std::to_string(ref.id()) : number;
    *refusal = Refuse(v1::NOT_FOUND, "Nomor antrean " + name + " tidak ditemukan hari ini.",
                      "Ticket " + name + " was not found today; check the number on the paper.");
  }
  return found;
}

Outcome QueueCore::Unhold(const v1::TicketRef& ref, Millis now) {
  Outcome refusal;
  const v1::Ticket* found = ResolveTicket(ref, &refusal);
  if (!found) return refusal;
  if (found->state() != v1::HELD) {
    return Refuse(v1::FAILED_PRECONDITION, found->number() + " tidak sedang ditunda.",
                  found->number() + " is not on hold.");
  }
  v1::Ticket t = *found;
  t.set_state(v1::WAITING);  // counter_id stays: the counter that called it last
  Outcome o = TicketEvent(v1::TICKET_RETURNED, std::move(t), nullptr);
  SetForecast(&o.reply, now);
  return o;
}

Outcome QueueCore::Cancel(const v1::TicketRef& ref, Millis now) {
  Outcome refusal;
  const v1::Ticket* found = ResolveTicket(ref, &refusal);
  if (!found) return refusal;
  if (found->state() != v1::WAITING && found->state() != v1::HELD) {
    return Refuse(v1::FAILED_PRECONDITION,
                  found->number() + " tidak bisa dibatalkan (sedang dipanggil atau sudah selesai).",
                  found->number() + " cannot be cancelled: it is called, served or already ended.");
  }
  v1::Ticket t = *found;
  t.set_state(v1::CANCELLED);
  t.set_ended_ms(now);
  // A visitor who gave up after waiting past the target is a failure of the
  // waiting standard; one who left sooner is not judged either way.
  const Millis waited = now - t.issued_ms();
  if (t.first_called_ms() == 0 && waited > static_cast<Millis>(t.wait_target_min()) * 60000) {
    t.set_wait_ms(waited);
    t.set_wait_met(false);
  }
  return TicketEvent(v1::TICKET_CANCELLED, std::move(t), nullptr);
}

Outcome QueueCore::ReportPrint(const v1::ReportPrint& report) {
  Outcome refusal;
  const v1::Ticket* found = ResolveTicket(report.ticket(), &refusal);
  if (!found) return refusal;
  if (found->print_failed() == !report.ok() &&
      found->print_error() == (report.ok() ? "" : report.error())) {
    Outcome o;  // nothing changes
    *o.reply.mutable_ticket() = *found;
    return o;
  }
  v1::Ticket t = *found;
  t.set_print_failed(!report.ok());
  t.set_print_error(report.ok() ? "" : report.error());
  return TicketEvent(v1::TICKET_PRINT_REPORTED, std::move(t), nullptr);
}

Outcome QueueCore::OpenCounter(int counter_id, const std::string& operator_id, bool sign_in,
                               Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (!sign_in && d.state.operator_id().empty()) {
    return Refuse(
        v1::FAILED_PRECONDITION,
        d.def->name() + " belum ada petugas yang masuk; masuk dengan ID dan PIN dulu.",
        "Nobody is signed in at " + d.def->name() + "; sign in with an operator id and PIN first.");
  }
  if (!sign_in && !operator_id.empty() && operator_id != d.state.operator_id()) {
    return Refuse(v1::NOT_PERMITTED, "Ganti petugas hanya lewat keluar lalu masuk dengan PIN.",
                  "Another operator takes over by signing out and signing in with a PIN.");
  }
  if (sign_in && operator_id.empty()) {
    return Refuse(v1::INVALID_ARGUMENT, "ID petugas wajib diisi untuk masuk.",
                  "An operator id is required to sign in.");
  }
  if (!operator_id.empty() && !d.state.operator_id().empty() &&
      d.state.operator_id() != operator_id) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.def->name() + " sedang dipakai petugas " + d.state.operator_id() +
                      "; petugas itu harus keluar dulu.",
                  d.def->name() + " is signed in by " + d.state.operator_id() +
                      "; that operator must sign out first.");
  }
  if (d.state.status() == v1::OPEN &&
      (operator_id.empty() || operator_id == d.state.operator_id())) {
    Outcome o;  // already open: nothing changes, and that is fine
    *o.reply.mutable_counter() = d.state;
    return o;
  }
  v1::Counter c = d.state;
  c.set_status(v1::OPEN);
  c.clear_break_reason();
  if (!operator_id.empty()) c.set_operator_id(operator_id);
  return CounterEvent(std::move(c), now);
}

Outcome QueueCore::PauseCounter(const v1::PauseCounter& cmd, Millis now) {
  Desk d = FindDesk(cmd.counter_id());
  if (!d.def) return UnknownCounter(cmd.counter_id());
  if (d.state.status() != v1::OPEN) {
    return Refuse(v1::FAILED_PRECONDITION, d.def->name() + " tidak sedang buka.",
                  d.def->name() + " is not open, so it cannot go on a break.");
  }
  if (d.ticket) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.def->name() + " masih melayani " + d.ticket->number() + "; selesaikan dulu.",
                  d.def->name() + " still has " + d.ticket->number() + "; finish it first.");
  }
  v1::Counter c = d.state;
  c.set_status(v1::ON_BREAK);
  c.set_break_reason(cmd.reason().empty() ? "Istirahat" : cmd.reason());
  return CounterEvent(std::move(c), now);
}

Outcome QueueCore::CloseCounter(int counter_id, bool sign_out, Millis now) {
  Desk d = FindDesk(counter_id);
  if (!d.def) return UnknownCounter(counter_id);
  if (d.ticket) {
    return Refuse(v1::FAILED_PRECONDITION,
                  d.def->name() + " masih melayani " + d.ticket->number() + "; selesaikan dulu.",
                  d.def->name() + " still has " + d.ticket->number() + "; finish it first.");
  }
  if (d.state.status() == v1::CLOSED && (!sign_out || d.state.operator_id().empty())) {
    Outcome o;
    *o.reply.mutable_counter() = d.state;
    return o;
  }
  v1::Counter c = d.state;
  c.set_status(v1::CLOSED);
  c.clear_break_reason();
  c.clear_operator_id();
  c.set_current_ticket(0);
  return CounterEvent(std::move(c), now);
}

const v1::Ticket* QueueCore::FindTicket(int64_t id) const {
  auto it = tickets_.find(id);
  return it == tickets_.end() ? nullptr : &it->second;
}

const v1::Ticket* QueueCore::FindTicketByNumber(const std::string& number) const {
  auto it = number_index_.find(DayKey(business_day_, number));
  return it == number_index_.end() ? nullptr : FindTicket(it->second);
}

const v1::Counter* QueueCore::FindCounterState(int counter_id) const {
  auto it = counters_.find(counter_id);
  return it == counters_.end() ? nullptr : &it->second;
}

int QueueCore::AheadOf(const v1::Ticket& t) const {
  auto it = waiting_.find(t.service());
  if (it == waiting_.end()) return 0;
  const auto& set = it->second;
  auto pos = set.lower_bound(CallOrder(t));
  // New regular tickets sit at the end, so count from there when that is short.
  if (t.priority() == v1::PRIORITY_NONE) {
    return static_cast<int>(set.size()) - static_cast<int>(std::distance(pos, set.end()));
  }
  return static_cast<int>(std::distance(set.begin(), pos));
}

int QueueCore::OpenCountersFor(const std::string& service) const {
  int open = 0;
  for (const auto& [id, c] : counters_) {
    if (c.status() == v1::OPEN && catalog_->CounterServes(id, service)) ++open;
  }
  return open;
}

Millis QueueCore::ExpectedServiceMs(const std::string& service) const {
  Millis mean = 0;
  auto it = service_times_.find(service);
  if (it != service_times_.end() && !it->second.empty()) {
    for (Millis m : it->second) mean += m;
    mean /= static_cast<Millis>(it->second.size());
  } else if (const v1::Service* s = catalog_->FindService(service)) {
    mean = static_cast<Millis>(s->service_std_min()) * 60000;
  }
  return mean;
}

Millis QueueCore::EstimateWaitMs(const std::string& service, int ahead) const {
  const int servers = std::max(1, OpenCountersFor(service));
  return static_cast<Millis>(ahead) * ExpectedServiceMs(service) / servers;
}

void QueueCore::ForecastInputs(Millis now, std::vector<ForecastQueue>* queues,
                               std::vector<ForecastDesk>* desks) const {
  // One queue per catalog service, in catalog order; the open counters with
  // the queues they serve and when their current ticket should be done.
  const auto& services = catalog_->catalog().services();
  queues->assign(static_cast<size_t>(services.size()), {});
  for (int i = 0; i < services.size(); ++i) {
    const std::string& code = services[i].code();
    auto w = waiting_.find(code);
    (*queues)[i].waiting = w == waiting_.end() ? nullptr : &w->second;
    if (!appointments_.empty()) {  // usually none or a few: no look-up per service
      auto a = appointments_.find(code);
      (*queues)[i].appointments = a == appointments_.end() ? nullptr : &a->second;
    }
    (*queues)[i].service_ms = ExpectedServiceMs(code);
  }
  for (const auto& [id, c] : counters_) {
    if (c.status() != v1::OPEN) continue;  // a break's end is not known: not counted
    const v1::CounterDef* def = catalog_->FindCounter(id);
    if (!def) continue;
    ForecastDesk d;
    for (const auto& code : def->services()) {
      for (int i = 0; i < services.size(); ++i) {
        if (services[i].code() == code) d.queues.push_back(static_cast<size_t>(i));
      }
    }
    d.free_at = now;
    d.last_appointment = c.last_call_appointment();
    if (const v1::Ticket* t = c.current_ticket() ? FindTicket(c.current_ticket()) : nullptr) {
      const Millis start = t->state() == v1::SERVING ? t->serving_ms() : now;
      d.free_at = std::max(now, start + ExpectedServiceMs(t->service()));
    }
    desks->push_back(std::move(d));
  }
}

bool QueueCore::PastClosing(Millis now, Millis wait_ms) const {
  // After the MPP's closing time today (its hours for this weekday).
  const LocalTime lt = ToLocal(now, catalog_->utc_offset_min());
  bool past = false;
  for (const auto& d : catalog_->catalog().opening_hours()) {
    if (d.weekday() != lt.weekday) continue;
    const Millis closing = day_begin_ms_ + static_cast<Millis>(d.hours().end().minutes()) * 60000;
    past = now < day_end_ms_ && now + wait_ms >= closing;
  }
  return past;
}

QueueCore::TicketForecast QueueCore::UnknownForecast(const std::string& service,
                                                     const CallOrderKey& key) const {
  // No open counter serves it: its own queue, and the old guess (kiosks say
  // the wait is not known yet).
  TicketForecast out;
  auto w = waiting_.find(service);
  if (w != waiting_.end() && !w->second.empty()) {
    const auto& set = w->second;  // O(1) for a key after every waiting one
    out.ahead = *set.rbegin() < key
                    ? static_cast<int>(set.size())
                    : static_cast<int>(std::distance(set.begin(), set.lower_bound(key)));
  }
  out.wait_ms = EstimateWaitMs(service, out.ahead);
  return out;
}

QueueCore::TicketForecast QueueCore::ForecastFor(const std::string& service,
                                                 const CallOrderKey& key, Millis now) const {
  const int target = catalog_->ServiceIndex(service);
  if (target < 0) return TicketForecast();
  std::vector<ForecastQueue> queues;
  std::vector<ForecastDesk> desks;
  ForecastInputs(now, &queues, &desks);
  const Forecast f = ReplayCallRule(queues, desks, static_cast<size_t>(target), key, now);
  if (!f.known) return UnknownForecast(service, key);
  return {true, f.ahead, f.wait_ms, PastClosing(now, f.wait_ms)};
}

int QueueCore::tickets_today() const {
  int n = 0;
  for (const auto& [key, count] : issued_) {
    if (key.compare(0, business_day_.size(), business_day_) == 0) n += count;
  }
  return n;
}

int QueueCore::waiting_count() const {
  int n = 0;
  for (const auto& [svc, set] : waiting_) n += static_cast<int>(set.size());
  return n;
}

v1::Snapshot QueueCore::MakeSnapshot(const std::string& zone, Millis now) const {
  v1::Snapshot s;
  s.set_seq(seq_);
  s.set_business_day(business_day_);
  s.set_zone(zone);
  s.set_ticker(ticker_);
  s.set_now_ms(now);
  s.set_catalog_version(catalog_->catalog().version());
  for (const auto& def : catalog_->catalog().counters()) {
    if (!zone.empty() && def.zone() != zone) continue;
    *s.add_counters() = counters_.at(def.id());
  }
  std::vector<const v1::Ticket*> open;
  for (const auto& [id, t] : tickets_) {
    if (IsTerminal(t.state())) continue;
    if (!catalog_->ServiceInZone(t.service(), zone)) continue;
    open.push_back(&t);
  }
  std::sort(open.begin(), open.end(),
            [](const v1::Ticket* a, const v1::Ticket* b) { return CallOrder(*a) < CallOrder(*b); });
  for (const v1::Ticket* t : open) *s.add_tickets() = *t;
  for (const auto& svc : catalog_->catalog().services()) {
    if (!catalog_->ServiceInZone(svc.code(), zone)) continue;
    v1::ServiceQueue* q = s.add_queues();
    q->set_service(svc.code());
    auto w = waiting_.find(svc.code());
    if (w != waiting_.end() && !w->second.empty()) {
      q->set_waiting(static_cast<int>(w->second.size()));
      Millis oldest = INT64_MAX;
      for (const auto& k : w->second) oldest = std::min(oldest, std::get<1>(k));
      q->set_oldest_arrival_ms(oldest);
    }
    auto i = issued_.find(DayKey(business_day_, svc.code()));
    q->set_issued_today(i == issued_.end() ? 0 : i->second);
    auto done = served_.find(DayKey(business_day_, svc.code()));
    q->set_served_today(done == served_.end() ? 0 : done->second);
    q->set_open_counters(OpenCountersFor(svc.code()));
    // A regular ticket issued now comes after every waiting one.
    const TicketForecast f = ForecastFor(svc.code(), {1, now, INT64_MAX}, now);
    q->set_estimated_wait_ms(f.wait_ms);
    q->set_ahead(f.ahead);
    q->set_past_closing(f.past_closing);
    const Availability a = catalog_->ServiceAvailability(svc, now);
    q->set_availability(a.code);
    q->set_next_open_ms(a.next_open_ms);
    q->set_unavailable_reason(a.reason);
    if (a.code == v1::OK && svc.daily_quota() > 0 && QuotaUsed(svc.code()) >= svc.daily_quota()) {
      q->set_availability(v1::QUOTA_EXHAUSTED);
      q->set_unavailable_reason("daily quota used");
      // The next day the service is open.
      const LocalTime lt = ToLocal(now, catalog_->utc_offset_min());
      const Millis tomorrow = *LocalMidnightMs(lt.Date(), catalog_->utc_offset_min()) + 86400000;
      Availability next = catalog_->ServiceAvailability(svc, tomorrow);
      q->set_next_open_ms(next.code == v1::OK ? tomorrow : next.next_open_ms);
    }
  }
  for (const auto& [key, last] : last_seq_no_) {
    if (key.size() > business_day_.size() &&
        key.compare(0, business_day_.size(), business_day_) == 0) {
      v1::PrefixNumber* p = s.add_last_numbers();
      p->set_prefix(key.substr(business_day_.size() + 1));
      p->set_last(last);
    }
  }
  for (int64_t id : recent_calls_) {
    const v1::Ticket* t = FindTicket(id);
    if (!t) continue;
    const v1::CounterDef* def = catalog_->FindCounter(t->counter_id());
    if (!zone.empty() && (!def || def->zone() != zone)) continue;
    *s.add_recent_calls() = *t;
  }
  return s;
}

// ------------------------------------------------------------- catalog --

std::map<std::string, int> QueueCore::OpenTicketsByService() const {
  std::map<std::string, int> open;
  for (const auto& [id, t] : tickets_) {
    if (!IsTerminal(t.state()) && t.business_day() == business_day_) ++open[t.service()];
  }
  return open;
}

Outcome QueueCore::ChangeCatalog(const CatalogIndex* next, Millis now) {
  (void)now;
  v1::CatalogChange change = DiffCatalogs(*catalog_, *next, *this);
  Outcome o;
  if (!change.problems().empty()) {
    std::string id = "Katalog baru belum dapat dipakai:", en = "The new catalog cannot be applied:";
    for (const auto& p : change.problems()) {
      id += "\n- " + p;
      en += "\n- " + p;
    }
    o.reply = ErrorReply(v1::FAILED_PRECONDITION, id, en);
    *o.reply.mutable_catalog_change() = std::move(change);
    return o;
  }
  *o.reply.mutable_catalog_change() = change;
  v1::Event e;
  e.set_type(v1::CATALOG_CHANGED);
  *e.mutable_catalog_change() = std::move(change);
  *e.mutable_catalog_change()->mutable_catalog() = next->catalog();
  catalog_ = next;
  Fold(e);
  ++seq_;
  o.events.push_back(std::move(e));
  return o;
}

// ------------------------------------------------------------- numbering --

void QueueCore::RestoreNumberFloors(const std::string& day,
                                    const std::map<std::string, int>& floors) {
  for (const auto& [prefix, last] : floors) {
    int& mine = last_seq_no_[DayKey(day, prefix)];
    mine = std::max(mine, last);
  }
}

int QueueCore::LastNumber(const std::string& prefix) const {
  auto it = last_seq_no_.find(DayKey(business_day_, prefix));
  return it == last_seq_no_.end() ? 0 : it->second;
}

Outcome QueueCore::RaiseNumbers(const std::map<std::string, int>& wanted,
                                const std::string& reason) {
  v1::Event e;
  e.set_type(v1::NUMBERS_RAISED);
  v1::NumbersRaised* n = e.mutable_numbers_raised();
  n->set_business_day(business_day_);
  n->set_reason(reason);
  for (const auto& [prefix, last] : wanted) {
    if (last <= LastNumber(prefix)) continue;
    v1::PrefixNumber* p = n->add_numbers();
    p->set_prefix(prefix);
    p->set_last(last);
  }
  Outcome o;
  if (n->numbers().empty()) return o;  // nothing handed out past ours
  Fold(e);
  ++seq_;
  o.events.push_back(std::move(e));
  return o;
}

Outcome QueueCore::ReportNumbers(const v1::ReportNumbers& c) {
  // A report about another day changes nothing: numbering starts at 1 each day.
  if (c.business_day() != business_day_) return Outcome();
  std::map<std::string, int> wanted;
  for (const auto& p : c.numbers()) {
    const bool known =
        std::any_of(catalog_->catalog().services().begin(), catalog_->catalog().services().end(),
                    [&](const v1::Service& s) { return s.prefix() == p.prefix(); });
    if (!known) {
      return Refuse(v1::INVALID_ARGUMENT,
                    "Awalan nomor '" + p.prefix().substr(0, 16) + "' tidak ada di katalog.",
                    "Ticket prefix '" + p.prefix().substr(0, 16) +
                        "' is not in the catalog; report only numbers seen from this broker.");
    }
    if (p.last() > LastNumber(p.prefix()) + kMaxNumberRaise) {
      return Refuse(v1::INVALID_ARGUMENT,
                    "Nomor " + p.prefix() + "-" + std::to_string(p.last()) +
                        " terlalu jauh di depan; minta admin memakai `mppctl restore --skip`.",
                    "Number " + p.prefix() + "-" + std::to_string(p.last()) + " is more than " +
                        std::to_string(kMaxNumberRaise) +
                        " past the broker's; an administrator skips numbers with `mppctl restore "
                        "--skip N`.");
    }
    wanted[p.prefix()] = std::max(wanted[p.prefix()], p.last());
  }
  return RaiseNumbers(wanted, "seen by a client after the broker went back");
}

Outcome QueueCore::SkipNumbers(const v1::SkipNumbers& c) {
  if (c.margin() < 1 || c.margin() > kMaxNumberRaise) {
    return Refuse(v1::INVALID_ARGUMENT, "Jumlah nomor yang dilewati harus 1 sampai 10000.",
                  "The margin of numbers to skip is 1 to 10000.");
  }
  std::map<std::string, int> wanted;
  for (const auto& s : catalog_->catalog().services()) {
    wanted[s.prefix()] = LastNumber(s.prefix()) + c.margin();
  }
  return RaiseNumbers(wanted, "skipped " + std::to_string(c.margin()) + " by an administrator");
}

// ------------------------------------------------------- operators, ratings --

Outcome QueueCore::OperatorEvent(v1::Operator op) {
  Outcome o;
  v1::Event e;
  e.set_type(v1::OPERATOR_CHANGED);
  *e.mutable_operator_info() = std::move(op);
  Fold(e);
  ++seq_;
  o.events.push_back(std::move(e));
  return o;
}

namespace {

bool ValidPin(const std::string& pin) {
  if (pin.size() < 4 || pin.size() > 8) return false;
  for (char ch : pin) {
    if (ch < '0' || ch > '9') return false;
  }
  return true;
}

bool ValidOperatorId(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  for (char ch : id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

Outcome QueueCore::SetOperator(const v1::SetOperator& c) {
  if (!ValidOperatorId(c.operator_id())) {
    return Refuse(v1::INVALID_ARGUMENT, "ID petugas harus 1-32 huruf, angka, '-', '_' atau '.'.",
                  "An operator id is 1-32 letters, digits, '-', '_' or '.'.");
  }
  const v1::Operator* existing = FindOperator(c.operator_id());
  if (!existing && c.pin().empty()) {
    return Refuse(v1::INVALID_ARGUMENT, "Petugas baru memerlukan PIN.",
                  "A new operator needs a PIN.");
  }
  const int min_digits = std::max(4, catalog_->catalog().pin_min_digits());
  if (!c.pin().empty() && (!ValidPin(c.pin()) || static_cast<int>(c.pin().size()) < min_digits)) {
    const std::string range = std::to_string(min_digits) + " sampai 8";
    return Refuse(
        v1::INVALID_ARGUMENT, "PIN harus " + range + " angka.",
        "A PIN is " + std::to_string(min_digits) + " to 8 digits (the catalog's pin_min_digits).");
  }
  for (const std::string& code : c.agencies()) {
    if (code != "*" && !catalog_->FindAgency(code)) {
      return Refuse(v1::INVALID_ARGUMENT, "Instansi '" + code + "' tidak ada di katalog.",
                    "No agency '" + code +
                        "' in the catalog; give an agency code from it, or '*' for every agency.");
    }
  }
  v1::Operator op = existing ? *existing : v1::Operator();
  op.set_id(c.operator_id());
  if (!c.name().empty()) op.set_name(c.name());
  op.set_disabled(c.disabled());
  if (!c.agencies().empty()) *op.mutable_agencies() = c.agencies();
  if (!c.pin().empty()) {
    // Hashed on the PIN thread (a random salt, ~0.3 s): never here.
    if (!offered_pin_ || offered_pin_->pin != c.pin()) {
      return Refuse(v1::INTERNAL, "PIN tidak dapat disimpan; coba lagi.",
                    "The PIN reached the core unhashed (it must go through the PIN thread); "
                    "try again.");
    }
    if (offered_pin_->new_hash.empty()) {
      return Refuse(v1::INTERNAL, "PIN tidak dapat disimpan (memori habis).",
                    "The PIN could not be hashed (out of memory).");
    }
    op.set_pin_hash(offered_pin_->new_hash);
    op.set_failures(0);
    op.set_locked_until_ms(0);
  }
  return OperatorEvent(std::move(op));
}

std::string QueueCore::AnyPinHash() const {
  for (const auto& [id, op] : operators_) {
    if (!op.pin_hash().empty()) return op.pin_hash();
  }
  return "";
}

Outcome QueueCore::SignIn(const v1::SignIn& c, Millis now, const std::string& device) {
  Desk d = FindDesk(c.counter_id());
  if (!d.def) return UnknownCounter(c.counter_id());
  if (c.operator_id().empty() || c.pin().empty()) {
    return Refuse(v1::INVALID_ARGUMENT, "ID petugas dan PIN wajib diisi untuk masuk.",
                  "An operator id and a PIN are required to sign in.");
  }
  if (const Millis held = guard_.HeldUntil(device, now)) {
    const std::string minutes = std::to_string((held - now + 59'999) / 60'000);
    return Refuse(v1::NOT_PERMITTED,
                  "Terlalu banyak PIN salah dari perangkat ini; coba lagi dalam " + minutes +
                      " menit atau hubungi admin.",
                  "Too many wrong PINs from this device; try again in " + minutes +
                      " min or ask an administrator to release it (mppctl device release).");
  }
  // An unknown id gets the answer of a wrong PIN, so replies do not tell which
  // ids exist; the PIN thread checked it against a hash of no PIN, so it took
  // the same time too (net::Reactor).
  const v1::Operator* found = FindOperator(c.operator_id());
  if (found && found->pin_hash().empty()) found = nullptr;
  bool pin_ok = false;
  if (found) {
    const std::string& hash = found->pin_hash();
    const bool precomputed =  // a verdict from the PIN thread counts only for this hash and PIN
        offered_pin_ && offered_pin_->pin == c.pin() && offered_pin_->hash == hash;
    pin_ok = precomputed
                 ? offered_pin_->verified
                 : crypto_pwhash_str_verify(hash.c_str(), c.pin().data(), c.pin().size()) == 0;
  }
  if (!pin_ok) {
    const SignInGuard::Verdict v = guard_.Failed(device, now);
    if (v.held_until) {
      const std::string minutes = std::to_string((v.held_until - now + 59'999) / 60'000);
      return Refuse(v1::NOT_PERMITTED,
                    "ID petugas atau PIN salah. Perangkat ini ditahan " + minutes +
                        " menit; hubungi admin bila perlu.",
                    "Wrong operator id or PIN. This device is held for " + minutes +
                        " min; ask an administrator if needed.");
    }
    const std::string left = std::to_string(v.tries_left);
    return Refuse(v1::NOT_PERMITTED,
                  "ID petugas atau PIN salah; sisa " + left + " percobaan di perangkat ini.",
                  "Wrong operator id or PIN; " + left + " tries left on this device.");
  }
  // The PIN is right: from here on the answers may name the operator.
  if (found->disabled()) {
    return Refuse(v1::NOT_PERMITTED, "Petugas '" + c.operator_id() + "' dinonaktifkan.",
                  "Operator '" + c.operator_id() +
                      "' is disabled; an administrator enables it with `mppctl operator enable`.");
  }
  if (!found->agencies().empty() &&
      std::find(found->agencies().begin(), found->agencies().end(), d.def->agency()) ==
          found->agencies().end() &&
      std::find(found->agencies().begin(), found->agencies().end(), "*") ==
          found->agencies().end()) {
    return Refuse(v1::NOT_PERMITTED,
                  "Petugas '" + c.operator_id() + "' tidak bertugas untuk instansi " +
                      d.def->agency() + " (loket ini).",
                  "Operator '" + c.operator_id() + "' does not serve agency " + d.def->agency() +
                      " (this counter's); an administrator binds operators to agencies with "
                      "`mppctl operator add ID --agency CODE`.");
  }
  Outcome o = OpenCounter(c.counter_id(), c.operator_id(), true, now);
  if (!o.ok()) return o;
  guard_.Succeeded(device);
  v1::Operator op = *found;
  if (op.failures() > 0 || op.locked_until_ms() > 0) {
    // A count or lock kept by an older version: cleared with the first sign-in.
    op.set_failures(0);
    op.set_locked_until_ms(0);
    for (auto& e : OperatorEvent(std::move(op)).events) o.events.push_back(std::move(e));
  }
  return o;
}

Outcome QueueCore::Rate(const v1::SubmitRating& c, Millis now) {
  const v1::Ticket* t = FindTicket(c.ticket_id());
  if (!t) {
    return Refuse(v1::NOT_FOUND, "Tiket untuk penilaian tidak ditemukan.",
                  "No ticket " + std::to_string(c.ticket_id()) + " today to rate.");
  }
  if (t->state() != v1::DONE) {
    return Refuse(v1::FAILED_PRECONDITION, t->number() + " belum selesai dilayani.",
                  t->number() + " is not finished; only finished tickets are rated.");
  }
  if (t->counter_id() != c.counter_id()) {
    return Refuse(
        v1::NOT_PERMITTED, t->number() + " tidak dilayani di loket ini.",
        t->number() + " was not served at counter " + std::to_string(c.counter_id()) + ".");
  }
  if (t->rated()) {
    return Refuse(v1::FAILED_PRECONDITION, t->number() + " sudah dinilai. Terima kasih.",
                  t->number() + " has already been rated.");
  }
  if (c.score() < 1 || c.score() > 4) {
    return Refuse(v1::INVALID_ARGUMENT, "Nilai harus 1 sampai 4.", "A score is 1 to 4.");
  }
  if (c.skm_size() != 0 && c.skm_size() != 9) {
    return Refuse(v1::INVALID_ARGUMENT, "Survei SKM memiliki 9 unsur.",
                  "An SKM form has exactly 9 elements (U1..U9), 0 for unanswered.");
  }
  for (int v : c.skm()) {
    if (v < 0 || v > 4) {
      return Refuse(v1::INVALID_ARGUMENT, "Jawaban SKM harus 0 sampai 4.",
                    "Each SKM answer is 1..4, or 0 when not answered.");
    }
  }
  v1::Rating r;
  r.set_ticket_id(t->id());
  r.set_ticket_number(t->number());
  r.set_business_day(t->business_day());
  r.set_time_ms(now);
  r.set_counter_id(c.counter_id());
  r.set_operator_id(t->operator_id());
  r.set_service(t->service());
  r.set_score(c.score());
  *r.mutable_skm() = c.skm();
  v1::Ticket rated = *t;
  rated.set_rated(true);
  Outcome o = TicketEvent(v1::RATING_SUBMITTED, std::move(rated), nullptr);
  *o.events.back().mutable_rating() = std::move(r);
  return o;
}

}  // namespace mpp::core
