#include "broker/store/store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>

#include "broker/report/build.h"
#include "broker/report/report.h"
#include "broker/store/backup.h"

namespace mpp::store {
namespace {

// Each entry moves the schema from version i to i+1. Never edit a released
// entry; append a new one.
const char* const kMigrations[] = {
    // 1: the event log, materialized state and stored replies.
    R"sql(
CREATE TABLE events (
  seq        INTEGER PRIMARY KEY,
  ts_ms      INTEGER NOT NULL,
  type       TEXT    NOT NULL,
  ticket_id  INTEGER,
  counter_id INTEGER,
  payload    BLOB    NOT NULL
);
CREATE TABLE tickets (
  id               INTEGER PRIMARY KEY,
  business_day     TEXT    NOT NULL,
  number           TEXT    NOT NULL,
  service          TEXT    NOT NULL,
  issued_service   TEXT    NOT NULL,
  prefix           TEXT    NOT NULL,
  seq_no           INTEGER NOT NULL,
  state            TEXT    NOT NULL,
  priority         TEXT    NOT NULL,
  priority_granted_by TEXT,
  source           TEXT    NOT NULL,
  source_id        TEXT,
  issued_ms        INTEGER NOT NULL,
  arrival_ms       INTEGER NOT NULL,
  first_called_ms  INTEGER,
  serving_ms       INTEGER,
  finished_ms      INTEGER,
  ended_ms         INTEGER,
  recalls          INTEGER NOT NULL DEFAULT 0,
  counter_id       INTEGER,
  operator_id      TEXT,
  wait_target_min  INTEGER NOT NULL,
  service_std_min  INTEGER NOT NULL,
  transfers        INTEGER NOT NULL DEFAULT 0,
  transferred_from TEXT,
  print_failed     INTEGER NOT NULL DEFAULT 0,
  wait_ms          INTEGER,
  service_ms       INTEGER,
  wait_met         INTEGER,
  service_met      INTEGER,
  data             BLOB    NOT NULL,
  UNIQUE (business_day, number)
);
CREATE TABLE counters (
  id             INTEGER PRIMARY KEY,
  status         TEXT    NOT NULL,
  operator_id    TEXT,
  break_reason   TEXT,
  current_ticket INTEGER,
  since_ms       INTEGER,
  data           BLOB    NOT NULL
);
-- Stored replies for retries. Looked up in memory (loaded at start), so the
-- table is append-only with no index: a B-tree keyed by random request ids
-- would dirty one page per request in every group commit.
CREATE TABLE requests (
  client_id  TEXT    NOT NULL,
  request_id TEXT    NOT NULL,
  ts_ms      INTEGER NOT NULL,
  reply      BLOB    NOT NULL
);
)sql",
    // 2: indexes for start-up loading and reports. Every index costs pages in
    // each group commit, so only those a query needs (events and requests are
    // scanned rarely: replay and the start-up prune).
    R"sql(
CREATE INDEX tickets_by_day ON tickets (business_day, service);
CREATE INDEX tickets_open ON tickets (state) WHERE state IN ('WAITING','CALLED','SERVING','HELD');
)sql",
    // 3: operators (PIN hashes, failed sign-ins, lockouts) and visitors'
    // ratings with the nine SKM elements as columns for the reports.
    R"sql(
CREATE TABLE operators (
  id              TEXT PRIMARY KEY,
  name            TEXT,
  disabled        INTEGER NOT NULL,
  locked_until_ms INTEGER,
  data            BLOB    NOT NULL
);
CREATE TABLE ratings (
  ticket_id    INTEGER PRIMARY KEY,
  business_day TEXT    NOT NULL,
  ts_ms        INTEGER NOT NULL,
  counter_id   INTEGER NOT NULL,
  operator_id  TEXT,
  service      TEXT    NOT NULL,
  score        INTEGER NOT NULL,
  u1 INTEGER, u2 INTEGER, u3 INTEGER, u4 INTEGER, u5 INTEGER,
  u6 INTEGER, u7 INTEGER, u8 INTEGER, u9 INTEGER
);
CREATE INDEX ratings_by_day ON ratings (business_day);
)sql",
    // 4: settings changed at run time (the displays' running text).
    R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  ts_ms INTEGER NOT NULL
);
)sql",
    // 5: devices allowed on a broker with CURVE keys, with their roles.
    R"sql(
CREATE TABLE devices (
  public_key TEXT PRIMARY KEY,
  name       TEXT    NOT NULL,
  role       TEXT    NOT NULL,
  revoked    INTEGER NOT NULL,
  data       BLOB    NOT NULL
);
)sql",
    // 6: per-day summaries for reports (report::SummarizeDay): a closed day's
    // tickets rolled up by service, counter, operator, weekday and hour, with
    // every wait and service time (little-endian uint32 ms) for percentiles.
    R"sql(
