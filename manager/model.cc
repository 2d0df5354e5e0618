#include "manager/model.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

#include "broker/report/report.h"

namespace mpp::manager {
namespace {

std::string Minutes(Millis ms) { return std::to_string(ms / 60000); }

}  // namespace

LiveView BuildLive(const LiveState& state, const CatalogIndex& catalog, Millis now, Lang lang,
                   const BrokerHealth& health) {
  LiveView v;
  std::map<std::string, ServiceLive> by_service;
  for (const auto& [id, t] : state.tickets()) {
    if (t.business_day() != state.business_day()) continue;
    if (t.state() == v1::WAITING) {
      ServiceLive& s = by_service[t.service()];
      ++s.waiting;
      ++v.waiting;
      s.longest_wait_ms = std::max(s.longest_wait_ms, now - t.issued_ms());
    } else if (t.state() == v1::CALLED || t.state() == v1::SERVING) {
      ++by_service[t.service()].called_or_serving;
    }
  }
  auto counter_state = [&](int id) -> const v1::Counter* {
    auto it = state.counters().find(id);
    return it == state.counters().end() ? nullptr : &it->second;
  };
  for (auto& [code, s] : by_service) {
    s.code = code;
    if (const v1::Service* svc = catalog.FindService(code)) {
      s.name = NameIn(*svc, lang);
      s.agency = svc->agency();
      s.wait_target_min = svc->wait_target_min();
    }
    for (const auto& def : catalog.catalog().counters()) {
      const v1::Counter* c = counter_state(def.id());
      if (c && c->status() == v1::OPEN && catalog.CounterServes(def.id(), code)) ++s.open_counters;
    }
    s.over_target = s.wait_target_min > 0 && s.longest_wait_ms > s.wait_target_min * 60000LL;
    v.services.push_back(s);
  }
  std::sort(v.services.begin(), v.services.end(), [](const ServiceLive& a, const ServiceLive& b) {
    if (a.over_target != b.over_target) return a.over_target;
    if (a.longest_wait_ms != b.longest_wait_ms) return a.longest_wait_ms > b.longest_wait_ms;
    return a.code < b.code;
  });

  // Alerts, the worst first: the broker cannot record anything, its disk is
  // filling, nobody serving a queue, waits over target (by how far over),
  // counters resting while their queues grow.
  if (health.writes_refused) {
    v.alerts.push_back(
        {Alert::Kind::kDiskFull, "server",
         T(lang,
           "Disk server antrean penuh: tiket dan panggilan tidak dapat dicatat. Hubungi admin TI.",
           "The queue server's disk is full: tickets and calls cannot be recorded. Call IT.")});
  } else if (health.disk_low) {
    v.alerts.push_back(
        {Alert::Kind::kDiskLow, "server",
         T(lang, "Disk server antrean hampir penuh: minta admin TI mengosongkan ruang.",
           "The queue server's disk is almost full: ask IT to free space.")});
  }
  std::vector<std::pair<double, Alert>> over;
  for (const auto& s : v.services) {
    if (s.waiting > 0 && s.open_counters == 0) {
      v.alerts.push_back({Alert::Kind::kNoCounterOpen, s.code,
                          s.code + ": " + std::to_string(s.waiting) +
                              T(lang, " menunggu, tidak ada loket yang buka untuk layanan ini",
                                " waiting, no counter is open for this service")});
    }
    if (s.over_target) {
      over.push_back({static_cast<double>(s.longest_wait_ms) / (s.wait_target_min * 60000.0),
                      {Alert::Kind::kWaitOverTarget, s.code,
                       s.code + ": " + T(lang, "antrean terlama ", "longest wait ") +
                           Minutes(s.longest_wait_ms) + T(lang, " mnt, target ", " min, target ") +
                           std::to_string(s.wait_target_min) + T(lang, " mnt", " min")}});
    }
  }
  std::stable_sort(over.begin(), over.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto& [ratio, a] : over) v.alerts.push_back(std::move(a));

  // A queue its open counters cannot finish before the MPP closes today, at
  // the service's published standard per visitor: time to open another
  // counter, or to tell the last visitors.
  const int off = catalog.utc_offset_min();
  const LocalTime lt = ToLocal(now, off);
  const Millis midnight =
      now - (static_cast<Millis>(lt.minute_of_day) * 60 + lt.second) * 1000 - lt.millis;
  for (const auto& d : catalog.catalog().opening_hours()) {
    if (d.weekday() != lt.weekday) continue;
    const Millis closing = midnight + static_cast<Millis>(d.hours().end().minutes()) * 60000;
    for (const auto& s : v.services) {
      const v1::Service* def = catalog.FindService(s.code);
      if (!def || s.waiting == 0 || s.open_counters == 0 || now >= closing) continue;
      const Millis finish =
          now + static_cast<Millis>(s.waiting) * def->service_std_min() * 60000 / s.open_counters;
      if (finish < closing) continue;
      const int finish_min = ToLocal(finish, off).minute_of_day +
                             static_cast<int>((finish - midnight) / 86400000) * 1440;
      v.alerts.push_back(
          {Alert::Kind::kPastClosing, s.code,
           s.code + ": " + std::to_string(s.waiting) +
               T(lang, " menunggu, selesai sekitar ", " waiting, done about ") +
               (finish_min >= 1440 ? T(lang, "besok", "tomorrow") : ClockText(finish_min, lang)) +
               T(lang, ", setelah tutup pukul ", ", after closing at ") +
               ClockText(d.hours().end().minutes(), lang) +
               T(lang, ": buka loket tambahan atau beri tahu pengunjung",
                 ": open another counter or tell the visitors")});
    }
  }

  for (const auto& def : catalog.catalog().counters()) {
    CounterLive c;
    c.id = def.id();
    c.name = def.name();
    c.agency = def.agency();
    const v1::Counter* live = counter_state(def.id());
    if (live) {
      c.status = live->status();
      c.operator_id = live->operator_id();
      c.since_ms = live->since_ms();
      if (live->current_ticket() != 0) {
        auto it = state.tickets().find(live->current_ticket());
        if (it != state.tickets().end()) c.ticket = it->second.number();
      }
    }
    switch (c.status) {
      case v1::OPEN:
        c.status_text = T(lang, "Buka", "Open");
        ++v.counters_open;
        break;
      case v1::ON_BREAK:
        c.status_text = std::string(T(lang, "Istirahat", "On break")) +
                        (live && !live->break_reason().empty() ? ": " + live->break_reason() : "");
        ++v.counters_on_break;
        break;
      default:
        c.status_text = T(lang, "Tutup", "Closed");
    }
    if (c.status == v1::ON_BREAK) {
      int arrived = 0;
      std::string services;
      for (const auto& [id, t] : state.tickets()) {
        if (t.state() != v1::WAITING || t.issued_ms() < c.since_ms ||
            t.business_day() != state.business_day() ||
            !catalog.CounterServes(def.id(), t.service())) {
          continue;
        }
        ++arrived;
        if (services.find(t.service()) == std::string::npos) {
          services += (services.empty() ? "" : ", ") + t.service();
        }
      }
      if (arrived >= kBreakQueueAlert) {
        v.alerts.push_back(
            {Alert::Kind::kBreakWhileQueueGrows, def.name(),
             def.name() + T(lang, " istirahat ", " on break for ") + Minutes(now - c.since_ms) +
                 T(lang, " mnt; ", " min; ") + std::to_string(arrived) +
                 T(lang, " nomor baru menunggu sejak itu (", " new tickets waiting since (") +
                 services + ")"});
      }
    }
    v.counters.push_back(std::move(c));
  }
  return v;
}

namespace {
std::string Day(int year, int month, int day) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}
}  // namespace

