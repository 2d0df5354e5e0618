// The central report: the compliance report of broker/report over many
// halls, computed in PostgreSQL (GROUP BY over the shipped cells, percentiles
// with percentile_disc over their stored waits - nearest rank, as a hall's
// own report - and the SKM from summed answers), in the same rows and formats
// (report::Format), grouped also by mpp, city, province and month.
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "broker/report/report.h"
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
};

StatusOr<report::Report> CentralReport(pqxx::connection& db, const CentralQuery& q);

}  // namespace mpp::central
