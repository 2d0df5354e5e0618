#include "broker/store/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "broker/store/checkpointer.h"
#include "testing/temp_dir.h"
#include "testing/wait_for.h"

namespace mpp::store {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  static v1::Event TicketEvent(int64_t id, const std::string& number, v1::TicketState state,
                               const std::string& day = "2026-11-30") {
    v1::Event e;
    e.set_type(v1::TICKET_ISSUED);
    v1::Ticket* t = e.mutable_ticket();
    t->set_id(id);
    t->set_number(number);
    t->set_service("KTP-REKAM");
    t->set_issued_service("KTP-REKAM");
    t->set_prefix("A");
    t->set_seq_no(static_cast<int>(id));
    t->set_business_day(day);
    t->set_state(state);
    t->set_issued_ms(1000 * id);
    t->set_arrival_ms(1000 * id);
    t->set_wait_target_min(30);
    t->set_service_std_min(10);
    return e;
  }

  mpp::testing::TempDir dir_;
  std::string path_ = dir_.File("mpp.db");
};

TEST_F(StoreTest, FreshFileIsMigratedAndDurable) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s.value()->schema_version(), kSchemaVersion);
  sqlite3* db;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_stmt* q;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, nullptr);
  sqlite3_step(q);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), "wal");
  sqlite3_finalize(q);
  sqlite3_close(db);
}

TEST_F(StoreTest, CommittedBatchSurvivesReopen) {
  {
    auto s = Store::Open(path_);
    ASSERT_TRUE(s.ok());
    Store& st = *s.value();
    ASSERT_TRUE(st.Begin().ok());
    ASSERT_TRUE(st.AppendEvent(1, 1000, TicketEvent(1, "A-001", v1::WAITING)).ok());
    ASSERT_TRUE(st.AppendEvent(2, 2000, TicketEvent(2, "A-002", v1::WAITING)).ok());
    v1::Event called = TicketEvent(1, "A-001", v1::CALLED);
    called.set_type(v1::TICKET_CALLED);
    called.mutable_counter()->set_id(3);
    called.mutable_counter()->set_status(v1::OPEN);
    called.mutable_counter()->set_current_ticket(1);
    ASSERT_TRUE(st.AppendEvent(3, 3000, called).ok());
    ASSERT_TRUE(st.SaveReply("kiosk-1", "r1", 1000, "reply-bytes").ok());
    ASSERT_TRUE(st.Commit().ok());
  }
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  auto loaded = s.value()->Load("2026-11-30");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->last_seq, 3u);
  EXPECT_EQ(loaded->last_ticket_id, 2);
  ASSERT_EQ(loaded->tickets.size(), 2u);
  EXPECT_EQ(loaded->tickets[0].state(), v1::CALLED);  // upserted, not duplicated
  ASSERT_EQ(loaded->counters.size(), 1u);
  EXPECT_EQ(loaded->counters[0].current_ticket(), 1);
  const std::string* reply = s.value()->FindReply("kiosk-1", "r1");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(*reply, "reply-bytes");
  EXPECT_EQ(s.value()->FindReply("kiosk-2", "r1"), nullptr);
}

