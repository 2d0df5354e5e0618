#include "broker/report/build.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>

#include "broker/report/report.h"
#include "broker/store/schema_version.h"
#include "common/i18n.h"
#include "common/time_util.h"

namespace mpp::report {

namespace {

struct Acc {
  Row row;
  std::vector<int64_t> waits, services;
  std::vector<int64_t> estimate_errors;  // |forecast at issue - real wait|
  std::vector<int64_t> appointment_waits, walk_in_waits;
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
  void Bind(int i, const std::string& text) {
    sqlite3_bind_text(q_, i, text.c_str(), -1, SQLITE_TRANSIENT);
  }

 private:
  sqlite3_stmt* q_ = nullptr;
  bool ok_ = false;
};

// The columns of a ticket row every report reads, in this order after the
// grouping columns (business_day, service, counter_id, operator_id, issued_ms).
constexpr const char* kFactColumns =
    "state, priority, transfers, print_failed, wait_ms, service_ms, wait_met, service_met,"
    " estimated_wait_ms, first_called_ms, out_of_order, appointment";
constexpr int kFirstFact = 5;
// An estimate within +/-10 minutes of the real wait counts as honest.
constexpr int64_t kEstimateWithinMs = 10 * 60000;

// What a ticket row contributes to a report (columns as kFactColumns from
// kFirstFact); the views are valid until the next step.
struct Facts {
  std::string_view state, priority;
  bool transferred, print_failed, waited, served, wait_met, service_met;
  bool estimated, called, out_of_order;
  int64_t wait, service, estimate;
  int appointment;  // 0 a walk-in, 1 a booking checked in on time, 2 late
};

Facts ReadFacts(Query& t) {
  constexpr int k = kFirstFact;
  Facts f;
  f.state = t.View(k);
  f.priority = t.View(k + 1);
  f.transferred = t.Int(k + 2) > 0;
  f.print_failed = t.Int(k + 3) != 0;
  f.waited = !t.Null(k + 4);
  f.served = !t.Null(k + 5);
  f.wait = f.waited ? t.Int(k + 4) : 0;
  f.service = f.served ? t.Int(k + 5) : 0;
  f.wait_met = f.waited && t.Int(k + 6) != 0;
  f.service_met = f.served && t.Int(k + 7) != 0;
  f.estimated = !t.Null(k + 8);
  f.estimate = f.estimated ? t.Int(k + 8) : 0;
  f.called = !t.Null(k + 9);
  f.out_of_order = !t.Null(k + 10);
  f.appointment = t.Null(k + 11) ? 0 : static_cast<int>(t.Int(k + 11));
  return f;
}

// Counts one ticket into `a`. The one place that says what a ticket
// contributes to a report: reports on tickets and the per-day summaries
// (SummarizeDay) both go through it.
void AddTicket(const Facts& f, Acc& a) {
  Row& r = a.row;
  ++r.issued;
  r.served += f.state == "DONE";
  r.no_show += f.state == "NO_SHOW";
  r.cancelled += f.state == "CANCELLED";
  r.expired += f.state == "EXPIRED";
  r.transferred += f.transferred;
  r.print_failed += f.print_failed;
  r.out_of_order += f.out_of_order;
  if (f.priority != "PRIORITY_NONE") {
    ++r.priority;
    ++r.priority_by_reason[std::string(f.priority)];
  }
  r.appointments += f.appointment > 0;
  if (f.waited) {
    a.waits.push_back(f.wait);
    ++r.wait_judged;
    r.wait_within += f.wait_met;
    if (f.appointment == 0) a.walk_in_waits.push_back(f.wait);
    if (f.appointment == 1) a.appointment_waits.push_back(f.wait);
  }
  if (f.served) {
    a.services.push_back(f.service);
    ++r.service_judged;
    r.service_within += f.service_met;
  }
  if (f.estimated && f.called && f.waited) {
    const int64_t error = std::abs(f.wait - f.estimate);
    a.estimate_errors.push_back(error);
    ++r.estimate_judged;
    r.estimate_within += error <= kEstimateWithinMs;
  }
}

// A summary cell's (or group's) values: what Merge adds besides the counts.
struct Values {
  std::vector<int64_t> waits, services, estimate_errors, appointment_waits, walk_in_waits;
};

// Adds a group's (or a summary cell's) counts and values to `into`.
void Merge(const Row& r, const Values& v, Acc& into) {
  const auto& waits = v.waits;
  const auto& services = v.services;
  const auto& estimate_errors = v.estimate_errors;
  Row& o = into.row;
  o.appointments += r.appointments;
  into.appointment_waits.insert(into.appointment_waits.end(), v.appointment_waits.begin(),
                                v.appointment_waits.end());
  into.walk_in_waits.insert(into.walk_in_waits.end(), v.walk_in_waits.begin(),
                            v.walk_in_waits.end());
  o.issued += r.issued;
  o.served += r.served;
  o.no_show += r.no_show;
  o.cancelled += r.cancelled;
  o.expired += r.expired;
  o.transferred += r.transferred;
  o.print_failed += r.print_failed;
  o.out_of_order += r.out_of_order;
  o.priority += r.priority;
  for (const auto& [reason, n] : r.priority_by_reason) o.priority_by_reason[reason] += n;
  o.wait_judged += r.wait_judged;
  o.wait_within += r.wait_within;
  o.service_judged += r.service_judged;
  o.service_within += r.service_within;
  into.waits.insert(into.waits.end(), waits.begin(), waits.end());
  into.services.insert(into.services.end(), services.begin(), services.end());
  o.estimate_judged += r.estimate_judged;
  o.estimate_within += r.estimate_within;
  into.estimate_errors.insert(into.estimate_errors.end(), estimate_errors.begin(),
                              estimate_errors.end());
}

// Milliseconds as little-endian uint32 (49 days at most: waits and service
// times are minutes to hours), 4 bytes each.
std::string PackMs(const std::vector<int64_t>& values) {
  std::string out(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    const auto v = static_cast<uint32_t>(std::clamp<int64_t>(values[i], 0, UINT32_MAX));
    for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<char>((v >> (8 * b)) & 0xff);
  }
  return out;
}

void UnpackMs(sqlite3_stmt* q, int col, std::vector<int64_t>* out) {
  report::UnpackMs(sqlite3_column_blob(q, col), sqlite3_column_bytes(q, col), out);
}

// "LANSIA=3,DISABILITAS=1" and back.
std::string PackReasons(const std::map<std::string, int>& reasons) {
  std::string out;
  for (const auto& [reason, n] : reasons) {
    if (!out.empty()) out += ',';
    out += reason + '=' + std::to_string(n);
  }
  return out;
}

void UnpackReasons(std::string_view text, std::map<std::string, int>* out) {
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      (*out)[std::string(item.substr(0, eq))] +=
          std::atoi(std::string(item.substr(eq + 1)).c_str());
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
}

std::string HourKey(int hour) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", hour);
  return buf;
}

// "1-08": ISO weekday (1 = Monday) and hour of the local time.
std::string WeekdayHourKey(int weekday, int hour) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d-%02d", weekday, hour);
  return buf;
}

}  // namespace

