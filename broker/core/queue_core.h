// The queue state machine: the broker's functional core.
//
// QueueCore holds today's tickets and every counter's state, and turns one
// command plus the current time into a reply and the events it caused. It does
// no I/O and reads no clock, so it is deterministic: the same commands at the
// same times give the same events. The store persists the events; after a
// restart the state is rebuilt by Restore() from what the store kept.
//
// Events carry the full new state of the ticket and counter they touch, so
// Fold(event) is an upsert and `state = fold(events)` holds by construction.
//
// REQUIRES: external synchronization (the broker's single reactor thread).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "broker/core/sign_in_guard.h"
#include "common/catalog.h"
#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::core {

struct ForecastQueue;  // broker/core/forecast.h
struct ForecastDesk;

struct Outcome {
  v1::Reply reply;                // reply.error().code() == OK on success
  std::vector<v1::Event> events;  // what changed, in order; empty for refusals and reads
  bool ok() const { return reply.error().code() == v1::OK; }
};

// Key that orders waiting tickets for calling: priority first, then the
// longest-waiting (earliest arrival, kept across transfer and hold), then id.
using CallOrderKey = std::tuple<int, Millis, int64_t>;
CallOrderKey CallOrder(const v1::Ticket& t);

// A ticket checked in on time for its appointment, in its booked service:
// ordered from its slot's start, and taking at most every other call of a
// counter (docs/PROTOCOL.md section 10). Transferred or late, a walk-in.
bool MergedAppointment(const v1::Ticket& t);

// "A" + 7 with 3 digits -> "A-007". Past 10^digits the number simply widens
// ("A-1000"): numbers never wrap, so they stay unique within the day.
std::string FormatTicketNumber(const std::string& prefix, int digits, int seq_no);

bool IsTerminal(v1::TicketState s);

bool IsMutating(const v1::Request& r);

class QueueCore {
 public:
  // `catalog` must outlive the core.
  explicit QueueCore(const CatalogIndex* catalog);

  // The catalog in force (ChangeCatalog swaps it).
  const CatalogIndex& catalog() const { return *catalog_; }
  // Swaps in `next` (which must outlive the core) when DiffCatalogs finds no
  // problem: a CATALOG_CHANGED event (with the new catalog, for the store);
  // new counters start CLOSED, removed ones (closed, checked) are dropped.
  // Otherwise a FAILED_PRECONDITION refusal that carries the change and its
  // problems. Either way the reply's `catalog_change` says what changes.
  Outcome ChangeCatalog(const CatalogIndex* next, Millis now);
  // Today's open tickets (waiting, held, called, serving) per service.
  std::map<std::string, int> OpenTicketsByService() const;

  // Rebuilds state from persisted tickets and counters. `business_day` is the
  // day the store was last on (empty: the day of `now`, for a new file); if
  // `now` is on a later day, ChangeDay has work to do at once. Call once,
  // before Apply.
  void Restore(const std::vector<v1::Ticket>& tickets, const std::vector<v1::Counter>& counters,
               uint64_t last_seq, int64_t last_ticket_id, const std::string& business_day,
               Millis now);

  // The business day changes only through ChangeDay, as events with their own
  // seq (docs/PROTOCOL.md, "The business day"): every unfinished ticket of the
  // ended day becomes EXPIRED (TICKET_EXPIRED), every counter still open or
  // signed in is closed and signed out (COUNTER_CHANGED), then DAY_CHANGED
  // names the new day. DayChangeDue is cheap (two comparisons): the reactor
  // asks it on every turn of its loop and commits ChangeDay's events itself.
  // Apply calls ChangeDay first too, and puts its events before the command's.
  bool DayChangeDue(Millis now) const {
    return stale_open_ || now < day_begin_ms_ || now >= day_end_ms_;
  }
  Outcome ChangeDay(Millis now);

  // Applies one command at `now` from `device` (the authenticated device's
  // name with keys, the client id without; wrong PINs count against it). On
  // success the state already includes the returned events, numbered
  // seq()+1-events.size() .. seq().
  Outcome Apply(const v1::Request& request, Millis now, const std::string& device = "");