// The report reads the ticket columns, so an update must carry every column
// that can change (a transfer changes the service), while the day and number
// stay as issued. Schema 7 dropped the second day index; the UNIQUE (day,
// number) index serves the queries by day.
TEST_F(StoreTest, AnUpdateRewritesWhatChangedAndKeepsWhatTheTicketWasIssuedAs) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  Store& st = *s.value();
  ASSERT_TRUE(st.Begin().ok());
  ASSERT_TRUE(st.AppendEvent(1, 1000, TicketEvent(1, "A-001", v1::WAITING)).ok());
  v1::Event moved = TicketEvent(1, "A-001", v1::SERVING);
  moved.set_type(v1::TICKET_SERVING);
  moved.mutable_ticket()->set_service("KK");
  moved.mutable_ticket()->set_transfers(1);
  moved.mutable_ticket()->set_counter_id(4);
  moved.mutable_ticket()->set_first_called_ms(61000);
  moved.mutable_ticket()->set_serving_ms(62000);
  moved.mutable_ticket()->set_wait_ms(60000);
  ASSERT_TRUE(st.AppendEvent(2, 62000, moved).ok());
  ASSERT_TRUE(st.Commit().ok());
  s.value().reset();

  sqlite3* db;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT business_day, number, issued_service, service, state,"
                               " counter_id, transfers, wait_ms FROM tickets WHERE id = 1",
                               -1, &q, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  auto text = [&](int i) {
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(q, i)));
  };
  EXPECT_EQ(text(0), "2026-11-30");
  EXPECT_EQ(text(1), "A-001");
  EXPECT_EQ(text(2), "KTP-REKAM");
  EXPECT_EQ(text(3), "KK");
  EXPECT_EQ(text(4), "SERVING");
  EXPECT_EQ(sqlite3_column_int(q, 5), 4);
  EXPECT_EQ(sqlite3_column_int(q, 6), 1);
  EXPECT_EQ(sqlite3_column_int(q, 7), 60000);
  sqlite3_finalize(q);
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT name FROM sqlite_master WHERE type = 'index' AND"
                               " tbl_name = 'tickets' ORDER BY name",
                               -1, &q, nullptr),
            SQLITE_OK);
  std::vector<std::string> indexes;
  while (sqlite3_step(q) == SQLITE_ROW) indexes.push_back(text(0));
  sqlite3_finalize(q);
  sqlite3_close(db);
  // Every index is a B-tree update and a page in each group commit: the
  // UNIQUE (day, number) one serves every query by day; nothing else.
  EXPECT_EQ(indexes, (std::vector<std::string>{"sqlite_autoindex_tickets_1"}));
}

// The size of the WAL file (0 when there is none).
int64_t WalBytes(const std::string& db_path) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(db_path + "-wal", ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

TEST_F(StoreTest, TheCheckpointThreadCopiesTheWalSoTheWriterNeverHasTo) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  Store& st = *s.value();
  ASSERT_TRUE(st.SetAutoCheckpointPages(1000000).ok());  // the writer never checkpoints
  auto write = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      ASSERT_TRUE(st.Begin().ok());
      ASSERT_TRUE(
          st.AppendEvent(i, 1000 * i, TicketEvent(i, "A-" + std::to_string(1000 + i), v1::WAITING))
              .ok());
      ASSERT_TRUE(st.Commit().ok());
    }
  };
  write(1, 200);
  const int64_t grown = WalBytes(path_);
  EXPECT_GT(grown, 0);
  const int64_t wal_frames = (grown - 32) / (4096 + 24);  // WAL header, frame headers
  auto c = Checkpointer::Start(path_, std::chrono::milliseconds(5));
  ASSERT_TRUE(c.ok()) << c.status().message();
  mpp::testing::WaitFor([&] { return c.value()->frames() >= wal_frames; }, 20000);
  ASSERT_EQ(c.value()->frames(), wal_frames) << "the WAL was not copied within 20 s";
  EXPECT_GE(c.value()->runs(), 1);
  // All copied: the writer starts the WAL over instead of growing it.
  write(200, 300);
  EXPECT_LE(WalBytes(path_), grown) << "the WAL kept growing: it was not checkpointed";
  c.value().reset();
  s.value().reset();
  auto reopened = Store::Open(path_);
  ASSERT_TRUE(reopened.ok());
  auto loaded = reopened.value()->Load("2026-11-30");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->tickets.size(), 299u);
}

TEST_F(StoreTest, RollbackLeavesNothingBehind) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  Store& st = *s.value();
  ASSERT_TRUE(st.Begin().ok());
  ASSERT_TRUE(st.AppendEvent(1, 1000, TicketEvent(1, "A-001", v1::WAITING)).ok());
  ASSERT_TRUE(st.SaveReply("kiosk-1", "r1", 1000, "x").ok());
  st.Rollback();
  EXPECT_EQ(st.FindReply("kiosk-1", "r1"), nullptr);
  auto loaded = st.Load("2026-11-30");
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded->tickets.empty());
  EXPECT_EQ(loaded->last_seq, 0u);
}