void UnpackMs(const void* blob, int bytes, std::vector<int64_t>* out) {
  const auto* p = static_cast<const unsigned char*>(blob);
  const int n = bytes / 4;
  out->reserve(out->size() + static_cast<size_t>(n));
  for (int i = 0; i < n; ++i, p += 4) {
    out->push_back(static_cast<int64_t>(p[0] | (p[1] << 8) | (p[2] << 16) |
                                        (static_cast<uint32_t>(p[3]) << 24)));
  }
}

// One connection per thread: read-only, no per-call mutex (15 % of a year's
// report), pages read through a memory map instead of copied into the cache.
StatusOr<ReadOnlyDb> OpenReadOnly(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Error("cannot open " + path + " read-only: " + m);
  }
  sqlite3_exec(db, "PRAGMA mmap_size=1073741824", nullptr, nullptr, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> owned(db, &sqlite3_close);
  // A file of an older broker is migrated by the broker, not read here as if
  // it were current (its columns differ).
  sqlite3_stmt* q = nullptr;
  int version = 0;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, nullptr) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW) {
    version = sqlite3_column_int(q, 0);
  }
  sqlite3_finalize(q);
  if (version > 0 && version < store::kSchemaVersion) {
    return Status::Error(path + " has schema " + std::to_string(version) +
                         ", older than this version reads (" +
                         std::to_string(store::kSchemaVersion) +
                         "): start mpp-broker on it once (it migrates the file, keeping a copy of "
                         "it as it was), or report with the mppctl of the version that wrote it");
  }
  return owned;
}