CREATE TABLE report_cells (
  business_day     TEXT    NOT NULL,
  service          TEXT    NOT NULL,
  counter_id       INTEGER NOT NULL,
  operator_id      TEXT    NOT NULL,
  weekday          INTEGER NOT NULL,
  hour             INTEGER NOT NULL,
  issued           INTEGER NOT NULL,
  served           INTEGER NOT NULL,
  no_show          INTEGER NOT NULL,
  cancelled        INTEGER NOT NULL,
  transferred      INTEGER NOT NULL,
  print_failed     INTEGER NOT NULL,
  priority         INTEGER NOT NULL,
  priority_reasons TEXT    NOT NULL,
  wait_within      INTEGER NOT NULL,
  service_within   INTEGER NOT NULL,
  waits            BLOB    NOT NULL,
  services         BLOB    NOT NULL
);
CREATE INDEX report_cells_by_day ON report_cells (business_day);
CREATE TABLE report_days (
  business_day TEXT PRIMARY KEY,
  tickets      INTEGER NOT NULL,
  cells        INTEGER NOT NULL,
  ts_ms        INTEGER NOT NULL
);
)sql",
    // 7: every query on tickets by day is served by the UNIQUE (business_day,
    // number) index; the second day index only cost an insert per issue and a
    // delete + insert per transfer, and a page in each group commit. The open
    // tickets' index is the same, but its condition is written with OR: an IN
    // list of four made SQLite build a temporary table on every ticket write
    // to evaluate it (~10% of the broker's CPU per issue).
    R"sql(
DROP INDEX tickets_by_day;
DROP INDEX tickets_open;
CREATE INDEX tickets_open ON tickets (state)
  WHERE state = 'WAITING' OR state = 'CALLED' OR state = 'SERVING' OR state = 'HELD';
)sql",
    // 8: no index of open tickets. It served one start-up query (earlier
    // days' open tickets), yet cost a B-tree update and a page in nearly every
    // group commit. Of those tickets the broker keeps only the ones a counter
    // still holds (RollDay), found by id from the counters' rows.
    R"sql(
DROP INDEX tickets_open;
)sql",
    // 9: tickets left unfinished when their business day ended (state
    // EXPIRED, written by DAY_CHANGED) are counted in the day summaries; the
    // wait forecast at issue is kept per ticket, and its error per summary;
    // every catalog put in force is kept (reports use the one of their period).
    R"sql(
ALTER TABLE report_cells ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_cells ADD COLUMN estimate_errors BLOB NOT NULL DEFAULT x'';
ALTER TABLE tickets ADD COLUMN estimated_wait_ms INTEGER;
ALTER TABLE requests ADD COLUMN digest BLOB;
CREATE TABLE catalogs (
  version  TEXT PRIMARY KEY,
  first_ms INTEGER NOT NULL,
  data     BLOB    NOT NULL
);
)sql",
    // 10: a ticket called ahead of its turn keeps why (Ticket.out_of_order:
    // the reason's name, NULL when called in order), counted per summary.
    R"sql(
ALTER TABLE tickets ADD COLUMN out_of_order TEXT;
ALTER TABLE report_cells ADD COLUMN out_of_order INTEGER NOT NULL DEFAULT 0;
)sql",
    // 11: appointments. Bookings by (day, code) - a code is unique among the
    // open ones only - with the optional name and phone the visitor gave;
    // a ticket from a booking keeps it (1 on time, 2 late), and the summaries
    // keep appointment and walk-in waits apart.
    R"sql(
CREATE TABLE bookings (
  day        TEXT    NOT NULL,
  code       TEXT    NOT NULL,
  service    TEXT    NOT NULL,
  start_ms   INTEGER NOT NULL,
  state      TEXT    NOT NULL,
  booked_ms  INTEGER NOT NULL,
  ticket_id  INTEGER,
  name       TEXT,
  phone      TEXT,
  data       BLOB    NOT NULL,
  PRIMARY KEY (day, code)
);
ALTER TABLE tickets ADD COLUMN appointment INTEGER;
ALTER TABLE report_cells ADD COLUMN appointments INTEGER NOT NULL DEFAULT 0;
ALTER TABLE report_cells ADD COLUMN appointment_waits BLOB NOT NULL DEFAULT x'';
ALTER TABLE report_cells ADD COLUMN walk_in_waits BLOB NOT NULL DEFAULT x'';
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

std::string ReplyKey(const std::string& client, const std::string& request) {
  return client + '\x1f' + request;
}

class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  ~Stmt() { sqlite3_reset(s_); }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& IntOrNull(int i, int64_t v) {
    if (v == 0)
      sqlite3_bind_null(s_, i);
    else
      sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // Text and blobs are bound without a copy (SQLITE_STATIC): `v` must live
  // until Step() - bind a temporary only in the same full expression as Step().
  Stmt& Text(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& Blob(int i, const std::string& v) {
    sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  int Step() { return sqlite3_step(s_); }

 private:
  sqlite3_stmt* s_;
};

}  // namespace

int64_t Store::PragmaInt(const char* sql) const {
  sqlite3_stmt* q = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db_, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW) {
    v = sqlite3_column_int64(q, 0);
  }
  sqlite3_finalize(q);
  return v;
}

Status Store::CheckOwnFile() {
  const int64_t app = PragmaInt("PRAGMA application_id");
  if (app == kApplicationId) return Status::Ok();
  const int64_t tables = PragmaInt("SELECT count(*) FROM sqlite_master");
  const int64_t ours = PragmaInt("SELECT count(*) FROM sqlite_master WHERE name = 'events'");
  if (app < 0 || tables < 0) {
    return Status::Error(path_ + " cannot be read as an SQLite database (" + sqlite3_errmsg(db_) +
                         "); if it is the broker's, restore the last backup (docs/OPERATIONS.md, "
                         "\"Restoring a backup\")");
  }
  if (app != 0 || (tables > 0 && ours == 0)) {
    return Status::Error(path_ + " is not an MPP broker database (application_id " +
                         std::to_string(app) + ", " + std::to_string(tables) +
                         " tables of another program); give --db a file of its own");
  }
  // A new file, or one of ours from before the id: mark it.
  return Exec("PRAGMA application_id = 1297109041;");
}

