#include "central/report.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>

namespace mpp::central {
namespace {

using report::GroupBy;

// The group of a row of `cell` or `rating` (aliased c, with mpp m and
// standard s), and its label.
std::pair<std::string, std::string> KeyAndLabel(GroupBy by) {
  switch (by) {
    case GroupBy::kMpp:
      return {"c.mpp_id", "max(m.name)"};
    case GroupBy::kCity:
      return {"m.city", "max(m.province)"};
    case GroupBy::kProvince:
      return {"m.province", "''"};
    case GroupBy::kService:
      return {"c.service", "max(s.name)"};
    case GroupBy::kAgency:
      return {"coalesce(s.agency, '?')", "max(s.agency_name)"};
    case GroupBy::kDay:
      return {"c.day::text", "''"};
    case GroupBy::kMonth:
      return {"to_char(c.day, 'YYYY-MM')", "''"};
    case GroupBy::kHour:
      return {"lpad(c.hour::text, 2, '0')", "''"};
    case GroupBy::kWeekdayHour:
      return {"c.weekday::text || '-' || lpad(c.hour::text, 2, '0')", "''"};
    case GroupBy::kCounter:
      return {"c.mpp_id || '/' || c.counter_id::text", "max(m.name)"};
    case GroupBy::kOperator:
      return {"c.mpp_id || '/' || c.operator", "max(m.name)"};
  }
  return {"''", "''"};
}

// FROM and WHERE for `table` (cell or rating by `day`, a monthly rollup by
// `month`) with the query's filters as $1.. $5 (from, to, province, city, mpp).
std::string From(const std::string& table, const std::string& period = "day") {
  return " FROM " + table +
         " c JOIN mpp m ON m.mpp_id = c.mpp_id LEFT JOIN standard s ON s.mpp_id = c.mpp_id AND"
         " s.service = c.service WHERE c." +
         period +
         " BETWEEN $1::date AND $2::date AND ($3 = '' OR m.province = $3) AND ($4 = '' OR"
         " m.city = $4) AND ($5 = '' OR c.mpp_id = $5)";
}

constexpr const char* kTotal = "\x01total";  // the GROUPING SETS total's key

// The summed counts both tables have, in this order, after the key and label.
constexpr const char* kCountSums =
    ", sum(issued), sum(served), sum(no_show), sum(cancelled), sum(expired), sum(transferred),"
    " sum(print_failed), sum(priority), sum(out_of_order), sum(appointments), sum(wait_judged),"
    " sum(wait_within), sum(service_judged), sum(service_within)";
constexpr int kCountSumColumns = 14;

// A row's label and counts from a query of `key, label` + kCountSums.
void ReadCounts(const pqxx::row& r, report::Row* row) {
  row->label = r[1].is_null() ? "" : r[1].as<std::string>();
  int* counts[] = {&row->issued,         &row->served,        &row->no_show,      &row->cancelled,
                   &row->expired,        &row->transferred,   &row->print_failed, &row->priority,
                   &row->out_of_order,   &row->appointments,  &row->wait_judged,  &row->wait_within,
                   &row->service_judged, &row->service_within};
  for (int i = 0; i < kCountSumColumns; ++i) {
    *counts[i] = r[2 + i].is_null() ? 0 : r[2 + i].as<int>();
  }
}

std::string KeyOf(const pqxx::field& f) { return f.is_null() ? kTotal : f.as<std::string>(); }

report::Distribution Dist(const pqxx::row& r, int first) {
  report::Distribution d;
  d.n = r[first].as<int64_t>();
  if (d.n == 0) return d;
  d.mean_ms = r[first + 1].as<double>();
  d.median_ms = r[first + 2].as<int64_t>();
  d.p90_ms = r[first + 3].as<int64_t>();
  d.max_ms = r[first + 4].as<int64_t>();
  return d;
}

bool WholeMonths(const std::string& from, const std::string& to) {
  const auto end = LocalMidnightMs(to, 0);
  return from.size() == 10 && from.compare(8, 2, "01") == 0 && end &&
         ToLocal(*end + 86'400'000, 0).day == 1;
}

bool RollupGrouping(GroupBy by) {
  return by == GroupBy::kMpp || by == GroupBy::kCity || by == GroupBy::kProvince ||
         by == GroupBy::kAgency || by == GroupBy::kService || by == GroupBy::kMonth;
}

// Nearest-rank percentiles from summed histograms: the middle of the bucket
// holding the rank.
int64_t HistogramRank(const std::vector<int64_t>& hist, int64_t n, double p, int64_t max_ms) {
  const auto rank =
      std::max<int64_t>(1, static_cast<int64_t>(std::ceil(p * static_cast<double>(n))));
  int64_t seen = 0;
  for (size_t b = 0; b < hist.size(); ++b) {
    seen += hist[b];
    if (seen < rank) continue;
    const auto [lo, hi] = BucketMinutes(static_cast<int>(b));
    const int64_t mid = hi == 0 ? static_cast<int64_t>(lo) * 60000
                                : (static_cast<int64_t>(lo) + hi) * 30000;  // (lo + hi) / 2 min
    return std::min(mid, max_ms);
  }
  return max_ms;
}

// A row's ratings and SKM from a query of `key`, the four scores' counts,
// the respondents, then per element U1..U9 its answers and their sum.
void ReadRatings(const pqxx::row& r, report::Row* row) {
  for (int s = 1; s <= 4; ++s) row->ratings[s] = r[s].as<int>();
  std::array<int, 9> answered{};
  std::array<int64_t, 9> sums{};
  for (int i = 0; i < 9; ++i) {
    answered[i] = r[6 + 2 * i].as<int>();
    sums[i] = r[7 + 2 * i].as<int64_t>();
  }
  row->skm = report::SkmFromSums(r[5].as<int>(), answered, sums);
}

// The report from the monthly rollups (see report.h).
Status FromRollups(pqxx::read_transaction& w, const CentralQuery& q,
                   std::map<std::string, report::Row>* rows) {
  auto [key, label] = KeyAndLabel(q.by);
  if (q.by == GroupBy::kMonth) key = "to_char(c.month, 'YYYY-MM')";
  auto from = [](const std::string& table) { return From(table, "month"); };
  auto run = [&](const std::string& sql) {
    return w.exec_params(sql, q.from, q.to, q.province, q.city, q.mpp);
  };
  const std::string sets = " GROUP BY GROUPING SETS ((" + key + "), ())";
  std::map<std::string, std::array<int64_t, 4>> extremes;  // wait sum, max, service sum, max
  for (const auto& r : run("SELECT " + key + ", " + label + kCountSums +
                           ", sum(wait_sum), max(wait_max), sum(service_sum), max(service_max)" +
                           from("month_service") + sets)) {
    const std::string k = KeyOf(r[0]);
    ReadCounts(r, &(*rows)[k]);
    for (int i = 0; i < 4; ++i) {
      const int col = 2 + kCountSumColumns + i;
      extremes[k][i] = r[col].is_null() ? 0 : r[col].as<int64_t>();
    }
  }
  // The histograms are summed here, not in SQL: 150,000 rows of 55 buckets
  // unnested and regrouped took 3.5 s for the national year; parsed and added
  // as they arrive, well under one.
  std::map<std::string, std::array<std::vector<int64_t>, 2>> hist;  // waits, services
  auto add = [](std::vector<int64_t>* into, const char* text) {
    if (into->empty()) into->assign(55, 0);
    size_t b = 0;
    for (const char* p = text; *p && b < into->size();) {
      if (*p == '{' || *p == ',' || *p == '}') {
        ++p;
        continue;
      }
      char* end = nullptr;
      (*into)[b++] += std::strtoll(p, &end, 10);
      p = end;
    }
  };
  for (const auto& r :
       run("SELECT " + key + ", c.wait_hist, c.service_hist" + from("month_service"))) {
    for (const std::string& k : {KeyOf(r[0]), std::string(kTotal)}) {
      auto& h = hist[k];
      add(&h[0], r[1].c_str());
      add(&h[1], r[2].c_str());
    }
  }
  for (auto& [k, h] : hist) {
    report::Row& row = (*rows)[k];
    const auto& e = extremes[k];
    for (int which = 0; which < 2; ++which) {
      report::Distribution& d = which == 0 ? row.wait : row.service;
      d.n = which == 0 ? row.wait_judged : row.service_judged;
      if (d.n == 0) continue;
      d.mean_ms = static_cast<double>(e[2 * which]) / static_cast<double>(d.n);
      d.max_ms = e[2 * which + 1];
      d.median_ms = HistogramRank(h[which], d.n, 0.5, d.max_ms);
      d.p90_ms = HistogramRank(h[which], d.n, 0.9, d.max_ms);
    }
  }
  std::string skm_cols;
  for (int i = 1; i <= 9; ++i) {
    skm_cols += ", sum(answered[" + std::to_string(i) + "]), sum(sums[" + std::to_string(i) + "])";
  }
  for (const auto& r : run("SELECT " + key +
                           ", sum(scores[1]), sum(scores[2]), sum(scores[3]), sum(scores[4]),"
                           " sum(respondents)" +
                           skm_cols + from("month_rating") + sets)) {
    ReadRatings(r, &(*rows)[KeyOf(r[0])]);
  }
  return Status::Ok();
}

}  // namespace

std::pair<int, int> BucketMinutes(int b) {
  if (b < 10) return {b, b + 1};
  if (b < 20) return {10 + 2 * (b - 10), 12 + 2 * (b - 10)};
  if (b < 38) return {30 + 5 * (b - 20), 35 + 5 * (b - 20)};
  if (b < 46) return {120 + 15 * (b - 38), 135 + 15 * (b - 38)};
  if (b < 54) return {240 + 30 * (b - 46), 270 + 30 * (b - 46)};
  return {480, 0};
}

// The report from every stored cell and rating.
void FromCells(pqxx::read_transaction& w, const CentralQuery& q,
               std::map<std::string, report::Row>* out) {
  const auto [key, label] = KeyAndLabel(q.by);
  std::map<std::string, report::Row>& rows = *out;
  auto run = [&](const std::string& sql) {
    return w.exec_params(sql, q.from, q.to, q.province, q.city, q.mpp);
  };
  // Counts and shares within the standard, summed over the cells.
  for (const auto& r : run("SELECT " + key + ", " + label + kCountSums + From("cell") +
                           " GROUP BY GROUPING SETS ((" + key + "), ())")) {
    ReadCounts(r, &rows[KeyOf(r[0])]);
  }
  // Waiting and service times: nearest-rank percentiles of every stored value.
  for (const char* column : {"waits", "services"}) {
    const std::string sql =
        "SELECT k, count(v), avg(v), percentile_disc(0.5) WITHIN GROUP (ORDER BY v),"
        " percentile_disc(0.9) WITHIN GROUP (ORDER BY v), max(v) FROM (SELECT " +
        key + " AS k, unnest(c." + column + ") AS v" + From("cell") +
        ") x GROUP BY GROUPING SETS ((k), ())";
    for (const auto& r : run(sql)) {
      report::Row& row = rows[KeyOf(r[0])];
      (std::string(column) == "waits" ? row.wait : row.service) = Dist(r, 1);
    }
  }
  // Ratings and the SKM from summed answers.
  std::string skm_cols;
  for (int i = 1; i <= 9; ++i) {
    const std::string u = "c.u[" + std::to_string(i) + "]";
    skm_cols += ", count(*) FILTER (WHERE " + u + " > 0), coalesce(sum(" + u + ") FILTER (WHERE " +
                u + " > 0), 0)";
  }
  for (const auto& r :
       run("SELECT " + key +
           ", count(*) FILTER (WHERE score = 1), count(*) FILTER (WHERE score = 2),"
           " count(*) FILTER (WHERE score = 3), count(*) FILTER (WHERE score = 4),"
           " count(*) FILTER (WHERE 0 < ANY (c.u))" +
           skm_cols + From("rating") + " GROUP BY GROUPING SETS ((" + key + "), ())")) {
    ReadRatings(r, &rows[KeyOf(r[0])]);
  }
}

StatusOr<report::Report> CentralReport(pqxx::connection& db, const CentralQuery& q,
                                       bool* from_rollups) {
  report::Report rep;
  rep.from = q.from;
  rep.to = q.to;
  rep.by = q.by;
  if (!LocalMidnightMs(q.from, 0) || !LocalMidnightMs(q.to, 0) || q.to < q.from) {
    return Status::Error("dates must look like 2026-11-30, from before to (from '" + q.from +
                         "', to '" + q.to + "')");
  }
  std::map<std::string, report::Row> rows;
  const bool rollups = !q.exact && WholeMonths(q.from, q.to) && RollupGrouping(q.by);
  if (from_rollups) *from_rollups = rollups;
  try {
    pqxx::read_transaction w(db);
    if (rollups) {
      if (Status st = FromRollups(w, q, &rows); !st.ok()) return st;
    } else {
      FromCells(w, q, &rows);
    }
    w.commit();
  } catch (const std::exception& e) {
    return CentralError(e, "central report");
  }
  for (auto& [k, row] : rows) {
    if (k == kTotal) {
      row.key = "TOTAL";
      row.label.clear();
      rep.total = row;
    } else {
      row.key = k;
      rep.rows.push_back(row);
    }
  }
  if (q.worst_first) {
    auto share = [](const report::Row& r) {
      return r.wait_judged ? static_cast<double>(r.wait_within) / r.wait_judged : 2.0;
    };
    std::stable_sort(rep.rows.begin(), rep.rows.end(),
                     [&](const auto& a, const auto& b) { return share(a) < share(b); });
  }
  if (q.limit > 0 && rep.rows.size() > static_cast<size_t>(q.limit)) rep.rows.resize(q.limit);
  return rep;
}

Status CentralError(const std::exception& e, const std::string& doing) {
  std::string why;
  for (const char* p = e.what(); *p; ++p) {
    if (*p != '\n' && *p != '\t' && *p != ' ') {
      why += *p;
    } else if (!why.empty() && why.back() != ' ') {
      why += ' ';
    }
  }
  while (!why.empty() && why.back() == ' ') why.pop_back();
  const bool gone = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr;
  return Status::Error((gone ? std::string("the central database is unreachable") : doing) + ": " +
                       why);
}

StatusOr<std::unique_ptr<pqxx::connection>> ConnectReadOnly(const std::string& url,
                                                            const std::string& application_name) {
  try {
    auto db = std::make_unique<pqxx::connection>(url);
    pqxx::nontransaction n(*db);
    n.exec("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    n.exec("SET application_name = " + n.quote(application_name));
    return db;
  } catch (const std::exception& e) {
    return CentralError(e, "connecting to the central database");
  }
}

StatusOr<Overview> ReadOverview(pqxx::connection& db) {
  Overview o;
  try {
    pqxx::read_transaction t(db);
    for (const auto& r :
         t.exec("SELECT mpp_id, name, city, province FROM mpp ORDER BY province, city, name")) {
      o.halls.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                         r[3].as<std::string>()});
    }
    const pqxx::row days = t.exec1("SELECT min(day)::text, max(day)::text FROM shipped_day");
    if (!days[0].is_null()) {
      o.first_day = days[0].as<std::string>();
      o.last_day = days[1].as<std::string>();
    }
    t.commit();
  } catch (const std::exception& e) {
    return CentralError(e, "reading the central database's halls");
  }
  return o;
}

}  // namespace mpp::central
