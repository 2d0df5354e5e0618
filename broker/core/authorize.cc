#include "broker/core/authorize.h"

#include <algorithm>

namespace mpp::core {
namespace {

// The counter a counter command acts for; 0 when the command names none.
int CounterOf(const v1::Request& r) {
  switch (r.command_case()) {
    case v1::Request::kCallNext:
      return r.call_next().counter_id();
    case v1::Request::kCallTicket:
      return r.call_ticket().counter_id();
    case v1::Request::kRecall:
      return r.recall().counter_id();
    case v1::Request::kStart:
      return r.start().counter_id();
    case v1::Request::kFinish:
      return r.finish().counter_id();
    case v1::Request::kNoShow:
      return r.no_show().counter_id();
    case v1::Request::kTransfer:
      return r.transfer().counter_id();
    case v1::Request::kHold:
      return r.hold().counter_id();
    case v1::Request::kOpen:
      return r.open().counter_id();
    case v1::Request::kPause:
      return r.pause().counter_id();
    case v1::Request::kClose:
      return r.close().counter_id();
    case v1::Request::kSignIn:
      return r.sign_in().counter_id();
    case v1::Request::kSignOut:
      return r.sign_out().counter_id();
    case v1::Request::kRate:
      return r.rate().counter_id();
    default:
      return 0;
  }
}

Refusal NotForRole(const v1::Device& d, const v1::Request& r) {
  const std::string command = r.GetDescriptor()->oneof_decl(0)->name();
  const auto* field =
      r.GetReflection()->GetOneofFieldDescriptor(r, r.GetDescriptor()->oneof_decl(0));
  const std::string what = field ? field->name() : command;
  return {"Perangkat '" + d.name() + "' (" + RoleName(d.role()) + ") tidak berwenang untuk '" +
              what + "'.",
          "Device '" + d.name() + "' (role " + RoleName(d.role()) + ") may not send '" + what +
              "'; an administrator grants roles with `mppctl device add`."};
}

}  // namespace

std::optional<Refusal> Authorize(const v1::Device& d, const v1::Request& r, const QueueCore& core) {
  if (d.revoked()) {
    return Refusal{"Perangkat '" + d.name() + "' telah dicabut aksesnya.",
                   "Device '" + d.name() + "' has been revoked."};
  }
  if (r.has_snapshot() && d.role() == v1::ROLE_DISPLAY && d.zones_size() > 0) {
    // A display bound to zones reads those zones only (not the whole hall).
    const auto& zones = d.zones();
    if (std::find(zones.begin(), zones.end(), r.snapshot().zone()) == zones.end()) {
      std::string list;
      for (const auto& z : zones) list += (list.empty() ? "" : ", ") + z;
      const std::string& asked = r.snapshot().zone();
      return Refusal{"Layar '" + d.name() + "' hanya untuk zona " + list +
                         " (diminta: " + (asked.empty() ? "semua zona" : asked) + ").",
                     "Display '" + d.name() + "' is bound to zone(s) " + list + " but asked for " +
                         (asked.empty() ? "every zone" : "zone " + asked) +
                         "; start it with --zone, or change its zones with `mppctl device add`."};
    }
  }
  switch (r.command_case()) {
    case v1::Request::kGetCatalog:
    case v1::Request::kSnapshot:
    case v1::Request::kStatus:
    case v1::Request::kHello:
    case v1::Request::kListSlots:       // the appointment slots are public
    case v1::Request::COMMAND_NOT_SET:  // refused later as an unknown command
    // Any registered device that holds live state may tell the broker the
    // numbers it saw (it can only raise numbering, by at most 10,000).
    case v1::Request::kReportNumbers:
      return std::nullopt;
    default:
      break;
  }
  switch (d.role()) {
    case v1::ROLE_ADMIN:
      return std::nullopt;
    case v1::ROLE_MANAGER:
      if (r.has_report() || r.has_set_ticker()) return std::nullopt;
      return NotForRole(d, r);
    case v1::ROLE_WEB:  // public reads (above), the visitors' tickets by token, bookings
      if (r.has_ticket_status() || r.has_book() || r.has_get_booking() || r.has_cancel_booking()) {
        return std::nullopt;
      }
      return NotForRole(d, r);
    case v1::ROLE_KIOSK: {
      if (r.has_issue() || r.has_check_in()) return std::nullopt;
      if (!r.has_report_print() && !r.has_cancel()) return NotForRole(d, r);
      // Only its own tickets: a visitor who gave up at this kiosk, a print here.
      const v1::TicketRef& ref = r.has_cancel() ? r.cancel().ticket() : r.report_print().ticket();
      const v1::Ticket* t =
          ref.id() ? core.FindTicket(ref.id()) : core.FindTicketByNumber(ref.number());
      // (A booking's ticket is ONLINE, with the kiosk that checked it in.)
      if (!t ||
          ((t->source() == v1::KIOSK || t->source() == v1::ONLINE) && t->source_id() == d.name())) {
        return std::nullopt;  // unknown: the core says so
      }
      return Refusal{"Kios '" + d.name() + "' hanya boleh mengubah tiket yang dicetaknya sendiri.",
                     "Kiosk '" + d.name() +
                         "' may only cancel or report the print of tickets it "
                         "issued itself; " +
                         t->number() + " was not issued there."};
    }
    case v1::ROLE_COUNTER: {
      const auto& mine = d.counter_ids();
      auto owns = [&](int id) { return std::find(mine.begin(), mine.end(), id) != mine.end(); };
      if (r.has_unhold()) {
        // A counter returns a ticket it held itself.
        const v1::TicketRef& ref = r.unhold().ticket();
        const v1::Ticket* t =
            ref.id() ? core.FindTicket(ref.id()) : core.FindTicketByNumber(ref.number());
        if (!t || owns(t->counter_id())) return std::nullopt;  // unknown: the core says so
        return Refusal{"Nomor " + t->number() + " ditunda oleh loket lain.",
                       "Ticket " + t->number() + " was held by another counter; device '" +
                           d.name() + "' may only return its own."};
      }
      const int counter = CounterOf(r);
      if (counter == 0) return NotForRole(d, r);
      if (owns(counter)) return std::nullopt;
      const std::string n = std::to_string(counter);
      return Refusal{"Perangkat '" + d.name() + "' tidak boleh bertindak untuk loket " + n + ".",
                     "Device '" + d.name() + "' may not act for counter " + n +
                         "; it is bound to its own counters."};
    }
    default:
      return NotForRole(d, r);
  }
}

void StampIssuer(const v1::Device& device, v1::Request* request) {
  if (!request->has_issue()) return;
  v1::IssueTicket* issue = request->mutable_issue();
  if (device.role() == v1::ROLE_KIOSK) {
    issue->set_source(v1::KIOSK);
  } else if (issue->source() != v1::ONLINE || device.role() != v1::ROLE_ADMIN) {
    issue->set_source(v1::STAFF);  // a counter's or an administrator's ticket
  }
  issue->set_source_id(device.name());
}

}  // namespace mpp::core