Status Store::CheckIntegrity(int budget_ms, bool* finished) {
  *finished = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget_ms);
  sqlite3_progress_handler(
      db_, 10000,
      [](void* d) -> int {
        return std::chrono::steady_clock::now() >
               *static_cast<std::chrono::steady_clock::time_point*>(d);
      },
      const_cast<std::chrono::steady_clock::time_point*>(&deadline));
  sqlite3_stmt* q = nullptr;
  std::string problems;
  int rc = sqlite3_prepare_v2(db_, "PRAGMA quick_check(10)", -1, &q, nullptr);
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
      const std::string line = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
      if (line != "ok") problems += "\n  " + line;
    }
  }
  const int err = rc;
  sqlite3_finalize(q);
  sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  if (err == SQLITE_INTERRUPT) return Status::Ok();  // out of time: not checked, not damaged
  if (err != SQLITE_DONE) {
    problems += "\n  " + std::string(sqlite3_errstr(err));
  }
  if (!problems.empty()) {
    return Status::Error(
        path_ + " is damaged:" + problems +
        "\nNot serving from it. Move it (with its -wal) aside and restore the last "
        "backup (docs/OPERATIONS.md, \"Restoring a backup\").");
  }
  *finished = true;
  return Status::Ok();
}

StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, int max_version,
                                             int check_budget_ms, bool* check_finished) {
  std::unique_ptr<Store> s(new Store());
  s->path_ = path;
  if (sqlite3_open_v2(path.c_str(), &s->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = s->db_ ? sqlite3_errmsg(s->db_) : "out of memory";
    return Status::Error(path + ": cannot open the database (" + msg +
                         "); check that the folder exists and is writable");
  }
  sqlite3_busy_timeout(s->db_, 5000);
  if (Status st = s->CheckOwnFile(); !st.ok()) return st;
  if (check_budget_ms > 0) {  // before any migration writes to it
    bool finished = false;
    if (Status st = s->CheckIntegrity(check_budget_ms, &finished); !st.ok()) return st;
    if (check_finished) *check_finished = finished;
  }
  // Durability is explicit, never a build default.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", "PRAGMA foreign_keys=ON;",
        "PRAGMA cache_size=-65536;", "PRAGMA temp_store=MEMORY;"}) {
    if (Status st = s->Exec(pragma); !st.ok()) return st;
  }
  // An older schema is copied before it is migrated: the way back.
  if (const int64_t version = s->PragmaInt("PRAGMA user_version");
      version > 0 && version < max_version) {
    char stamp[32];
    const time_t t = time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    const std::string copy = path + ".schema" + std::to_string(version) + "-" + stamp + ".bak";
    BackupInfo info;
    if (Status st = BackupDatabase(path, copy, &info); !st.ok()) {
      return Status::Error(path + ": schema " + std::to_string(version) + " must be migrated to " +
                           std::to_string(max_version) +
                           ", and the copy taken first failed, so nothing was changed: " +
                           st.message() + " (free some space beside the database and start again)");
    }
    s->pre_migration_copy_ = copy;
  }
  if (Status st = s->Migrate(max_version); !st.ok()) return st;
  if (Status st = s->Prepare(); !st.ok()) return st;
  s->LoadReplies();
  s->LoadSummarizedDays();
  return s;
}

Store::~Store() {
  for (sqlite3_stmt* st : {insert_event_, upsert_ticket_, upsert_counter_, insert_reply_,
                           upsert_operator_, insert_rating_, upsert_setting_, upsert_device_,
                           upsert_booking_, delete_cells_, delete_day_, begin_, commit_}) {
    sqlite3_finalize(st);
  }
  sqlite3_close_v2(db_);
}

Status Store::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Error(path_ + ": SQLite: " + msg);
  }
  return Status::Ok();
}

