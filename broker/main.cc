// mpp-broker: the single authority of one MPP building.
//
//   mpp-broker --config config/mpp-cilegon.toml --db var/mpp.db
//              --endpoint tcp://127.0.0.1:5555 [--events tcp://127.0.0.1:5556]
//
// On start it loads and checks the catalog, opens (and migrates) the
// database, rebuilds today's state, binds, and prints one line
// "mpp-broker ready command=... events=..." on stdout. SIGINT/SIGTERM stop it
// cleanly; SIGHUP reads the catalog file again (docs/OPERATIONS.md). See docs/PROTOCOL.md and
// docs/OPERATIONS.md.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <zmq.hpp>

#include "broker/core/catalog_change.h"
#include "broker/core/queue_core.h"
#include "broker/net/reactor.h"
#include "broker/store/checkpointer.h"
#include "broker/store/db_lock.h"
#include "broker/store/store.h"
#include "broker/store/wal_syncer.h"
#include "common/catalog.h"
#include "common/cli.h"
#include "common/keys.h"
#include "common/logging.h"
#include "common/paths.h"
#include "common/time_util.h"
#include "common/wire.h"

namespace {

namespace v1 = mpp::v1;

std::atomic<bool> g_stop{false};

// How far behind the last committed event the clock may be at start before
// the broker refuses (a restart within the same minute is held, not refused).
constexpr mpp::Millis kClockBehindToleranceMs = 60'000;

void OnSignal(int) { g_stop.store(true); }

using mpp::Status;

// The core as the database has it (at start, and after a batch a full disk
// could not take).
void RestoreCore(const mpp::store::Loaded& loaded, mpp::Millis now, mpp::core::QueueCore* core) {
  core->Restore(loaded.tickets, loaded.counters, loaded.last_seq, loaded.last_ticket_id,
                loaded.business_day, now);
  core->RestoreNumberFloors(loaded.business_day, loaded.number_floors);
  core->RestoreOperators(loaded.operators);
  core->RestoreDevices(loaded.devices);
  core->RestoreBookings(loaded.bookings);
  if (loaded.ticker) core->RestoreTicker(*loaded.ticker);
}

// The database must be there unless --init asks for a new one, which must not
// be: a missing directory is an unmounted volume, a missing or empty file (and
// no -wal beside it) a hall without its data.
Status CheckDatabasePresence(const std::string& db, bool init) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path path(db);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) {
    if (!init) {
      return Status::Error("the data directory " + dir.string() +
                           " does not exist. Is the data volume mounted? (A new hall: start "
                           "once with --init, which creates it.)");
    }
    fs::create_directories(dir, ec);
    if (ec) return Status::Error("--init: cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  const bool has_file = fs::exists(path, ec) && fs::file_size(path, ec) > 0;
  const bool has_wal = fs::exists(db + "-wal", ec) && fs::file_size(db + "-wal", ec) > 0;
  const bool present = has_file || has_wal;
  if (!present && !init) {
    return Status::Error(
        "no database at " + db + (fs::exists(path, ec) ? " (the file is empty)" : "") +
        ". If the hall has run before, its data is not where it should be: is the data volume "
        "mounted, is --db right? Do not create a new one then - numbering would start at 001 "
        "again while visitors hold today's numbers; restore a backup (docs/OPERATIONS.md). "
        "For a new hall, start once with --init.");
  }
  if (present && init) {
    return Status::Error("--init: a database exists at " + db +
                         "; it is never overwritten. Start without --init.");
  }
  return Status::Ok();
}

// SIGHUP: read the catalog file again (the reactor applies it when the checks pass).
std::atomic<bool> g_reload{false};
void OnHangup(int) { g_reload.store(true); }

bool IsLoopback(const std::string& endpoint) {
  for (const char* p : {"tcp://127.", "tcp://localhost:", "tcp://[::1]:", "ipc://", "inproc://"}) {
    if (endpoint.rfind(p, 0) == 0) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing reads SQLite's memory statistics; keeping them takes a global
  // mutex on each of its allocations (several per request). Before any use.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  CLI::App app{"mpp-broker - the MPP queue broker"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string config = mpp::DefaultCatalogPath();
  std::string db = mpp::DefaultDatabasePath();
  std::string endpoint = "tcp://127.0.0.1:5555";
  std::string events;
  std::string clock_start;
  double clock_scale = 1.0;
  bool insecure = false;
  std::string keys_dir;
  int security_summary_s = 60;
  int pin_threads = 0;
  bool allow_clock_behind = false;
  bool init = false;
  bool init_only = false;
  int disk_floor_mb = 512;
  int silent_after_s = 60;
  std::string log_level = "info";
  app.add_option("--config", config, "catalog file (TOML)")->capture_default_str();
  app.add_option("--db", db, "SQLite database file")->capture_default_str();
  app.add_option("--endpoint", endpoint, "command endpoint (ROUTER); port * = any free port")
      ->capture_default_str();
  app.add_option("--events", events, "event endpoint (PUB); default: command port + 1");
  app.add_option("--clock-start", clock_start,
                 "simulated clock start, e.g. 2026-11-30T08:00:00+07:00 (tests, simulations)");
  app.add_option("--clock-scale", clock_scale, "simulated clock speed (with --clock-start)")
      ->check(CLI::Range(0.001, 100000.0));
  app.add_option("--keys", keys_dir,
                 "CURVE keys: DIR/broker.key and admin keys DIR/admins/*.pub (docs/SECURITY.md)");
  app.add_option("--security-summary-seconds", security_summary_s,
                 "sum refused handshakes and commands over this interval into one event each")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--pin-threads", pin_threads,
                 "threads checking PINs (Argon2, 64 MiB each while busy); 0 = one per core, "
                 "at most 4")
      ->check(CLI::Range(0, 4))
      ->capture_default_str();
  app.add_option("--disk-floor-mb", disk_floor_mb,
                 "warn when the database's disk has less free space than this (0: never)")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  app.add_option("--silent-after-s", silent_after_s,
                 "list a registered device as silent in status after this many seconds without "
                 "a word from it (screens say hello every 20 s)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_flag("--init", init,
               "create a new, empty database at --db (once, by hand, for a new hall; refused "
               "when one exists)");
  app.add_flag("--init-only", init_only,
               "with --init: create the database, run the start-up checks, and exit (the "
               "package's first configuration does this)");
  app.add_flag("--allow-clock-behind", allow_clock_behind,
               "start although the clock is behind the last event: times go on from it until "
               "the clock catches up (docs/OPERATIONS.md, \"The clock\")");
  app.add_flag("--insecure", insecure,
               "allow binding a non-loopback address without CURVE keys (not for production)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  MPP_PARSE(app, argc, argv);
  if (init_only) init = true;

  // stdout carries only the ready line; logs go to stderr.
  mpp::SetUpLogging("mpp-broker", log_level);

  std::optional<mpp::KeyPair> server_keys;
  std::vector<v1::Device> admins;
  if (!keys_dir.empty()) {
    auto k = mpp::ReadKeyPair(keys_dir + "/broker.key");
    if (!k.ok()) {
      std::cerr << "mpp-broker: --keys: " << k.status().message() << "\n";
      return 2;
    }
    server_keys = *k;
    if (auto st = mpp::CheckKeysFolder(keys_dir + "/admins"); !st.ok()) {
      std::cerr << "mpp-broker: --keys: " << st.message() << "\n";
      return 2;
    }
    std::error_code ec;
    for (const auto& f : std::filesystem::directory_iterator(keys_dir + "/admins", ec)) {
      if (f.path().extension() != ".pub") continue;
      auto pub = mpp::ReadPublicKey(f.path().string());
      if (!pub.ok()) {
        std::cerr << "mpp-broker: --keys: " << pub.status().message() << "\n";
        return 2;
      }
      v1::Device d;
      d.set_public_key(*pub);
      d.set_name("admin:" + f.path().stem().string());
      d.set_role(v1::ROLE_ADMIN);
      admins.push_back(d);
    }
    if (admins.empty()) {
      spdlog::warn("no admin keys in {}/admins/: nobody can add devices over the network",
                   keys_dir);
    }
  }
  if (!server_keys && !IsLoopback(endpoint) && !insecure) {
    std::cerr << "mpp-broker: refusing to bind " << endpoint
              << " without CURVE keys: anyone on the hall network could call tickets or close "
                 "counters. Give --keys DIR (docs/SECURITY.md), bind 127.0.0.1, or pass "
                 "--insecure on a trusted, isolated network.\n";
    return 2;
  }
  if (!server_keys && insecure && !IsLoopback(endpoint)) {
    spdlog::warn("INSECURE: serving {} without authentication or encryption", endpoint);
  } else if (!server_keys) {
    spdlog::info("no --keys: plaintext, loopback only ({})", endpoint);
  }

  auto catalog = mpp::LoadCatalogFile(config);
  if (!catalog.ok()) {
    std::cerr << "mpp-broker: the catalog was refused:\n" << catalog.status().message() << "\n";
    return 2;
  }
  mpp::CatalogIndex index(mpp::core::Versioned(std::move(catalog).value()));

  std::unique_ptr<mpp::Clock> clock;
  if (!clock_start.empty()) {
    auto start = mpp::ParseIsoTime(clock_start, index.utc_offset_min());
    if (!start) {
      std::cerr << "mpp-broker: --clock-start '" << clock_start
                << "' is not a time; write e.g. 2026-11-30T08:00:00+07:00\n";
      return 2;
    }
    clock = std::make_unique<mpp::ScaledClock>(*start, clock_scale);
    spdlog::warn("simulated clock: starts {} at {}x", clock_start, clock_scale);
  } else {
    clock = std::make_unique<mpp::SystemClock>();
  }

  // Every device holds two connections (commands, events), each a file
  // descriptor: raise the soft limit to the hard one, and say when even that
  // is short of this catalog's hall.
  {
    struct rlimit rl {};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      const rlim_t want = std::min<rlim_t>(rl.rlim_max, 65536);
      if (rl.rlim_cur < want) {
        rl.rlim_cur = want;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
      }
      // Workstation, rating pad, a display and a kiosk per counter, twice
      // over for their two connections, and ~64 for the broker itself.
      const long long needed = 8LL * index.catalog().counters_size() + 64;
      if (static_cast<long long>(rl.rlim_cur) < needed) {
        spdlog::warn(
            "the open-file limit is {} (hard limit {}): about {} devices can connect, and this "
            "hall ({} counters) may need {} file descriptors; raise LimitNOFILE "
            "(docs/OPERATIONS.md, \"Open files\")",
            static_cast<long long>(rl.rlim_cur), static_cast<long long>(rl.rlim_max),
            (static_cast<long long>(rl.rlim_cur) - 64) / 2, index.catalog().counters_size(),
            needed);
      } else {
        spdlog::info("open-file limit {}", static_cast<long long>(rl.rlim_cur));
      }
    }
  }
  // A new, empty hall only when asked: an unmounted data volume or a lost
  // file would otherwise start the numbering at 001 again while visitors
  // hold today's numbers.
  if (Status st = CheckDatabasePresence(db, init); !st.ok()) {
    std::cerr << "mpp-broker: " << st.message() << "\n";
    return 2;
  }
  // One broker per file, for the broker's whole life, before anything is
  // read or migrated; the file is created 0600 (it holds PIN hashes).
  if (Status st = mpp::store::CheckFolderWritable(db); !st.ok()) {
    std::cerr << "mpp-broker: " << st.message() << "\n";
    return 2;
  }
  auto db_lock = mpp::store::DatabaseLock::Acquire(db);
  if (!db_lock.ok()) {
    std::cerr << "mpp-broker: " << db_lock.status().message() << "\n";
    return 2;
  }
  // Never served from a damaged file (a zeroed page, flipped bytes: a ticket
  // quietly gone): checked before anything is migrated, within 5 s.
  const auto check_start = std::chrono::steady_clock::now();
  bool checked = false;
  auto store = mpp::store::Store::Open(db, mpp::store::kSchemaVersion, 5000, &checked);
  if (!store.ok()) {
    std::cerr << "mpp-broker: " << store.status().message() << "\n";
    return 2;
  }
  {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - check_start)
                        .count();
    if (checked) {
      spdlog::info("database {} opened and checked (quick_check) in {} ms", db, ms);
    } else {
      spdlog::warn(
          "database {}: quick_check not finished within 5 s; check it offline with "
          "sqlite3 {} 'PRAGMA integrity_check'",
          db, db);
    }
    if (!store.value()->pre_migration_copy().empty()) {
      // Warning level: an upgrade is rare, and the officer should see the way back.
      spdlog::warn(
          "database {} migrated to schema {}; the file as it was is copied to {} - keep it "
          "until this version has run a day (the way back: docs/OPERATIONS.md, \"Upgrade and "
          "rollback\")",
          db, store.value()->schema_version(), store.value()->pre_migration_copy());
    }
  }
  // The clock never runs behind what was committed: a clock set back (a bad
  // CMOS battery, an NTP step) would make waits negative and improve the
  // day's compliance. Far behind: refused unless the administrator says to
  // go on from the last event's time; a little behind (a restart within the
  // same minute): gone on from, logged.
  auto last_event = store.value()->LastEventMs();
  if (!last_event.ok()) {
    std::cerr << "mpp-broker: " << last_event.status().message() << "\n";
    return 2;
  }
  {
    const mpp::Millis behind = *last_event - clock->NowMs();
    if (behind > kClockBehindToleranceMs && !allow_clock_behind) {
      std::cerr << "mpp-broker: the clock ("
                << mpp::FormatIsoLocal(clock->NowMs(), index.utc_offset_min())
                << ") is behind the last event in " << db << " ("
                << mpp::FormatIsoLocal(*last_event, index.utc_offset_min()) << ") by "
                << (behind + 30'000) / 60'000
                << " min. Waits measured now would be wrong. Set the clock right (timedatectl, "
                   "NTP) and start again; or start with --allow-clock-behind: times then go on "
                   "from the last event's until the clock catches up.\n";
      return 2;
    }
  }
  mpp::ForwardClock held_clock(clock.get(), *last_event, [&](mpp::Millis behind, mpp::Millis at) {
    if (behind > 0) {
      spdlog::warn(
          "the clock is {} s behind the last time this broker used ({}): times go on from there "
          "at the pace of the monotonic clock until the clock catches up; set the clock right",
          behind / 1000, mpp::FormatIsoLocal(at, index.utc_offset_min()));
    } else {
      spdlog::warn("the clock caught up ({}); times follow it again",
                   mpp::FormatIsoLocal(at, index.utc_offset_min()));
    }
  });
  const mpp::Millis now = held_clock.NowMs();
  if (auto st = store.value()->PruneReplies(now - 7LL * 86400000); !st.ok()) {
    spdlog::warn("could not prune old stored replies: {}", st.message());
  }
  auto loaded = store.value()->Load(index.BusinessDay(now));
  if (!loaded.ok()) {
    std::cerr << "mpp-broker: " << loaded.status().message() << "\n";
    return 2;
  }
  // WAL checkpoints on a thread of their own, off the reactor's commits; the
  // writer's own at 16,000 pages (64 MB) only if this thread falls behind.
  auto checkpointer = mpp::store::Checkpointer::Start(db, std::chrono::milliseconds(250));
  if (!checkpointer.ok()) {
    spdlog::warn("{}; the writer checkpoints the WAL itself", checkpointer.status().message());
  } else if (auto st = store.value()->SetAutoCheckpointPages(16000); !st.ok()) {
    spdlog::warn("could not raise the automatic checkpoint threshold: {}", st.message());
  }
  // The catalog the database last ran with, when the file has changed since:
  // the state is rebuilt under it, then the file's catalog goes through the
  // same checks as a reload (a service with open tickets cannot vanish).
  std::unique_ptr<mpp::CatalogIndex> previous;
  auto stored_catalog = store.value()->LatestCatalog();
  if (!stored_catalog.ok()) {
    std::cerr << "mpp-broker: " << stored_catalog.status().message() << "\n";
    return 2;
  }
  if (*stored_catalog && (*stored_catalog)->version() != index.catalog().version()) {
    previous = std::make_unique<mpp::CatalogIndex>(**stored_catalog);
  }
  mpp::core::QueueCore core(previous ? previous.get() : &index);
  RestoreCore(*loaded, now, &core);
  if (core.DayChangeDue(now)) {
    // Started on a later day: the ended day's unfinished tickets expire and
    // its sign-ins end now, committed before anything is served (nobody is
    // subscribed yet) and before that day is summarized below.
    const std::string before = core.business_day();
    mpp::core::Outcome o = core.ChangeDay(now);
    if (auto st = store.value()->AppendBatch(core.seq() - o.events.size() + 1, now, o.events);
        !st.ok()) {
      std::cerr << "mpp-broker: cannot record the change of business day: " << st.message() << "\n";
      return 2;
    }
    if (!o.events.empty()) {
      const v1::DayChange& d = o.events.back().day_change();
      spdlog::info("business day {} -> {}: {} unfinished tickets expired, {} counters closed",
                   before, d.business_day(), d.expired(), d.counters_closed());
    }
  }
  if (previous) {
    mpp::core::Outcome o = core.ChangeCatalog(&index, now);
    if (!o.ok()) {
      std::cerr << "mpp-broker: the catalog " << config
                << " changed since the last run and cannot be applied to the hall as it is:\n"
                << mpp::DescribeCatalogChange(o.reply.catalog_change())
                << "Fix the file (or start the previous one) and start again.\n";
      return 2;
    }
    if (auto st = store.value()->AppendBatch(core.seq() - o.events.size() + 1, now, o.events);
        !st.ok()) {
      std::cerr << "mpp-broker: cannot record the catalog change: " << st.message() << "\n";
      return 2;
    }
    spdlog::info("catalog {} changed since the last run: version {} -> {}\n{}", config,
                 o.reply.catalog_change().previous_version(), o.reply.catalog_change().version(),
                 mpp::DescribeCatalogChange(o.reply.catalog_change()));
  } else if (!*stored_catalog) {
    if (auto st = store.value()->SaveCatalog(index.catalog(), now); !st.ok()) {
      std::cerr << "mpp-broker: " << st.message() << "\n";
      return 2;
    }
  }
  {
    // Report summaries of closed days: usually none or yesterday; a backlog
    // after the upgrade to schema 6 takes ~4 s per million tickets, once.
    const auto t0 = std::chrono::steady_clock::now();
    auto written = store.value()->SummarizeClosedDays(
        index.BusinessDay(now), index.utc_offset_min(), now, std::numeric_limits<int>::max());
    if (!written.ok()) {
      spdlog::warn("report summaries not written (reports read tickets instead): {}",
                   written.status().message());
    } else if (*written > 0) {
      spdlog::info("report summaries: {} closed day(s) summarized in {} ms", *written,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - t0)
                       .count());
    }
  }
  if (init_only) {
    std::cout << "mpp-broker: database " << db << " ready (schema "
              << store.value()->schema_version() << ", seq " << core.seq() << ")\n";
    return 0;
  }
  spdlog::info(
      "catalog {}: {} services, {} counters; database {} (schema {}), seq {}, business day {} "
      "with {} tickets",
      config, index.catalog().services_size(), index.catalog().counters_size(), db,
      store.value()->schema_version(), core.seq(), core.business_day(), core.tickets_today());

  // Commits are made durable by a thread of their own (WalSyncer); the
  // reactor holds each batch's replies and events until its WAL sync is done.
  // If that thread cannot start, each COMMIT syncs as before.
  std::unique_ptr<mpp::store::WalSyncer> syncer;
  if (auto started = mpp::store::WalSyncer::Start(db); !started.ok()) {
    spdlog::warn("{}; every COMMIT syncs the WAL on the reactor's thread",
                 started.status().message());
  } else if (auto st = store.value()->SetCommitSync(false); !st.ok()) {
    spdlog::warn("could not hand the WAL syncs to their thread ({}); COMMIT syncs", st.message());
  } else {
    syncer = std::move(started).value();
  }

  zmq::context_t context(1);
  mpp::net::ReactorOptions options;
  options.syncer = syncer.get();
  options.command_endpoint = endpoint;
  options.event_endpoint = events;
  options.db_path = db;
  // The ZAP handler exists before any socket binds (fail closed).
  mpp::net::DeviceRegistry registry;
  mpp::net::SecurityTally security;
  // Without keys it only refuses connections while descriptors run short.
  mpp::net::ZapHandler zap(&context, server_keys ? &registry : nullptr, &security, &held_clock);
  if (server_keys) {
    for (const auto& d : loaded->devices) registry.Put(d);
    for (const auto& d : admins) registry.Put(d);
    options.curve_secret_key = server_keys->secret_z85;
    options.devices = &registry;
    options.security = &security;
    options.security_summary_ms = security_summary_s * 1000;
  }
  options.refused_no_room = [&zap] { return zap.refused_no_room(); };
  options.config_path = config;
  options.reload = &g_reload;
  options.pin_threads = pin_threads;
  // Under systemd (Type=notify, WatchdogSec=): the loop's heartbeat pets the
  // watchdog, so a reactor that hangs is restarted. A no-op elsewhere.
  uint64_t watchdog_usec = 0;
  if (sd_watchdog_enabled(0, &watchdog_usec) > 0) {
    options.on_heartbeat = [] { sd_notify(0, "WATCHDOG=1"); };
    spdlog::info("systemd watchdog: {} s", watchdog_usec / 1000000.0);
  }
  options.disk_floor_bytes = static_cast<int64_t>(disk_floor_mb) << 20;
  options.silent_after_s = silent_after_s;
  if (checkpointer.ok()) options.checkpointer = checkpointer.value().get();
  // After a batch the full disk could not take: the core as the database has it.
  options.rebuild_core = [&](mpp::Millis at) -> Status {
    const mpp::CatalogIndex* in_force = &core.catalog();
    auto again = store.value()->Load(in_force->BusinessDay(at));
    if (!again.ok()) return again.status();
    core = mpp::core::QueueCore(in_force);
    RestoreCore(*again, at, &core);
    return Status::Ok();
  };
  mpp::net::Reactor reactor(&context, &index, &core, store.value().get(), &held_clock, options);
  if (auto st = reactor.Bind(); !st.ok()) {
    std::cerr << "mpp-broker: " << st.message() << "\n";
    return 2;
  }
  if (server_keys) {
    if (!zap.SelfTest(reactor.bound_command_endpoint(), server_keys->public_z85,
                      std::chrono::seconds(5))) {
      std::cerr << "mpp-broker: start-up check failed: a client with an unknown key was not "
                   "refused by ZAP, so the broker would be open to anyone. Not serving.\n";
      return 2;
    }
    spdlog::info(
        "CURVE on; ZAP refused an unknown key at start-up as it must; {} devices "
        "allowed ({} admin keys)",
        registry.size(), admins.size());
  }

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  struct sigaction hup {};
  hup.sa_handler = OnHangup;
  sigemptyset(&hup.sa_mask);
  sigaction(SIGHUP, &hup, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::printf("mpp-broker ready command=%s events=%s\n", reactor.bound_command_endpoint().c_str(),
              reactor.bound_event_endpoint().c_str());
  std::fflush(stdout);
  spdlog::info("serving commands on {}, events on {}", reactor.bound_command_endpoint(),
               reactor.bound_event_endpoint());
  // The service manager's readiness (Type=notify): bound, checked, serving.
  sd_notifyf(0, "READY=1\nSTATUS=serving commands on %s, events on %s",
             reactor.bound_command_endpoint().c_str(), reactor.bound_event_endpoint().c_str());

  reactor.Run(g_stop);
  sd_notify(0, "STOPPING=1");
  const auto& k = reactor.counters();
  spdlog::info(
      "stopping at seq {}: {} messages, {} group commits ({:.1f} requests per commit, "
      "largest {}), {:.3f} ms per commit; busy {:.0f} ms handling, {:.0f} ms "
      "committing, {:.0f} ms sending; {} commands refused to devices, {} bad connections "
      "ignored for a second ({} messages dropped unread), {} retries of a PIN check absorbed",
      core.seq(), k.messages, k.commits,
      k.commits ? static_cast<double>(k.committed_requests) / k.commits : 0.0, k.max_batch,
      k.commits ? k.commit_ms / k.commits : 0.0, k.handle_ms, k.commit_ms, k.send_ms,
      k.refused_commands, k.quarantines, k.dropped_bad, k.pin_retries_absorbed);
  if (syncer) {
    spdlog::info("sync thread: {} WAL syncs for {} group commits", syncer->syncs(), k.commits);
  }
  if (checkpointer.ok()) {
    spdlog::info("checkpoint thread: {} WAL frames copied to the database in {} checkpoints",
                 checkpointer.value()->frames(), checkpointer.value()->runs());
  }
  return 0;
}
