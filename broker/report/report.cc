#include "broker/report/report.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <sstream>
#include <string_view>

#include "common/time_util.h"

namespace mpp::report {

bool ParseGroupBy(const std::string& t, GroupBy* by) {
  static const std::pair<const char*, GroupBy> kNames[] = {{"agency", GroupBy::kAgency},
                                                           {"service", GroupBy::kService},
                                                           {"counter", GroupBy::kCounter},
                                                           {"operator", GroupBy::kOperator},
                                                           {"day", GroupBy::kDay},
                                                           {"hour", GroupBy::kHour},
                                                           {"weekday-hour", GroupBy::kWeekdayHour}};
  for (const auto& [name, value] : kNames) {
    if (t == name) {
      *by = value;
      return true;
    }
  }
  return false;
}

const char* GroupByName(GroupBy by) {
  switch (by) {
    case GroupBy::kAgency:
      return "agency";
    case GroupBy::kService:
      return "service";
    case GroupBy::kCounter:
      return "counter";
    case GroupBy::kOperator:
      return "operator";
    case GroupBy::kDay:
      return "day";
    case GroupBy::kHour:
      return "hour";
    case GroupBy::kWeekdayHour:
      return "weekday-hour";
  }
  return "?";
}

Distribution Summarize(std::vector<int64_t> v) {
  Distribution d;
  if (v.empty()) return d;
  d.n = static_cast<int64_t>(v.size());
  d.mean_ms = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(d.n);
  // Nearest rank: the smallest value with at least p of the data at or below
  // it. nth_element instead of a full sort (a year of tickets: 1M values).
  auto rank = [&](double p) {
    const auto k = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
    const auto nth = v.begin() + static_cast<std::ptrdiff_t>(std::max<size_t>(k, 1) - 1);
    std::nth_element(v.begin(), nth, v.end());
    return *nth;
  };
  d.median_ms = rank(0.5);
  d.p90_ms = rank(0.9);
  d.max_ms = *std::max_element(v.begin(), v.end());
  return d;
}

char Grade(double score, std::string* label) {
  const double s = std::round(score * 100) / 100;
  if (s >= 88.31) return *label = "Sangat Baik", 'A';
  if (s >= 76.61) return *label = "Baik", 'B';
  if (s >= 65.00) return *label = "Kurang Baik", 'C';
  return *label = "Tidak Baik", 'D';
}

Skm ComputeSkm(const std::vector<std::array<int, 9>>& forms) {
  Skm k;
  std::array<int64_t, 9> sum{};
  for (const auto& f : forms) {
    bool any = false;
    for (int i = 0; i < 9; ++i) {
      if (f[i] >= 1 && f[i] <= 4) {
        sum[i] += f[i];
        ++k.answered[i];
        any = true;
      }
    }
    k.respondents += any;
  }
  int elements = 0;
  double total = 0;
  for (int i = 0; i < 9; ++i) {
    if (k.answered[i] == 0) continue;
    k.nrr[i] = static_cast<double>(sum[i]) / k.answered[i];
    total += k.nrr[i];
    ++elements;
  }
  if (elements == 0) return k;
  // Weight exactly 1/9 (the regulation prints 0.11); an element nobody
  // answered is left out rather than counted as zero.
  k.ikm = total / elements;
  k.score = std::round(k.ikm * 25 * 100) / 100;
  k.grade = Grade(k.score, &k.label);
  return k;
}

namespace {

struct Acc {
  Row row;
  std::vector<int64_t> waits, services;
  std::vector<std::array<int, 9>> forms;
};

class Query {
 public:
  Query(sqlite3* db, const char* sql) {
    ok_ = sqlite3_prepare_v2(db, sql, -1, &q_, nullptr) == SQLITE_OK;
  }
  ~Query() { sqlite3_finalize(q_); }
  bool ok() const { return ok_; }
  sqlite3_stmt* get() { return q_; }
  // Valid until the next step.
  std::string_view View(int i) {
    const unsigned char* t = sqlite3_column_text(q_, i);
    return t ? std::string_view(reinterpret_cast<const char*>(t),
                                static_cast<size_t>(sqlite3_column_bytes(q_, i)))
             : std::string_view();
  }
  bool Null(int i) { return sqlite3_column_type(q_, i) == SQLITE_NULL; }
  int64_t Int(int i) { return sqlite3_column_int64(q_, i); }

