// Archiving closed years: the event log and the ticket rows only grow (about
// 1-1.5 KB per ticket). ArchiveYears moves the events and tickets of every
// business day up to the end of a closed year into a file of their own and
// deletes them from the hall's database, without changing any report: a
// closed day's report is read from its summary (report_cells, report_days),
// and the ratings, summaries and catalogs stay (the archive gets copies, so
// it reports its years on its own: mppctl report --db ARCHIVE).
//
// Offline: it takes the database's lock, so a running broker makes it refuse
// (with the broker's pid). Two steps, each a transaction: the rows are copied
// into the new archive file and checked, then deleted from the database; a
// crash in between leaves them in both, never in neither.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace mpp::store {

struct ArchiveInfo {
  std::string first_day, last_day;  // the business days moved
  int64_t days = 0, tickets = 0, events = 0;
  int64_t bytes_before = 0, bytes_after = 0;  // the database file
};

// Moves the days up to `through_year`-12-31 of the database at `db` into the
// new file `to` (refused if it exists). Refused, with what to do, when the
// year is not closed (no later business day), a day has no summary or an
// unfinished ticket, the file is of another schema or a broker holds it.
// `vacuum`: rebuild the database afterwards so the file shrinks (needs free
// space about its size); without, the freed pages are reused by new rows.
// Days end at local midnight of the hall's time zone, read from the catalog
// in force (stored in the database).
Status ArchiveYears(const std::string& db, int through_year, const std::string& to, bool vacuum,
                    ArchiveInfo* info);

// PRAGMA application_id of an archive: "MPPA" (a broker refuses to serve it).
inline constexpr int64_t kArchiveApplicationId = 0x4D505041;

}  // namespace mpp::store