  // Applies an event to the state. Used by Apply and by Restore.
  void Fold(const v1::Event& event);

  v1::Snapshot MakeSnapshot(const std::string& zone, Millis now) const;

  // Numbers raised past those handed out (NUMBERS_RAISED) on `day`, as the
  // store kept them: prefix -> last number. Call after Restore.
  void RestoreNumberFloors(const std::string& day, const std::map<std::string, int>& floors);
  // Today's last number of `prefix` (0 when none was issued).
  int LastNumber(const std::string& prefix) const;
  static constexpr int kMaxNumberRaise = 10000;

  // Operators (with their PIN hashes) as loaded from the store.
  void RestoreOperators(const std::vector<v1::Operator>& operators);
  const v1::Operator* FindOperator(const std::string& id) const;
  // Argon2 work (~0.3 s each) done before Apply on another thread
  // (net::PinWorker), so that a sign-in does not stall the hall. The next
  // Apply uses it where it fits: a verdict on `pin` against `hash` for
  // sign_in (checked inline where it does not fit: the operator's hash changed
  // meanwhile), and the `new_hash` of `pin` that set_operator requires - a
  // new hash has a random salt (core/pin_hash.h), so Apply never makes one.
  // Forgotten after that Apply.
  struct PinWork {
    std::string pin;
    std::string hash;       // the stored hash the verdict is about
    bool verified = false;  // pin matches hash
    std::string new_hash;   // crypto_pwhash_str(pin), for set_operator
  };
  void OfferPinWork(PinWork work) { offered_pin_ = std::move(work); }
  // Some operator's PIN hash (empty when none has one): the PIN thread checks
  // a sign-in of an unknown id against it, so that it costs the time of a
  // wrong PIN (the reactor makes a hash of no PIN when there is none).
  std::string AnyPinHash() const;
  // The random part of the next issued ticket's token (20 base32 characters,
  // common/ticket_token.h), made by the reactor; for the next Apply only. An
  // issue without one gives a ticket without a token.
  void OfferTokenRandom(std::string random) { offered_token_ = std::move(random); }
  // Bookings of the store's business day and later days (appointments;
  // broker/core/bookings.cc). Call after Restore.
  void RestoreBookings(const std::vector<v1::Booking>& bookings);
  // Bookings of `service` not yet checked in (BOOKED), today and later.
  int OpenBookingsOf(const std::string& service) const;
  // The booking with `code` (as Booking.code), if it is of today or later.
  const v1::Booking* FindBooking(const std::string& code) const;
  // Wrong PINs per device (broker/core/sign_in_guard.h).
  const SignInGuard& sign_in_guard() const { return guard_; }
  // Devices allowed on a broker with CURVE keys (docs/SECURITY.md).
  void RestoreDevices(const std::vector<v1::Device>& devices);
  const v1::Device* FindDevice(const std::string& public_key) const;

  // A summary of refused handshakes or commands, for the event log. Changes
  // no state; the event takes the next seq.
  Outcome SecurityNote(const v1::SecurityNotice& notice);

  // The running text set with set_ticker (the store keeps the last one).
  void RestoreTicker(const std::string& text);
  const std::string& ticker() const { return ticker_; }
  static constexpr size_t kMaxTickerBytes = 500;

  uint64_t seq() const { return seq_; }
  const std::string& business_day() const { return business_day_; }
  int tickets_today() const;
  int waiting_count() const;
  const v1::Ticket* FindTicket(int64_t id) const;
  const v1::Ticket* FindTicketByNumber(const std::string& number) const;  // today's
  const v1::Counter* FindCounterState(int counter_id) const;
  // Waiting tickets that would be called before `t` in its own service.
  int AheadOf(const v1::Ticket& t) const;
  // The old estimate, used only when no open counter serves a service (the
  // kiosks then say the wait is not known): ahead x expected service time /
  // (counters open for it, at least 1).
  Millis EstimateWaitMs(const std::string& service, int ahead) const;
  // Mean of the service's last kRecentServiceTimes service times, or its
  // standard when none yet.
  Millis ExpectedServiceMs(const std::string& service) const;
  // The forecast for a ticket of `service` with call-order `key`: a replay of
  // the call rule over the counters open now (broker/core/forecast.h).
  struct TicketForecast {
    bool known = false;  // an open counter serves the service
    int ahead = 0;
    Millis wait_ms = 0;
    bool past_closing = false;  // called after the MPP closes today (known only)
  };
  TicketForecast ForecastFor(const std::string& service, const CallOrderKey& key, Millis now) const;
  int OpenCountersFor(const std::string& service) const;
  static constexpr size_t kRecentServiceTimes = 20;