 private:
  sqlite3_stmt* q_ = nullptr;
  bool ok_ = false;
};

std::string HourKey(int64_t utc_ms, int offset) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", ToLocal(utc_ms, offset).minute_of_day / 60);
  return buf;
}

// "1-08": ISO weekday (1 = Monday) and hour of the local time.
std::string WeekdayHourKey(int64_t utc_ms, int offset) {
  const LocalTime t = ToLocal(utc_ms, offset);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d-%02d", t.weekday, t.minute_of_day / 60);
  return buf;
}

}  // namespace

namespace {

// One connection per thread: read-only, no per-call mutex (15 % of a year's
// report), pages read through a memory map instead of copied into the cache.
StatusOr<std::unique_ptr<sqlite3, decltype(&sqlite3_close)>> OpenReadOnly(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Error("cannot open " + path + " read-only: " + m);
  }
  sqlite3_exec(db, "PRAGMA mmap_size=1073741824", nullptr, nullptr, nullptr);
  return std::unique_ptr<sqlite3, decltype(&sqlite3_close)>(db, &sqlite3_close);
}

using Groups = std::map<std::string, Acc, std::less<>>;
// The group of a row: a view of a column, or of `buf` when it had to be made.
using KeyOf =
    std::function<std::string_view(std::string_view service, int64_t counter, std::string_view op,
                                   std::string_view day, int64_t ms, std::string* buf)>;

Acc& GroupOf(Groups& groups, std::string_view k) {
  auto it = groups.find(k);
  return it != groups.end() ? it->second : groups.emplace(std::string(k), Acc()).first->second;
}

