// The central database of many halls (PostgreSQL): its schema, roles and
// row-level security (docs/CENTRAL.md).
//
// Each hall's shipper (mpp-ship) logs in as the hall's own role, a member of
// `mpp_shipper`; row-level security lets it read and write only the rows of
// its own `mpp_id` (the `mpp` table maps roles to halls). Readers (the
// province, the ministry, the dashboard) are members of `mpp_reader`: every
// row, read only. The schema is versioned in `central_version` and applied by
// `mpp-central init` (idempotent).
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "central/overview.h"
#include "common/status.h"

namespace mpp::central {

inline constexpr int kCentralSchemaVersion = 5;

// Creates or migrates the schema and the two group roles. Run as the
// database's owner. `up_to`: stop at that version (a staged upgrade; the
// benchmark measures before and after partitioning).
Status ApplySchema(pqxx::connection& db, int up_to = kCentralSchemaVersion);

bool ValidMppId(const std::string& id);
// Registers (or updates) a hall and its login role `mpp_<id>` (dashes as
// underscores) with `password`; the role may write only this hall's rows.
Status AddMpp(pqxx::connection& db, const MppInfo& mpp, const std::string& password);
// The role name of a hall's shipper.
std::string ShipperRole(const std::string& mpp_id);
// Retires the detail of every month before `month` ("2025-02": January 2025
// and earlier): drops those months' partitions of cell, rating and
// ticket_fact. The monthly rollups and the shipped days stay (the trend
// reports keep them; a hall does not send those days again). Returns the
// partitions dropped. Run as the database's owner.
StatusOr<std::vector<std::string>> RetireBefore(pqxx::connection& db, const std::string& month);

// A reader's login role (the province's analyst, the dashboard).
Status AddReader(pqxx::connection& db, const std::string& role, const std::string& password);

}  // namespace mpp::central