 private:
  Outcome Issue(const v1::IssueTicket& c, Millis now);
  Outcome CallNext(int counter_id, Millis now);
  Outcome CallTicket(const v1::CallTicket& r, Millis now);
  Outcome Recall(int counter_id, Millis now);
  Outcome StartServing(int counter_id, Millis now);
  Outcome Finish(int counter_id, Millis now);
  Outcome NoShow(int counter_id, Millis now);
  Outcome Transfer(const v1::Transfer& c, Millis now);
  Outcome Hold(int counter_id, Millis now);
  Outcome Unhold(const v1::TicketRef& ref, Millis now);
  Outcome Cancel(const v1::TicketRef& ref, Millis now);
  Outcome ReportPrint(const v1::ReportPrint& report);
  Outcome TicketStatuses(const v1::GetTicketStatus& r, Millis now) const;
  // Appointments (bookings.cc).
  Outcome ListSlots(const v1::ListSlots& c, Millis now) const;
  Outcome Book(const v1::Book& c, Millis now, const std::string& device);
  Outcome GetBooking(const v1::BookingRef& ref) const;
  Outcome CancelBooking(const v1::BookingRef& ref, Millis now);
  Outcome CheckIn(const v1::BookingRef& ref, Millis now, const std::string& device);
  // The booking `ref` names, or nullptr with `*refusal` set.
  const v1::Booking* ResolveBooking(const v1::BookingRef& ref, Outcome* refusal) const;
  Outcome BookingEvent(v1::Booking booking, Millis now);
  void FoldBooking(const v1::Booking& b);
  void CountBooking(const v1::Booking& b, int delta);
  // BOOKING_CHANGED (MISSED) for every booking of a day before `day` never
  // checked in, in code order.
  std::vector<v1::Event> MissBookings(const std::string& day, Millis now);
  // Why `s` issues no ticket at `now` (holiday, not its day, closed), or nullopt.
  std::optional<Outcome> NotIssuing(const v1::Service& s, Millis now) const;
  // Today's tickets of `service` plus its bookings for today not yet checked
  // in: what its daily quota is measured against.
  int QuotaUsed(const std::string& service) const;
  // A new ticket of `s` for today (the number, times, standards and token).
  v1::Ticket NewTicket(const v1::Service& s, Millis now);
  Outcome SetOperator(const v1::SetOperator& c);
  Outcome SignIn(const v1::SignIn& c, Millis now, const std::string& device);
  Outcome Rate(const v1::SubmitRating& c, Millis now);
  Outcome OperatorEvent(v1::Operator op);
  Outcome SetTicker(const std::string& text);
  Outcome SetDevice(const v1::Device& device, Millis now);
  Outcome ReportNumbers(const v1::ReportNumbers& c);
  Outcome SkipNumbers(const v1::SkipNumbers& c);
  // NUMBERS_RAISED for the prefixes of `wanted` past today's last numbers.
  Outcome RaiseNumbers(const std::map<std::string, int>& wanted, const std::string& reason);
  Outcome OpenCounter(int counter_id, const std::string& operator_id, bool sign_in, Millis now);
  Outcome PauseCounter(const v1::PauseCounter& c, Millis now);
  Outcome CloseCounter(int counter_id, bool sign_out, Millis now);

