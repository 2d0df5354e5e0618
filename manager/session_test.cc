// The dashboard's request flow without a broker: what the screen asks for
// becomes jobs, and replies (or failures) come back into what it shows.
#include "manager/session.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/temp_dir.h"

namespace mpp::manager {
namespace {

LiveState Live(const std::string& day, const std::string& ticker) {
  v1::Snapshot s;
  s.set_seq(1);
  s.set_business_day(day);
  s.set_ticker(ticker);
  LiveState state;
  state.ApplySnapshot(s);
  return state;
}

RequestWorker::Result Reply(const std::string& id, const v1::Reply& reply) {
  RequestWorker::Result r;
  r.request_id = id;
  r.reply.emplace();
  *r.reply->mutable_reply() = reply;
  return r;
}

v1::Reply ReportReply(const std::string& by) {
  v1::Reply r;
  r.mutable_report()->set_by(by);
  return r;
}

central::Overview ThreeHalls(const std::string& last_day) {
  central::Overview o;
  o.halls = {{"cilegon", "MPP Kota Cilegon", "Kota Cilegon", "Banten"},
             {"serang", "MPP Kota Serang", "Kota Serang", "Banten"},
             {"bandung", "MPP Kota Bandung", "Kota Bandung", "Jawa Barat"}};
  o.first_day = "2026-10-01";
  o.last_day = last_day;
  return o;
}

// On the central database the last day shipped is "today": the first
// overview asks for its whole month, by province, and the region's twelve
// months by month (the trend) - each job carrying the region.
TEST(ManagerRequests, CentralAsksForTheLastMonthShippedAndTheRegionsTrend) {
  ManagerRequests requests("", "", "");
  UiState ui;
  ui.central = true;
  ui.by = "province";
  requests.OnCentralState(false, "the central database is unreachable: refused", &ui);
  EXPECT_TRUE(requests.Holds("unreachable", ui, false, false));
  EXPECT_FALSE(requests.Holds("connected", ui, false, false));
  requests.OnCentralState(true, "", &ui);
  EXPECT_FALSE(requests.Holds("connected", ui, true, false)) << "not before the overview";
  central::Overview empty = ThreeHalls("");
  requests.OnOverview(empty, &ui);
  EXPECT_TRUE(requests.Holds("connected", ui, true, false));
  EXPECT_TRUE(requests.TakeJobs(&ui).empty()) << "no day shipped: nothing to report";

  requests.OnOverview(ThreeHalls("2026-11-30"), &ui);
  EXPECT_EQ(ui.from, "2026-11-01");
  EXPECT_EQ(ui.to, "2026-11-30");
  ChooseRegion(&ui, "Banten", "", "");
  EXPECT_EQ(ui.by, "city") << "a province grouped by province drills down to its cities";
  auto jobs = requests.TakeJobs(&ui);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].request.report().by(), "city");
  EXPECT_EQ(jobs[0].province, "Banten");
  EXPECT_EQ(jobs[1].request.report().by(), "month");
  EXPECT_EQ(jobs[1].request.report().from(), "2025-12-01");
  EXPECT_EQ(jobs[1].request.report().to(), "2026-11-30");
  EXPECT_EQ(jobs[1].province, "Banten");
  requests.OnResult(Reply(jobs[0].request_id, ReportReply("city")), &ui);
  requests.OnResult(Reply(jobs[1].request_id, ReportReply("month")), &ui);
  EXPECT_TRUE(ui.trend && !ui.heat);
  EXPECT_TRUE(requests.Holds("report", ui, true, false));
  // New days shipped later move "today", not the range being read.
  requests.OnOverview(ThreeHalls("2026-12-01"), &ui);
  EXPECT_EQ(ui.today, "2026-12-01");
  EXPECT_EQ(ui.to, "2026-11-30");
  EXPECT_FALSE(ui.want_report);
}