namespace {

// Where a row belongs: its service, counter, operator, business day and the
// local weekday and hour it was issued (a rating: given).
struct Where {
  std::string_view service;
  int64_t counter = 0;
  std::string_view op;
  std::string_view day;
  int weekday = 0, hour = 0;
};

using Groups = std::map<std::string, Acc, std::less<>>;
// The group of a row: a view of a column, or of `buf` when it had to be made.
using KeyOf = std::function<std::string_view(const Where& w, std::string* buf)>;

Acc& GroupOf(Groups& groups, std::string_view k) {
  auto it = groups.find(k);
  return it != groups.end() ? it->second : groups.emplace(std::string(k), Acc()).first->second;
}

void SetLocal(int64_t utc_ms, int offset, Where* w) {
  const LocalTime t = ToLocal(utc_ms, offset);
  w->weekday = t.weekday;
  w->hour = t.minute_of_day / 60;
}

// Scans the tickets of days from..to into `groups` and `total`. Only the
// columns the grouping needs are read, each once per row: a year is a million
// rows (bench/report.cc).
Status ScanTickets(sqlite3* db, const std::string& db_path, const std::string& from,
                   const std::string& to, GroupBy by, int offset, bool whole_table,
                   const KeyOf& key_of, Groups* groups, Acc* total) {
  auto col = [&](bool needed, const char* name) {
    return std::string(needed ? name : "NULL") + ", ";
  };
  const bool local_time = by == GroupBy::kHour || by == GroupBy::kWeekdayHour;
  // A long range reads most of the table: one sequential scan is ~8x faster
  // than following the day index row by row (a year of 1M tickets: 0.5 s vs
  // 4 s). A short range uses the index.
  const std::string sql =
      "SELECT " + col(by == GroupBy::kDay, "business_day") +
      col(by == GroupBy::kService || by == GroupBy::kAgency, "service") +
      col(by == GroupBy::kCounter, "counter_id") + col(by == GroupBy::kOperator, "operator_id") +
      col(local_time, "issued_ms") + kFactColumns + " FROM tickets" +
      std::string(whole_table ? " NOT INDEXED" : "") + " WHERE business_day BETWEEN ?1 AND ?2";
  Query t(db, sql.c_str());
  if (!t.ok()) {
    return Status::Error(db_path + " is not an MPP broker database (" + sqlite3_errmsg(db) + ")");
  }
  t.Bind(1, from);
  t.Bind(2, to);
  std::string buf;
  Where w;
  while (sqlite3_step(t.get()) == SQLITE_ROW) {
    w.day = t.View(0);
    w.service = t.View(1);
    w.counter = t.Int(2);
    w.op = t.View(3);
    if (local_time) SetLocal(t.Int(4), offset, &w);
    const Facts f = ReadFacts(t);
    AddTicket(f, GroupOf(*groups, key_of(w, &buf)));
    AddTicket(f, *total);
  }
  return Status::Ok();
}

// The summarized days in from..to (none in a file from before summaries) and
// how many tickets they hold.
std::set<std::string> SummarizedDays(sqlite3* db, const std::string& from, const std::string& to,
                                     int64_t* tickets) {
  std::set<std::string> days;
  *tickets = 0;
  Query q(db, "SELECT business_day, tickets FROM report_days WHERE business_day BETWEEN ?1 AND ?2");
  if (!q.ok()) return days;
  q.Bind(1, from);
  q.Bind(2, to);
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    days.emplace(q.View(0));
    *tickets += q.Int(1);
  }
  return days;
}

