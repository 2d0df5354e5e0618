#include "central/report.h"

#include <algorithm>
#include <array>
#include <chrono>
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

// FROM and WHERE for `table` (cell or rating) with the query's filters as
// $1.. $5 (from, to, province, city, mpp).
std::string From(const std::string& table) {
  return " FROM " + table +
         " c JOIN mpp m ON m.mpp_id = c.mpp_id LEFT JOIN standard s ON s.mpp_id = c.mpp_id AND"
         " s.service = c.service WHERE c.day BETWEEN $1::date AND $2::date AND ($3 = '' OR"
         " m.province = $3) AND ($4 = '' OR m.city = $4) AND ($5 = '' OR c.mpp_id = $5)";
}

constexpr const char* kTotal = "\x01total";  // the GROUPING SETS total's key

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

}  // namespace

StatusOr<report::Report> CentralReport(pqxx::connection& db, const CentralQuery& q) {
  report::Report rep;
  rep.from = q.from;
  rep.to = q.to;
  rep.by = q.by;
  if (!LocalMidnightMs(q.from, 0) || !LocalMidnightMs(q.to, 0) || q.to < q.from) {
    return Status::Error("dates must look like 2026-11-30, from before to (from '" + q.from +
                         "', to '" + q.to + "')");
  }
  const auto [key, label] = KeyAndLabel(q.by);
  std::map<std::string, report::Row> rows;
  try {
    pqxx::read_transaction w(db);
    auto run = [&](const std::string& sql) {
      return w.exec_params(sql, q.from, q.to, q.province, q.city, q.mpp);
    };
    // Counts and shares within the standard, summed over the cells.
    for (const auto& r : run("SELECT " + key + ", " + label +
                             ", sum(issued), sum(served), sum(no_show), sum(cancelled),"
                             " sum(expired), sum(transferred), sum(print_failed), sum(priority),"
                             " sum(out_of_order), sum(appointments), sum(wait_judged),"
                             " sum(wait_within), sum(service_judged), sum(service_within)" +
                             From("cell") + " GROUP BY GROUPING SETS ((" + key + "), ())")) {
      report::Row& row = rows[KeyOf(r[0])];
      row.label = r[1].is_null() ? "" : r[1].as<std::string>();
      int* counts[] = {&row.issued,         &row.served,        &row.no_show,      &row.cancelled,
                       &row.expired,        &row.transferred,   &row.print_failed, &row.priority,
                       &row.out_of_order,   &row.appointments,  &row.wait_judged,  &row.wait_within,
                       &row.service_judged, &row.service_within};
      for (int i = 0; i < 14; ++i) *counts[i] = r[2 + i].is_null() ? 0 : r[2 + i].as<int>();
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
      skm_cols += ", count(*) FILTER (WHERE " + u + " > 0), coalesce(sum(" + u +
                  ") FILTER (WHERE " + u + " > 0), 0)";
    }
    for (const auto& r :
         run("SELECT " + key +
             ", count(*) FILTER (WHERE score = 1), count(*) FILTER (WHERE score = 2),"
             " count(*) FILTER (WHERE score = 3), count(*) FILTER (WHERE score = 4),"
             " count(*) FILTER (WHERE 0 < ANY (c.u))" +
             skm_cols + From("rating") + " GROUP BY GROUPING SETS ((" + key + "), ())")) {
      report::Row& row = rows[KeyOf(r[0])];
      for (int s = 1; s <= 4; ++s) row.ratings[s] = r[s].as<int>();
      std::array<int, 9> answered{};
      std::array<int64_t, 9> sums{};
      for (int i = 0; i < 9; ++i) {
        answered[i] = r[6 + 2 * i].as<int>();
        sums[i] = r[7 + 2 * i].as<int64_t>();
      }
      row.skm = report::SkmFromSums(r[5].as<int>(), answered, sums);
    }
    w.commit();
  } catch (const pqxx::broken_connection& e) {
    return Status::Error(std::string("the central database is unreachable: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Error(std::string("central report: ") + e.what());
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

}  // namespace mpp::central