TEST(ChooseRegion, NarrowerRegionsDrillDownAndTheNameSaysWhich) {
  UiState ui;
  ui.central = true;
  ui.overview = ThreeHalls("2026-11-30");
  ui.by = "province";
  EXPECT_EQ(RegionName(ui), "Seluruh Indonesia");
  ++ui.overview_version;
  PrepareView(&ui);  // the region list: provinces with their halls, cities once one is chosen
  using Count = std::vector<std::pair<std::string, int>>;
  EXPECT_EQ(ui.prepared.provinces, (Count{{"Banten", 2}, {"Jawa Barat", 1}}));
  EXPECT_TRUE(ui.prepared.cities.empty());
  ChooseRegion(&ui, "Banten", "Kota Serang", "");
  EXPECT_EQ(ui.by, "mpp");
  EXPECT_EQ(RegionName(ui), "Kota Serang, Banten");
  PrepareView(&ui);
  EXPECT_EQ(ui.prepared.cities, (Count{{"Kota Cilegon", 1}, {"Kota Serang", 1}}));
  ChooseRegion(&ui, "Banten", "Kota Serang", "serang");
  EXPECT_EQ(ui.by, "service");
  EXPECT_EQ(RegionName(ui), "MPP Kota Serang");
  ui.by = "month";  // a grouping that is not a region stays
  ChooseRegion(&ui, "Jawa Barat", "", "");
  EXPECT_EQ(ui.by, "month");
  EXPECT_TRUE(ui.mpp.empty() && ui.city.empty());
  EXPECT_TRUE(ui.want_report);
}

TEST(ManagerRequests, TheFirstSightOfTheDayAsksForTheReportAndItsHeatMap) {
  ManagerRequests requests("", "", "");
  UiState ui;
  EXPECT_TRUE(requests.TakeJobs(&ui).empty()) << "nothing before the broker's day is known";
  requests.OnLive(Live("2026-11-30", "Selamat datang"), /*connected=*/true, &ui);
  EXPECT_STREQ(ui.ticker, "Selamat datang");
  EXPECT_EQ(ui.today, "2026-11-30");
  EXPECT_EQ(ui.to, "2026-11-30");  // the last 30 days by default
  const auto jobs = requests.TakeJobs(&ui);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].queue, ManagerRequests::Queue::kReports);
  EXPECT_EQ(jobs[0].request.report().by(), "service");
  EXPECT_EQ(jobs[1].request.report().by(), "weekday-hour");
  EXPECT_TRUE(ui.loading);
  EXPECT_TRUE(requests.TakeJobs(&ui).empty()) << "asked once";
  EXPECT_FALSE(requests.Holds("report", ui, true, true));

  requests.OnResult(Reply(jobs[0].request_id, ReportReply("service")), &ui);
  EXPECT_TRUE(ui.loading) << "the pair is not complete";
  requests.OnResult(Reply(jobs[1].request_id, ReportReply("weekday-hour")), &ui);
  EXPECT_FALSE(ui.loading);
  ASSERT_TRUE(ui.report && ui.heat);
  EXPECT_EQ(ui.heat->by(), "weekday-hour");
  EXPECT_TRUE(requests.Holds("report", ui, true, true));
}

TEST(ManagerRequests, ARangeGivenOnTheCommandLineIsKept) {
  ManagerRequests requests("2026-11-01", "", "");
  UiState ui;
  requests.OnLive(Live("2026-11-30", ""), true, &ui);
  EXPECT_EQ(ui.from, "2026-11-01");
  EXPECT_EQ(ui.to, "2026-11-30");
}

TEST(ManagerRequests, AFailedReportSaysWhyInTheScreensLanguage) {
  ManagerRequests requests("", "", "");
  UiState ui;
  ui.lang = Lang::kEn;
  requests.OnLive(Live("2026-11-30", ""), true, &ui);
  const auto jobs = requests.TakeJobs(&ui);
  v1::Reply refused;
  refused.mutable_error()->set_code(v1::UNAVAILABLE);
  refused.mutable_error()->set_message_id("Server sibuk.");
  refused.mutable_error()->set_message_en("The broker is busy.");
  requests.OnResult(Reply(jobs[0].request_id, refused), &ui);
  RequestWorker::Result lost;
  lost.request_id = jobs[1].request_id;
  lost.error = Status::Error(StatusCode::kUnavailable, "no answer");
  requests.OnResult(lost, &ui);
  EXPECT_EQ(ui.report_error, "The broker is busy.") << "the first reason is kept";
  EXPECT_FALSE(ui.loading) << "a new report may be asked for";
  EXPECT_FALSE(requests.Holds("report", ui, true, true));
}

