// The central database of many halls against a real PostgreSQL server:
// real brokers with simulated or scripted days, mpp-ship shipping their
// files, mpp-central and the central report reading them back - equal, figure
// for figure, to the sum of the halls' own reports; a link cut for days, a
// shipper killed mid-ship, a rebuilt hall: nothing lost or counted twice;
// row-level security keeps each hall to its own rows; the manager's dashboard
// shows a region's figures from it, reading only.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <pqxx/pqxx>

#include "broker/report/build.h"
#include "central/report.h"
#include "central/schema.h"
#include "common/layout.h"
#include "testing/wait_for.h"
#include "tests/broker_process.h"
#include "tests/pg_cluster.h"

namespace mpp::testing {
namespace {

class Central : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pg_.ok()) << pg_.error();
    db_ = pg_.NewDatabase();
    ASSERT_EQ(RunCentral({"init"}), 0);
    std::ofstream(dir_.File("pw")) << "a-long-enough-password\n";
  }
  int RunCentral(std::vector<std::string> args, const std::string& out = "") {
    args.insert(args.begin(), {MPP_CENTRAL_BIN, "--db", pg_.Url(db_)});
    ChildProcess p;
    const std::string log = out.empty() ? dir_.File("central.log") : out;
    if (!p.Start(args, {}, log)) return -1;
    return p.Wait(30000);
  }
  // A hall registered centrally; ids are unique per test process (roles are
  // the server's, shared by the tests running at once).
  std::string AddHall(const std::string& name, const std::string& province) {
    std::string id = name + "-" + std::to_string(::getpid());
    EXPECT_EQ(RunCentral({"add-mpp", "--mpp", id, "--name", "MPP " + name, "--city", "Kota " + name,
                          "--province", province, "--password-file", dir_.File("pw")}),
              0)
        << ReadFile(dir_.File("central.log"));
    return id;
  }
  static std::string RoleOf(const std::string& id) { return central::ShipperRole(id); }
  // A reader's login role (the province's), unique per test process.
  std::string AddReader(const std::string& name) {
    std::ofstream(dir_.File("rpw")) << "another-long-password\n";
    std::string role = name + "_" + std::to_string(::getpid());
    EXPECT_EQ(RunCentral({"add-reader", "--role", role, "--password-file", dir_.File("rpw")}), 0)
        << ReadFile(dir_.File("central.log"));
    return role;
  }
  // mpp-ship --once for `hall`'s file; returns its exit code.
  int Ship(const std::string& db_path, const std::string& id, const std::string& central = "") {
    ChildProcess p;
    const std::string log = dir_.File("ship-" + id + ".log");
    if (!p.Start({MPP_SHIP_BIN, "--db", db_path, "--mpp", id, "--once", "--central",
                  central.empty() ? pg_.Url(db_, RoleOf(id)) : central, "--operator-key",
                  dir_.File("op-" + id + ".key")},
                 {}, log)) {
      return -1;
    }
    return p.Wait(60000);
  }
  // One working day at a hall: `tickets` visitors of KTP-REKAM served at
  // counter 1, the last one rating it with the SKM form. The broker runs on
  // the day's clock and is stopped after; started on a later day, it
  // summarizes this one (the unit mpp-ship sends).
  void WorkADay(BrokerProcess& b, const std::string& day, int tickets) {
    b.options().clock_start = day + "T09:00:00+07:00";
    ASSERT_TRUE(b.Start());
    TestClient c(b.command_endpoint());
    c.SignIn(1, "ani");
    int64_t last = 0;
    for (int i = 0; i < tickets; ++i) c.Issue("KTP-REKAM");
    for (int i = 0; i < tickets; ++i) {
      last = c.CallNext(1).ticket().id();
      c.StartServing(1);
      c.Finish(1);
    }
    v1::Request rate;
    rate.mutable_rate()->set_ticket_id(last);
    rate.mutable_rate()->set_counter_id(1);
    rate.mutable_rate()->set_score(4);
    for (int u : {4, 3, 4, 4, 3, 4, 4, 3, 4}) rate.mutable_rate()->add_skm(u);
    ASSERT_EQ(c.Must(rate).error().code(), v1::OK);
    ASSERT_EQ(b.Stop(), 0);
  }
  // Starts and stops the broker on `day`: the days before it are summarized.
  void CloseDaysBefore(BrokerProcess& b, const std::string& day) {
    b.options().clock_start = day + "T06:00:00+07:00";
    ASSERT_TRUE(b.Start());
    ASSERT_EQ(b.Stop(), 0);
  }
  report::Report Local(const std::string& db_path, const std::string& from, const std::string& to) {
    auto r = report::Build(db_path, *catalog_, from, to, report::GroupBy::kService);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : report::Report();
  }
  report::Report CentralOf(const std::string& from, const std::string& to,
                           report::GroupBy by = report::GroupBy::kService,
                           const std::string& mpp = "") {
    pqxx::connection c(pg_.Url(db_));
    central::CentralQuery q;
    q.from = from;
    q.to = to;
    q.by = by;
    q.mpp = mpp;
    auto r = central::CentralReport(c, q);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : report::Report();
  }
  int64_t Count(const std::string& sql) {
    pqxx::connection c(pg_.Url(db_));
    pqxx::read_transaction t(c);
    return t.exec(sql)[0][0].as<int64_t>();
  }

  TempDir dir_;
  PgCluster pg_;
  std::string db_;
  std::unique_ptr<CatalogIndex> catalog_ =
      std::make_unique<CatalogIndex>(LoadCatalogFile(SampleCatalog()).value());
};