// Adds the summary cells of days from..to to `groups` and `total`.
void ScanCells(sqlite3* db, const std::string& from, const std::string& to, bool whole_table,
               const KeyOf& key_of, Groups* groups, Acc* total) {
  const std::string sql =
      "SELECT business_day, service, counter_id, operator_id, weekday, hour, issued, served,"
      " no_show, cancelled, transferred, print_failed, priority, priority_reasons, wait_within,"
      " service_within, waits, services, expired, estimate_errors, out_of_order, appointments,"
      " appointment_waits, walk_in_waits FROM report_cells" +
      std::string(whole_table ? " NOT INDEXED" : "") + " WHERE business_day BETWEEN ?1 AND ?2";
  Query q(db, sql.c_str());
  if (!q.ok()) return;
  q.Bind(1, from);
  q.Bind(2, to);
  std::string buf;
  Where w;
  Row r;
  Values v;
  auto& waits = v.waits;
  auto& services = v.services;
  auto& errors = v.estimate_errors;
  while (sqlite3_step(q.get()) == SQLITE_ROW) {
    w.day = q.View(0);
    w.service = q.View(1);
    w.counter = q.Int(2);
    w.op = q.View(3);
    w.weekday = static_cast<int>(q.Int(4));
    w.hour = static_cast<int>(q.Int(5));
    r = Row();
    int* counts[] = {&r.issued,      &r.served,       &r.no_show, &r.cancelled,
                     &r.transferred, &r.print_failed, &r.priority};
    for (int i = 0; i < 7; ++i) *counts[i] = static_cast<int>(q.Int(6 + i));
    if (r.priority > 0) UnpackReasons(q.View(13), &r.priority_by_reason);
    r.expired = static_cast<int>(q.Int(18));
    r.wait_within = static_cast<int>(q.Int(14));
    r.service_within = static_cast<int>(q.Int(15));
    waits.clear();
    services.clear();
    UnpackMs(q.get(), 16, &waits);
    UnpackMs(q.get(), 17, &services);
    r.wait_judged = static_cast<int>(waits.size());
    r.service_judged = static_cast<int>(services.size());
    errors.clear();
    UnpackMs(q.get(), 19, &errors);
    r.estimate_judged = static_cast<int>(errors.size());
    r.out_of_order = static_cast<int>(q.Int(20));
    r.appointments = static_cast<int>(q.Int(21));
    v.appointment_waits.clear();
    v.walk_in_waits.clear();
    UnpackMs(q.get(), 22, &v.appointment_waits);
    UnpackMs(q.get(), 23, &v.walk_in_waits);
    r.estimate_within = static_cast<int>(std::count_if(
        errors.begin(), errors.end(), [](int64_t e) { return e <= kEstimateWithinMs; }));
    Merge(r, v, GroupOf(*groups, key_of(w, &buf)));
    Merge(r, v, *total);
  }
}

// The days from..to that have no summary, as runs of consecutive days.
std::vector<std::pair<std::string, std::string>> UnsummarizedRuns(
    const std::string& from, const std::string& to, const std::set<std::string>& summarized) {
  std::vector<std::pair<std::string, std::string>> runs;
  if (summarized.empty()) return {{from, to}};
  const Millis first = *LocalMidnightMs(from, 0);
  bool open = false;
  for (Millis ms = first;; ms += 86'400'000) {
    const std::string day = ToLocal(ms, 0).Date();
    if (day > to) break;
    if (summarized.count(day)) {
      open = false;
    } else if (open) {
      runs.back().second = day;
    } else {
      runs.emplace_back(day, day);
      open = true;
    }
  }
  return runs;
}

int64_t DaysBetween(const std::string& from, const std::string& to) {
  return (*LocalMidnightMs(to, 0) - *LocalMidnightMs(from, 0)) / 86'400'000 + 1;
}

}  // namespace

