#include "display/model.h"

#include <algorithm>
#include <cstdio>

namespace mpp::display {

DisplayModel BuildDisplayModel(const ModelInput& in) {
  DisplayModel m;
  const v1::Catalog& cat = in.catalog->catalog();
  const Lang lang = in.lang;
  m.mpp_name = cat.name();
  for (const auto& z : cat.zones()) {
    if (z.id() == in.zone) m.zone_name = z.name();
  }
  m.date_text = LongDate(in.now_ms, cat.utc_offset_min(), lang);
  const LocalTime lt = ToLocal(in.now_ms, cat.utc_offset_min());
  // Minutes only, as a public sign writes them ("09.15"): seconds are not
  // read from ten metres, and the screen then changes once a minute.
  m.clock_text = ClockText(lt.minute_of_day, lang);
  m.connected = in.connected;
  if (!in.connected) {
    m.banner = T(lang, "Koneksi terputus - menyambung ulang. Silakan perhatikan panggilan petugas.",
                 "Connection lost - reconnecting. Please listen for the staff calling your number.");
  }
  const LiveState& s = *in.state;
  m.ticker = s.ticker().empty() ? cat.ticker() : s.ticker();

  auto agency_name = [&](const std::string& code) {
    const v1::Agency* a = in.catalog->FindAgency(code);
    return a ? (lang == Lang::kId ? a->name() : a->name_en()) : code;
  };
  auto counter_in_zone = [&](int id) {
    const v1::CounterDef* d = in.catalog->FindCounter(id);
    return d && (in.zone.empty() || d->zone() == in.zone);
  };
  auto call_line = [&](const v1::Ticket& t) {
    CallLine c;
    c.number = t.number();
    const v1::CounterDef* d = in.catalog->FindCounter(t.counter_id());
    c.counter = d ? d->name() : "";
    if (lang == Lang::kEn && c.counter.rfind("Loket ", 0) == 0) {
      c.counter = "Counter " + c.counter.substr(6);
    }
    c.agency = d ? agency_name(d->agency()) : "";
    return c;
  };

  for (const v1::Ticket& t : s.recent_calls()) {
    if (!counter_in_zone(t.counter_id())) continue;
    if (!m.has_call) {
      m.has_call = true;
      m.now_calling = call_line(t);
      m.highlight =
          in.last_call_seen_ms > 0 && in.local_now_ms - in.last_call_seen_ms < in.highlight_ms;
    } else if (m.history.size() < in.history_rows) {
      m.history.push_back(call_line(t));
    }
  }

  for (const auto& def : cat.counters()) {
    if (!in.zone.empty() && def.zone() != in.zone) continue;
    CounterPanel p;
    p.id = def.id();
    p.name = def.name();
    if (lang == Lang::kEn && p.name.rfind("Loket ", 0) == 0) p.name = "Counter " + p.name.substr(6);
    p.agency = def.agency();
    const auto it = s.counters().find(def.id());
    const v1::Counter c = it == s.counters().end() ? v1::Counter() : it->second;
    const v1::Ticket* t = nullptr;
    if (c.current_ticket()) {
      auto ti = s.tickets().find(c.current_ticket());
      if (ti != s.tickets().end()) t = &ti->second;
    }
    if (c.status() == v1::OPEN) {
      if (t && t->state() == v1::SERVING) {
        p.tone = CounterPanel::Tone::kServing;
        p.state_text = T(lang, "Melayani", "Serving");
        p.ticket = t->number();
      } else if (t && t->state() == v1::CALLED) {
        p.tone = CounterPanel::Tone::kCalling;
        p.state_text = T(lang, "Memanggil", "Calling");
        p.ticket = t->number();
      } else {
        p.tone = CounterPanel::Tone::kIdle;
        p.state_text = T(lang, "Siap melayani", "Ready");
      }
    } else if (c.status() == v1::ON_BREAK) {
      p.tone = CounterPanel::Tone::kBreak;
      p.state_text = std::string(T(lang, "Istirahat", "On break"));
      p.short_state = p.state_text;
      // "Istirahat salat" says it already; "Salat" gets the prefix.
      if (c.break_reason().rfind("Istirahat", 0) == 0) {
        p.state_text = c.break_reason();
      } else if (!c.break_reason().empty()) {
        p.state_text += ": " + c.break_reason();
      }
    } else {
      p.tone = CounterPanel::Tone::kClosed;
      p.state_text = T(lang, "Tutup", "Closed");
    }
    if (p.short_state.empty()) p.short_state = p.state_text;
    m.counters.push_back(p);
  }

  for (const auto& svc : cat.services()) {
    if (!in.catalog->ServiceInZone(svc.code(), in.zone)) continue;
    WaitingLine w;
    w.service = lang == Lang::kId ? svc.name() : svc.name_en();
    w.prefix = svc.prefix();
    for (const auto& [id, t] : s.tickets()) {
      if (t.service() == svc.code() && t.state() == v1::WAITING) ++w.waiting;
    }
    m.waiting.push_back(w);
  }
  const bool all_closed =
      !m.counters.empty() && std::all_of(m.counters.begin(), m.counters.end(), [](const CounterPanel& p) {
        return p.tone == CounterPanel::Tone::kClosed;
      });
  m.idle_text = all_closed ? T(lang, "Semua loket tutup saat ini", "All counters are closed now")
                           : T(lang, "Belum ada panggilan", "No calls yet");
  return m;
}

}  // namespace mpp::display