Status Store::SetCommitSync(bool sync) {
  return Exec(sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

Status Store::SetAutoCheckpointPages(int pages) {
  return Exec(("PRAGMA wal_autocheckpoint=" + std::to_string(pages)).c_str());
}

Status Store::Run(sqlite3_stmt* prepared, const char* sql) {
  // Prepared once: BEGIN and COMMIT run once per group commit, and
  // sqlite3_exec would parse them every time. Older schemas have no
  // statements prepared (they are only read in migration tests).
  if (!prepared) return Exec(sql);
  if (sqlite3_step(prepared) != SQLITE_DONE) {
    Status st = Status::Error(path_ + ": SQLite: " + sqlite3_errmsg(db_));
    sqlite3_reset(prepared);
    return st;
  }
  sqlite3_reset(prepared);
  return Status::Ok();
}

Status Store::Migrate(int max_version) {
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &q, nullptr);
  sqlite3_step(q);
  int version = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  if (version > kSchemaVersion) {
    return Status::Error(path_ + ": database schema version " + std::to_string(version) +
                         " is newer than this broker understands (" +
                         std::to_string(kSchemaVersion) + "); run the newer mpp-broker");
  }
  while (version < max_version) {
    if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
    Status st = Exec(kMigrations[version]);
    if (st.ok()) {
      st = Exec(("PRAGMA user_version=" + std::to_string(version + 1)).c_str());
    }
    if (!st.ok()) {
      Exec("ROLLBACK");
      return Status::Error("migration to schema " + std::to_string(version + 1) +
                           " failed: " + st.message());
    }
    if (Status c = Exec("COMMIT"); !c.ok()) return c;
    ++version;
  }
  schema_version_ = version;
  return Status::Ok();
}

Status Store::Prepare() {
  struct {
    sqlite3_stmt** stmt;
    const char* sql;
  } list[] = {
      {&insert_event_,
       "INSERT INTO events (seq, ts_ms, type, ticket_id, counter_id, payload) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&upsert_ticket_,
       "INSERT INTO tickets (id, business_day, number, service, issued_service, prefix,"
       " seq_no, state, priority, priority_granted_by, source, source_id, issued_ms, arrival_ms,"
       " first_called_ms, serving_ms, finished_ms, ended_ms, recalls, counter_id, operator_id,"
       " wait_target_min, service_std_min, transfers, transferred_from, print_failed, wait_ms,"
       " service_ms, wait_met, service_met, data, estimated_wait_ms, out_of_order, appointment)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
       " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)"
       // An update of the same ticket; a second ticket with a day's number
       // already taken is an error (UNIQUE), never a silent replacement. What
       // a ticket was issued as (day, number, prefix, origin) never changes,
       // so an update leaves those columns - and the UNIQUE index - alone.
       " ON CONFLICT (id) DO UPDATE SET"
       " service=excluded.service, state=excluded.state, "
       " priority=excluded.priority, priority_granted_by=excluded.priority_granted_by, "
       " arrival_ms=excluded.arrival_ms, "
       " first_called_ms=excluded.first_called_ms, serving_ms=excluded.serving_ms, "
       " finished_ms=excluded.finished_ms, ended_ms=excluded.ended_ms, "
       " recalls=excluded.recalls, counter_id=excluded.counter_id, "
       " operator_id=excluded.operator_id, wait_target_min=excluded.wait_target_min, "
       " service_std_min=excluded.service_std_min, transfers=excluded.transfers, "
       " transferred_from=excluded.transferred_from, print_failed=excluded.print_failed, "
       " wait_ms=excluded.wait_ms, service_ms=excluded.service_ms, "
       " wait_met=excluded.wait_met, service_met=excluded.service_met, "
       " data=excluded.data, out_of_order=excluded.out_of_order"},
      {&upsert_counter_,
       "INSERT OR REPLACE INTO counters (id, status, operator_id, break_reason, current_ticket,"
       " since_ms, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
      {&insert_reply_,
       "INSERT INTO requests (client_id, request_id, ts_ms, reply, digest) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&upsert_operator_,
       "INSERT OR REPLACE INTO operators (id, name, disabled, locked_until_ms, data) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&upsert_device_,
       "INSERT OR REPLACE INTO devices (public_key, name, role, revoked, data) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&upsert_booking_,
       "INSERT OR REPLACE INTO bookings (day, code, service, start_ms, state, booked_ms,"
       " ticket_id, name, phone, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
      {&upsert_setting_, "INSERT OR REPLACE INTO settings (key, value, ts_ms) VALUES (?1, ?2, ?3)"},
      {&delete_cells_, "DELETE FROM report_cells WHERE business_day = ?1"},
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&delete_day_, "DELETE FROM report_days WHERE business_day = ?1"},
      {&insert_rating_,
       "INSERT INTO ratings (ticket_id, business_day, ts_ms, counter_id, operator_id, service,"
       " score, u1, u2, u3, u4, u5, u6, u7, u8, u9) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
       " ?10, ?11, ?12, ?13, ?14, ?15, ?16)"},
  };
  // Only a current schema is written to; older ones exist in migration tests.
  if (schema_version_ < kSchemaVersion) return Status::Ok();
  for (auto& e : list) {
    if (sqlite3_prepare_v3(db_, e.sql, -1, SQLITE_PREPARE_PERSISTENT, e.stmt, nullptr) !=
        SQLITE_OK) {
      return Status::Error(path_ + ": SQLite prepare: " + sqlite3_errmsg(db_));
    }
  }
  return Status::Ok();
}

StatusOr<Loaded> Store::Load(const std::string& fallback_day) {
  Loaded out;
  sqlite3_stmt* q = nullptr;
  // The day of the last DAY_CHANGED; on a file from before them, the day of
  // the newest ticket.
  bool stored_day = false;
  sqlite3_prepare_v2(db_, "SELECT value FROM settings WHERE key = 'business_day'", -1, &q, nullptr);
  if (sqlite3_step(q) == SQLITE_ROW) {
    out.business_day = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    stored_day = true;
  }
  sqlite3_finalize(q);
  if (!stored_day) {
    sqlite3_prepare_v2(db_, "SELECT business_day FROM tickets ORDER BY id DESC LIMIT 1", -1, &q,
                       nullptr);
    if (sqlite3_step(q) == SQLITE_ROW) {
      out.business_day = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
  }
  if (out.business_day.empty()) out.business_day = fallback_day;
  const std::string& since_day = out.business_day;
  sqlite3_prepare_v2(db_, "SELECT data FROM counters ORDER BY id", -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) {
    v1::Counter c;
    if (c.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0))) {
      out.counters.push_back(std::move(c));
    }
  }
  sqlite3_finalize(q);

  // The days from `since_day` on (a range of the UNIQUE day index), then the
  // earlier tickets a counter still holds (called before midnight), by id;
  // other tickets of earlier days are history, read only by reports.
  auto read_tickets = [&](sqlite3_stmt* stmt) -> Status {
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      v1::Ticket t;
      if (!t.ParseFromArray(sqlite3_column_blob(stmt, 0), sqlite3_column_bytes(stmt, 0))) {
        return Status::Error(path_ + ": a ticket row does not parse; the database is damaged");
      }
      out.tickets.push_back(std::move(t));
    }
    return rc == SQLITE_DONE ? Status::Ok() : Status::Error(path_ + ": " + sqlite3_errmsg(db_));
  };
  sqlite3_prepare_v2(db_, "SELECT data FROM tickets WHERE business_day >= ?1", -1, &q, nullptr);
  sqlite3_bind_text(q, 1, since_day.c_str(), -1, SQLITE_TRANSIENT);
  Status st = read_tickets(q);
  sqlite3_finalize(q);
  if (!st.ok()) return st;
  sqlite3_prepare_v2(db_, "SELECT data FROM tickets WHERE id = ?1 AND business_day < ?2", -1, &q,
                     nullptr);
  sqlite3_bind_text(q, 2, since_day.c_str(), -1, SQLITE_TRANSIENT);
  for (const v1::Counter& c : out.counters) {
    if (c.current_ticket() == 0) continue;
    sqlite3_reset(q);
    sqlite3_bind_int64(q, 1, c.current_ticket());
    if (st = read_tickets(q); !st.ok()) break;
  }
  sqlite3_finalize(q);
  if (!st.ok()) return st;
  if (!stored_day) {
    // Once, on a file from before DAY_CHANGED: unfinished tickets of earlier
    // days were left as they were; the first day change expires them.
    sqlite3_prepare_v2(db_,
                       "SELECT data FROM tickets WHERE business_day < ?1 AND state IN"
                       " ('WAITING','HELD','CALLED','SERVING')",
                       -1, &q, nullptr);
    sqlite3_bind_text(q, 1, since_day.c_str(), -1, SQLITE_TRANSIENT);
    st = read_tickets(q);
    sqlite3_finalize(q);
    if (!st.ok()) return st;
  }
  std::sort(out.tickets.begin(), out.tickets.end(),
            [](const v1::Ticket& a, const v1::Ticket& b) { return a.id() < b.id(); });
  out.tickets.erase(std::unique(out.tickets.begin(), out.tickets.end(),
                                [](const v1::Ticket& a, const v1::Ticket& b) {
                                  return a.id() == b.id();  // two counters, one ticket: damage
                                }),
                    out.tickets.end());

  sqlite3_prepare_v2(db_, "SELECT data FROM operators ORDER BY id", -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) {
    v1::Operator op;
    if (op.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0))) {
      out.operators.push_back(std::move(op));
    }
  }
  sqlite3_finalize(q);

  sqlite3_prepare_v2(db_, "SELECT value FROM settings WHERE key = 'ticker'", -1, &q, nullptr);
  if (sqlite3_step(q) == SQLITE_ROW) {
    out.ticker = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
  }
  sqlite3_finalize(q);

  const std::string floors = "numbers:" + since_day + ":";
  sqlite3_prepare_v2(db_, "SELECT key, value FROM settings WHERE key > ?1 AND key < ?1 || '~'", -1,
                     &q, nullptr);
  sqlite3_bind_text(q, 1, floors.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(q) == SQLITE_ROW) {
    const std::string key = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    out.number_floors[key.substr(floors.size())] = sqlite3_column_int(q, 1);
  }
  sqlite3_finalize(q);

  // Bookings of the store's day and later (earlier ones are history).
  sqlite3_prepare_v2(db_, "SELECT data FROM bookings WHERE day >= ?1 ORDER BY day, code", -1, &q,
                     nullptr);
  sqlite3_bind_text(q, 1, since_day.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(q) == SQLITE_ROW) {
    v1::Booking b;
    if (!b.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0))) {
      sqlite3_finalize(q);
      return Status::Error(path_ + ": a booking row does not parse; the database is damaged");
    }
    out.bookings.push_back(std::move(b));
  }
  sqlite3_finalize(q);

  sqlite3_prepare_v2(db_, "SELECT data FROM devices ORDER BY name", -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) {
    v1::Device d;
    if (d.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0))) {
      out.devices.push_back(std::move(d));
    }
  }
  sqlite3_finalize(q);

  sqlite3_prepare_v2(db_,
                     "SELECT (SELECT COALESCE(MAX(seq),0) FROM events),"
                     " (SELECT COALESCE(MAX(id),0) FROM tickets)",
                     -1, &q, nullptr);
  if (sqlite3_step(q) == SQLITE_ROW) {
    out.last_seq = static_cast<uint64_t>(sqlite3_column_int64(q, 0));
    out.last_ticket_id = sqlite3_column_int64(q, 1);
  }
  sqlite3_finalize(q);
  return out;
}

