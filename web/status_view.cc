#include "web/status_view.h"

#include <cstdio>

namespace mpp::web {
namespace {

std::string AgencyName(const CatalogIndex& catalog, const std::string& code, Lang lang) {
  const v1::Agency* a = catalog.FindAgency(code);
  return a ? NameIn(*a, lang) : code;
}

std::string CounterName(const CatalogIndex& catalog, int id) {
  const v1::CounterDef* def = catalog.FindCounter(id);
  if (def && !def->name().empty()) return def->name();
  return "Loket " + std::to_string(id);
}

// Where the counter is: " (Zona A - Kependudukan)" when the catalog names it.
std::string ZoneOf(const CatalogIndex& catalog, int counter_id) {
  const v1::CounterDef* def = catalog.FindCounter(counter_id);
  if (!def || def->zone().empty()) return "";
  for (const auto& z : catalog.catalog().zones()) {
    if (z.id() == def->zone()) return " (" + (z.name().empty() ? z.id() : z.name()) + ")";
  }
  return "";
}

// The phase of a ticket the broker knows: the live state, when it has the
// ticket, is the fresher of the two.
TicketPhase PhaseOf(const v1::Ticket& t, int ahead, int almost) {
  switch (t.state()) {
    case v1::WAITING:
      return almost > 0 && ahead <= almost ? TicketPhase::kAlmost : TicketPhase::kWaiting;
    case v1::CALLED:
      return TicketPhase::kCalled;
    case v1::SERVING:
      return TicketPhase::kServing;
    case v1::HELD:
      return TicketPhase::kHeld;
    case v1::DONE:
      return TicketPhase::kDone;
    case v1::NO_SHOW:
      return TicketPhase::kNoShow;
    case v1::CANCELLED:
      return TicketPhase::kCancelled;
    case v1::EXPIRED:
      return TicketPhase::kExpired;
    default:
      return TicketPhase::kUnknown;
  }
}

void Describe(const v1::Ticket& t, const v1::TicketStatus& st, const CatalogIndex& catalog,
              Lang lang, TicketView* v) {
  const std::string counter = CounterName(catalog, t.counter_id());
  switch (v->phase) {
    case TicketPhase::kWaiting:
    case TicketPhase::kAlmost:
      v->headline = v->phase == TicketPhase::kAlmost
                        ? T(lang, "Hampir giliran Anda!", "Almost your turn!")
                        : T(lang, "Silakan menunggu", "Please wait");
      v->detail = v->phase == TicketPhase::kAlmost
                      ? T(lang, "Mohon kembali ke ruang tunggu dan bersiap.",
                          "Please come back to the waiting area and get ready.")
                      : T(lang,
                          "Anda boleh menunggu di luar ruangan; halaman ini memberi tahu "
                          "saat giliran Anda dekat.",
                          "You may wait elsewhere; this page tells you when your turn is near.");
      v->ahead_text = AheadText(st.ahead(), lang);
      v->wait_text = EstimateText(st.estimated(), st.estimated_wait_ms(), st.past_closing(), lang);
      break;
    case TicketPhase::kCalled:
      v->headline = T(lang, "Nomor Anda dipanggil!", "Your number is called!");
      v->detail = std::string(T(lang, "Silakan menuju ", "Please go to ")) + counter +
                  ZoneOf(catalog, t.counter_id()) + ".";
      v->alert_key =
          "called:" + std::to_string(t.counter_id()) + ":" + std::to_string(t.recall_ms_size());
      break;
    case TicketPhase::kServing:
      v->headline = std::string(T(lang, "Sedang dilayani di ", "Being served at ")) + counter;
      break;
    case TicketPhase::kHeld:
      v->headline = T(lang, "Ditunda", "On hold");
      v->detail = std::string(T(lang, "Lengkapi berkas Anda, lalu kembali ke ",
                                "Complete your documents, then come back to ")) +
                  counter + ".";
      break;
    case TicketPhase::kDone:
      v->headline = T(lang, "Layanan selesai. Terima kasih.", "Service complete. Thank you.");
      break;
    case TicketPhase::kNoShow:
      v->headline = T(lang, "Nomor Anda sudah dipanggil", "Your number was called");
      v->detail = T(lang,
                    "Anda tidak hadir saat dipanggil. Silakan ke meja informasi atau ambil "
                    "nomor baru.",
                    "You were not there when called. Please ask at the information desk or "
                    "take a new number.");
      break;
    case TicketPhase::kCancelled:
      v->headline = T(lang, "Tiket ini dibatalkan", "This ticket was cancelled");
      break;
    case TicketPhase::kExpired:
      v->headline =
          T(lang, "Hari layanan tiket ini sudah berakhir", "This ticket's service day has ended");
      break;
    default:
      break;
  }
}

}  // namespace

const char* PhaseName(TicketPhase phase) {
  switch (phase) {
    case TicketPhase::kUnknown:
      return "unknown";
    case TicketPhase::kOtherDay:
      return "other-day";
    case TicketPhase::kWaiting:
      return "waiting";
    case TicketPhase::kAlmost:
      return "almost";
    case TicketPhase::kCalled:
      return "called";
    case TicketPhase::kServing:
      return "serving";
    case TicketPhase::kHeld:
      return "held";
    case TicketPhase::kDone:
      return "done";
    case TicketPhase::kNoShow:
      return "no-show";
    case TicketPhase::kCancelled:
      return "cancelled";
    case TicketPhase::kExpired:
      return "expired";
  }
  return "unknown";
}

TicketView BuildTicketView(const TicketInput& in) {
  TicketView v;
  const Lang lang = in.lang;
  if (!in.status || in.status->code() != v1::OK || !in.catalog) {
    if (in.status && in.status->other_day()) {
      v.phase = TicketPhase::kOtherDay;
      const int off = in.catalog ? in.catalog->utc_offset_min() : 0;
      const auto midnight = LocalMidnightMs(in.status->business_day(), off);
      const std::string day =
          midnight ? LongDate(*midnight + 12 * 3600 * 1000, off, lang) : in.status->business_day();
      v.headline = T(lang, "Tiket ini bukan untuk hari ini", "This ticket is not for today");
      v.detail = std::string(T(lang, "Tiket ini berlaku pada ", "This ticket was for ")) + day +
                 T(lang, ". Silakan ambil nomor baru di kios.",
                   ". Please take a new number at the kiosk.");
    } else {
      v.headline = T(lang, "Tiket tidak ditemukan", "Ticket not found");
      v.detail = T(lang, "Periksa alamat pada tiket Anda, atau tanyakan di meja informasi.",
                   "Check the address on your ticket, or ask at the information desk.");
    }
    return v;
  }
  const CatalogIndex& catalog = *in.catalog;
  v1::Ticket t = in.status->ticket();
  if (in.live && in.live->synced() && in.live->business_day() == t.business_day()) {
    // Open tickets are in the live state; one that left it was finished,
    // held... - the broker's next answer (a few hundred ms) says which.
    if (auto it = in.live->tickets().find(t.id()); it != in.live->tickets().end()) {
      t = it->second;
    }
  }
  const v1::Service* s = catalog.FindService(t.service());
  v.number = t.number();
  v.service = s ? NameIn(*s, lang) : t.service();
  v.agency = s ? AgencyName(catalog, s->agency(), lang) : "";
  const int almost = s ? s->almost_turn_ahead() : 0;
  // After a call seen live but not yet answered for, "ahead" is stale: a
  // waiting ticket keeps the broker's figure until its next answer.
  v.phase = PhaseOf(t, in.status->ahead(), almost);
  Describe(t, *in.status, catalog, lang, &v);
  if (in.live && (v.phase == TicketPhase::kWaiting || v.phase == TicketPhase::kAlmost)) {
    for (const auto& def : catalog.catalog().counters()) {
      if (!catalog.CounterServes(def.id(), t.service())) continue;
      const auto c = in.live->counters().find(def.id());
      if (c == in.live->counters().end() || c->second.current_ticket() == 0) continue;
      const auto cur = in.live->tickets().find(c->second.current_ticket());
      if (cur == in.live->tickets().end()) continue;
      if (cur->second.state() != v1::CALLED && cur->second.state() != v1::SERVING) continue;
      v.now_calling.push_back({CounterName(catalog, def.id()), cur->second.number()});
    }
  }
  return v;
}

BoardView BuildBoardView(const v1::Snapshot& snapshot, const CatalogIndex& catalog, Lang lang) {
  BoardView b;
  b.mpp_name = catalog.catalog().name();
  const int off = catalog.utc_offset_min();
  if (snapshot.now_ms() > 0) b.date_text = LongDate(snapshot.now_ms(), off, lang);
  for (const auto& a : catalog.catalog().agencies()) {
    BoardAgency agency;
    agency.name = AgencyName(catalog, a.code(), lang);
    for (const auto& s : catalog.catalog().services()) {
      if (s.agency() != a.code() || s.retired()) continue;
      BoardService item;
      item.code = s.code();
      item.name = NameIn(s, lang);
      QueueFacts facts;
      facts.availability = v1::UNAVAILABLE;  // until a snapshot says otherwise
      for (const auto& q : snapshot.queues()) {
        if (q.service() != s.code()) continue;
        facts = {q.availability(), q.next_open_ms(),      q.unavailable_reason(),
                 q.waiting(),      q.estimated_wait_ms(), q.open_counters()};
        item.waiting = q.waiting();
      }
      item.available = facts.availability == v1::OK;
      item.availability = QueueText(facts, snapshot.now_ms(), off, lang);
      agency.services.push_back(std::move(item));
    }
    if (!agency.services.empty()) b.agencies.push_back(std::move(agency));
  }
  return b;
}

}  // namespace mpp::web
