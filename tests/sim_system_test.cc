// A simulated morning through the real broker (mpp-sim on a scaled clock):
// the report the broker builds must agree with the event log it wrote.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

struct FromLog {
  std::map<std::string, int> issued, served, no_show;  // per service at issue / at the end
  std::set<int64_t> transferred;
  int ratings = 0;
  std::map<int64_t, int64_t> first_wait;  // ticket -> wait at its first call
  int appointments = 0;                   // called tickets from bookings
  std::map<int64_t, int> first_call_counter;
};

// Reads every event the broker committed, independently of the report code.
FromLog ReadLog(const std::string& db_path) {
  FromLog out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT payload FROM events ORDER BY seq", -1, &q, nullptr);
  while (sqlite3_step(q) == SQLITE_ROW) {
    v1::Event e;
    EXPECT_TRUE(e.ParseFromArray(sqlite3_column_blob(q, 0), sqlite3_column_bytes(q, 0)));
    const v1::Ticket& t = e.ticket();
    switch (e.type()) {
      case v1::TICKET_ISSUED:
        ++out.issued[t.service()];
        break;
      case v1::TICKET_CALLED:
        if (!out.first_wait.count(t.id())) {
          // A booking checked in on time waits from its slot's start
          // (docs/PROTOCOL.md section 10), never less than nothing.
          const bool on_time = t.appointment_ms() > 0 && !t.appointment_late();
          const int64_t since =
              on_time ? std::max(t.issued_ms(), t.appointment_ms()) : t.issued_ms();
          out.first_wait[t.id()] = std::max<int64_t>(0, t.first_called_ms() - since);
          out.appointments += t.appointment_ms() > 0 ? 1 : 0;
        }
        break;
      case v1::TICKET_FINISHED:
        ++out.served[t.service()];
        break;
      case v1::TICKET_NO_SHOW:
        ++out.no_show[t.service()];
        break;
      case v1::TICKET_TRANSFERRED:
        out.transferred.insert(t.id());
        break;
      case v1::RATING_SUBMITTED:
        ++out.ratings;
        break;
      default:
        break;
    }
  }
  sqlite3_finalize(q);
  sqlite3_close(db);
  return out;
}

