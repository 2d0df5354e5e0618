#include "broker/store/archive.h"

#include <sqlite3.h>

#include <filesystem>

#include "broker/store/db_lock.h"
#include "broker/store/schema_version.h"
#include "broker/store/sqlite_conn.h"
#include "common/time_util.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::store {
namespace {

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Status ArchiveYears(const std::string& db_path, int through_year, const std::string& to,
                    bool vacuum, ArchiveInfo* info) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return Status::Error("no database at " + db_path);
  if (fs::exists(to, ec)) {
    return Status::Error(to + " exists; an archive is never written over. Give a new name.");
  }
  if (through_year < 2000 || through_year > 9998) {
    return Status::Error("--through " + std::to_string(through_year) + " is not a year");
  }
  // No broker may write while rows move out from under it.
  auto lock = DatabaseLock::Acquire(db_path);
  if (!lock.ok()) {
    return Status::Error(lock.status().message() +
                         "; stop the broker first (archiving is done with the hall closed)");
  }
  SqliteConn d;
  // CREATE: ATTACH makes the archive file with this connection's flags (the
  // database itself was checked to exist above).
  if (sqlite3_open_v2(db_path.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    return Status::Error("cannot open " + db_path + ": " + sqlite3_errmsg(d.db));
  }
  sqlite3_busy_timeout(d.db, 5000);
  if (d.Int("PRAGMA application_id") != 0x4D505031) {
    return Status::Error(db_path + " is not an MPP broker database");
  }
  if (d.Int("PRAGMA user_version") != kSchemaVersion) {
    return Status::Error(db_path + " has schema " + d.Text("PRAGMA user_version") +
                         ", not this version's (" + std::to_string(kSchemaVersion) +
                         "): start the broker of this version on it once, then archive");
  }
  // The hall's time zone: from the catalog in force, as the broker stored it.
  int utc_offset_min = 0;
  {
    sqlite3_stmt* q = nullptr;
    bool found = false;
    if (sqlite3_prepare_v2(d.db, "SELECT data FROM catalogs ORDER BY first_ms DESC LIMIT 1", -1, &q,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
      v1::Catalog catalog;
      found = catalog.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0));
      utc_offset_min = catalog.utc_offset_min();
    }
    sqlite3_finalize(q);
    if (!found) {
      return Status::Error(db_path + " holds no catalog yet; start the broker on it once, then archive");
    }
  }
  const std::string cutoff = std::to_string(through_year + 1) + "-01-01";
  const auto cutoff_ms = LocalMidnightMs(cutoff, utc_offset_min);
  if (!cutoff_ms) return Status::Error("cannot compute the start of " + cutoff);
  // A closed year: the hall has run on a later day (which also keeps the
  // newest event and ticket, from which the broker numbers the next ones).
  const std::string latest = d.Text("SELECT max(business_day) FROM tickets");
  if (latest.empty() || latest < cutoff) {
    return Status::Error(std::to_string(through_year) +
                         " is not closed: the latest business day in the database is " +
                         (latest.empty() ? std::string("none") : latest) +
                         "; archive a year once the hall has worked in the next one");
  }
  if (const std::string day = d.Text(
          "SELECT business_day FROM tickets WHERE business_day < ?1 AND business_day NOT IN "
          "(SELECT business_day FROM report_days) LIMIT 1",
          cutoff);
      !day.empty()) {
    return Status::Error("business day " + day +
                         " has no summary, so its report would change; start the broker once "
                         "(it summarizes closed days) and archive again");
  }
  if (const std::string open = d.Text(
          "SELECT number || ' of ' || business_day FROM tickets WHERE business_day < ?1 AND "
          "state IN ('WAITING','CALLED','SERVING','HELD') LIMIT 1",
          cutoff);
      !open.empty()) {
    return Status::Error("ticket " + open + " is not finished; finish or cancel it first");
  }
  const std::string ms = std::to_string(*cutoff_ms);
  const std::string days_where = "business_day < " + Quoted(cutoff);
  info->first_day = d.Text("SELECT min(business_day) FROM tickets WHERE " + days_where);
  info->last_day = d.Text("SELECT max(business_day) FROM tickets WHERE " + days_where);
  info->days = d.Int("SELECT count(DISTINCT business_day) FROM tickets WHERE " + days_where);
  info->tickets = d.Int("SELECT count(*) FROM tickets WHERE " + days_where);
  info->events = d.Int("SELECT count(*) FROM events WHERE ts_ms < " + ms);
  info->bytes_before = static_cast<int64_t>(fs::file_size(db_path, ec));
  if (info->tickets == 0 && info->events == 0) {
    return Status::Error("nothing to archive up to " + std::to_string(through_year));
  }