  // Looks up a counter and its active (called or serving) ticket.
  struct Desk {
    const v1::CounterDef* def = nullptr;
    v1::Counter state;
    const v1::Ticket* ticket = nullptr;
  };
  // The ticket `ref` names today, or nullptr with `*refusal` set: nothing
  // named (INVALID_ARGUMENT), a number and an id of two tickets
  // (INVALID_ARGUMENT: never guess), or no such ticket (NOT_FOUND).
  const v1::Ticket* ResolveTicket(const v1::TicketRef& ref, Outcome* refusal) const;
  Desk FindDesk(int counter_id) const;
  std::optional<Outcome> CannotCall(const Desk& d) const;
  // The ticket call_next would call at `d`, or nullptr when none waits.
  const CallOrderKey* NextInOrder(const Desk& d) const;
  Outcome Called(const Desk& d, v1::Ticket t, Millis now);
  Outcome CounterEvent(v1::Counter counter, Millis now);
  Outcome TicketEvent(v1::EventType type, v1::Ticket ticket, const v1::Counter* counter);
  // Sets ahead, estimated_wait_ms and past_closing for the reply's waiting ticket.
  void SetForecast(v1::Reply* reply, Millis now) const;
  void ForecastInputs(Millis now, std::vector<ForecastQueue>* queues,
                      std::vector<ForecastDesk>* desks) const;
  bool PastClosing(Millis now, Millis wait_ms) const;
  TicketForecast UnknownForecast(const std::string& service, const CallOrderKey& key) const;
  static void PutForecast(const TicketForecast& f, v1::Reply* reply);
  // Sets business_day_ and its UTC bounds [day_begin_ms_, day_end_ms_).
  void EnterDay(const std::string& day);
  // The moment an unfinished ticket stopped waiting when its day ended: the
  // end of its service's window that day (it could not be called after), or
  // `now` if that is earlier.
  Millis ExpiryWaitEnd(const v1::Ticket& t, Millis now) const;
  void Index(const v1::Ticket& t);
  void Unindex(const v1::Ticket& t);

  const CatalogIndex* catalog_;
  std::string ticker_;
  uint64_t seq_ = 0;
  int64_t last_ticket_id_ = 0;
  std::string business_day_;
  // [begin, end) of business_day_ in UTC ms: most requests fall inside and
  // skip formatting the date (DayChangeDue runs on every request).
  Millis day_begin_ms_ = 0, day_end_ms_ = 0;
  // Restore found an unfinished ticket of an earlier day (a database from
  // before day changes were events): the next ChangeDay expires it.
  bool stale_open_ = false;
  std::unordered_map<int64_t, v1::Ticket> tickets_;
  std::map<int, v1::Counter> counters_;
  std::unordered_map<std::string, int64_t> number_index_;  // "day|A-007" -> id
  std::unordered_map<std::string, int64_t> token_index_;   // today's Ticket.token -> id
  std::map<std::string, int> last_seq_no_;                 // "day|prefix" -> last number
  std::map<std::string, int> issued_;                      // "day|service" -> count
  std::map<std::string, int> served_;                      // "day|service" -> DONE count
  std::map<std::string, std::set<CallOrderKey>> waiting_;  // service -> today's waiting
  // service -> the keys in waiting_ that are merged appointments
  std::map<std::string, std::set<CallOrderKey>> appointments_;
  std::map<std::string, v1::Booking> bookings_;  // code -> bookings of today and later
  // "day|service" -> slot start -> bookings holding it (BOOKED or CHECKED_IN)
  std::map<std::string, std::map<int, int>> slot_taken_;
  std::map<std::string, int> day_taken_;    // "day|service" -> the same, summed
  std::map<std::string, int> outstanding_;  // "day|service" -> BOOKED (not checked in yet)
  std::deque<int64_t> recent_calls_;        // newest first
  std::map<std::string, std::deque<Millis>> service_times_;  // service -> recent service_ms
  std::map<std::string, v1::Operator> operators_;
  std::map<std::string, v1::Device> devices_;  // by public key
  std::optional<PinWork> offered_pin_;
  std::string offered_token_;
  SignInGuard guard_;
  Outcome ApplyOne(const v1::Request& request, Millis now, const std::string& device);
};

// Bilingual refusal helper, shared with the reactor.
v1::Reply ErrorReply(v1::ErrorCode code, const std::string& message_id,
                     const std::string& message_en, Millis next_open_ms = 0);

}  // namespace mpp::core