TEST_F(StoreTest, LoadSkipsPastDaysButKeepsTicketsACounterStillHolds) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  Store& st = *s.value();
  ASSERT_TRUE(st.Begin().ok());
  st.AppendEvent(1, 1, TicketEvent(1, "A-001", v1::DONE, "2026-11-27"));
  st.AppendEvent(2, 2, TicketEvent(2, "A-002", v1::SERVING, "2026-11-27"));
  st.AppendEvent(3, 3, TicketEvent(3, "A-003", v1::WAITING, "2026-11-27"));  // never called
  st.AppendEvent(4, 4, TicketEvent(4, "A-004", v1::CALLED, "2026-11-27"));   // counter moved on
  st.AppendEvent(5, 5, TicketEvent(5, "A-001", v1::WAITING, "2026-11-30"));
  v1::Event serving;  // counter 3 serves ticket 2 past midnight
  serving.set_type(v1::COUNTER_CHANGED);
  serving.mutable_counter()->set_id(3);
  serving.mutable_counter()->set_status(v1::OPEN);
  serving.mutable_counter()->set_current_ticket(2);
  st.AppendEvent(6, 6, serving);
  v1::Event idle = serving;  // counter 4 called ticket 4, then closed
  idle.mutable_counter()->set_id(4);
  idle.mutable_counter()->set_status(v1::CLOSED);
  idle.mutable_counter()->clear_current_ticket();
  st.AppendEvent(7, 7, idle);
  ASSERT_TRUE(st.Commit().ok());
  // A file from before DAY_CHANGED: its day is the newest ticket's, and every
  // unfinished ticket of an earlier day comes along (to be expired).
  auto legacy = st.Load("2026-12-02");
  ASSERT_TRUE(legacy.ok());
  EXPECT_EQ(legacy->business_day, "2026-11-30");
  ASSERT_EQ(legacy->tickets.size(), 4u);
  EXPECT_EQ(legacy->tickets[0].id(), 2);
  EXPECT_EQ(legacy->tickets[3].id(), 5);
  // Once a day change is stored, only its day and what a counter holds.
  v1::Event day;
  day.set_type(v1::DAY_CHANGED);
  day.mutable_day_change()->set_business_day("2026-11-30");
  ASSERT_TRUE(st.Begin().ok());
  ASSERT_TRUE(st.AppendEvent(8, 8, day).ok());
  ASSERT_TRUE(st.Commit().ok());
  auto loaded = st.Load("2026-12-02");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->business_day, "2026-11-30");
  ASSERT_EQ(loaded->tickets.size(), 2u);
  EXPECT_EQ(loaded->tickets[0].id(), 2);
  EXPECT_EQ(loaded->tickets[1].id(), 5);
  EXPECT_EQ(loaded->last_ticket_id, 5);
}

TEST_F(StoreTest, ANewFileIsOnTheDayItIsGiven) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  auto loaded = s.value()->Load("2026-12-02");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->business_day, "2026-12-02");
}

TEST_F(StoreTest, DuplicateNumberOnADayIsRefusedByTheSchema) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  Store& st = *s.value();
  ASSERT_TRUE(st.Begin().ok());
  ASSERT_TRUE(st.AppendEvent(1, 1, TicketEvent(1, "A-001", v1::WAITING)).ok());
  EXPECT_FALSE(st.AppendEvent(2, 2, TicketEvent(2, "A-001", v1::WAITING)).ok());
  st.Rollback();
}

TEST_F(StoreTest, MigratesAnOlderSchemaKeepingItsData) {
  {
    auto old = Store::Open(path_, 1);
    ASSERT_TRUE(old.ok());
    EXPECT_EQ(old.value()->schema_version(), 1);
    sqlite3* db;
    sqlite3_open(path_.c_str(), &db);
    v1::Ticket t = TicketEvent(7, "A-007", v1::WAITING).ticket();
    const std::string blob = t.SerializeAsString();
    sqlite3_stmt* q;
    sqlite3_prepare_v2(db,
                       "INSERT INTO tickets (id, business_day, number, service, issued_service,"
                       " prefix, seq_no, state, priority, source, issued_ms, arrival_ms,"
                       " wait_target_min, service_std_min, data) VALUES (7, '2026-11-30',"
                       " 'A-007', 'KTP-REKAM', 'KTP-REKAM', 'A', 7, 'WAITING', 'PRIORITY_NONE',"
                       " 'KIOSK', 7000, 7000, 30, 10, ?1)",
                       -1, &q, nullptr);
    sqlite3_bind_blob(q, 1, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s.value()->schema_version(), kSchemaVersion);
  auto loaded = s.value()->Load("2026-11-30");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->tickets.size(), 1u);
  EXPECT_EQ(loaded->tickets[0].number(), "A-007");
  // The file as it was, copied before the migration: schema 1, with the ticket.
  const std::string copy = s.value()->pre_migration_copy();
  ASSERT_NE(copy.find(path_ + ".schema1-"), std::string::npos) << copy;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM tickets",
                     -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 1);
  EXPECT_EQ(sqlite3_column_int(q, 1), 1);
  sqlite3_finalize(q);
  sqlite3_close(db);
  // A database already at the current schema is not copied.
  s->reset();
  auto again = Store::Open(path_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value()->pre_migration_copy(), "");
}

