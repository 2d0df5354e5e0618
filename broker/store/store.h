// Store: the broker's durable state in one SQLite file.
//
// An append-only `events` table (seq, time, type, payload) plus materialized
// `tickets`, `counters`, `operators` and `ratings` tables and the `requests` table of stored
// replies, all written in one transaction per batch (group commit). The file runs in WAL mode.
// Alone, with synchronous=FULL, a COMMIT that returned is on disk. The broker runs it with
// synchronous=NORMAL (SetCommitSync(false)) and the WAL syncer thread (store/wal_syncer.h)
// fdatasyncs the log instead: the reactor replies and publishes a batch only once a sync that
// began after its COMMIT has finished (docs/ARCHITECTURE.md, "Store"). Either way nothing is
// acknowledged before it is on disk.
//
// Schema changes are numbered migrations recorded in PRAGMA user_version; a
// file from a newer broker is refused rather than guessed at.
//
// REQUIRES: external synchronization (the reactor thread owns the Store).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/store/schema_version.h"
#include "common/status.h"
#include "mpp/v1/mpp.pb.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mpp::store {

// PRAGMA application_id of a broker's database: "MPP1" (0x4D505031).
inline constexpr int64_t kApplicationId = 0x4D505031;

struct Loaded {
  std::vector<v1::Ticket> tickets;
  std::vector<v1::Counter> counters;
  std::vector<v1::Operator> operators;
  std::optional<std::string> ticker;  // the running text last set, if ever
  std::vector<v1::Device> devices;
  std::vector<v1::Booking> bookings;  // of `business_day` and later days
  // The business day the broker was last on (its last DAY_CHANGED); for a
  // file from before day changes were events, the day of its newest ticket;
  // for a new file, the `fallback_day` given to Load.
  std::string business_day;
  // Numbers raised on that day (NUMBERS_RAISED): prefix -> last number.
  std::map<std::string, int> number_floors;
  uint64_t last_seq = 0;
  int64_t last_ticket_id = 0;
};