// Counts and shares that must add up across halls.
void ExpectSameFigures(const report::Row& sum, const report::Row& central,
                       const std::string& what) {
  EXPECT_EQ(central.issued, sum.issued) << what;
  EXPECT_EQ(central.served, sum.served) << what;
  EXPECT_EQ(central.no_show, sum.no_show) << what;
  EXPECT_EQ(central.cancelled, sum.cancelled) << what;
  EXPECT_EQ(central.expired, sum.expired) << what;
  EXPECT_EQ(central.transferred, sum.transferred) << what;
  EXPECT_EQ(central.priority, sum.priority) << what;
  EXPECT_EQ(central.wait_judged, sum.wait_judged) << what;
  EXPECT_EQ(central.wait_within, sum.wait_within) << what;
  EXPECT_EQ(central.service_judged, sum.service_judged) << what;
  EXPECT_EQ(central.service_within, sum.service_within) << what;
  EXPECT_EQ(central.wait.n, sum.wait.n) << what;
  EXPECT_EQ(central.wait.max_ms, sum.wait.max_ms) << what;
  for (int s = 1; s <= 4; ++s) EXPECT_EQ(central.ratings[s], sum.ratings[s]) << what;
}

void Add(report::Row* into, const report::Row& r) {
  into->issued += r.issued;
  into->served += r.served;
  into->no_show += r.no_show;
  into->cancelled += r.cancelled;
  into->expired += r.expired;
  into->transferred += r.transferred;
  into->priority += r.priority;
  into->wait_judged += r.wait_judged;
  into->wait_within += r.wait_within;
  into->service_judged += r.service_judged;
  into->service_within += r.service_within;
  into->wait.n += r.wait.n;
  into->wait.max_ms = std::max(into->wait.max_ms, r.wait.max_ms);
  for (int s = 1; s <= 4; ++s) into->ratings[s] += r.ratings[s];
}