TEST_F(StoreTest, RefusesAFileFromANewerBroker) {
  {
    sqlite3* db;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  auto s = Store::Open(path_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("newer"), std::string::npos);
}

TEST_F(StoreTest, UnwritableLocationIsAClearError) {
  auto s = Store::Open("/nonexistent-dir/sub/mpp.db");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("cannot open"), std::string::npos);
}

TEST_F(StoreTest, PruneDropsOldStoredReplies) {
  auto s = Store::Open(path_);
  ASSERT_TRUE(s.ok());
  Store& st = *s.value();
  ASSERT_TRUE(st.Begin().ok());
  st.SaveReply("k", "old", 1000, "a");
  st.SaveReply("k", "new", 9000, "b");
  ASSERT_TRUE(st.Commit().ok());
  ASSERT_TRUE(st.PruneReplies(5000).ok());
  EXPECT_EQ(st.FindReply("k", "old"), nullptr);
  EXPECT_NE(st.FindReply("k", "new"), nullptr);
  s.value().reset();
  auto reopened = Store::Open(path_);  // the deletion reached the file too
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened.value()->FindReply("k", "old"), nullptr);
  ASSERT_NE(reopened.value()->FindReply("k", "new"), nullptr);
  EXPECT_EQ(*reopened.value()->FindReply("k", "new"), "b");
}

}  // namespace
}  // namespace mpp::store

namespace mpp::store {
namespace {

TEST(StoreOperatorsAndRatings, SurviveAReopenAndRatingsAreQueryable) {
  mpp::testing::TempDir dir;  // also takes the -wal and -shm files along
  const std::string path = dir.File("mpp.db");
  {
    auto s = Store::Open(path);
    ASSERT_TRUE(s.ok()) << s.status().message();
    ASSERT_TRUE((*s)->Begin().ok());
    v1::Event op;
    op.set_type(v1::OPERATOR_CHANGED);
    op.mutable_operator_info()->set_id("ani");
    op.mutable_operator_info()->set_pin_hash("$argon2id$v=19$m=8,t=1,p=1$x$y");
    op.mutable_operator_info()->set_failures(2);
    ASSERT_TRUE((*s)->AppendEvent(1, 1000, op).ok());
    v1::Event rating;
    rating.set_type(v1::RATING_SUBMITTED);
    v1::Rating* r = rating.mutable_rating();
    r->set_ticket_id(9);
    r->set_business_day("2026-11-30");
    r->set_counter_id(1);
    r->set_operator_id("ani");
    r->set_service("KTP-REKAM");
    r->set_score(4);
    for (int v : {4, 3, 0, 4, 4, 4, 4, 4, 4}) r->add_skm(v);
    ASSERT_TRUE((*s)->AppendEvent(2, 2000, rating).ok());
    ASSERT_TRUE((*s)->Commit().ok());
  }
  auto s = Store::Open(path);
  ASSERT_TRUE(s.ok());
  auto loaded = (*s)->Load("2026-11-30");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->operators.size(), 1u);
  EXPECT_EQ(loaded->operators[0].failures(), 2);
  EXPECT_EQ(loaded->operators[0].pin_hash(), "$argon2id$v=19$m=8,t=1,p=1$x$y");
  s->reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT score, u2, u3 IS NULL, operator_id FROM ratings "
                               "WHERE ticket_id = 9",
                               -1, &q, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 4);
  EXPECT_EQ(sqlite3_column_int(q, 1), 3);
  EXPECT_EQ(sqlite3_column_int(q, 2), 1);  // unanswered element stored as NULL
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 3)), "ani");
  sqlite3_finalize(q);
  sqlite3_close(db);
}

}  // namespace
}  // namespace mpp::store