std::pair<std::string, std::string> RangeDates(Range range, const std::string& today) {
  const auto midnight = LocalMidnightMs(today, 0);
  if (!midnight) return {today, today};
  auto back = [&](int days) { return ToLocal(*midnight - days * 86'400'000LL, 0).Date(); };
  switch (range) {
    case Range::kToday:
      return {today, today};
    case Range::kLast7:
      return {back(6), today};
    case Range::kLast30:
      return {back(29), today};
    case Range::kThisMonth:
      return {today.substr(0, 8) + "01", today};
    case Range::kMonth:
    case Range::kLast3Months:
    case Range::kLast12Months:
    case Range::kYear: {
      const LocalTime t = ToLocal(*midnight, 0);
      // The last day of today's month: the day before the next month's first.
      const int next_y = t.month == 12 ? t.year + 1 : t.year;
      const int next_m = t.month == 12 ? 1 : t.month + 1;
      const std::string next = Day(next_y, next_m, 1);
      const std::string end = ToLocal(*LocalMidnightMs(next, 0) - 86'400'000LL, 0).Date();
      if (range == Range::kYear) return {Day(t.year, 1, 1), Day(t.year, 12, 31)};
      const int back = range == Range::kMonth ? 0 : range == Range::kLast3Months ? 2 : 11;
      const int months = t.year * 12 + (t.month - 1) - back;
      return {Day(months / 12, months % 12 + 1, 1), end};
    }
  }
  return {today, today};
}

std::string MonthName(const std::string& year_month, Lang lang) {
  static const char* kId[] = {"Jan", "Feb", "Mar", "Apr", "Mei", "Jun",
                              "Jul", "Agu", "Sep", "Okt", "Nov", "Des"};
  static const char* kEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (year_month.size() < 7) return year_month;
  const int m = std::atoi(year_month.c_str() + 5);
  if (m < 1 || m > 12) return year_month;
  return std::string(lang == Lang::kId ? kId[m - 1] : kEn[m - 1]) + " " + year_month.substr(0, 4);
}

