// The central report: the compliance report of broker/report over many
// halls, computed in PostgreSQL (GROUP BY over the shipped cells, percentiles
// with percentile_disc over their stored waits - nearest rank, as a hall's
// own report - and the SKM from summed answers), in the same rows and formats
// (report::Format), grouped also by mpp, city, province and month.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "broker/report/report.h"
#include "central/overview.h"
#include "common/status.h"

namespace mpp::central {

struct CentralQuery {
  std::string from, to;  // days, inclusive
  report::GroupBy by = report::GroupBy::kMpp;
  std::string province, city, mpp;  // filters; empty: all
  // Rows by their share of waits within each service's own standard, lowest
  // first (a ranking: the worst services or halls first); else by key.
  bool worst_first = false;
  int limit = 0;  // 0: every row
  // Read the cells even where the monthly rollups would do (see below).
  bool exact = false;
};

// Whole months grouped by mpp, city, province, agency, service or month are
// read from the monthly rollups (month_service, month_rating): counts,
// shares within the standard, means, maxima and the SKM are the same as from
// the cells; medians and p90 come from the wait histograms, the middle of
// their bucket (1 minute wide under 10 minutes, 2 under 30, 5 under 2 hours,
// then 15 and 30; `*from_rollups` says so). Other ranges and groupings, or
// `exact`, read every stored wait.
StatusOr<report::Report> CentralReport(pqxx::connection& db, const CentralQuery& q,
                                       bool* from_rollups = nullptr);

// A failure of the central database as one line (libpq's messages run over
// lines: "...refused\n\tIs the server running..."), for a log line and a
// screen's banner: "the central database is unreachable: ..." when the
// connection failed or is gone, else "`doing`: ...".
Status CentralError(const std::exception& e, const std::string& doing);

// A connection for reading only (the dashboard, a province's analyst): every
// transaction on it is READ ONLY, whatever the role may do, so a reader's
// program cannot change the central figures even when given an owner's URL.
// `application_name` names it in pg_stat_activity.
StatusOr<std::unique_ptr<pqxx::connection>> ConnectReadOnly(const std::string& url,
                                                            const std::string& application_name);

// The halls and the days the central database holds.
StatusOr<Overview> ReadOverview(pqxx::connection& db);

// The wait histograms' bucket `b` (0..54) as [lower, upper) minutes (upper
// 0: no upper bound), as the database's central_wait_bucket() makes them.
std::pair<int, int> BucketMinutes(int b);

}  // namespace mpp::central