Status SummarizeDay(sqlite3* db, int utc_offset_min, const std::string& day, int64_t now_ms,
                    int* tickets) {
  struct CellKey {
    std::string service;
    int64_t counter;
    std::string op;
    int weekday, hour;
    bool operator<(const CellKey& o) const {
      return std::tie(service, counter, op, weekday, hour) <
             std::tie(o.service, o.counter, o.op, o.weekday, o.hour);
    }
  };
  std::map<CellKey, Acc> cells;
  int n = 0;
  {
    const std::string sql =
        std::string("SELECT business_day, service, counter_id, operator_id, issued_ms, ") +
        kFactColumns + " FROM tickets WHERE business_day = ?1";
    Query t(db, sql.c_str());
    if (!t.ok()) return Status::Error(std::string("summarize: ") + sqlite3_errmsg(db));
    t.Bind(1, day);
    Where w;
    while (sqlite3_step(t.get()) == SQLITE_ROW) {
      SetLocal(t.Int(4), utc_offset_min, &w);
      CellKey key{std::string(t.View(1)), t.Null(2) ? 0 : t.Int(2), std::string(t.View(3)),
                  w.weekday, w.hour};
      AddTicket(ReadFacts(t), cells[std::move(key)]);
      ++n;
    }
  }
  Query ins(db,
            "INSERT INTO report_cells (business_day, service, counter_id, operator_id, weekday,"
            " hour, issued, served, no_show, cancelled, transferred, print_failed, priority,"
            " priority_reasons, wait_within, service_within, waits, services, expired,"
            " estimate_errors, out_of_order, appointments, appointment_waits, walk_in_waits)"
            " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
            "?22,?23,?24)");
  Query done(db,
             "INSERT OR REPLACE INTO report_days (business_day, tickets, cells, ts_ms)"
             " VALUES (?1, ?2, ?3, ?4)");
  if (!ins.ok() || !done.ok()) {
    return Status::Error(std::string("summarize: ") + sqlite3_errmsg(db));
  }
  for (const auto& [key, acc] : cells) {
    const Row& r = acc.row;
    sqlite3_stmt* s = ins.get();
    sqlite3_reset(s);
    ins.Bind(1, day);
    ins.Bind(2, key.service);
    sqlite3_bind_int64(s, 3, key.counter);
    ins.Bind(4, key.op);
    sqlite3_bind_int(s, 5, key.weekday);
    sqlite3_bind_int(s, 6, key.hour);
    const int counts[] = {r.issued,      r.served,       r.no_show, r.cancelled,
                          r.transferred, r.print_failed, r.priority};
    for (int i = 0; i < 7; ++i) sqlite3_bind_int(s, 7 + i, counts[i]);
    ins.Bind(14, PackReasons(r.priority_by_reason));
    sqlite3_bind_int(s, 15, r.wait_within);
    sqlite3_bind_int(s, 16, r.service_within);
    const std::string waits = PackMs(acc.waits), services = PackMs(acc.services);
    sqlite3_bind_blob(s, 17, waits.data(), static_cast<int>(waits.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 18, services.data(), static_cast<int>(services.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 19, r.expired);
    const std::string errors = PackMs(acc.estimate_errors);
    sqlite3_bind_blob(s, 20, errors.data(), static_cast<int>(errors.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 21, r.out_of_order);
    sqlite3_bind_int(s, 22, r.appointments);
    const std::string appt = PackMs(acc.appointment_waits), walk = PackMs(acc.walk_in_waits);
    sqlite3_bind_blob(s, 23, appt.data(), static_cast<int>(appt.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(s, 24, walk.data(), static_cast<int>(walk.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) {
      return Status::Error(std::string("summarize: ") + sqlite3_errmsg(db));
    }
  }
  done.Bind(1, day);
  sqlite3_bind_int(done.get(), 2, n);
  sqlite3_bind_int(done.get(), 3, static_cast<int>(cells.size()));
  sqlite3_bind_int64(done.get(), 4, now_ms);
  if (sqlite3_step(done.get()) != SQLITE_DONE) {
    return Status::Error(std::string("summarize: ") + sqlite3_errmsg(db));
  }
  if (tickets) *tickets = n;
  return Status::Ok();
}

// The catalogs a database was run with (table `catalogs`, schema 9), oldest
// first, then `current`; `in_force` is the newest one put in force before
// `end_ms` (or `current` when none was).
struct Catalogs {
  std::vector<v1::Catalog> stored;
  std::vector<const v1::Catalog*> all;
  const v1::Catalog* in_force = nullptr;
};

Catalogs StoredCatalogs(sqlite3* db, const CatalogIndex& current, int64_t end_ms) {
  Catalogs out;
  std::vector<int64_t> first_ms;
  Query q(db, "SELECT first_ms, data FROM catalogs ORDER BY first_ms");
  if (q.ok()) {  // a file from before schema 9 has none
    while (sqlite3_step(q.get()) == SQLITE_ROW) {
      v1::Catalog c;
      const void* data = sqlite3_column_blob(q.get(), 1);
      if (!c.ParseFromArray(data, sqlite3_column_bytes(q.get(), 1))) continue;
      first_ms.push_back(q.Int(0));
      out.stored.push_back(std::move(c));
    }
  }
  for (size_t i = 0; i < out.stored.size(); ++i) {
    out.all.push_back(&out.stored[i]);
    if (first_ms[i] < end_ms) out.in_force = &out.stored[i];
  }
  out.all.push_back(&current.catalog());
  if (!out.in_force) out.in_force = &current.catalog();
  return out;
}

StatusOr<Report> Build(const std::string& db_path, const CatalogIndex& catalog,
                       const std::string& from, const std::string& to, GroupBy by) {
  if (!LocalMidnightMs(from, 0) || !LocalMidnightMs(to, 0)) {
    return Status::Error("dates must look like 2026-11-30 (from '" + from + "', to '" + to + "')");
  }
  if (to < from) return Status::Error("--to " + to + " is before --from " + from);
  if (CentralOnly(by)) {
    return Status::Error(std::string("grouping by ") + GroupByName(by) +
                         " is for the central report of many halls (mpp-central report); a hall's "
                         "own report groups by agency, service, counter, operator, day, hour or "
                         "weekday-hour");
  }
  auto opened = OpenReadOnly(db_path);
  if (!opened.ok()) return opened.status();
  sqlite3* db = opened->get();
  const int offset = catalog.utc_offset_min();
  // Every catalog the hall ran with (oldest first, the one in force last):
  // a service removed since still has its agency and name in old reports,
  // and the published standard is the one in force at the end of the range.
  const Catalogs catalogs = StoredCatalogs(db, catalog, *LocalMidnightMs(to, offset) + 86'400'000);
  // Looked up per row without building a string (a year: a million rows).
  std::map<std::string, std::string, std::less<>> agency_of;
  for (const v1::Catalog* c : catalogs.all) {
    for (const auto& svc : c->services()) agency_of[svc.code()] = svc.agency();
  }
  const KeyOf key_of = [&](const Where& w, std::string* buf) -> std::string_view {
    switch (by) {
      case GroupBy::kAgency: {
        auto it = agency_of.find(w.service);
        return it != agency_of.end() ? std::string_view(it->second) : "?";
      }
      case GroupBy::kService:
        return w.service;
      case GroupBy::kCounter:
        *buf = w.counter > 0 ? std::to_string(w.counter) : "-";
        return *buf;
      case GroupBy::kOperator:
        return w.op.empty() ? std::string_view("-") : w.op;
      case GroupBy::kDay:
        return w.day;
      case GroupBy::kHour:
        *buf = HourKey(w.hour);
        return *buf;
      case GroupBy::kWeekdayHour:
        *buf = WeekdayHourKey(w.weekday, w.hour);
        return *buf;
      case GroupBy::kMpp:  // refused above: one hall's report
      case GroupBy::kCity:
      case GroupBy::kProvince:
      case GroupBy::kMonth:
        break;
    }
    return "?";
  };
  Groups groups;
  Acc total;
  std::string buf;

  // One read transaction: the broker may summarize a day meanwhile, and the
  // cells and the tickets must come from the same snapshot.
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  // Closed days from their summaries, the others (today, or a day a counter
  // still held a ticket of) from their tickets.
  int64_t summarized_tickets = 0;
  const std::set<std::string> summarized = SummarizedDays(db, from, to, &summarized_tickets);
  if (!summarized.empty()) {
    // A year's million values grown one by one cost more than reading them.
    total.waits.reserve(static_cast<size_t>(summarized_tickets));
    total.services.reserve(static_cast<size_t>(summarized_tickets));
    ScanCells(db, from, to, DaysBetween(from, to) > 31, key_of, &groups, &total);
  }
  // Unsummarized days among summarized ones are few or empty (days after the
  // last ticket): the index. Only a long range with no summary at all (a file
  // from before summaries) is worth a scan of the whole table.
  for (const auto& [run_from, run_to] : UnsummarizedRuns(from, to, summarized)) {
    const bool scan = summarized.empty() && DaysBetween(run_from, run_to) > 31;
    if (Status st =
            ScanTickets(db, db_path, run_from, run_to, by, offset, scan, key_of, &groups, &total);
        !st.ok()) {
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
      return st;
    }
  }

  Query q(db,
          "SELECT business_day, ts_ms, counter_id, operator_id, service, score,"
          " u1, u2, u3, u4, u5, u6, u7, u8, u9 FROM ratings WHERE business_day BETWEEN ?1 AND ?2");
  if (q.ok()) {  // a database from before ratings existed has none
    q.Bind(1, from);
    q.Bind(2, to);
    Where w;
    while (sqlite3_step(q.get()) == SQLITE_ROW) {
      w.day = q.View(0);
      w.counter = q.Int(2);
      w.op = q.View(3);
      w.service = q.View(4);
      SetLocal(q.Int(1), offset, &w);
      Acc& g = GroupOf(groups, key_of(w, &buf));
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
  // Bookings of the period's days by outcome, grouped by their service, day
  // and slot's hour (by counter or operator: in the total only).
  Query b(db, "SELECT day, service, start_ms, state FROM bookings WHERE day BETWEEN ?1 AND ?2");
  if (b.ok()) {
    b.Bind(1, from);
    b.Bind(2, to);
    Where w;
    const bool grouped = by != GroupBy::kCounter && by != GroupBy::kOperator;
    while (sqlite3_step(b.get()) == SQLITE_ROW) {
      w.day = b.View(0);
      w.service = b.View(1);
      SetLocal(b.Int(2), offset, &w);
      const std::string_view state = b.View(3);
      for (Acc* a : {grouped ? &GroupOf(groups, key_of(w, &buf)) : nullptr, &total}) {
        if (!a) continue;
        ++a->row.bookings;
        a->row.bookings_kept += state == "CHECKED_IN";
        a->row.bookings_missed += state == "MISSED";
        a->row.bookings_cancelled += state == "BOOKING_CANCELLED";
      }
    }
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);

  Report rep;
  rep.from = from;
  rep.to = to;
  rep.by = by;
  auto finish = [&](const std::string& key, Acc& a) {
    a.row.key = key;
    a.row.wait = Summarize(std::move(a.waits));
    a.row.service = Summarize(std::move(a.services));
    a.row.estimate_median_error_ms = Summarize(std::move(a.estimate_errors)).median_ms;
    a.row.appointment_wait = Summarize(std::move(a.appointment_waits));
    a.row.walk_in_wait = Summarize(std::move(a.walk_in_waits));
    a.row.skm = ComputeSkm(a.forms);
    for (const v1::Catalog* c : catalogs.all) {  // the newest name wins
      if (by == GroupBy::kService) {
        for (const auto& x : c->services()) {
          if (x.code() == key) a.row.label = x.name();
        }
      } else if (by == GroupBy::kAgency) {
        for (const auto& x : c->agencies()) {
          if (x.code() == key) a.row.label = x.name();
        }
      } else if (by == GroupBy::kCounter) {
        for (const auto& x : c->counters()) {
          if (std::to_string(x.id()) == key) a.row.label = x.name();
        }
      }
    }
    return a.row;
  };
  for (auto& [key, acc] : groups) rep.rows.push_back(finish(key, acc));
  rep.total = finish("TOTAL", total);
  rep.total.label = "";

  for (const auto& s : catalogs.in_force->services()) {
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

}  // namespace mpp::report