TEST_F(Central, ThreeHallsShipAndTheCentralReportIsTheSumOfTheirs) {
  // Three halls in two provinces, each a simulated morning (different seeds).
  const std::vector<std::pair<std::string, std::string>> halls = {
      {"cilegon", "Banten"}, {"serang", "Banten"}, {"bandung", "Jawa Barat"}};
  std::vector<std::unique_ptr<TempDir>> dirs;
  std::vector<std::unique_ptr<BrokerProcess>> brokers;
  std::vector<std::unique_ptr<ChildProcess>> sims;
  std::vector<std::string> ids;
  for (size_t i = 0; i < halls.size(); ++i) {
    ids.push_back(AddHall(halls[i].first, halls[i].second));
    dirs.push_back(std::make_unique<TempDir>());
    BrokerProcess::Options o;
    o.clock_start = "2026-11-30T07:20:00+07:00";
    o.extra_args = {"--clock-scale", "900"};
    brokers.push_back(std::make_unique<BrokerProcess>(*dirs.back(), o));
    ASSERT_TRUE(brokers.back()->Start());
    sims.push_back(std::make_unique<ChildProcess>());
    ASSERT_TRUE(sims.back()->Start(
        {MPP_SIM_BIN, "--broker", brokers.back()->command_endpoint(), "--until", "09:00",
         "--counters", "1,2,7", "--seed", std::to_string(11 + i), "--rate-share", "0.8"},
        {}, dirs.back()->File("sim.log")));
  }
  for (size_t i = 0; i < halls.size(); ++i) {
    ASSERT_EQ(sims[i]->Wait(120000), 0) << ReadFile(dirs[i]->File("sim.log"));
    ASSERT_EQ(brokers[i]->Stop(), 0);
    brokers[i]->options().extra_args.clear();
    CloseDaysBefore(*brokers[i], "2026-12-01");
    ASSERT_EQ(Ship(brokers[i]->db_path(), ids[i]), 0)
        << ReadFile(dir_.File("ship-" + ids[i] + ".log"));
  }
  // The sum of the halls' own reports, per service and in total.
  std::map<std::string, report::Row> by_service;
  report::Row total;
  for (const auto& b : brokers) {
    const report::Report r = Local(b->db_path(), "2026-11-30", "2026-11-30");
    for (const auto& row : r.rows) Add(&by_service[row.key], row);
    Add(&total, r.total);
  }
  ASSERT_GT(total.issued, 60);
  ASSERT_GT(total.ratings[4] + total.ratings[3], 5);
  const report::Report central = CentralOf("2026-11-30", "2026-11-30");
  ExpectSameFigures(total, central.total, "total");
  for (const auto& row : central.rows) ExpectSameFigures(by_service[row.key], row, row.key);
  EXPECT_EQ(central.rows.size(), by_service.size());
  EXPECT_GT(central.total.skm.respondents, 0);
  // By hall: each row is that hall's own total.
  const report::Report by_mpp = CentralOf("2026-11-30", "2026-11-30", report::GroupBy::kMpp);
  ASSERT_EQ(by_mpp.rows.size(), 3u);
  for (size_t i = 0; i < halls.size(); ++i) {
    const report::Report own = Local(brokers[i]->db_path(), "2026-11-30", "2026-11-30");
    for (const auto& row : by_mpp.rows) {
      if (row.key != ids[i]) continue;
      ExpectSameFigures(own.total, row, ids[i]);
      EXPECT_EQ(row.skm.respondents, own.total.skm.respondents) << ids[i];
      EXPECT_DOUBLE_EQ(row.skm.score, own.total.skm.score) << ids[i];
      EXPECT_EQ(row.label, "MPP " + halls[i].first);
    }
  }
  const report::Report by_province =
      CentralOf("2026-11-30", "2026-11-30", report::GroupBy::kProvince);
  ASSERT_EQ(by_province.rows.size(), 2u);
  EXPECT_EQ(by_province.rows[0].key, "Banten");
  EXPECT_EQ(by_province.rows[0].issued + by_province.rows[1].issued, total.issued);
  // The whole month comes from the monthly rollups: the same counts, shares
  // and SKM; medians within their histogram bucket of the exact ones.
  {
    pqxx::connection c(pg_.Url(db_));
    for (report::GroupBy by : {report::GroupBy::kService, report::GroupBy::kMpp}) {
      central::CentralQuery q;
      q.from = "2026-11-01";
      q.to = "2026-11-30";
      q.by = by;
      bool rollups = false;
      auto fast = central::CentralReport(c, q, &rollups);
      q.exact = true;
      bool exact_rollups = true;
      auto exact = central::CentralReport(c, q, &exact_rollups);
      ASSERT_TRUE(fast.ok()) << fast.status().message();
      ASSERT_TRUE(exact.ok()) << exact.status().message();
      EXPECT_TRUE(rollups);
      EXPECT_FALSE(exact_rollups);
      ASSERT_EQ(fast->rows.size(), exact->rows.size());
      for (size_t i = 0; i < fast->rows.size(); ++i) {
        const report::Row& f = fast->rows[i];
        const report::Row& e = exact->rows[i];
        ExpectSameFigures(e, f, "rollup " + f.key);
        EXPECT_EQ(f.skm.respondents, e.skm.respondents) << f.key;
        EXPECT_DOUBLE_EQ(f.skm.score, e.skm.score) << f.key;
        EXPECT_NEAR(f.wait.mean_ms, e.wait.mean_ms, 1e-6 * e.wait.mean_ms + 1e-9) << f.key;
        if (e.wait.n == 0) continue;
        int b = 0;  // the bucket of the exact median: the rollup's is its middle
        while (b < 54 && central::BucketMinutes(b).second * 60000 <= e.wait.median_ms) ++b;
        const auto [lo, hi] = central::BucketMinutes(b);
        EXPECT_GE(f.wait.median_ms, std::min<int64_t>(lo * 60000LL, e.wait.max_ms)) << f.key;
        if (hi > 0) {
          EXPECT_LE(f.wait.median_ms, hi * 60000LL) << f.key;
        }
      }
    }
  }
  // Shipped again: nothing changed, nothing sent, nothing doubled.
  ASSERT_EQ(Ship(brokers[0]->db_path(), ids[0]), 0);
  EXPECT_NE(ReadFile(dir_.File("ship-" + ids[0] + ".log")).find("shipped 0 day(s)"),
            std::string::npos);
  EXPECT_EQ(CentralOf("2026-11-30", "2026-11-30").total.issued, total.issued);
  // The same figures come out of mpp-central as text.
  ASSERT_EQ(RunCentral({"report", "--from", "2026-11-30", "--to", "2026-11-30", "--by", "mpp",
                        "--format", "csv"},
                       dir_.File("report.csv")),
            0);
  EXPECT_NE(ReadFile(dir_.File("report.csv")).find("TOTAL,," + std::to_string(total.issued) + ","),
            std::string::npos)
      << ReadFile(dir_.File("report.csv"));
}

