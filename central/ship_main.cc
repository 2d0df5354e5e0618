// mpp-ship: ships a hall's report summaries to the central PostgreSQL
// database (central/ship.h, docs/CENTRAL.md). Beside the broker, never in
// it: it reads the broker's database read-only and retries while the link
// is down; the hall's work never waits for it.
//
//   mpp-ship --db /var/lib/mpp/mpp.db --mpp cilegon
//            --central "host=central.example.go.id dbname=mpp user=mpp_cilegon sslmode=verify-full"
//
// Exit: 0 (--once: shipped or nothing to ship), 2 bad options or files,
// 3 (--once) the central database is unreachable or refused.
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "central/report.h"
#include "central/ship.h"
#include "common/cli.h"
#include "common/logging.h"

namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-ship - ships a hall's report summaries to the central database"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  mpp::central::ShipOptions o;
  std::string central, key_path = "/var/lib/mpp/ship-operator.key", log_level = "info";
  int every_s = 300;
  bool once = false;
  app.add_option("--db", o.db_path, "the broker's database (read only)")->required();
  app.add_option("--mpp", o.mpp_id, "this hall's id in the central database")->required();
  app.add_option("--central", central,
                 "libpq connection string of the central database (password in ~/.pgpass or "
                 "PGPASSWORD; sslmode=verify-full over the Internet)")
      ->envname("MPP_CENTRAL")
      ->required();
  app.add_option("--every", every_s, "seconds between passes")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_flag("--once", once, "one pass, then exit (0 done, 3 unreachable)");
  app.add_option("--operator-key", key_path,
                 "key of the operators' pseudonyms (made there, mode 0600, if missing)")
      ->capture_default_str();
  app.add_flag("--operator-names", o.operator_names,
               "ship operator ids as they are (only when the MPP has agreed to)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  MPP_PARSE(app, argc, argv);
  mpp::SetUpLogging("mpp-ship", log_level);
  if (!o.operator_names) {
    auto key = mpp::central::LoadOrMakeOperatorKey(key_path);
    if (!key.ok()) {
      std::cerr << "mpp-ship: " << key.status().message() << "\n";
      return mpp::kExitUsage;
    }
    o.operator_key = *key;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  int backoff_s = 1;
  while (!g_stop.load()) {
    mpp::StatusOr<mpp::central::ShipResult> r = mpp::Status::Error("not connected");
    try {
      pqxx::connection db(central);
      r = mpp::central::ShipOnce(db, o);
    } catch (const std::exception& e) {
      r = mpp::central::CentralError(e, "connecting to the central database");
    }
    if (r.ok()) {
      backoff_s = 1;
      if (r->days_shipped > 0 || once) {
        spdlog::info("shipped {} day(s) ({} cells, {} ratings, {} ticket facts); {} unchanged",
                     r->days_shipped, r->cells, r->ratings, r->facts, r->days_unchanged);
      }
      if (once) return mpp::kExitOk;
    } else {
      spdlog::warn("{}", r.status().message());
      if (once) {
        std::cerr << "mpp-ship: " << r.status().message() << "\n";
        return mpp::kExitUnreachable;
      }
    }
    // The next pass; after a failure sooner, backing off to the interval.
    const int wait_s = r.ok() ? every_s : std::min(every_s, backoff_s);
    backoff_s = std::min(backoff_s * 2, 300);
    for (int i = 0; i < wait_s * 10 && !g_stop.load(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return mpp::kExitOk;
}
