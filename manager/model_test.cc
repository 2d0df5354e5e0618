#include "manager/model.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mpp::manager {
namespace {

constexpr Millis kMin = 60'000;

class LiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = LoadCatalogFile(std::string(MPP_SOURCE_DIR) + "/config/mpp-cilegon.toml");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<CatalogIndex>(*catalog);
    now_ = *ParseIsoTime("2026-11-30T10:00:00+07:00", 420);
    snap_.set_seq(1);
    snap_.set_business_day("2026-11-30");
  }
  void Ticket(int64_t id, const std::string& service, v1::TicketState state, Millis waited) {
    v1::Ticket* t = snap_.add_tickets();
    t->set_id(id);
    t->set_number("X-" + std::to_string(id));
    t->set_service(service);
    t->set_business_day("2026-11-30");
    t->set_state(state);
    t->set_issued_ms(now_ - waited);
    t->set_arrival_ms(now_ - waited);
  }
  void Counter(int id, v1::CounterStatus status, Millis since, const std::string& reason = "") {
    v1::Counter* c = snap_.add_counters();
    c->set_id(id);
    c->set_status(status);
    c->set_operator_id("op" + std::to_string(id));
    c->set_since_ms(since);
    c->set_break_reason(reason);
  }
  LiveView Build(Lang lang = Lang::kId, BrokerHealth health = {}) {
    LiveState state;
    state.ApplySnapshot(snap_);
    return BuildLive(state, *catalog_, now_, lang, health);
  }
  std::unique_ptr<CatalogIndex> catalog_;
  Millis now_ = 0;
  v1::Snapshot snap_;
};

// The broker's heartbeats say its disk is low or full: the first alert, as
// nothing else on the dashboard matters if tickets cannot be recorded.
TEST_F(LiveTest, AFullOrFillingDiskIsTheFirstAlert) {
  Ticket(3, "SKCK-BARU", v1::WAITING, 10 * kMin);  // also an alert: no Polres counter open
  EXPECT_EQ(Build().alerts.size(), 1u);
  LiveView low = Build(Lang::kId, {/*disk_low=*/true, /*writes_refused=*/false});
  ASSERT_EQ(low.alerts.size(), 2u);
  EXPECT_EQ(low.alerts[0].kind, Alert::Kind::kDiskLow);
  EXPECT_EQ(low.alerts[0].text,
            "Disk server antrean hampir penuh: minta admin TI mengosongkan ruang.");
  LiveView full = Build(Lang::kEn, {true, true});
  ASSERT_EQ(full.alerts.size(), 2u);
  EXPECT_EQ(full.alerts[0].kind, Alert::Kind::kDiskFull);
  EXPECT_NE(full.alerts[0].text.find("cannot be recorded"), std::string::npos);
}

TEST_F(LiveTest, QueuesOrderedByOverdueWaitsAndAlertsSayWhy) {
  // KTP-REKAM (target 30 min): 42 and 5 minutes; SKCK-BARU (30): 10 minutes.
  Ticket(1, "KTP-REKAM", v1::WAITING, 42 * kMin);
  Ticket(2, "KTP-REKAM", v1::WAITING, 5 * kMin);
  Ticket(3, "SKCK-BARU", v1::WAITING, 10 * kMin);
  Ticket(4, "KTP-REKAM", v1::SERVING, 50 * kMin);
  Counter(1, v1::OPEN, now_ - 60 * kMin);  // Dukcapil, serves KTP-REKAM
  const LiveView v = Build();
  ASSERT_EQ(v.services.size(), 2u);
  EXPECT_EQ(v.services[0].code, "KTP-REKAM");
  EXPECT_EQ(v.services[0].waiting, 2);
  EXPECT_EQ(v.services[0].called_or_serving, 1);
  EXPECT_EQ(v.services[0].longest_wait_ms, 42 * kMin);
  EXPECT_TRUE(v.services[0].over_target);
  EXPECT_EQ(v.services[0].open_counters, 1);
  EXPECT_FALSE(v.services[1].over_target);
  EXPECT_EQ(v.waiting, 3);
  // SKCK-BARU waits with no Polres counter open; KTP-REKAM is over its target.
  ASSERT_EQ(v.alerts.size(), 2u);
  EXPECT_EQ(v.alerts[0].kind, Alert::Kind::kNoCounterOpen);
  EXPECT_EQ(v.alerts[0].subject, "SKCK-BARU");
  EXPECT_EQ(v.alerts[1].kind, Alert::Kind::kWaitOverTarget);
  EXPECT_EQ(v.alerts[1].text, "KTP-REKAM: antrean terlama 42 mnt, target 30 mnt");
  EXPECT_EQ(Build(Lang::kEn).alerts[1].text, "KTP-REKAM: longest wait 42 min, target 30 min");
  EXPECT_EQ(v.counters.size(), static_cast<size_t>(catalog_->catalog().counters_size()));
  EXPECT_EQ(v.counters_open, 1);
}

