// The manager's dashboard as plain data: what the live view, the compliance
// view and the SKM view show, computed from the broker's live state and its
// reports. No drawing and no I/O, so every figure and alert is unit-tested.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/i18n.h"
#include "common/live_state.h"
#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::manager {

// ---- live ----

struct ServiceLive {
  std::string code, name, agency;
  int waiting = 0;
  int called_or_serving = 0;
  int open_counters = 0;       // counters open now (not on break) that serve it
  Millis longest_wait_ms = 0;  // the longest current wait (now - issue)
  int wait_target_min = 0;
  bool over_target = false;
};

struct CounterLive {
  int id = 0;
  std::string name, agency, operator_id, ticket;  // ticket: being called/served, or ""
  v1::CounterStatus status = v1::CLOSED;
  std::string status_text;  // "Buka", "Istirahat: Salat", "Tutup"
  Millis since_ms = 0;
};

struct Alert {
  enum class Kind {
    kDiskFull,
    kDiskLow,
    kWaitOverTarget,
    kPastClosing,  // the queue cannot be served before the MPP closes today
    kBreakWhileQueueGrows,
    kNoCounterOpen
  };
  Kind kind;
  std::string subject;  // service code or "Loket 3"
  std::string text;
};

struct LiveView {
  std::vector<ServiceLive> services;  // those with someone waiting or being served
  std::vector<CounterLive> counters;  // every counter of the catalog
  std::vector<Alert> alerts;          // the worst first
  int waiting = 0;
  int counters_open = 0, counters_on_break = 0;
};

// A counter on break alerts when tickets for its services arrived during the
// break and still wait (at least this many).
inline constexpr int kBreakQueueAlert = 3;

// What the broker's heartbeats say of itself.
struct BrokerHealth {
  bool disk_low = false;
  bool writes_refused = false;  // the disk is full
};

LiveView BuildLive(const LiveState& state, const CatalogIndex& catalog, Millis now, Lang lang,
                   const BrokerHealth& health = {});

// ---- compliance ----

// Date ranges offered with one tap, ending on `today` ("YYYY-MM-DD"). A
// hall's dashboard offers the first four; on the central database, where
// `today` is the last day shipped, whole months (read from the monthly
// rollups): that day's month, the three and twelve months ending with it,
// and its calendar year.
enum class Range {
  kToday,
  kLast7,
  kLast30,
  kThisMonth,
  kMonth,
  kLast3Months,
  kLast12Months,
  kYear
};
inline constexpr int kRanges = 8;
std::pair<std::string, std::string> RangeDates(Range range, const std::string& today);
// "Nov 2026" for "2026-11" (Indonesian or English month names).
std::string MonthName(const std::string& year_month, Lang lang);

// Hour-by-weekday mean waiting time, from a "weekday-hour" report.
struct HeatMap {
  int first_hour = 7, last_hour = 16;                // inclusive
  std::array<std::array<double, 24>, 8> mean_min{};  // [weekday 1..7][hour]
  std::array<std::array<int, 24>, 8> n{};            // waits behind each cell
  double max_mean_min = 0;
};
HeatMap BuildHeatMap(const v1::ComplianceReport& weekday_hour);

// Sortable columns of the compliance table.
enum class Column {
  kGroup,
  kIssued,
  kServed,
  kNoShow,
  kOutOfOrder,  // called ahead of their turn
  kWaitMedian,
  kWaitP90,
  kWaitWithin,
  kServiceWithin,
  kEstimateWithin,  // how honest the tickets' wait estimates were
  kSkm
};
// Rows of `report` ordered by `column`; rows without a value (no waits) last.
std::vector<const v1::ReportRow*> SortedRows(const v1::ComplianceReport& report, Column column,
                                             bool ascending);
// Percent within, or nullopt when nothing was judged.
std::optional<double> WaitWithinPct(const v1::ReportRow& row);
std::optional<double> ServiceWithinPct(const v1::ReportRow& row);
// Percent of estimates at issue within +/-10 minutes of the real wait.
std::optional<double> EstimateWithinPct(const v1::ReportRow& row);

// Writes the report into `dir` as laporan-FROM-TO-BY[-REGION].csv (for Excel
// with Indonesian settings: BOM, ';', decimal comma) and .xlsx; returns the
// CSV's path. `region` (a province, city or hall of the central view) is
// written with '_' for anything but letters, digits and '-'.
StatusOr<std::string> ExportReport(const v1::ComplianceReport& report, const std::string& dir,
                                   const std::string& region = "");

// Heat colour for a mean wait against the catalog's typical target: green to
// amber to red (RGB, 0..255).
std::array<int, 3> HeatColor(double mean_min, double scale_min);

}  // namespace mpp::manager
