#include "common/number_watch.h"

#include <algorithm>

namespace mpp {

void NumberWatch::StartDay(const std::string& day) {
  day_ = day;
  seen_.clear();
  reported_.clear();
}

void NumberWatch::See(const v1::Ticket& t) {
  if (t.business_day().empty() || t.prefix().empty() || t.seq_no() <= 0) return;
  if (t.business_day() < day_) return;  // an old ticket says nothing about today
  if (t.business_day() > day_) StartDay(t.business_day());
  int& last = seen_[t.prefix()];
  last = std::max(last, t.seq_no());
}

std::optional<v1::Request> NumberWatch::Check(const v1::Snapshot& s) {
  if (s.business_day() != day_) {
    // A broker on another day numbers from 1 again (later), or is behind by a
    // whole day (its clock): neither is a restore of today's numbers.
    if (s.business_day() < day_) return std::nullopt;
    StartDay(s.business_day());
  }
  for (const auto& t : s.tickets()) See(t);
  for (const auto& t : s.recent_calls()) See(t);
  std::map<std::string, int> broker;
  for (const auto& p : s.last_numbers()) broker[p.prefix()] = p.last();
  v1::Request r;
  v1::ReportNumbers* report = r.mutable_report_numbers();
  report->set_business_day(day_);
  bool news = false;
  for (const auto& [prefix, last] : seen_) {
    auto b = broker.find(prefix);
    if (b != broker.end() && b->second >= last) continue;
    v1::PrefixNumber* p = report->add_numbers();
    p->set_prefix(prefix);
    p->set_last(last);
    auto r_it = reported_.find(prefix);
    news |= r_it == reported_.end() || r_it->second < last;
  }
  if (report->numbers().empty() || !news) return std::nullopt;
  for (const auto& p : report->numbers()) reported_[p.prefix()] = p.last();
  return r;
}

}  // namespace mpp