TEST_F(LiveTest, ABreakAlertsOnlyWhenItsQueueGrows) {
  Counter(1, v1::ON_BREAK, now_ - 20 * kMin, "Salat");
  Counter(2, v1::OPEN, now_ - 60 * kMin);
  Ticket(1, "KTP-REKAM", v1::WAITING, 25 * kMin);  // before the break: not counted
  Ticket(2, "KTP-REKAM", v1::WAITING, 15 * kMin);
  Ticket(3, "KTP-CETAK", v1::WAITING, 10 * kMin);
  LiveView v = Build();
  for (const auto& a : v.alerts) EXPECT_NE(a.kind, Alert::Kind::kBreakWhileQueueGrows) << a.text;
  EXPECT_EQ(v.counters[0].status_text, "Istirahat: Salat");
  EXPECT_EQ(v.counters_on_break, 1);
  Ticket(4, "KTP-REKAM", v1::WAITING, 2 * kMin);  // the third since the break began
  v = Build();
  const auto it = std::find_if(v.alerts.begin(), v.alerts.end(), [](const Alert& a) {
    return a.kind == Alert::Kind::kBreakWhileQueueGrows;
  });
  ASSERT_NE(it, v.alerts.end());
  EXPECT_EQ(it->text,
            "Loket 1 istirahat 20 mnt; 3 nomor baru menunggu sejak itu (KTP-REKAM, KTP-CETAK)");
}

// Ten waiting for KTP-REKAM (10 minutes each) with one counter open at 15:00
// cannot be served before the 16:00 closing; five can.
TEST_F(LiveTest, AQueueThatCannotBeFinishedBeforeClosingIsAnAlert) {
  now_ = *ParseIsoTime("2026-11-30T15:00:00+07:00", 420);
  Counter(1, v1::OPEN, now_ - 60 * kMin);
  for (int i = 0; i < 5; ++i) Ticket(10 + i, "KTP-REKAM", v1::WAITING, kMin);
  auto past_closing = [](const LiveView& v) {
    for (const Alert& a : v.alerts) {
      if (a.kind == Alert::Kind::kPastClosing) return a.text;
    }
    return std::string();
  };
  EXPECT_EQ(past_closing(Build()), "");
  for (int i = 5; i < 10; ++i) Ticket(10 + i, "KTP-REKAM", v1::WAITING, kMin);
  EXPECT_EQ(past_closing(Build()),
            "KTP-REKAM: 10 menunggu, selesai sekitar 16.40, setelah tutup pukul 16.00: buka loket "
            "tambahan atau beri tahu pengunjung");
  EXPECT_EQ(past_closing(Build(Lang::kEn)),
            "KTP-REKAM: 10 waiting, done about 16:40, after closing at 16:00: open another counter "
            "or tell the visitors");
}

TEST(Ranges, EndOnTodayAndCrossMonths) {
  EXPECT_EQ(RangeDates(Range::kToday, "2026-12-01"),
            std::make_pair(std::string("2026-12-01"), std::string("2026-12-01")));
  EXPECT_EQ(RangeDates(Range::kLast7, "2026-12-03").first, "2026-11-27");
  EXPECT_EQ(RangeDates(Range::kLast30, "2026-03-01").first, "2026-01-31");
  EXPECT_EQ(RangeDates(Range::kThisMonth, "2026-12-17").first, "2026-12-01");
}

// The central view's ranges are whole months (the monthly rollups serve
// them), ending with the month of the last day shipped.
TEST(Ranges, CentralRangesAreWholeMonthsEndingWithTheLastDayShipped) {
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(RangeDates(Range::kMonth, "2026-11-30"), P("2026-11-01", "2026-11-30"));
  EXPECT_EQ(RangeDates(Range::kMonth, "2028-02-03"), P("2028-02-01", "2028-02-29"));
  EXPECT_EQ(RangeDates(Range::kLast3Months, "2026-02-10"), P("2025-12-01", "2026-02-28"));
  EXPECT_EQ(RangeDates(Range::kLast12Months, "2026-12-06"), P("2026-01-01", "2026-12-31"));
  EXPECT_EQ(RangeDates(Range::kLast12Months, "2026-01-06"), P("2025-02-01", "2026-01-31"));
  EXPECT_EQ(RangeDates(Range::kYear, "2026-07-15"), P("2026-01-01", "2026-12-31"));
  EXPECT_EQ(MonthName("2026-10", Lang::kId), "Okt 2026");
  EXPECT_EQ(MonthName("2026-10", Lang::kEn), "Oct 2026");
  EXPECT_EQ(MonthName("2026-13", Lang::kEn), "2026-13");
}