TEST_F(Central, ALinkDownForTwoDaysCatchesUpAndARebuiltHallCountsNothingTwice) {
  const std::string id = AddHall("cilegon", "Banten");
  TempDir hall;
  BrokerProcess b(hall);
  WorkADay(b, "2026-11-30", 4);
  CloseDaysBefore(b, "2026-12-01");
  ASSERT_EQ(Ship(b.db_path(), id), 0) << ReadFile(dir_.File("ship-" + id + ".log"));
  EXPECT_EQ(Count("SELECT count(*) FROM shipped_day"), 1);
  // The link is down (nothing listens there): the hall works on; the shipper
  // says why and exits 3 for this one pass.
  WorkADay(b, "2026-12-01", 3);
  EXPECT_EQ(Ship(b.db_path(), id, "host=127.0.0.1 port=1 user=x dbname=x connect_timeout=2"), 3);
  EXPECT_NE(ReadFile(dir_.File("ship-" + id + ".log")).find("unreachable"), std::string::npos);
  WorkADay(b, "2026-12-02", 5);
  CloseDaysBefore(b, "2026-12-03");
  // Back: both days catch up at once.
  ASSERT_EQ(Ship(b.db_path(), id), 0);
  EXPECT_NE(ReadFile(dir_.File("ship-" + id + ".log")).find("shipped 2 day(s)"), std::string::npos)
      << ReadFile(dir_.File("ship-" + id + ".log"));
  const report::Report local = Local(b.db_path(), "2026-11-30", "2026-12-02");
  ASSERT_EQ(local.total.issued, 12);
  ExpectSameFigures(local.total, CentralOf("2026-11-30", "2026-12-02").total, "caught up");
  // Every ticket as an anonymous fact (times, outcome, source), once.
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_fact"), 12);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_fact WHERE state = 'DONE' AND source <> ''"
                  " AND wait_ms IS NOT NULL AND service_ms IS NOT NULL AND operator LIKE 'op-%'"),
            12);
  // The hall is rebuilt: its summaries are made again from its tickets (as
  // after a restore from a backup). Same content, same digest: nothing sent.
  ASSERT_EQ(std::system(("sqlite3 " + b.db_path() +
                         " \"DELETE FROM report_cells; DELETE FROM report_days;\"")
                            .c_str()),
            0);
  CloseDaysBefore(b, "2026-12-03");  // summarizes the three days again
  ASSERT_EQ(Ship(b.db_path(), id), 0);
  // All three read again and found the same: none sent.
  EXPECT_NE(ReadFile(dir_.File("ship-" + id + ".log")).find("; 3 unchanged"), std::string::npos)
      << ReadFile(dir_.File("ship-" + id + ".log"));
  EXPECT_NE(ReadFile(dir_.File("ship-" + id + ".log")).find("shipped 0 day(s)"), std::string::npos)
      << ReadFile(dir_.File("ship-" + id + ".log"));
  ExpectSameFigures(local.total, CentralOf("2026-11-30", "2026-12-02").total, "rebuilt");
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_fact"), 12);
}

TEST_F(Central, AShipperKilledInTheMiddleOfADayLeavesNothingOfIt) {
  const std::string id = AddHall("serang", "Banten");
  TempDir hall;
  BrokerProcess b(hall);
  WorkADay(b, "2026-11-30", 4);
  CloseDaysBefore(b, "2026-12-01");
  // Someone holds the rating table: the shipper's transaction waits there,
  // after its day and cells are written, and is killed.
  pqxx::connection admin(pg_.Url(db_));
  pqxx::work lock(admin);
  lock.exec("LOCK TABLE rating IN ACCESS EXCLUSIVE MODE");
  ChildProcess ship;
  ASSERT_TRUE(ship.Start({MPP_SHIP_BIN, "--db", b.db_path(), "--mpp", id, "--once", "--central",
                          pg_.Url(db_, RoleOf(id)), "--operator-key", dir_.File("op.key")},
                         {}, dir_.File("ship.log")));
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + RoleOf(id) +
                     "' AND wait_event_type = 'Lock'") == 1;
      },
      20000))
      << ReadFile(dir_.File("ship.log"));
  ship.Kill();
  lock.abort();
  // Its server process ends when it finds its client gone; its work is undone.
  ASSERT_TRUE(WaitFor(
      [&] {
        return Count("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + RoleOf(id) +
                     "'") == 0;
      },
      20000));
  EXPECT_EQ(Count("SELECT count(*) FROM shipped_day"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cell"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_fact"), 0);
  // The next pass ships the day once.
  ASSERT_EQ(Ship(b.db_path(), id), 0);
  ASSERT_EQ(Ship(b.db_path(), id), 0);
  const report::Report local = Local(b.db_path(), "2026-11-30", "2026-11-30");
  ExpectSameFigures(local.total, CentralOf("2026-11-30", "2026-11-30").total, "after the kill");
  EXPECT_EQ(Count("SELECT count(*) FROM shipped_day"), 1);
}