TEST(SimulatedDay, TheReportAgreesWithTheEventLog) {
  TempDir dir;
  BrokerProcess::Options opt;
  // A Monday before opening: the three operators are added and sign in first
  // (Argon2id, ~0.3 s of real time each = minutes on this clock).
  opt.clock_start = "2026-11-30T07:20:00+07:00";
  opt.extra_args = {"--clock-scale", "900"};  // two hours of the morning in 8 s
  BrokerProcess broker(dir, opt);
  ASSERT_TRUE(broker.Start());
  ChildProcess sim;
  ASSERT_TRUE(sim.Start({MPP_SIM_BIN, "--broker", broker.command_endpoint(), "--until", "09:20",
                         "--counters", "1,2,7", "--seed", "7", "--rate-share", "0.8"},
                        {}, dir.File("sim.log")));
  ASSERT_EQ(sim.Wait(90000), 0) << ReadFile(dir.File("sim.log"));
  const std::string sim_log = ReadFile(dir.File("sim.log"));

  TestClient manager(broker.command_endpoint(), "manager");
  v1::Request q;
  q.mutable_report()->set_from("2026-11-30");
  q.mutable_report()->set_to("2026-11-30");
  q.mutable_report()->set_by("service");
  const v1::Reply r = manager.Must(q);
  ASSERT_EQ(r.error().code(), v1::OK) << r.error().message_en();
  ASSERT_EQ(broker.Stop(), 0);
  const FromLog log = ReadLog(broker.db_path());

  // The morning was not empty: counters 1, 2 (Dukcapil) and 7 (Polres) worked.
  int issued = 0, served = 0, no_show = 0;
  for (const auto& [svc, n] : log.issued) issued += n;
  for (const auto& [svc, n] : log.served) served += n;
  for (const auto& [svc, n] : log.no_show) no_show += n;
  EXPECT_GT(issued, 20) << sim_log;
  EXPECT_GT(served, 10) << sim_log;
  EXPECT_GT(log.ratings, 5) << sim_log;
  // Some visitors had booked (KTP-REKAM and SKCK-BARU take appointments) and
  // checked in; their tickets were called like the others.
  EXPECT_NE(sim_log.find("mpp-sim: bookings "), std::string::npos) << sim_log;
  EXPECT_GT(log.appointments, 0) << sim_log;

  const v1::ComplianceReport& rep = r.report();
  EXPECT_EQ(rep.total().issued(), issued);
  EXPECT_EQ(rep.total().served(), served);
  EXPECT_EQ(rep.total().no_show(), no_show);
  EXPECT_EQ(rep.total().transferred(), static_cast<int>(log.transferred.size()));
  int rated = 0;
  for (int n : rep.total().ratings()) rated += n;
  EXPECT_EQ(rated, log.ratings);
  // Every ticket was worked off after the last arrival: none left open.
  EXPECT_EQ(served + no_show + rep.total().cancelled(), issued) << sim_log;
  // Per service, counted at the end state (a transferred ticket counts where it was served).
  for (const auto& row : rep.rows()) {
    auto at = [](const std::map<std::string, int>& m, const std::string& k) {
      auto it = m.find(k);
      return it == m.end() ? 0 : it->second;
    };
    EXPECT_EQ(row.served(), at(log.served, row.key())) << row.key();
    EXPECT_EQ(row.no_show(), at(log.no_show, row.key())) << row.key();
  }
  // Waiting times are simulated minutes, not the seconds the test took.
  ASSERT_EQ(rep.total().wait().n(), static_cast<int64_t>(log.first_wait.size()));
  double sum = 0;
  int64_t longest = 0;
  for (const auto& [id, w] : log.first_wait) {
    sum += static_cast<double>(w);
    longest = std::max(longest, w);
  }
  EXPECT_NEAR(rep.total().wait().mean_ms(), sum / static_cast<double>(log.first_wait.size()), 1.0);
  EXPECT_EQ(rep.total().wait().max_ms(), longest);
  EXPECT_GT(rep.total().service().mean_ms(), 60'000) << "a service lasts minutes of broker time";
}

// scripts/demo adds the simulated operators on the real clock, whatever day
// that is; on a Sunday mpp-sim refused ("the MPP is closed") and the demo
// stopped before its day began.
TEST(SimulatedDay, OperatorsArePreparedOnADayTheMppIsClosed) {
  TempDir dir;
  BrokerProcess::Options opt;
  opt.clock_start = "2026-11-29T10:00:00+07:00";  // a Sunday
  BrokerProcess broker(dir, opt);
  ASSERT_TRUE(broker.Start());
  ChildProcess sim;
  ASSERT_TRUE(sim.Start({MPP_SIM_BIN, "--broker", broker.command_endpoint(), "--prepare-operators",
                         "--counters", "1,7", "--pin", "1357"},
                        {}, dir.File("sim.log")));
  ASSERT_EQ(sim.Wait(30000), 0) << ReadFile(dir.File("sim.log"));

  // Both exist with that PIN: they sign in (a wrong PIN would be refused).
  TestClient admin(broker.command_endpoint(), "admin");
  for (int counter : {1, 7}) {
    v1::Request in;
    in.mutable_sign_in()->set_counter_id(counter);
    in.mutable_sign_in()->set_operator_id("sim-" + std::to_string(counter));
    in.mutable_sign_in()->set_pin("1357");
    const v1::Reply r = admin.Must(in);
    EXPECT_EQ(r.error().code(), v1::OK) << counter << ": " << r.error().message_en();
  }
  // A day's run on that clock is still refused, with the reason.
  ChildProcess day;
  ASSERT_TRUE(day.Start({MPP_SIM_BIN, "--broker", broker.command_endpoint(), "--counters", "1"}, {},
                        dir.File("day.log")));
  EXPECT_EQ(day.Wait(30000), 1);
  EXPECT_NE(ReadFile(dir.File("day.log")).find("the MPP is closed on Minggu 2026-11-29"),
            std::string::npos)
      << ReadFile(dir.File("day.log"));
}

// scripts/demo asks mpp-sim which day to simulate: from Christmas Eve (a
// holiday, then Christmas, a short Saturday and a Sunday) that is Monday 28th.
TEST(SimulatedDay, TheDemoDayIsTheNextFullWorkingDayOfTheCatalog) {
  TempDir dir;
  BrokerProcess::Options opt;
  opt.clock_start = "2026-12-24T10:00:00+07:00";
  BrokerProcess broker(dir, opt);
  ASSERT_TRUE(broker.Start());
  const CommandResult r = RunCommand(std::string(MPP_SIM_BIN) + " --broker " +
                                     broker.command_endpoint() + " --next-full-day 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "2026-12-28\n");
}

}  // namespace
}  // namespace mpp::testing
