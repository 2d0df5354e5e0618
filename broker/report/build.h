// Compliance reports built from the broker's SQLite file (read-only), and the
// per-day summaries that keep that fast (broker/report/report.h has the
// report itself).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "broker/report/report.h"
#include "common/catalog.h"
#include "common/status.h"

namespace mpp::report {

// Opens a broker's file read-only for reading what it wrote (reports,
// mpp-ship): no per-call mutex, pages through a memory map; a file of an
// older schema is refused with how to migrate it.
using ReadOnlyDb = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
StatusOr<ReadOnlyDb> OpenReadOnly(const std::string& path);

// A summary cell's times as stored (little-endian uint32 ms, report_cells),
// appended to `out`.
void UnpackMs(const void* blob, int bytes, std::vector<int64_t>* out);

// Opens `db_path` read-only. `from`/`to` are "YYYY-MM-DD" (local business days).
StatusOr<Report> Build(const std::string& db_path, const CatalogIndex& catalog,
                       const std::string& from, const std::string& to, GroupBy by);

// Writes the summary of business day `day` (tables report_cells and
// report_days, schema 6) on the open write connection `db`, inside the
// caller's transaction: the day's tickets rolled up by service, counter,
// operator and local weekday and hour of issue, with every waiting and service
// time kept, so Build reads a few hundred rows per closed day instead of every
// ticket and still gives exact medians and p90s. Build uses a day's summary
// whenever one exists, so only a day whose tickets can no longer change may be
// summarized; the store drops a summary when one of the day's tickets is
// written again. `*tickets` (if given) receives the number of tickets.
Status SummarizeDay(sqlite3* db, int utc_offset_min, const std::string& day, int64_t now_ms,
                    int* tickets = nullptr);

}  // namespace mpp::report