bool Store::SameRequest(const std::string& client_id, const std::string& request_id,
                        const std::string& digest) const {
  auto it = digests_.find(ReplyKey(client_id, request_id));
  return it == digests_.end() || it->second == digest;  // none kept: from before digests
}

const std::string* Store::FindReply(const std::string& client_id,
                                    const std::string& request_id) const {
  auto it = replies_.find(ReplyKey(client_id, request_id));
  return it == replies_.end() ? nullptr : &it->second;
}

Status Store::Begin() {
  pending_reply_keys_.clear();
  dropped_summaries_.clear();
  return Run(begin_, "BEGIN IMMEDIATE");
}

void Store::LoadSummarizedDays() {
  summarized_days_.clear();
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT business_day FROM report_days", -1, &q, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      summarized_days_.insert(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    }
  }
  sqlite3_finalize(q);
}

Status Store::DropSummary(const std::string& day) {
  // A summarized day's ticket changes only when the clock went back (a
  // simulated clock restarted on an old file) or a summarized day was still
  // open after all: either way the summary is no longer the truth.
  auto it = summarized_days_.find(day);
  if (it == summarized_days_.end()) return Status::Ok();
  for (sqlite3_stmt* st : {delete_cells_, delete_day_}) {
    if (Stmt(st).Text(1, day).Step() != SQLITE_DONE) {
      return Status::Error(std::string("drop report summary: ") + sqlite3_errmsg(db_));
    }
  }
  summarized_days_.erase(it);
  dropped_summaries_.push_back(day);
  summaries_pending_ = true;
  return Status::Ok();
}