TEST_F(Central, EachHallWritesOnlyItsOwnRowsAndReadersReadAll) {
  const std::string a = AddHall("pandeglang", "Banten");
  const std::string b_id = AddHall("garut", "Jawa Barat");
  TempDir hall;
  BrokerProcess b(hall);
  WorkADay(b, "2026-11-30", 2);
  CloseDaysBefore(b, "2026-12-01");
  ASSERT_EQ(Ship(b.db_path(), a), 0);
  // Hall a's role cannot ship as hall b, or write b's rows, or see them.
  EXPECT_EQ(Ship(b.db_path(), b_id, pg_.Url(db_, RoleOf(a))), 3);
  EXPECT_NE(ReadFile(dir_.File("ship-" + b_id + ".log")).find("ships for MPP '" + a + "'"),
            std::string::npos)
      << ReadFile(dir_.File("ship-" + b_id + ".log"));
  pqxx::connection as_a(pg_.Url(db_, RoleOf(a)));
  {
    pqxx::work w(as_a);
    EXPECT_THROW(w.exec("INSERT INTO shipped_day (mpp_id, day, tickets, cells, ratings, digest)"
                        " VALUES ('" +
                        b_id + "', '2026-11-30', 1, 0, 0, 'x')"),
                 pqxx::sql_error);
  }
  {
    pqxx::work w(as_a);
    EXPECT_THROW(w.exec("UPDATE mpp SET name = 'x'"), pqxx::sql_error);
  }
  // Hall b's role sees nothing of a's.
  pqxx::connection as_b(pg_.Url(db_, RoleOf(b_id)));
  {
    pqxx::read_transaction r(as_b);
    EXPECT_EQ(r.exec("SELECT count(*) FROM cell")[0][0].as<int>(), 0);
  }
  // A reader (the province) sees every hall's rows and writes none.
  const std::string reader = AddReader("reader");
  pqxx::connection as_reader(pg_.Url(db_, reader));
  {
    pqxx::read_transaction r(as_reader);
    EXPECT_GT(r.exec("SELECT count(*) FROM cell")[0][0].as<int>(), 0);
  }
  {
    pqxx::work w(as_reader);
    EXPECT_THROW(w.exec("DELETE FROM cell"), pqxx::sql_error);
  }
  // Operators are pseudonyms unless the hall opts in.
  EXPECT_EQ(Count("SELECT count(*) FROM cell WHERE operator = 'ani'"), 0);
  EXPECT_GT(Count("SELECT count(*) FROM cell WHERE operator LIKE 'op-%'"), 0);
}