// Scans the tickets of days from..to into `groups` and `total`. Only the
// columns the grouping needs are read, each once per row: a year is a million
// rows (bench/report.cc).
Status ScanTickets(sqlite3* db, const std::string& db_path, const std::string& from,
                   const std::string& to, GroupBy by, bool whole_table, const KeyOf& key_of,
                   Groups* groups, Acc* total) {
  auto col = [&](bool needed, const char* name) {
    return std::string(needed ? name : "NULL") + ", ";
  };
  // A long range reads most of the table: one sequential scan is ~8x faster
  // than following the day index row by row (a year of 1M tickets: 0.5 s vs
  // 4 s). A short range uses the index.
  const std::string sql =
      "SELECT " + col(by == GroupBy::kDay, "business_day") +
      col(by == GroupBy::kService || by == GroupBy::kAgency, "service") +
      col(by == GroupBy::kCounter, "counter_id") + col(by == GroupBy::kOperator, "operator_id") +
      col(by == GroupBy::kHour || by == GroupBy::kWeekdayHour, "issued_ms") +
      "state, priority, transfers, print_failed, wait_ms, service_ms, wait_met, service_met"
      " FROM tickets" +
      std::string(whole_table ? " NOT INDEXED" : "") + " WHERE business_day BETWEEN ?1 AND ?2";
  Query t(db, sql.c_str());
  if (!t.ok()) {
    return Status::Error(db_path + " is not an MPP broker database (" + sqlite3_errmsg(db) + ")");
  }
  sqlite3_bind_text(t.get(), 1, from.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(t.get(), 2, to.c_str(), -1, SQLITE_TRANSIENT);
  std::string buf;
  while (sqlite3_step(t.get()) == SQLITE_ROW) {
    const std::string_view key = key_of(t.View(1), t.Int(2), t.View(3), t.View(0), t.Int(4), &buf);
    Acc& g = GroupOf(*groups, key);
    const std::string_view state = t.View(5), priority = t.View(6);
    const bool waited = !t.Null(9), served = !t.Null(10);
    const int64_t wait = waited ? t.Int(9) : 0, service = served ? t.Int(10) : 0;
    const bool transferred = t.Int(7) > 0, print_failed = t.Int(8) != 0;
    const bool wait_met = waited && t.Int(11) != 0, service_met = served && t.Int(12) != 0;
    for (Acc* a : {&g, total}) {
      Row& r = a->row;
      ++r.issued;
      r.served += state == "DONE";
      r.no_show += state == "NO_SHOW";
      r.cancelled += state == "CANCELLED";
      r.transferred += transferred;
      r.print_failed += print_failed;
      if (priority != "PRIORITY_NONE") {
        ++r.priority;
        ++r.priority_by_reason[std::string(priority)];
      }
      if (waited) {
        a->waits.push_back(wait);
        ++r.wait_judged;
        r.wait_within += wait_met;
      }
      if (served) {
        a->services.push_back(service);
        ++r.service_judged;
        r.service_within += service_met;
      }
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<Report> Build(const std::string& db_path, const CatalogIndex& catalog,
                       const std::string& from, const std::string& to, GroupBy by) {
  if (!LocalMidnightMs(from, 0) || !LocalMidnightMs(to, 0)) {
    return Status::Error("dates must look like 2026-11-30 (from '" + from + "', to '" + to + "')");
  }
  if (to < from) return Status::Error("--to " + to + " is before --from " + from);
  auto opened = OpenReadOnly(db_path);
  if (!opened.ok()) return opened.status();
  sqlite3* db = opened->get();
  const int offset = catalog.utc_offset_min();
  // Looked up per row without building a string (a year: a million rows).
  std::map<std::string, std::string, std::less<>> agency_of;
  for (const auto& svc : catalog.catalog().services()) agency_of[svc.code()] = svc.agency();
  const KeyOf key_of = [&](std::string_view service, int64_t counter, std::string_view op,
                           std::string_view day, int64_t ms, std::string* buf) -> std::string_view {
    switch (by) {
      case GroupBy::kAgency: {
        auto it = agency_of.find(service);
        return it != agency_of.end() ? std::string_view(it->second) : "?";
      }
      case GroupBy::kService:
        return service;
      case GroupBy::kCounter:
        *buf = counter > 0 ? std::to_string(counter) : "-";
        return *buf;
      case GroupBy::kOperator:
        return op.empty() ? std::string_view("-") : op;
      case GroupBy::kDay:
        return day;
      case GroupBy::kHour:
        *buf = HourKey(ms, offset);
        return *buf;
      case GroupBy::kWeekdayHour:
        *buf = WeekdayHourKey(ms, offset);
        return *buf;
    }
    return "?";
  };
  Groups groups;
  Acc total;
  std::string buf;

  const int64_t days = (*LocalMidnightMs(to, 0) - *LocalMidnightMs(from, 0)) / 86'400'000 + 1;
  if (Status st = ScanTickets(db, db_path, from, to, by, days > 31, key_of, &groups, &total);
      !st.ok()) {
    return st;
  }

  Query q(db,
          "SELECT business_day, ts_ms, counter_id, operator_id, service, score,"
          " u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM ratings WHERE business_day BETWEEN ?1 AND ?2");
  if (q.ok()) {  // a database from before ratings existed has none
    sqlite3_bind_text(q.get(), 1, from.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q.get(), 2, to.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(q.get()) == SQLITE_ROW) {
      Acc& g = GroupOf(groups, key_of(q.View(4), q.Int(2), q.View(3), q.View(0), q.Int(1), &buf));
      std::array<int, 9> form{};
      bool any = false;
      for (int i = 0; i < 9; ++i) {
        form[i] = q.Null(6 + i) ? 0 : static_cast<int>(q.Int(6 + i));
        any |= form[i] > 0;
      }
      const int64_t score = q.Int(5);
      for (Acc* a : {&g, &total}) {
        if (score >= 1 && score <= 4) ++a->row.ratings[score];
        if (any) a->forms.push_back(form);
      }
    }
  }

  Report rep;
  rep.from = from;
  rep.to = to;
  rep.by = by;
  auto finish = [&](const std::string& key, Acc& a) {
    a.row.key = key;
    a.row.wait = Summarize(std::move(a.waits));
    a.row.service = Summarize(std::move(a.services));
    a.row.skm = ComputeSkm(a.forms);
    if (by == GroupBy::kService) {
      if (const v1::Service* s = catalog.FindService(key)) a.row.label = s->name();
    } else if (by == GroupBy::kAgency) {
      if (const v1::Agency* ag = catalog.FindAgency(key)) a.row.label = ag->name();
    } else if (by == GroupBy::kCounter) {
      if (const v1::CounterDef* c = catalog.FindCounter(std::atoi(key.c_str()))) {
        a.row.label = c->name();
      }
    }
    return a.row;
  };
  for (auto& [key, acc] : groups) rep.rows.push_back(finish(key, acc));
  rep.total = finish("TOTAL", total);
  rep.total.label = "";

  for (const auto& s : catalog.catalog().services()) {
    Completeness c;
    c.service = s.code();
    const v1::PublishedStandard& st = s.standard();
    const std::pair<const char*, bool> parts[] = {{"requirements", st.requirements_size() > 0},
                                                  {"procedure", st.procedure_size() > 0},
                                                  {"time_standard", !st.time_standard().empty()},
                                                  {"fee", !st.fee().empty()},
                                                  {"product", !st.product().empty()},
                                                  {"complaint", !st.complaint().empty()}};
    for (const auto& [name, present] : parts) {
      if (present) {
        ++c.present;
      } else {
        c.missing.push_back(name);
      }
    }
    rep.completeness.push_back(std::move(c));
  }
  return rep;
}

namespace {

std::string Min(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ms / 60000.0);
  return buf;
}
std::string Pct(int part, int whole) {
  if (whole == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100.0 * part / whole);
  return buf;
}
std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> kCols = {"group",
                                                 "name",
                                                 "issued",
                                                 "served",
                                                 "no_show",
                                                 "cancelled",
                                                 "transferred",
                                                 "print_failed",
                                                 "priority",
                                                 "wait_mean_min",
                                                 "wait_median_min",
                                                 "wait_p90_min",
                                                 "wait_max_min",
                                                 "wait_within_pct",
                                                 "service_mean_min",
                                                 "service_median_min",
                                                 "service_p90_min",
                                                 "service_max_min",
                                                 "service_within_pct",
                                                 "rated_4",
                                                 "rated_3",
                                                 "rated_2",
                                                 "rated_1",
                                                 "skm_respondents",
                                                 "skm_score",
                                                 "skm_grade"};
  return kCols;
}

std::vector<std::string> Cells(const Row& r) {
  const bool w = r.wait.n > 0, s = r.service.n > 0;
  const bool k = r.skm.respondents > 0;
  return {r.key,
          r.label,
          std::to_string(r.issued),
          std::to_string(r.served),
          std::to_string(r.no_show),
          std::to_string(r.cancelled),
          std::to_string(r.transferred),
          std::to_string(r.print_failed),
          std::to_string(r.priority),
          w ? Min(r.wait.mean_ms) : "-",
          w ? Min(static_cast<double>(r.wait.median_ms)) : "-",
          w ? Min(static_cast<double>(r.wait.p90_ms)) : "-",
          w ? Min(static_cast<double>(r.wait.max_ms)) : "-",
          Pct(r.wait_within, r.wait_judged),
          s ? Min(r.service.mean_ms) : "-",
          s ? Min(static_cast<double>(r.service.median_ms)) : "-",
          s ? Min(static_cast<double>(r.service.p90_ms)) : "-",
          s ? Min(static_cast<double>(r.service.max_ms)) : "-",
          Pct(r.service_within, r.service_judged),
          std::to_string(r.ratings[4]),
          std::to_string(r.ratings[3]),
          std::to_string(r.ratings[2]),
          std::to_string(r.ratings[1]),
          std::to_string(r.skm.respondents),
          k ? Num(r.skm.score) : "-",
          k ? std::string(1, r.skm.grade) + " " + r.skm.label : "-"};
}

std::string Csv(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string JsonString(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string JsonRow(const Row& r) {
  std::ostringstream o;
  const auto cells = Cells(r);
  const auto& cols = Columns();
  o << "{";
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) o << ",";
    o << JsonString(cols[i]) << ":";
    const bool text = i < 2 || cols[i] == "skm_grade" || cells[i] == "-";
    o << (text ? (cells[i] == "-" ? "null" : JsonString(cells[i])) : cells[i]);
  }
  o << ",\"priority_by_reason\":{";
  bool first = true;
  for (const auto& [reason, n] : r.priority_by_reason) {
    o << (first ? "" : ",") << JsonString(reason) << ":" << n;
    first = false;
  }
  o << "},\"skm_nrr\":[";
  for (int i = 0; i < 9; ++i) {
    o << (i ? "," : "") << (r.skm.answered[i] ? Num(r.skm.nrr[i]) : "null");
  }
  o << "]}";
  return o.str();
}

}  // namespace

std::string Format(const Report& rep, const std::string& format) {
  std::vector<std::vector<std::string>> table;
  for (const Row& r : rep.rows) table.push_back(Cells(r));
  table.push_back(Cells(rep.total));
  const auto& cols = Columns();
  std::ostringstream o;
  if (format == "csv") {
    for (size_t i = 0; i < cols.size(); ++i) o << (i ? "," : "") << cols[i];
    o << "\n";
    for (const auto& row : table) {
      for (size_t i = 0; i < row.size(); ++i) o << (i ? "," : "") << Csv(row[i]);
      o << "\n";
    }
    return o.str();
  }
  if (format == "json") {
    o << "{\"from\":" << JsonString(rep.from) << ",\"to\":" << JsonString(rep.to)
      << ",\"by\":" << JsonString(GroupByName(rep.by)) << ",\"rows\":[";
    for (size_t i = 0; i < rep.rows.size(); ++i) o << (i ? "," : "") << JsonRow(rep.rows[i]);
    o << "],\"total\":" << JsonRow(rep.total) << ",\"completeness\":[";
    for (size_t i = 0; i < rep.completeness.size(); ++i) {
      const auto& c = rep.completeness[i];
      o << (i ? "," : "") << "{\"service\":" << JsonString(c.service)
        << ",\"present\":" << c.present << ",\"missing\":[";
      for (size_t j = 0; j < c.missing.size(); ++j) o << (j ? "," : "") << JsonString(c.missing[j]);
      o << "]}";
    }
    o << "]}\n";
    return o.str();
  }
  // The readable formats show the columns a manager reads first.
  static const size_t kShort[] = {0, 2, 3, 4, 5, 8, 10, 11, 13, 15, 18, 19, 20, 21, 22, 24, 25};
  if (format == "md") {
    o << "# Laporan kepatuhan " << rep.from << " - " << rep.to << " (per " << GroupByName(rep.by)
      << ")\n\n|";
    for (size_t i : kShort) o << " " << cols[i] << " |";
    o << "\n|";
    for (size_t i = 0; i < std::size(kShort); ++i) o << "---|";
    o << "\n";
    for (const auto& row : table) {
      o << "|";
      for (size_t i : kShort) o << " " << row[i] << " |";
      o << "\n";
    }
    o << "\nTimes in minutes; within = share of tickets within the standard in force for each "
         "ticket; SKM per PermenPAN-RB 14/2017.\n";
    return o.str();
  }
  if (format != "table") return "";
  std::vector<size_t> width(cols.size(), 0);
  for (size_t i : kShort) width[i] = cols[i].size();
  for (const auto& row : table) {
    for (size_t i : kShort) width[i] = std::max(width[i], row[i].size());
  }
  o << "Report " << rep.from << " .. " << rep.to << " by " << GroupByName(rep.by)
    << " (times in minutes)\n";
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i : kShort) {
      char buf[128];
      std::snprintf(buf, sizeof buf, i == 0 ? "%-*s " : "%*s ", static_cast<int>(width[i]),
                    cells[i].c_str());
      o << buf;
    }
    o << "\n";
  };
  line(cols);
  for (const auto& row : table) line(row);
  int incomplete = 0;
  for (const auto& c : rep.completeness) incomplete += c.present < 6;
  o << "Published standards complete (6 of 6 components): "
    << rep.completeness.size() - static_cast<size_t>(incomplete) << " of "
    << rep.completeness.size() << " services\n";
  for (const auto& c : rep.completeness) {
    if (c.present == 6) continue;
    o << "  " << c.service << " misses:";
    for (const auto& m : c.missing) o << " " << m;
    o << "\n";
  }
  return o.str();
}

