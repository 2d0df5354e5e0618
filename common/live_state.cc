#include "common/live_state.h"

#include <algorithm>

namespace mpp {
namespace {
bool Open(v1::TicketState s) {
  return s == v1::WAITING || s == v1::CALLED || s == v1::SERVING || s == v1::HELD;
}
}  // namespace

void LiveState::ApplySnapshot(const v1::Snapshot& s) {
  seq_ = s.seq();
  business_day_ = s.business_day();
  ticker_ = s.ticker();
  counters_.clear();
  for (const auto& c : s.counters()) counters_[c.id()] = c;
  tickets_.clear();
  for (const auto& t : s.tickets()) tickets_[t.id()] = t;
  recent_calls_.assign(s.recent_calls().begin(), s.recent_calls().end());
  synced_ = true;
}

LiveState::EventResult LiveState::ApplyEvent(uint64_t seq, const v1::Event& e, int64_t time_ms) {
  if (!synced_) return EventResult::kGap;
  if (seq <= seq_) return EventResult::kStale;
  if (seq != seq_ + 1) {
    synced_ = false;
    return EventResult::kGap;
  }
  seq_ = seq;
  if (e.has_ticket()) {
    const v1::Ticket& t = e.ticket();
    if (!t.business_day().empty() && t.business_day() > business_day_) {
      business_day_ = t.business_day();
    }
    if (Open(t.state())) {
      tickets_[t.id()] = t;
    } else {
      tickets_.erase(t.id());
    }
    if (e.type() == v1::TICKET_CALLED || e.type() == v1::TICKET_RECALLED) {
      recent_calls_.erase(std::remove_if(recent_calls_.begin(), recent_calls_.end(),
                                         [&](const v1::Ticket& r) { return r.id() == t.id(); }),
                          recent_calls_.end());
      recent_calls_.push_front(t);
      if (recent_calls_.size() > kRecentCalls) recent_calls_.pop_back();
      announcements_.push_back({t, e.type() == v1::TICKET_RECALLED, seq, time_ms});
    } else {
      for (auto& r : recent_calls_) {
        if (r.id() == t.id()) r = t;
      }
    }
  }
  if (e.has_counter()) counters_[e.counter().id()] = e.counter();
  if (e.type() == v1::TICKER_CHANGED) ticker_ = e.ticker();
  if (e.type() == v1::DAY_CHANGED) {
    // The broker expired the ended day's open tickets just before (each its
    // own event); the new day starts with no calls.
    business_day_ = e.day_change().business_day();
    recent_calls_.clear();
  }
  return EventResult::kApplied;
}

std::vector<Announcement> LiveState::TakeAnnouncements() {
  std::vector<Announcement> out;
  out.swap(announcements_);
  return out;
}

}  // namespace mpp
