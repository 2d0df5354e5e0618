// Crash safety: kill -9 the broker in the middle of a burst of concurrent
// issues. Every acknowledged ticket must exist after restart, numbers must be
// unique and gap-free per prefix, and the event log's seq must be gap-free.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

struct Acked {
  int64_t id;
  std::string number;
};

TEST(CrashSafety, KillNineMidBurstLosesNoAcknowledgedTicket) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());

  constexpr int kKiosks = 8;
  constexpr int kKillAfter = 400;  // acknowledged issues before the kill
  const char* services[] = {"SKCK-PANJANG", "PASPOR-GANTI", "INFO-PENGADUAN"};  // no quota
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Acked> acked;
  std::vector<std::thread> kiosks;
  for (int k = 0; k < kKiosks; ++k) {
    kiosks.emplace_back([&, k] {
      TestClient kiosk(broker.command_endpoint(), "kiosk-" + std::to_string(k));
      for (int i = 0;; ++i) {
        v1::Request r;
        r.mutable_issue()->set_service(services[(i + k) % 3]);
        r.mutable_issue()->set_source(v1::KIOSK);
        auto env = kiosk.Call(r, 1000);
        if (!env.ok()) return;  // the broker is gone: outcome unknown, not acknowledged
        if (env->reply().error().code() != v1::OK) continue;
        std::lock_guard<std::mutex> lock(mu);
        acked.push_back({env->reply().ticket().id(), env->reply().ticket().number()});
        cv.notify_all();
      }
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60),
                            [&] { return acked.size() >= static_cast<size_t>(kKillAfter); }))
        << "only " << acked.size() << " tickets acknowledged";
  }
  broker.Kill();  // SIGKILL while the kiosks are still sending
  for (auto& t : kiosks) t.join();
  ASSERT_GE(acked.size(), static_cast<size_t>(kKillAfter));

  ASSERT_TRUE(broker.Start());
  TestClient c(broker.command_endpoint());
  const v1::Snapshot snap = c.Snapshot().snapshot();
  std::map<int64_t, std::string> stored;
  for (const auto& t : snap.tickets()) stored[t.id()] = t.number();
  for (const auto& a : acked) {
    auto it = stored.find(a.id);
    ASSERT_NE(it, stored.end()) << "acknowledged ticket " << a.number << " was lost";
    EXPECT_EQ(it->second, a.number);
  }
  // Per prefix: numbers 1..n, each once.
  std::map<std::string, std::set<int>> by_prefix;
  for (const auto& t : snap.tickets()) {
    EXPECT_TRUE(by_prefix[t.prefix()].insert(t.seq_no()).second) << t.number() << " twice";
  }
  for (const auto& [prefix, nums] : by_prefix) {
    EXPECT_EQ(*nums.begin(), 1) << prefix;
    EXPECT_EQ(*nums.rbegin(), static_cast<int>(nums.size())) << prefix << " has a gap";
  }
  // The event log's seq is gap-free and matches the broker.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(broker.db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*), MIN(seq), MAX(seq) FROM events", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  const int64_t count = sqlite3_column_int64(q, 0);
  EXPECT_EQ(sqlite3_column_int64(q, 1), 1);
  EXPECT_EQ(sqlite3_column_int64(q, 2), count);
  sqlite3_finalize(q);
  sqlite3_close(db);
  EXPECT_EQ(snap.seq(), static_cast<uint64_t>(count));
  EXPECT_EQ(static_cast<int64_t>(snap.tickets_size()), count);  // one event per issued ticket

  // Numbering continues after the crash.
  const v1::Ticket next = c.Issue("SKCK-PANJANG").ticket();
  EXPECT_EQ(next.seq_no(), static_cast<int>(by_prefix["B"].size()) + 1);
}

}  // namespace
}  // namespace mpp::testing