// A catalog changed mid-month (KTP-REKAM's waiting target 30 -> 20 minutes):
// the central database keeps both standards with the days each was in force,
// once however often the hall ships.
TEST_F(Central, AChangedStandardIsKeptWithTheDaysItWasInForce) {
  const std::string id = AddHall("lebak", "Banten");
  TempDir hall;
  BrokerProcess b(hall);
  WorkADay(b, "2026-11-27", 2);
  std::string catalog = ReadFile(SampleCatalog());
  const std::string old_target = "code = \"KTP-REKAM\"";
  const size_t at = catalog.find("wait_target_min = 30", catalog.find(old_target));
  ASSERT_NE(at, std::string::npos);
  catalog.replace(at, std::string("wait_target_min = 30").size(), "wait_target_min = 20");
  std::ofstream(hall.File("changed.toml")) << catalog;
  b.options().config = hall.File("changed.toml");
  WorkADay(b, "2026-11-30", 2);
  CloseDaysBefore(b, "2026-12-01");
  ASSERT_EQ(Ship(b.db_path(), id), 0) << ReadFile(dir_.File("ship-" + id + ".log"));
  ASSERT_EQ(Ship(b.db_path(), id), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM catalog_in_force"), 2) << "shipped twice, kept once";
  pqxx::connection c(pg_.Url(db_));
  pqxx::read_transaction t(c);
  const pqxx::result periods = t.exec(
      "SELECT wait_target_min, valid_from_day::text, coalesce(valid_until_day::text, '')"
      " FROM standard_period WHERE service = 'KTP-REKAM' ORDER BY valid_from");
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0][0].as<int>(), 30);
  EXPECT_EQ(periods[0][1].as<std::string>(), "2026-11-27");
  EXPECT_EQ(periods[0][2].as<std::string>(), "2026-11-30");
  EXPECT_EQ(periods[1][0].as<int>(), 20);
  EXPECT_EQ(periods[1][1].as<std::string>(), "2026-11-30");
  EXPECT_EQ(periods[1][2].as<std::string>(), "");
  // The standard in force on a day, as a function readers may call.
  EXPECT_EQ(t.exec1("SELECT wait_target_min FROM central_standard_on('" + id +
                    "', 'KTP-REKAM', '2026-11-28')")[0]
                .as<int>(),
            30);
  // The catalog in force now is the one reports label their rows with.
  EXPECT_EQ(
      t.exec1("SELECT wait_target_min FROM standard WHERE service = 'KTP-REKAM'")[0].as<int>(), 20);
  // mpp-central lists the history.
  ASSERT_EQ(
      RunCentral({"standards", "--mpp", id, "--service", "KTP-REKAM"}, dir_.File("standards.txt")),
      0)
      << ReadFile(dir_.File("standards.txt"));
  const std::string listed = ReadFile(dir_.File("standards.txt"));
  EXPECT_NE(listed.find("2026-11-27"), std::string::npos) << listed;
  EXPECT_NE(listed.find("2026-11-30"), std::string::npos) << listed;
  EXPECT_NE(listed.find("30 min"), std::string::npos) << listed;
  EXPECT_NE(listed.find("20 min"), std::string::npos) << listed;
}