TEST(ManagerRequests, TheRunningTextIsSavedThroughTheCommandThread) {
  ManagerRequests requests("", "", "");
  UiState ui;
  ui.want_ticker = "Layanan tutup pukul 15.00";
  const auto jobs = requests.TakeJobs(&ui);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].queue, ManagerRequests::Queue::kCommands);
  EXPECT_EQ(jobs[0].request.set_ticker().text(), "Layanan tutup pukul 15.00");
  EXPECT_TRUE(ui.ticker_saving);
  EXPECT_FALSE(requests.Holds("ticker-saved", ui, true, true));
  requests.OnResult(Reply(jobs[0].request_id, v1::Reply()), &ui);
  EXPECT_FALSE(ui.ticker_saving);
  EXPECT_EQ(ui.ticker_status, "Tersimpan; tampil di semua layar.");
  EXPECT_TRUE(requests.Holds("ticker-saved", ui, true, true));
  // A reply to nobody's request changes nothing.
  requests.OnResult(Reply("stale", ReportReply("service")), &ui);
  EXPECT_FALSE(ui.report);
}

TEST(ManagerRequests, AnExportIsWrittenAtOnceAndWithoutAReportSaysSo) {
  testing::TempDir dir;
  ManagerRequests requests("", "", dir.path().string());
  UiState ui;
  ui.want_export = true;
  EXPECT_TRUE(requests.TakeJobs(&ui).empty());
  EXPECT_EQ(ui.export_status, "Belum ada laporan.") << "it used to dereference no report";
  EXPECT_FALSE(requests.Holds("exported", ui, true, true));
  ui.report = ReportReply("service").report();
  ui.report->set_from("2026-11-01");
  ui.report->set_to("2026-11-30");
  ui.want_export = true;
  requests.TakeJobs(&ui);
  EXPECT_TRUE(requests.Holds("exported", ui, true, true)) << ui.export_status;
  EXPECT_EQ(ui.export_status.rfind("Tersimpan: ", 0), 0u) << ui.export_status;
  EXPECT_TRUE(std::filesystem::exists(ui.export_status.substr(11)));
}

TEST(ManagerRequests, ConnectedMeansTheStateAndTheCatalogAreThere) {
  ManagerRequests requests("", "", "");
  UiState ui;
  EXPECT_TRUE(requests.Holds("connected", ui, true, true));
  EXPECT_FALSE(requests.Holds("connected", ui, true, false));
  EXPECT_TRUE(requests.Holds("offline", ui, false, true));
  EXPECT_FALSE(requests.Holds("something else", ui, true, true));
}

}  // namespace
}  // namespace mpp::manager

namespace mpp::manager {
namespace {

v1::ComplianceReport TwoRows() {
  v1::ComplianceReport rep;
  rep.set_by("service");
  for (auto [key, within] : {std::pair{"A", 9}, std::pair{"B", 3}}) {
    v1::ReportRow* r = rep.add_rows();
    r->set_key(key);
    r->set_wait_judged(10);
    r->set_wait_within(within);
  }
  return rep;
}

// What the screen draws is made before the frame, and made again only when a
// report arrives or the order changes.
TEST(PrepareView, TheRowsAreOrderedBeforeTheFrameAndAgainWhenTheOrderChanges) {
  UiState ui;
  ui.today = "2026-11-30";
  PrepareView(&ui);
  EXPECT_TRUE(ui.prepared.table.empty());
  EXPECT_EQ(ui.prepared.range_dates[static_cast<size_t>(Range::kToday)],
            std::make_pair(std::string("2026-11-30"), std::string("2026-11-30")));
  ui.report = TwoRows();
  ++ui.report_version;
  PrepareView(&ui);
  ASSERT_EQ(ui.prepared.table.size(), 2u);
  EXPECT_EQ(ui.prepared.table[0]->key(), "A");
  EXPECT_EQ(ui.prepared.by_wait_within[0]->key(), "B") << "lowest % within the target first";
  ui.ascending = false;
  PrepareView(&ui);
  EXPECT_EQ(ui.prepared.table[0]->key(), "B");
  // A new report replaces the rows the pointers pointed into.
  ui.report = TwoRows();
  ui.report->mutable_rows(0)->set_key("C");
  ++ui.report_version;
  PrepareView(&ui);
  EXPECT_EQ(ui.prepared.table[0]->key(), "C");  // still descending
  EXPECT_FALSE(ui.prepared.heat);
}

}  // namespace
}  // namespace mpp::manager