StatusOr<int> Store::SummarizeClosedDays(const std::string& today, int utc_offset_min,
                                         int64_t now_ms, int max_days) {
  if (schema_version_ < 6) return 0;
  // Days with tickets before today, found by seeking the day index (a few
  // hundred seeks for a year) rather than reading a million index entries.
  std::vector<std::string> days;
  {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db_,
                       "SELECT business_day FROM tickets WHERE business_day > ?1 AND"
                       " business_day < ?2 ORDER BY business_day LIMIT 1",
                       -1, &q, nullptr);
    std::string after;
    while (true) {
      sqlite3_reset(q);
      sqlite3_bind_text(q, 1, after.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(q, 2, today.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(q) != SQLITE_ROW) break;
      after = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
      if (!summarized_days_.count(after)) days.push_back(after);
    }
    sqlite3_finalize(q);
  }
  // A day with an unfinished ticket (before the day change expired it) may
  // still change: it waits for the next try.
  bool pending = false;
  int written = 0;
  sqlite3_stmt* held = nullptr;
  sqlite3_prepare_v2(db_,
                     "SELECT 1 FROM tickets WHERE state IN ('WAITING','HELD',"
                     "'CALLED','SERVING') AND"
                     " business_day = ?1 LIMIT 1",
                     -1, &held, nullptr);
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> held_owner(held, &sqlite3_finalize);
  for (const std::string& day : days) {
    if (written == max_days) {
      pending = true;
      break;
    }
    sqlite3_reset(held);
    sqlite3_bind_text(held, 1, day.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(held) == SQLITE_ROW) {
      pending = true;
      continue;
    }
    if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
    if (Status st = report::SummarizeDay(db_, utc_offset_min, day, now_ms); !st.ok()) {
      Exec("ROLLBACK");
      return Status::Error(path_ + ": " + st.message());
    }
    if (Status st = Exec("COMMIT"); !st.ok()) return st;
    summarized_days_.insert(day);
    ++written;
  }
  summaries_pending_ = pending;
  return written;
}