// A database of schema 4 (one table a kind) is partitioned by month by
// `mpp-central init`: the same figures after, new months get their
// partitions from the shipper, a shipper still sees only its own rows and
// cannot open a partition directly, and a month is retired whole.
TEST_F(Central, AnOlderDatabaseIsPartitionedByMonthAndLosesNothing) {
  ASSERT_EQ(RunCentral({"init"}), 0);  // SetUp's: the newest schema; start again at 4
  pqxx::connection admin(pg_.Url(db_));
  {
    pqxx::work w(admin);
    w.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    w.commit();
  }
  ASSERT_EQ(RunCentral({"init", "--schema", "4"}), 0) << ReadFile(dir_.File("central.log"));
  const std::string a = AddHall("tangerang", "Banten");
  const std::string b_id = AddHall("bogor", "Jawa Barat");
  TempDir h1, h2;
  BrokerProcess b1(h1), b2(h2);
  WorkADay(b1, "2026-10-30", 3);
  WorkADay(b1, "2026-11-30", 4);
  CloseDaysBefore(b1, "2026-12-01");
  ASSERT_EQ(Ship(b1.db_path(), a), 0) << ReadFile(dir_.File("ship-" + a + ".log"));
  EXPECT_EQ(Count("SELECT count(*) FROM pg_inherits"), 0) << "schema 4 has no partitions";
  const report::Report before = CentralOf("2026-10-01", "2026-11-30");
  ASSERT_EQ(before.total.issued, 7);

  ASSERT_EQ(RunCentral({"init"}), 0) << ReadFile(dir_.File("central.log"));
  EXPECT_EQ(Count("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                  " WHERE c.relname IN ('cell_2026_10', 'cell_2026_11', 'rating_2026_10',"
                  " 'rating_2026_11', 'ticket_fact_2026_10', 'ticket_fact_2026_11')"),
            6);
  const report::Report after = CentralOf("2026-10-01", "2026-11-30");
  ExpectSameFigures(before.total, after.total, "partitioned");
  EXPECT_EQ(after.total.skm.respondents, before.total.skm.respondents);
  EXPECT_EQ(Count("SELECT count(*) FROM ticket_fact"), 7);
  // Another hall ships a new month: its shipper makes the partitions.
  WorkADay(b2, "2026-12-01", 2);
  CloseDaysBefore(b2, "2026-12-02");
  ASSERT_EQ(Ship(b2.db_path(), b_id), 0) << ReadFile(dir_.File("ship-" + b_id + ".log"));
  const int64_t december = Count("SELECT count(*) FROM cell WHERE day = '2026-12-01'");
  EXPECT_GT(december, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM cell_2026_12 WHERE mpp_id = '" + b_id + "'"), december);
  {
    pqxx::connection as_b(pg_.Url(db_, RoleOf(b_id)));
    pqxx::read_transaction r(as_b);
    EXPECT_EQ(r.exec("SELECT count(*) FROM cell WHERE mpp_id <> '" + b_id + "'")[0][0].as<int>(), 0)
        << "row-level security holds on the partitioned table";
  }
  {
    pqxx::connection as_b(pg_.Url(db_, RoleOf(b_id)));
    pqxx::read_transaction r(as_b);
    EXPECT_THROW(r.exec("SELECT count(*) FROM cell_2026_11"), pqxx::sql_error)
        << "a partition is not a way around it";
  }
  // October retired whole: November and October's monthly rollups stay.
  EXPECT_EQ(RunCentral({"retire", "--before", "2026-1"}), 2) << "not a month";
  ASSERT_EQ(RunCentral({"retire", "--before", "2026-11"}, dir_.File("retire.txt")), 0)
      << ReadFile(dir_.File("retire.txt"));
  EXPECT_EQ(ReadFile(dir_.File("retire.txt")),
            "dropped cell_2026_10\ndropped rating_2026_10\ndropped ticket_fact_2026_10\n"
            "mpp-central: 3 partition(s) before 2026-11 retired; their monthly rollups stay\n");
  EXPECT_EQ(Count("SELECT count(*) FROM pg_class WHERE relname = 'cell_2026_11'"), 1);
  EXPECT_EQ(CentralOf("2026-11-01", "2026-11-30", report::GroupBy::kService, a).total.issued, 4);
  EXPECT_EQ(Count("SELECT sum(issued) FROM month_service WHERE month = '2026-10-01'"), 3);
}

// The texts a screenshot's layout record says were drawn, and its problems.
std::string DrawnTexts(const std::string& png, std::vector<std::string>* problems) {
  const std::string json = ReadFile(png.substr(0, png.size() - 4) + ".layout.json");
  auto frame = LayoutFromJson(json);
  if (!frame.ok()) return "no layout record for " + png;
  *problems = CheckLayout(*frame, LayoutRules());
  std::string all;
  for (const TextRecord& t : frame->texts) all += t.text + "\n";
  return all;
}

TEST_F(Central, TheDashboardShowsARegionFromTheCentralDatabaseReadingOnly) {
  // Two halls in Banten, one in Jawa Barat; one of them also worked in October.
  const std::string cilegon = AddHall("cilegon", "Banten");
  const std::string serang = AddHall("serang", "Banten");
  const std::string bandung = AddHall("bandung", "Jawa Barat");
  TempDir h1, h2, h3;
  BrokerProcess b1(h1), b2(h2), b3(h3);
  WorkADay(b1, "2026-10-30", 2);
  WorkADay(b1, "2026-11-30", 3);
  WorkADay(b2, "2026-11-30", 5);
  WorkADay(b3, "2026-11-30", 4);
  for (auto [b, id] : {std::pair{&b1, cilegon}, {&b2, serang}, {&b3, bandung}}) {
    CloseDaysBefore(*b, "2026-12-01");
    ASSERT_EQ(Ship(b->db_path(), id), 0) << ReadFile(dir_.File("ship-" + id + ".log"));
  }
  const std::string reader = AddReader("dash");

  // The national view opens on the last month shipped, by province; a tap on
  // Banten narrows it to that province, then by hall, and exports it.
  Xvfb xvfb;
  ASSERT_TRUE(xvfb.Start(1920, 1080));
  // Kept in build/layout/central/ for a person to open.
  const std::string shot_dir = std::string(MPP_LAYOUT_DIR) + "/central";
  ASSERT_EQ(std::system(("mkdir -p " + shot_dir).c_str()), 0);
  const std::string shots = shot_dir + "/dashboard";
  const std::string exports = dir_.File("exports");
  ASSERT_EQ(std::system(("mkdir -p " + exports).c_str()), 0);
  std::ofstream(dir_.File("dash.script")) << "wait connected\n"
                                             "wait report 30\n"
                                             "screenshot "
                                          << shots
                                          << "-national.png\n"
                                             "tap province:Banten\n"
                                             "wait report 30\n"
                                             "tap by-mpp\n"
                                             "wait report 30\n"
                                             "tap export\n"
                                             "wait exported\n"
                                             "screenshot "
                                          << shots
                                          << "-banten.png\n"
                                             "tap view-skm\n"
                                             "screenshot "
                                          << shots << "-banten-skm.png\nquit\n";
  ChildProcess dash;
  ASSERT_TRUE(
      dash.Start({MPP_MANAGER_BIN, "--central", pg_.Url(db_, reader), "--size", "1600x900",
                  "--layout", "--export-dir", exports, "--script", dir_.File("dash.script")},
                 {"DISPLAY=" + xvfb.display()}, dir_.File("dash.log")));
  ASSERT_EQ(dash.Wait(90000), 0) << ReadFile(dir_.File("dash.log"));

  std::vector<std::string> problems;
  const std::string national = DrawnTexts(shots + "-national.png", &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  for (const char* shown : {"Banten", "Jawa Barat", "2026-11-01 - 2026-11-30", "Nov 2026"}) {
    EXPECT_NE(national.find(shown), std::string::npos) << shown << " not in\n" << national;
  }
  const std::string banten = DrawnTexts(shots + "-banten.png", &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  // The month-by-month trend of the region: October (one hall) and November.
  for (const char* shown : {"MPP cilegon", "MPP serang", "Okt 2026", "Nov 2026"}) {
    EXPECT_NE(banten.find(shown), std::string::npos) << shown << " not in\n" << banten;
  }
  EXPECT_EQ(banten.find("MPP bandung"), std::string::npos) << banten;
  DrawnTexts(shots + "-banten-skm.png", &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  // The export: Banten's halls by hall, as the halls counted them.
  const std::string csv = ReadFile(exports + "/laporan-2026-11-01_2026-11-30-mpp-Banten.csv");
  EXPECT_NE(csv.find("\r\n" + cilegon + ";MPP cilegon;3;3;"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n" + serang + ";MPP serang;5;5;"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\nTOTAL;;8;8;"), std::string::npos) << csv;
  EXPECT_EQ(csv.find(bandung), std::string::npos) << csv;
  // Its connection reads only, even as the database's owner (a reader's role
  // could not write anyway).
  auto owner = central::ConnectReadOnly(pg_.Url(db_), "test");
  ASSERT_TRUE(owner.ok()) << owner.status().message();
  {
    pqxx::work w(**owner);
    try {
      w.exec("DELETE FROM shipped_day");
      ADD_FAILURE() << "a read-only connection deleted rows";
    } catch (const pqxx::sql_error& e) {
      EXPECT_NE(std::string(e.what()).find("read-only transaction"), std::string::npos) << e.what();
    }
  }

  // The narrowest screen, in English: a city's halls fit too.
  std::ofstream(dir_.File("small.script"))
      << "wait connected\nwait report 30\n"
         "tap province:Banten\nwait report 30\n"
         "tap city:Kota serang\nwait report 30\n"
         "screenshot "
      << shots << "-1280-en.png\ntap view-skm\nscreenshot " << shots << "-1280-en-skm.png\nquit\n";
  ChildProcess small;
  ASSERT_TRUE(small.Start({MPP_MANAGER_BIN, "--central", pg_.Url(db_, reader), "--size", "1280x720",
                           "--lang", "en", "--layout", "--script", dir_.File("small.script")},
                          {"DISPLAY=" + xvfb.display()}, dir_.File("small.log")));
  ASSERT_EQ(small.Wait(90000), 0) << ReadFile(dir_.File("small.log"));
  const std::string city = DrawnTexts(shots + "-1280-en.png", &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_NE(city.find("Kota serang, Banten"), std::string::npos) << city;
  DrawnTexts(shots + "-1280-en-skm.png", &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();

  // A central database out of reach: the dashboard says so and keeps trying.
  std::ofstream(dir_.File("down.script"))
      << "wait unreachable 20\nscreenshot " << shots << "-down.png\nquit\n";
  ChildProcess down;
  ASSERT_TRUE(down.Start({MPP_MANAGER_BIN, "--central", "host=127.0.0.1 port=1 dbname=x user=x",
                          "--size", "1280x720", "--layout", "--script", dir_.File("down.script")},
                         {"DISPLAY=" + xvfb.display()}, dir_.File("down.log")));
  ASSERT_EQ(down.Wait(60000), 0) << ReadFile(dir_.File("down.log"));
  const std::string unreachable = DrawnTexts(shots + "-down.png", &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_NE(unreachable.find("Basis data pusat tidak dapat dibaca"), std::string::npos)
      << unreachable;
  EXPECT_NE(unreachable.find("Connection refused"), std::string::npos) << unreachable;
  // A role that may not read the halls (a hall's shipper, not a reader): the
  // banner says so instead of waiting in silence.
  std::ofstream(dir_.File("denied.script"))
      << "wait unreachable 20\nscreenshot " << shots << "-denied.png\nquit\n";
  ChildProcess denied;
  ASSERT_TRUE(denied.Start({MPP_MANAGER_BIN, "--central", pg_.Url(db_, RoleOf(cilegon)), "--size",
                            "1280x720", "--layout", "--script", dir_.File("denied.script")},
                           {"DISPLAY=" + xvfb.display()}, dir_.File("denied.log")));
  ASSERT_EQ(denied.Wait(60000), 0) << ReadFile(dir_.File("denied.log"));
  const std::string why = DrawnTexts(shots + "-denied.png", &problems);
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_NE(why.find("permission denied"), std::string::npos) << why;
}

}  // namespace
}  // namespace mpp::testing