namespace {

void DistToProto(const Distribution& d, v1::ReportDistribution* p) {
  p->set_n(d.n);
  p->set_mean_ms(d.mean_ms);
  p->set_median_ms(d.median_ms);
  p->set_p90_ms(d.p90_ms);
  p->set_max_ms(d.max_ms);
}

Distribution DistFromProto(const v1::ReportDistribution& p) {
  return {p.n(), p.mean_ms(), p.median_ms(), p.p90_ms(), p.max_ms()};
}

void RowToProto(const Row& r, v1::ReportRow* p) {
  p->set_key(r.key);
  p->set_label(r.label);
  p->set_issued(r.issued);
  p->set_served(r.served);
  p->set_no_show(r.no_show);
  p->set_cancelled(r.cancelled);
  p->set_transferred(r.transferred);
  p->set_print_failed(r.print_failed);
  p->set_priority(r.priority);
  for (const auto& [reason, n] : r.priority_by_reason)
    (*p->mutable_priority_by_reason())[reason] = n;
  DistToProto(r.wait, p->mutable_wait());
  DistToProto(r.service, p->mutable_service());
  p->set_wait_judged(r.wait_judged);
  p->set_wait_within(r.wait_within);
  p->set_service_judged(r.service_judged);
  p->set_service_within(r.service_within);
  for (int n : r.ratings) p->add_ratings(n);
  v1::ReportSkm* k = p->mutable_skm();
  k->set_respondents(r.skm.respondents);
  for (int i = 0; i < 9; ++i) {
    k->add_answered(r.skm.answered[i]);
    k->add_nrr(r.skm.nrr[i]);
  }
  k->set_ikm(r.skm.ikm);
  k->set_score(r.skm.score);
  k->set_grade(std::string(1, r.skm.grade));
  k->set_label(r.skm.label);
}

Row RowFromProto(const v1::ReportRow& p) {
  Row r;
  r.key = p.key();
  r.label = p.label();
  r.issued = p.issued();
  r.served = p.served();
  r.no_show = p.no_show();
  r.cancelled = p.cancelled();
  r.transferred = p.transferred();
  r.print_failed = p.print_failed();
  r.priority = p.priority();
  for (const auto& [reason, n] : p.priority_by_reason()) r.priority_by_reason[reason] = n;
  r.wait = DistFromProto(p.wait());
  r.service = DistFromProto(p.service());
  r.wait_judged = p.wait_judged();
  r.wait_within = p.wait_within();
  r.service_judged = p.service_judged();
  r.service_within = p.service_within();
  for (int i = 0; i < 5 && i < p.ratings_size(); ++i) r.ratings[i] = p.ratings(i);
  const v1::ReportSkm& k = p.skm();
  r.skm.respondents = k.respondents();
  for (int i = 0; i < 9; ++i) {
    if (i < k.answered_size()) r.skm.answered[i] = k.answered(i);
    if (i < k.nrr_size()) r.skm.nrr[i] = k.nrr(i);
  }
  r.skm.ikm = k.ikm();
  r.skm.score = k.score();
  r.skm.grade = k.grade().empty() ? '-' : k.grade()[0];
  r.skm.label = k.label();
  return r;
}

}  // namespace

v1::ComplianceReport ToProto(const Report& rep) {
  v1::ComplianceReport p;
  p.set_from(rep.from);
  p.set_to(rep.to);
  p.set_by(GroupByName(rep.by));
  for (const Row& r : rep.rows) RowToProto(r, p.add_rows());
  RowToProto(rep.total, p.mutable_total());
  for (const Completeness& c : rep.completeness) {
    v1::ReportCompleteness* pc = p.add_completeness();
    pc->set_service(c.service);
    pc->set_present(c.present);
    for (const auto& m : c.missing) pc->add_missing(m);
  }
  return p;
}

Report FromProto(const v1::ComplianceReport& p) {
  Report rep;
  rep.from = p.from();
  rep.to = p.to();
  if (!ParseGroupBy(p.by(), &rep.by)) rep.by = GroupBy::kService;
  for (const auto& r : p.rows()) rep.rows.push_back(RowFromProto(r));
  rep.total = RowFromProto(p.total());
  for (const auto& pc : p.completeness()) {
    Completeness c;
    c.service = pc.service();
    c.present = pc.present();
    c.missing.assign(pc.missing().begin(), pc.missing().end());
    rep.completeness.push_back(std::move(c));
  }
  return rep;
}

}  // namespace mpp::report