HeatMap BuildHeatMap(const v1::ComplianceReport& report) {
  HeatMap h;
  int lo = 24, hi = -1;
  for (const auto& row : report.rows()) {
    const std::string& k = row.key();  // "1-08"
    if (k.size() != 4 || k[1] != '-') continue;
    const int day = k[0] - '0';
    const int hour = std::atoi(k.c_str() + 2);
    if (day < 1 || day > 7 || hour < 0 || hour > 23 || row.wait().n() == 0) continue;
    h.n[day][hour] = static_cast<int>(row.wait().n());
    h.mean_min[day][hour] = row.wait().mean_ms() / 60000.0;
    h.max_mean_min = std::max(h.max_mean_min, h.mean_min[day][hour]);
    lo = std::min(lo, hour);
    hi = std::max(hi, hour);
  }
  // At least the usual opening hours, widened to whatever has data.
  h.first_hour = std::min(7, lo);
  h.last_hour = std::max(16, hi);
  return h;
}

std::optional<double> WaitWithinPct(const v1::ReportRow& r) {
  if (r.wait_judged() == 0) return std::nullopt;
  return 100.0 * r.wait_within() / r.wait_judged();
}

std::optional<double> ServiceWithinPct(const v1::ReportRow& r) {
  if (r.service_judged() == 0) return std::nullopt;
  return 100.0 * r.service_within() / r.service_judged();
}

std::optional<double> EstimateWithinPct(const v1::ReportRow& r) {
  if (r.estimate_judged() == 0) return std::nullopt;
  return 100.0 * r.estimate_within() / r.estimate_judged();
}

std::vector<const v1::ReportRow*> SortedRows(const v1::ComplianceReport& report, Column column,
                                             bool ascending) {
  std::vector<const v1::ReportRow*> rows;
  for (const auto& r : report.rows()) rows.push_back(&r);
  auto value = [column](const v1::ReportRow& r) -> std::optional<double> {
    switch (column) {
      case Column::kGroup:
        return std::nullopt;  // compared as text below
      case Column::kIssued:
        return r.issued();
      case Column::kServed:
        return r.served();
      case Column::kNoShow:
        return r.no_show();
      case Column::kOutOfOrder:
        return r.out_of_order();
      case Column::kWaitMedian:
        if (r.wait().n() == 0) return std::nullopt;
        return static_cast<double>(r.wait().median_ms());
      case Column::kWaitP90:
        if (r.wait().n() == 0) return std::nullopt;
        return static_cast<double>(r.wait().p90_ms());
      case Column::kWaitWithin:
        return WaitWithinPct(r);
      case Column::kServiceWithin:
        return ServiceWithinPct(r);
      case Column::kEstimateWithin:
        return EstimateWithinPct(r);
      case Column::kSkm:
        if (r.skm().respondents() == 0) return std::nullopt;
        return r.skm().score();
    }
    return std::nullopt;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const v1::ReportRow* a, const v1::ReportRow* b) {
    if (column == Column::kGroup) return ascending ? a->key() < b->key() : a->key() > b->key();
    const auto va = value(*a), vb = value(*b);
    if (!va || !vb) return va.has_value() && !vb.has_value();  // no value: last
    if (*va != *vb) return ascending ? *va < *vb : *va > *vb;
    return a->key() < b->key();
  });
  return rows;
}

StatusOr<std::string> ExportReport(const v1::ComplianceReport& report, const std::string& dir,
                                   const std::string& region) {
  std::string suffix;
  for (char c : region) {
    suffix += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  }
  const std::string path = (dir.empty() ? std::string(".") : dir) + "/laporan-" + report.from() +
                           "_" + report.to() + "-" + report.by() +
                           (suffix.empty() ? "" : "-" + suffix) + ".csv";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return Status::Error("cannot write " + path + ": " + std::strerror(errno) +
                         "; choose a writable folder with --export-dir");
  }
  // For Excel with Indonesian settings (BOM, ';', decimal comma), and the same
  // as a workbook beside it, which any regional setting reads.
  const report::Report r = report::FromProto(report);
  out << report::Format(r, "excel");
  out.close();
  if (!out) return Status::Error("writing " + path + " failed: " + std::strerror(errno));
  const std::string xlsx = path.substr(0, path.size() - 4) + ".xlsx";
  if (Status st = report::WriteXlsx(r, xlsx); !st.ok()) return st;
  return path;
}

std::array<int, 3> HeatColor(double mean_min, double scale_min) {
  const double t = scale_min > 0 ? std::clamp(mean_min / scale_min, 0.0, 1.0) : 0.0;
  auto mix = [](const std::array<int, 3>& a, const std::array<int, 3>& b, double f) {
    return std::array<int, 3>{static_cast<int>(std::lround(a[0] + (b[0] - a[0]) * f)),
                              static_cast<int>(std::lround(a[1] + (b[1] - a[1]) * f)),
                              static_cast<int>(std::lround(a[2] + (b[2] - a[2]) * f))};
  };
  const std::array<int, 3> green{46, 160, 67}, amber{240, 180, 0}, red{200, 30, 30};
  return t < 0.5 ? mix(green, amber, t / 0.5) : mix(amber, red, (t - 0.5) / 0.5);
}

}  // namespace mpp::manager
