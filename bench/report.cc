// mpp-report-bench: how long a compliance report takes on a year of data.
//
//   mpp-report-bench [--tickets 1000000] [--db /tmp/mpp-report-bench.db] [--keep]
//                    [--no-summaries]
//
// Builds a broker database (the real schema, via store::Store) holding a year
// of tickets spread over the catalog's services, 300 working days, counters
// and operators, with ratings for one ticket in ten, has the store summarize
// the closed days as the broker does (timed), then times report::Build for
// each grouping. --no-summaries drops the summaries first, to time reports
// read from the tickets alone. The figures go to docs/BENCHMARKS.md.
#include "broker/report/build.h"
#include "broker/report/report.h"

#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <random>

#include "broker/store/store.h"
#include "common/cli.h"

namespace {

using Clock = std::chrono::steady_clock;

bool Fill(const std::string& path, const mpp::CatalogIndex& catalog, int tickets) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return false;
  sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* t = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO tickets (id, business_day, number, service, issued_service,"
                     " prefix, seq_no, state, priority, source, issued_ms, arrival_ms,"
                     " counter_id, operator_id, wait_target_min, service_std_min, print_failed,"
                     " wait_ms, service_ms, wait_met, service_met, data)"
                     " VALUES (?1,?2,?3,?4,?4,'A',?1,?5,?6,'KIOSK',?7,?7,?8,?9,?10,?11,?12,?13,"
                     "?14,?15,?16,x'')",
                     -1, &t, nullptr);
  sqlite3_stmt* r = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO ratings (ticket_id, business_day, ts_ms, counter_id,"
                     " operator_id, service, score, u1, u2, u3, u4, u5, u6, u7, u8, u9)"
                     " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?8,?8,4,?8,?8,?8,?8,?8)",
                     -1, &r, nullptr);
  std::mt19937_64 rng(42);
  const auto& services = catalog.catalog().services();
  // Each service is served at the counters the catalog gives it (one to
  // three), as in a real hall; a year's rows are written in time order.
  std::map<std::string, std::vector<int>> counters_of;
  for (const auto& c : catalog.catalog().counters()) {
    for (const auto& code : c.services()) counters_of[code].push_back(c.id());
  }
  std::lognormal_distribution<double> wait_min(2.8, 0.6), service_min(2.3, 0.4);
  const int64_t day0 = *mpp::ParseIsoTime("2026-01-05T00:00:00+07:00", 0);
  const int days = 300;
  for (int i = 1; i <= tickets; ++i) {
    const int d = static_cast<int>(static_cast<int64_t>(i - 1) * days / tickets);
    const int64_t midnight = day0 + static_cast<int64_t>(d) * 86'400'000;
    const mpp::LocalTime lt = mpp::ToLocal(midnight, 420);
    const std::string day = lt.Date();
    const auto& s = services[static_cast<int>(rng() % static_cast<uint64_t>(services.size()))];
    const int64_t issued = midnight + (8 * 60 + static_cast<int64_t>(rng() % 420)) * 60'000;
    const bool done = rng() % 10 < 8;
    const int64_t wait = static_cast<int64_t>(wait_min(rng) * 60'000);
    const int64_t serve = static_cast<int64_t>(service_min(rng) * 60'000);
    const std::vector<int>& at = counters_of[s.code()];
    const int counter =
        at.empty() ? 1 + static_cast<int>(rng() % 21) : at[static_cast<size_t>(rng() % at.size())];
    const std::string op = "op" + std::to_string(counter);
    sqlite3_bind_int64(t, 1, i);
    sqlite3_bind_text(t, 2, day.c_str(), -1, SQLITE_TRANSIENT);
    const std::string number = "A-" + std::to_string(i);
    sqlite3_bind_text(t, 3, number.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(t, 4, s.code().c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(t, 5, done ? "DONE" : "NO_SHOW", -1, SQLITE_STATIC);
    sqlite3_bind_text(t, 6, rng() % 10 == 0 ? "LANSIA" : "PRIORITY_NONE", -1, SQLITE_STATIC);
    sqlite3_bind_int64(t, 7, issued);
    sqlite3_bind_int(t, 8, counter);
    sqlite3_bind_text(t, 9, op.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(t, 10, s.wait_target_min());
    sqlite3_bind_int(t, 11, s.service_std_min());
    sqlite3_bind_int(t, 12, rng() % 200 == 0);
    sqlite3_bind_int64(t, 13, wait);
    if (done) {
      sqlite3_bind_int64(t, 14, serve);
      sqlite3_bind_int(t, 16, serve <= s.service_std_min() * 60'000LL);
    } else {
      sqlite3_bind_null(t, 14);
      sqlite3_bind_null(t, 16);
    }
    sqlite3_bind_int(t, 15, wait <= s.wait_target_min() * 60'000LL);
    if (sqlite3_step(t) != SQLITE_DONE) {
      std::cerr << "insert: " << sqlite3_errmsg(db) << "\n";
      return false;
    }
    sqlite3_reset(t);
    if (done && i % 10 == 0) {
      sqlite3_bind_int64(r, 1, i);
      sqlite3_bind_text(r, 2, day.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(r, 3, issued + wait + serve);
      sqlite3_bind_int(r, 4, counter);
      sqlite3_bind_text(r, 5, op.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(r, 6, s.code().c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int(r, 7, 1 + static_cast<int>(rng() % 4));
      sqlite3_bind_int(r, 8, 2 + static_cast<int>(rng() % 3));
      sqlite3_step(r);
      sqlite3_reset(r);
    }
  }
  sqlite3_finalize(t);
  sqlite3_finalize(r);
  const bool ok = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-report-bench - report time on a year of tickets"};
  int tickets = 1'000'000;
  std::string path = "/tmp/mpp-report-bench.db",
              config = std::string(MPP_SOURCE_DIR) + "/config/mpp-cilegon.toml";
  bool keep = false, no_summaries = false;
  app.add_option("--tickets", tickets)->capture_default_str();
  app.add_option("--db", path)->capture_default_str();
  app.add_flag("--keep", keep, "reuse an existing --db instead of rebuilding it");
  app.add_flag("--no-summaries", no_summaries, "time reports from tickets alone");
  MPP_PARSE(app, argc, argv);
  auto catalog = mpp::LoadCatalogFile(config);
  if (!catalog.ok()) {
    std::cerr << catalog.status().message() << "\n";
    return 2;
  }
  const mpp::CatalogIndex index(std::move(*catalog));
  if (!keep || !std::filesystem::exists(path)) {
    std::filesystem::remove(path);
    {
      auto store = mpp::store::Store::Open(path);  // the real schema and indexes
      if (!store.ok()) {
        std::cerr << store.status().message() << "\n";
        return 2;
      }
      // The catalog in force, as a broker keeps it (mpp-ship reads it).
      if (auto st = store.value()->SaveCatalog(index.catalog(), 0); !st.ok()) {
        std::cerr << st.message() << "\n";
        return 2;
      }
    }
    const auto t0 = Clock::now();
    if (!Fill(path, index, tickets)) return 1;
    std::printf("filled %d tickets in %.1f s (%s, %.0f MB)\n", tickets,
                std::chrono::duration<double>(Clock::now() - t0).count(), path.c_str(),
                static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  }
  {
    auto store = mpp::store::Store::Open(path);
    if (!store.ok()) {
      std::cerr << store.status().message() << "\n";
      return 2;
    }
    if (no_summaries) {
      sqlite3* db = nullptr;
      sqlite3_open(path.c_str(), &db);
      sqlite3_exec(db, "DELETE FROM report_cells; DELETE FROM report_days", nullptr, nullptr,
                   nullptr);
      sqlite3_close(db);
      std::printf("summaries dropped: reports read every ticket\n");
    } else {
      // What the broker does at start-up and after each business day.
      const auto t0 = Clock::now();
      auto n = store.value()->SummarizeClosedDays("2027-01-01", index.utc_offset_min(), 0,
                                                  std::numeric_limits<int>::max());
      if (!n.ok()) {
        std::cerr << n.status().message() << "\n";
        return 1;
      }
      std::printf("summarized %d days in %.2f s (%.0f MB now)\n", *n,
                  std::chrono::duration<double>(Clock::now() - t0).count(),
                  static_cast<double>(std::filesystem::file_size(path)) / 1e6);
    }
  }
  for (const char* by : {"service", "agency", "counter", "operator", "day", "hour"}) {
    mpp::report::GroupBy g;
    mpp::report::ParseGroupBy(by, &g);
    double best = 1e9;
    size_t rows = 0;
    int issued = 0;
    for (int run = 0; run < 3; ++run) {
      const auto t0 = Clock::now();
      auto rep = mpp::report::Build(path, index, "2026-01-01", "2026-12-31", g);
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      if (!rep.ok()) {
        std::cerr << rep.status().message() << "\n";
        return 1;
      }
      best = std::min(best, s);
      rows = rep->rows.size();
      issued = rep->total.issued;
    }
    std::printf("report by %-8s %4zu rows, %d tickets: best of 3 %.3f s\n", by, rows, issued, best);
  }
  return 0;
}