  // 1. Copy into the new archive, with the same tables, and check it.
  if (Status st = d.Exec("ATTACH DATABASE " + Quoted(to) + " AS archive"); !st.ok()) return st;
  // Each table the archive holds, and its rows that go there: events and
  // tickets are moved (deleted below), the rest copied so the archive reports
  // its years on its own.
  const std::string where_day = " WHERE " + days_where;
  const std::pair<std::string, std::string> tables[] = {
      {"events", " WHERE ts_ms < " + ms}, {"tickets", where_day},     {"ratings", where_day},
      {"report_cells", where_day},         {"report_days", where_day}, {"catalogs", ""}};
  Status st = d.Exec("BEGIN IMMEDIATE");
  for (const auto& [table, where] : tables) {
    if (!st.ok()) break;
    const std::string sql =
        d.Text("SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?1", table);
    if (sql.empty()) {
      st = Status::Error("table " + table + " is missing from " + db_path);
      break;
    }
    st = d.Exec("CREATE TABLE archive." + sql.substr(sql.find(table)));
    if (st.ok()) st = d.Exec("INSERT INTO archive." + table + " SELECT * FROM main." + table + where);
  }
  if (st.ok()) {
    st = d.Exec("PRAGMA archive.application_id = " + std::to_string(kArchiveApplicationId));
  }
  if (st.ok()) st = d.Exec("PRAGMA archive.user_version = " + std::to_string(kSchemaVersion));
  if (st.ok() && (d.Int("SELECT count(*) FROM archive.tickets") != info->tickets ||
                  d.Int("SELECT count(*) FROM archive.events") != info->events)) {
    st = Status::Error("the archive's row counts do not match; nothing was deleted");
  }
  if (st.ok()) st = d.Exec("COMMIT");
  if (!st.ok()) {
    d.Exec("ROLLBACK");
    d.Exec("DETACH DATABASE archive");
    fs::remove(to, ec);
    return st;
  }
  if (d.Text("PRAGMA archive.quick_check") != "ok") {
    d.Exec("DETACH DATABASE archive");
    return Status::Error("the archive " + to + " failed its check; nothing was deleted");
  }
  if (Status s = d.Exec("DETACH DATABASE archive"); !s.ok()) return s;

  // 2. Delete what is now in the archive.
  st = d.Exec("BEGIN IMMEDIATE");
  if (st.ok()) st = d.Exec("DELETE FROM events WHERE ts_ms < " + ms);
  if (st.ok()) st = d.Exec("DELETE FROM tickets" + where_day);
  if (st.ok()) st = d.Exec("COMMIT");
  if (!st.ok()) {
    d.Exec("ROLLBACK");
    return Status::Error("the archive " + to + " is written, but deleting the rows failed (" +
                         st.message() + "); the database is unchanged");
  }
  if (vacuum) {
    if (Status v = d.Exec("VACUUM"); !v.ok()) {
      return Status::Error("archived, but VACUUM failed (" + v.message() +
                           "); the file keeps its size and reuses the freed pages");
    }
  }
  d.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  info->bytes_after = static_cast<int64_t>(fs::file_size(db_path, ec));
  return Status::Ok();
}

}  // namespace mpp::store
