// Compliance reports: waiting and service times against each ticket's own
// published standard, counts, ratings and the SKM index (PermenPAN-RB
// 14/2017), for a date range, grouped by agency, service, counter, operator,
// day or hour of day. Read-only on the broker's SQLite file.
//
// "Within standard" uses the targets recorded on each ticket when it was
// issued/served (tickets.wait_met, tickets.service_met), so a standard
// changed mid-range never rewrites history.
//
// This header and its library (mpp_report) are the reports as values -
// rows, distributions, SKM, formats, the wire form - with no database: the
// manager's dashboard links only this. Building one from the broker's SQLite
// file is broker/report/build.h (mpp_report_db).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::report {

// kHour groups by the hour of day tickets were issued ("08"); kWeekdayHour
// by ISO weekday and hour ("1-08" = Monday 08.00-08.59), for heat maps.
// kMpp, kCity, kProvince and kMonth group the central report of many halls
// (central/report.h); a hall's own report refuses them.
enum class GroupBy {
  kAgency,
  kService,
  kCounter,
  kOperator,
  kDay,
  kHour,
  kWeekdayHour,
  kMpp,
  kCity,
  kProvince,
  kMonth
};
bool CentralOnly(GroupBy by);
bool ParseGroupBy(const std::string& text, GroupBy* by);
const char* GroupByName(GroupBy by);

struct Distribution {
  int64_t n = 0;
  double mean_ms = 0;
  int64_t median_ms = 0;  // nearest-rank percentiles
  int64_t p90_ms = 0;
  int64_t max_ms = 0;
};
Distribution Summarize(std::vector<int64_t> values);

// The SKM index of a set of forms (nine answers each, 1..4, 0 = not answered).
struct Skm {
  int respondents = 0;            // forms with at least one answer
  std::array<int, 9> answered{};  // per element
  std::array<double, 9> nrr{};    // per element: sum / answered
  double ikm = 0;                 // sum NRR_i x 1/9 (over answered elements)
  double score = 0;               // IKM x 25, rounded to 2 decimals
  char grade = '-';
  std::string label;  // "Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik"
};
Skm ComputeSkm(const std::vector<std::array<int, 9>>& forms);
// The same from sums: forms with an answer, and per element the answers and
// their sum (what a database sums in SQL).
Skm SkmFromSums(int respondents, const std::array<int, 9>& answered,
                const std::array<int64_t, 9>& sums);
// The SKM grades (PermenPAN-RB 14/2017): each grade's lowest converted score
// (0..100), best first. The one place they are written.
struct GradeBand {
  char grade;
  double min_score;
  const char* label;
};
inline constexpr GradeBand kGradeBands[] = {{'A', 88.31, "Sangat Baik"},
                                            {'B', 76.61, "Baik"},
                                            {'C', 65.00, "Kurang Baik"},
                                            {'D', 0.0, "Tidak Baik"}};
// Grade of a converted score (0..100), rounded to 2 decimals first.
char Grade(double score, std::string* label);
// "A >= 88.31  B >= 76.61  C >= 65.00  D < 65.00", with `decimal` (',' in
// Indonesian) as the decimal separator: the legend beside a grade.
std::string GradeLegend(char decimal);

struct Row {
  std::string key;    // the group: agency code, service code, counter id, operator, day, hour
  std::string label;  // its name, where there is one
  int issued = 0, served = 0, no_show = 0, cancelled = 0, transferred = 0, print_failed = 0;
  int expired = 0;  // unfinished when the business day ended (docs/PROTOCOL.md)
  int priority = 0;
  std::map<std::string, int> priority_by_reason;  // "LANSIA" -> n
  int out_of_order = 0;  // called ahead of their turn (Ticket.out_of_order)
  // Appointments: tickets from bookings; waits of those on time (from their
  // slot's start) and of walk-ins; the period's bookings by outcome (a
  // grouping by counter or operator has them in the total only).
  int appointments = 0;
  Distribution appointment_wait, walk_in_wait;
  int bookings = 0, bookings_kept = 0, bookings_missed = 0, bookings_cancelled = 0;
  Distribution wait, service;
  int wait_judged = 0, wait_within = 0;
  int service_judged = 0, service_within = 0;
  // How honest the tickets were: called tickets that had a wait forecast at
  // issue, those within +/-10 minutes of their real wait, and the median
  // absolute error (nearest rank, like the other medians).
  int estimate_judged = 0, estimate_within = 0;
  int64_t estimate_median_error_ms = 0;
  std::array<int, 5> ratings{};  // [score] for score 1..4
  Skm skm;
};

struct Completeness {
  std::string service;
  int present = 0;  // of the six published components
  std::vector<std::string> missing;
};

struct Report {
  std::string from, to;  // business days, inclusive
  GroupBy by = GroupBy::kService;
  std::vector<Row> rows;  // sorted by key
  Row total;
  std::vector<Completeness> completeness;
};

// "table" (aligned text), "csv" (RFC 4180: ',' and '.', for scripts), "excel"
// (CSV for Excel with Indonesian regional settings: UTF-8 BOM, ';', decimal
// comma, CRLF), "json" or "md"; empty string for an unknown format.
std::string Format(const Report& report, const std::string& format);

// The report as an Excel workbook (libxlsxwriter): "Kepatuhan" (every column,
// numbers as numbers, the total bold), "SKM" (respondents, U1..U9, the index
// and grade per group) and "Kelengkapan" (the published components).
Status WriteXlsx(const Report& report, const std::string& path);

// The wire form (the broker's `report` command) and back; lossless.
v1::ComplianceReport ToProto(const Report& report);
Report FromProto(const v1::ComplianceReport& report);

}  // namespace mpp::report