v1::ReportRow Row(const std::string& key, int judged, int within, int64_t median, double skm) {
  v1::ReportRow r;
  r.set_key(key);
  r.set_issued(judged);
  r.set_wait_judged(judged);
  r.set_wait_within(within);
  r.mutable_wait()->set_n(judged);
  r.mutable_wait()->set_median_ms(median);
  r.mutable_wait()->set_mean_ms(static_cast<double>(median));
  if (skm > 0) {
    r.mutable_skm()->set_respondents(1);
    r.mutable_skm()->set_score(skm);
  }
  return r;
}

TEST(Compliance, SortsWithEmptyValuesLast) {
  v1::ComplianceReport rep;
  *rep.add_rows() = Row("A", 10, 9, 5 * kMin, 90);
  *rep.add_rows() = Row("B", 0, 0, 0, 0);  // nothing called yet
  *rep.add_rows() = Row("C", 4, 1, 40 * kMin, 70);
  auto keys = [](const std::vector<const v1::ReportRow*>& rows) {
    std::string s;
    for (const auto* r : rows) s += r->key();
    return s;
  };
  EXPECT_EQ(keys(SortedRows(rep, Column::kWaitWithin, true)), "CAB");
  EXPECT_EQ(keys(SortedRows(rep, Column::kWaitWithin, false)), "ACB");
  EXPECT_EQ(keys(SortedRows(rep, Column::kWaitMedian, false)), "CAB");
  EXPECT_EQ(keys(SortedRows(rep, Column::kSkm, false)), "ACB");
  EXPECT_EQ(keys(SortedRows(rep, Column::kGroup, false)), "CBA");
  EXPECT_DOUBLE_EQ(*WaitWithinPct(rep.rows(0)), 90.0);
  EXPECT_FALSE(WaitWithinPct(rep.rows(1)));
}

TEST(Compliance, HeatMapCellsAndExcelExport) {
  v1::ComplianceReport rep;
  rep.set_from("2026-11-30");
  rep.set_to("2026-12-01");
  rep.set_by("weekday-hour");
  *rep.add_rows() = Row("1-08", 3, 3, 12 * kMin, 0);
  *rep.add_rows() = Row("2-17", 2, 0, 50 * kMin, 0);
  *rep.add_rows() = Row("1-10", 0, 0, 0, 0);  // issued, nobody called: no cell
  const HeatMap h = BuildHeatMap(rep);
  EXPECT_EQ(h.n[1][8], 3);
  EXPECT_DOUBLE_EQ(h.mean_min[1][8], 12.0);
  EXPECT_EQ(h.n[1][10], 0);
  EXPECT_DOUBLE_EQ(h.max_mean_min, 50.0);
  EXPECT_EQ(h.first_hour, 7);
  EXPECT_EQ(h.last_hour, 17);  // widened to the late cell
  EXPECT_EQ(HeatColor(0, 30), (std::array<int, 3>{46, 160, 67}));
  EXPECT_EQ(HeatColor(99, 30), (std::array<int, 3>{200, 30, 30}));

  const std::string dir =
      (std::filesystem::temp_directory_path() / ("mpp-export-" + std::to_string(getpid())))
          .string();
  std::filesystem::create_directories(dir);
  auto path = ExportReport(rep, dir);
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, dir + "/laporan-2026-11-30_2026-12-01-weekday-hour.csv");
  std::ifstream in(*path);
  std::stringstream text;
  text << in.rdbuf();
  // For Excel with Indonesian settings: BOM, ';' and a decimal comma.
  EXPECT_EQ(text.str().rfind("\xEF\xBB\xBFgroup;name;issued;", 0), 0u);
  EXPECT_NE(text.str().find("\r\n1-08;;3;0;0;0;0;0;0;0;0;12,0;"), std::string::npos) << text.str();
  // A region of the central view is in the name, safe for a file system.
  auto region = ExportReport(rep, dir, "Kota Serang/Banten");
  ASSERT_TRUE(region.ok()) << region.status().message();
  EXPECT_EQ(*region, dir + "/laporan-2026-11-30_2026-12-01-weekday-hour-Kota_Serang_Banten.csv");
  // And the same as a workbook beside it.
  std::ifstream xlsx(dir + "/laporan-2026-11-30_2026-12-01-weekday-hour.xlsx", std::ios::binary);
  char magic[2] = {};
  xlsx.read(magic, 2);
  EXPECT_EQ(std::string(magic, 2), "PK") << "not a zip (xlsx) file";
  std::filesystem::remove_all(dir);
  const auto bad = ExportReport(rep, "/nonexistent/folder");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--export-dir"), std::string::npos);
}

}  // namespace
}  // namespace mpp::manager