Status Store::AppendEvent(uint64_t seq, int64_t ts_ms, const v1::Event& e) {
  const std::string payload = e.SerializeAsString();
  if (Stmt(insert_event_)
          .Int(1, static_cast<int64_t>(seq))
          .Int(2, ts_ms)
          .Text(3, v1::EventType_Name(e.type()))
          .IntOrNull(4, e.has_ticket() ? e.ticket().id() : 0)
          .IntOrNull(5, e.has_counter() ? e.counter().id() : 0)
          .Blob(6, payload)
          .Step() != SQLITE_DONE) {
    return Status::Error(std::string("insert event: ") + sqlite3_errmsg(db_));
  }
  if (e.has_ticket()) {
    const v1::Ticket& t = e.ticket();
    if (Status st = DropSummary(t.business_day()); !st.ok()) return st;
    Stmt s(upsert_ticket_);
    s.Int(1, t.id()).Text(2, t.business_day()).Text(3, t.number()).Text(4, t.service());
    s.Text(5, t.issued_service()).Text(6, t.prefix()).Int(7, t.seq_no());
    s.Text(8, v1::TicketState_Name(t.state())).Text(9, v1::PriorityReason_Name(t.priority()));
    s.Text(10, t.priority_granted_by()).Text(11, v1::TicketSource_Name(t.source()));
    s.Text(12, t.source_id()).Int(13, t.issued_ms()).Int(14, t.arrival_ms());
    s.IntOrNull(15, t.first_called_ms()).IntOrNull(16, t.serving_ms());
    s.IntOrNull(17, t.finished_ms()).IntOrNull(18, t.ended_ms()).Int(19, t.recall_ms_size());
    s.IntOrNull(20, t.counter_id()).Text(21, t.operator_id()).Int(22, t.wait_target_min());
    s.Int(23, t.service_std_min()).Int(24, t.transfers()).Text(25, t.transferred_from());
    s.Int(26, t.print_failed() ? 1 : 0);
    // A wait is judged once the ticket was called, or when it left the queue
    // uncalled in a way that counts (expired; cancelled past its target).
    if (t.first_called_ms() > 0 || t.wait_ms() > 0) {
      s.Int(27, t.wait_ms()).Int(29, t.wait_met() ? 1 : 0);
    }
    if (t.finished_ms() > 0) s.Int(28, t.service_ms()).Int(30, t.service_met() ? 1 : 0);
    const std::string data = t.SerializeAsString();  // outlives Step()
    s.Blob(31, data);
    if (t.estimated()) s.Int(32, t.estimated_wait_ms());
    if (t.out_of_order() != v1::IN_ORDER) s.Text(33, v1::OutOfOrderReason_Name(t.out_of_order()));
    if (t.appointment_ms() > 0) s.Int(34, t.appointment_late() ? 2 : 1);
    if (s.Step() != SQLITE_DONE) {
      return Status::Error(std::string("upsert ticket: ") + sqlite3_errmsg(db_));
    }
  }
  if (e.has_counter()) {
    const v1::Counter& c = e.counter();
    if (Stmt(upsert_counter_)
            .Int(1, c.id())
            .Text(2, v1::CounterStatus_Name(c.status()))
            .Text(3, c.operator_id())
            .Text(4, c.break_reason())
            .IntOrNull(5, c.current_ticket())
            .Int(6, c.since_ms())
            .Blob(7, c.SerializeAsString())
            .Step() != SQLITE_DONE) {
      return Status::Error(std::string("upsert counter: ") + sqlite3_errmsg(db_));
    }
  }
  if (e.has_booking()) {
    const v1::Booking& b = e.booking();
    const std::string data = b.SerializeAsString();  // outlives Step()
    if (Stmt(upsert_booking_)
            .Text(1, b.day())
            .Text(2, b.code())
            .Text(3, b.service())
            .Int(4, b.start_ms())
            .Text(5, v1::BookingState_Name(b.state()))
            .Int(6, b.booked_ms())
            .IntOrNull(7, b.ticket_id())
            .Text(8, b.name())
            .Text(9, b.phone())
            .Blob(10, data)
            .Step() != SQLITE_DONE) {
      return Status::Error(std::string("upsert booking: ") + sqlite3_errmsg(db_));
    }
  }
  if (e.has_operator_info()) {
    const v1::Operator& op = e.operator_info();
    if (Stmt(upsert_operator_)
            .Text(1, op.id())
            .Text(2, op.name())
            .Int(3, op.disabled() ? 1 : 0)
            .IntOrNull(4, op.locked_until_ms())
            .Blob(5, op.SerializeAsString())
            .Step() != SQLITE_DONE) {
      return Status::Error(std::string("upsert operator: ") + sqlite3_errmsg(db_));
    }
  }
  if (e.has_device()) {
    const v1::Device& d = e.device();
    if (Stmt(upsert_device_)
            .Text(1, d.public_key())
            .Text(2, d.name())
            .Text(3, v1::DeviceRole_Name(d.role()))
            .Int(4, d.revoked() ? 1 : 0)
            .Blob(5, d.SerializeAsString())
            .Step() != SQLITE_DONE) {
      return Status::Error(std::string("upsert device: ") + sqlite3_errmsg(db_));
    }
  }
  if (e.type() == v1::TICKER_CHANGED) {
    if (Stmt(upsert_setting_).Text(1, "ticker").Text(2, e.ticker()).Int(3, ts_ms).Step() !=
        SQLITE_DONE) {
      return Status::Error(std::string("save running text: ") + sqlite3_errmsg(db_));
    }
  }
  if (e.has_numbers_raised()) {
    const v1::NumbersRaised& n = e.numbers_raised();
    for (const auto& p : n.numbers()) {
      if (Stmt(upsert_setting_)
              .Text(1, "numbers:" + n.business_day() + ":" + p.prefix())
              .Text(2, std::to_string(p.last()))
              .Int(3, ts_ms)
              .Step() != SQLITE_DONE) {
        return Status::Error(std::string("save raised numbers: ") + sqlite3_errmsg(db_));
      }
    }
  }
  if (e.has_catalog_change() && e.catalog_change().has_catalog()) {
    if (Status st = SaveCatalog(e.catalog_change().catalog(), ts_ms); !st.ok()) return st;
  }
  if (e.type() == v1::DAY_CHANGED) {
    if (Stmt(upsert_setting_)
            .Text(1, "business_day")
            .Text(2, e.day_change().business_day())
            .Int(3, ts_ms)
            .Step() != SQLITE_DONE) {
      return Status::Error(std::string("save business day: ") + sqlite3_errmsg(db_));
    }
  }
  if (e.has_rating()) {
    const v1::Rating& r = e.rating();
    Stmt s(insert_rating_);
    s.Int(1, r.ticket_id()).Text(2, r.business_day()).Int(3, r.time_ms()).Int(4, r.counter_id());
    s.Text(5, r.operator_id()).Text(6, r.service()).Int(7, r.score());
    for (int i = 0; i < r.skm_size() && i < 9; ++i) {
      if (r.skm(i) > 0) s.Int(8 + i, r.skm(i));  // 0 = not answered: NULL
    }
    if (s.Step() != SQLITE_DONE) {
      return Status::Error(std::string("insert rating: ") + sqlite3_errmsg(db_));
    }
  }
  return Status::Ok();
}

Status Store::SaveReply(const std::string& client_id, const std::string& request_id, int64_t ts_ms,
                        const std::string& reply_bytes, const std::string& digest) {
  Stmt s(insert_reply_);
  s.Text(1, client_id).Text(2, request_id).Int(3, ts_ms).Blob(4, reply_bytes);
  if (!digest.empty()) s.Blob(5, digest);
  if (s.Step() != SQLITE_DONE) {
    return Status::Error(std::string("insert reply: ") + sqlite3_errmsg(db_));
  }
  const std::string key = ReplyKey(client_id, request_id);
  replies_[key] = reply_bytes;
  if (!digest.empty()) digests_[key] = digest;
  pending_reply_keys_.push_back(key);
  return Status::Ok();
}