class Store {
 public:
  // Opens (creating if needed) and migrates the database at `path`; refuses a
  // file of another program. Before migrating a database of an older schema
  // it copies it (backup API, checked) to PATH.schemaN-YYYYMMDD-HHMMSS.bak
  // beside it, and refuses to migrate if it cannot (pre_migration_copy()
  // names the copy): the way back for a rollback. With `check_budget_ms` > 0 it first runs
  // CheckIntegrity (`*check_finished` says whether it got through).
  // `max_version` is for tests that build an older schema.
  static StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                               int max_version = kSchemaVersion,
                                               int check_budget_ms = 0,
                                               bool* check_finished = nullptr);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The tickets of the business day the broker was last on (and later ones),
  // earlier ones a counter still holds, every counter. On a file written
  // before day changes were events (no stored business day) also every
  // unfinished ticket of an earlier day, so the first day change expires it.
  StatusOr<Loaded> Load(const std::string& fallback_day);

  // The stored reply to (client, request_id), if that request was applied.
  const std::string* FindReply(const std::string& client_id, const std::string& request_id) const;

  // A batch: Begin, any number of AppendEvent/SaveReply, then Commit.
  Status Begin();
  Status AppendEvent(uint64_t seq, int64_t ts_ms, const v1::Event& event);
  // `digest` identifies the command the reply answers (SameRequest).
  Status SaveReply(const std::string& client_id, const std::string& request_id, int64_t ts_ms,
                   const std::string& reply_bytes, const std::string& digest = "");
  // False when the stored reply to (client, request_id) answered a command
  // with another digest: a reused request id, not a retry.
  bool SameRequest(const std::string& client_id, const std::string& request_id,
                   const std::string& digest) const;
  Status Commit();
  void Rollback();
  // The catalog last put in force (CATALOG_CHANGED, or SaveCatalog at the
  // first start), if any.
  StatusOr<std::optional<v1::Catalog>> LatestCatalog();
  // The time of the last committed event (0 for an empty log): the broker's
  // clock is never earlier (HeldClock).
  StatusOr<int64_t> LastEventMs();
  // True when the last failed statement failed for want of disk space
  // (SQLITE_FULL, or an I/O error with ENOSPC).
  bool LastErrorWasDiskFull() const;
  // A small committed write (the settings row `disk_probe`): whether the
  // disk takes writes again after it was full.
  Status ProbeWrite(int64_t ts_ms);
  // Keeps `catalog` (by its version) as in force from `ts_ms`; AppendEvent
  // does it for CATALOG_CHANGED, the broker's first start calls it itself.
  Status SaveCatalog(const v1::Catalog& catalog, int64_t ts_ms);
  // Begin, AppendEvent for each of `events` (seqs first_seq, first_seq+1, ...),
  // Commit; rolled back on error. Nothing happens for no events.
  Status AppendBatch(uint64_t first_seq, int64_t ts_ms, const std::vector<v1::Event>& events);

  // Writes report summaries (report::SummarizeDay) for days before `today`
  // that have tickets and none, each in its own transaction, at most
  // `max_days` of them; returns how many. A day with a ticket still called or
  // being served is left for a later call. Not inside a batch.
  StatusOr<int> SummarizeClosedDays(const std::string& today, int utc_offset_min, int64_t now_ms,
                                    int max_days);
  // True when the last SummarizeClosedDays left a day out, or a summary was
  // dropped since: call it again later.
  bool summaries_pending() const { return summaries_pending_; }

  // Deletes stored replies older than `before_ms` (retries come within seconds);
  // the broker calls it at start-up.
  Status PruneReplies(int64_t before_ms);
  // SQLite checkpoints the WAL inside the COMMIT that makes it this long
  // (default 1000 pages); with a Checkpointer thread this is only a backstop.
  Status SetAutoCheckpointPages(int pages);
  // true (the default): each COMMIT syncs the WAL (synchronous=FULL). false:
  // synchronous=NORMAL, for a writer whose commits a WalSyncer makes durable
  // before anything is acknowledged; never without one.
  Status SetCommitSync(bool sync);

  // PRAGMA quick_check within `budget_ms` (a progress handler interrupts it;
  // then `*finished` is false and nothing was found). An error names what is
  // damaged and says how to restore.
  Status CheckIntegrity(int budget_ms, bool* finished);

  const std::string& pre_migration_copy() const { return pre_migration_copy_; }
  int schema_version() const { return schema_version_; }
  int64_t FileBytes() const;
  const std::string& path() const { return path_; }

 private:
  Store() = default;
  Status Exec(const char* sql);
  // Refuses a file of another program (application_id, tables); marks a new
  // file, or one of ours from before the id, with kApplicationId.
  Status CheckOwnFile();
  int64_t PragmaInt(const char* sql) const;
  // Steps a prepared statement without rows (BEGIN, COMMIT); Exec(sql) if null.
  Status Run(sqlite3_stmt* prepared, const char* sql);
  Status Prepare();
  Status Migrate(int max_version);
  void LoadReplies();
  void LoadSummarizedDays();
  Status DropSummary(const std::string& day);

  sqlite3* db_ = nullptr;
  std::string path_;
  int schema_version_ = 0;
  std::string pre_migration_copy_;
  sqlite3_stmt* insert_event_ = nullptr;
  sqlite3_stmt* upsert_ticket_ = nullptr;
  sqlite3_stmt* upsert_counter_ = nullptr;
  sqlite3_stmt* insert_reply_ = nullptr;
  sqlite3_stmt* upsert_operator_ = nullptr;
  sqlite3_stmt* insert_rating_ = nullptr;
  sqlite3_stmt* upsert_setting_ = nullptr;
  sqlite3_stmt* upsert_device_ = nullptr;
  sqlite3_stmt* upsert_booking_ = nullptr;
  sqlite3_stmt* delete_cells_ = nullptr;
  sqlite3_stmt* delete_day_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  std::unordered_map<std::string, std::string> replies_;  // "client\x1frequest" -> reply
  std::unordered_map<std::string, std::string> digests_;  // the same key -> command digest
  std::vector<std::string> pending_reply_keys_;           // added in the open batch
  std::set<std::string> summarized_days_;                 // rows of report_days
  std::vector<std::string> dropped_summaries_;            // in the open batch
  bool summaries_pending_ = false;
};

}  // namespace mpp::store
