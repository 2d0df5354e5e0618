// Shipper: what a hall's reports need, from its broker's SQLite file to the
// central PostgreSQL database (docs/CENTRAL.md).
//
// A companion program (mpp-ship), not the broker: it reads the broker's file
// read-only (WAL lets it read beside the writer), so the network and
// PostgreSQL never touch the reactor or its commits, it restarts on its own,
// and the broker's process links no libpq.
//
// The unit is a closed, summarized day (report_days): its summary cells with
// every wait and service time, its ratings. A day is shipped in a
// transaction (one per month: its changed days, then the month's rollups)
// that replaces whatever the hall sent for it before, with the digest of
// what it sent: days the central database lacks, or whose digest
// differs (a restored or rebuilt hall re-summarized them), are sent; the
// others are not. So a hall offline for a week catches up by itself, a
// shipper killed mid-day leaves nothing of that day (rolled back), and
// nothing is counted twice.
//
// Nothing personal leaves the hall: no names or phone numbers (the summaries
// hold none), no PIN data, operator ids replaced by keyed hashes unless the
// MPP opts in (`operator_names`).
#pragma once

#include <pqxx/pqxx>
#include <string>

#include "common/status.h"

namespace mpp::central {

struct ShipOptions {
  std::string db_path;          // the broker's SQLite file
  std::string mpp_id;           // this hall in the central database
  std::string operator_key;     // 32 bytes: the key of the operators' pseudonyms
  bool operator_names = false;  // ship operator ids as they are (the MPP opted in)
};

struct ShipResult {
  int days_shipped = 0;    // sent (new or changed)
  int days_unchanged = 0;  // already there with the same digest
  int cells = 0;
  int ratings = 0;
  int facts = 0;  // anonymous ticket facts
};

// One pass: the standards in force, then every summarized day that is new or
// changed, oldest first, one transaction a month (its changed days and its
// monthly rollups made again).
StatusOr<ShipResult> ShipOnce(pqxx::connection& central, const ShipOptions& options);

// Reads the operators' pseudonym key from `path`, or makes one there (mode
// 0600) when there is none.
StatusOr<std::string> LoadOrMakeOperatorKey(const std::string& path);
// "op-" and 16 hex digits: the same id gives the same pseudonym with the
// same key; without the key it cannot be reversed.
std::string OperatorPseudonym(const std::string& operator_id, const std::string& key);

}  // namespace mpp::central