Status Store::Commit() {
  pending_reply_keys_.clear();
  return Run(commit_, "COMMIT");
}

Status Store::SaveCatalog(const v1::Catalog& catalog, int64_t ts_ms) {
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db_,
                     "INSERT INTO catalogs (version, first_ms, data) VALUES (?1, ?2, ?3)"
                     " ON CONFLICT (version) DO UPDATE SET first_ms = excluded.first_ms",
                     -1, &q, nullptr);
  const std::string data = catalog.SerializeAsString();
  sqlite3_bind_text(q, 1, catalog.version().c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(q, 2, ts_ms);
  sqlite3_bind_blob(q, 3, data.data(), static_cast<int>(data.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(q);
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return Status::Error(std::string("save catalog: ") + sqlite3_errmsg(db_));
  return Status::Ok();
}

StatusOr<std::optional<v1::Catalog>> Store::LatestCatalog() {
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT data FROM catalogs ORDER BY first_ms DESC LIMIT 1", -1, &q,
                         nullptr) != SQLITE_OK) {
    return Status::Error(path_ + ": " + sqlite3_errmsg(db_));
  }
  std::optional<v1::Catalog> out;
  if (sqlite3_step(q) == SQLITE_ROW) {
    v1::Catalog c;
    if (!c.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0))) {
      sqlite3_finalize(q);
      return Status::Error(path_ + ": the stored catalog does not parse; the database is damaged");
    }
    out = std::move(c);
  }
  sqlite3_finalize(q);
  return out;
}

bool Store::LastErrorWasDiskFull() const {
  const int rc = sqlite3_extended_errcode(db_);
  return (rc & 0xff) == SQLITE_FULL ||
         ((rc & 0xff) == SQLITE_IOERR && sqlite3_system_errno(db_) == ENOSPC);
}

Status Store::ProbeWrite(int64_t ts_ms) {
  if (Status st = Begin(); !st.ok()) return st;
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db_,
                     "INSERT OR REPLACE INTO settings (key, value, ts_ms) VALUES ('disk_probe', "
                     "?1, ?1)",
                     -1, &q, nullptr);
  sqlite3_bind_int64(q, 1, ts_ms);
  const int rc = sqlite3_step(q);
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) {
    const std::string why = sqlite3_errmsg(db_);
    Rollback();
    return Status::Error(why);
  }
  if (Status st = Commit(); !st.ok()) {
    Rollback();
    return st;
  }
  return Status::Ok();
}

StatusOr<int64_t> Store::LastEventMs() {
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT ts_ms FROM events ORDER BY seq DESC LIMIT 1", -1, &q,
                         nullptr) != SQLITE_OK) {
    return Status::Error(path_ + ": " + sqlite3_errmsg(db_));
  }
  int64_t out = 0;
  if (sqlite3_step(q) == SQLITE_ROW) out = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return out;
}

Status Store::AppendBatch(uint64_t first_seq, int64_t ts_ms, const std::vector<v1::Event>& events) {
  if (events.empty()) return Status::Ok();
  if (Status st = Begin(); !st.ok()) return st;
  for (const auto& e : events) {
    if (Status st = AppendEvent(first_seq++, ts_ms, e); !st.ok()) {
      Rollback();
      return st;
    }
  }
  return Commit();
}

void Store::Rollback() {
  Exec("ROLLBACK");
  for (const auto& k : pending_reply_keys_) {
    replies_.erase(k);
    digests_.erase(k);
  }
  pending_reply_keys_.clear();
  // The deletes of those summaries were rolled back with the batch.
  summarized_days_.insert(dropped_summaries_.begin(), dropped_summaries_.end());
  dropped_summaries_.clear();
}

void Store::LoadReplies() {
  replies_.clear();
  digests_.clear();
  sqlite3_stmt* q = nullptr;
  const bool has_digest = schema_version_ >= 9;
  sqlite3_prepare_v2(db_,
                     has_digest ? "SELECT client_id, request_id, reply, digest FROM requests"
                                : "SELECT client_id, request_id, reply FROM requests",
                     -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) {
    std::string client(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    std::string request(reinterpret_cast<const char*>(sqlite3_column_text(q, 1)));
    std::string reply(static_cast<const char*>(sqlite3_column_blob(q, 2)),
                      sqlite3_column_bytes(q, 2));
    const std::string key = ReplyKey(client, request);
    replies_[key] = std::move(reply);
    if (has_digest && sqlite3_column_type(q, 3) == SQLITE_BLOB) {
      digests_[key] = std::string(static_cast<const char*>(sqlite3_column_blob(q, 3)),
                                  sqlite3_column_bytes(q, 3));
    }
  }
  sqlite3_finalize(q);
}

Status Store::PruneReplies(int64_t before_ms) {
  // Forget exactly the rows deleted, instead of reloading every stored reply.
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db_, "DELETE FROM requests WHERE ts_ms < ?1 RETURNING client_id, request_id",
                     -1, &q, nullptr);
  sqlite3_bind_int64(q, 1, before_ms);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    const std::string key = ReplyKey(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)),
                                     reinterpret_cast<const char*>(sqlite3_column_text(q, 1)));
    replies_.erase(key);
    digests_.erase(key);
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return Status::Error(std::string("prune: ") + sqlite3_errmsg(db_));
  return Status::Ok();
}

int64_t Store::FileBytes() const {
  int64_t total = 0;
  struct stat st;
  for (const std::string& p : {path_, path_ + "-wal"}) {
    if (stat(p.c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

}  // namespace mpp::store
