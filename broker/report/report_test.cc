#include "broker/report/report.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "broker/report/build.h"
#include "broker/store/store.h"

namespace mpp::report {
namespace {

TEST(Grade, TheLegendIsWrittenFromTheSameBandsAsTheGrades) {
  EXPECT_EQ(GradeLegend('.'), "A >= 88.31  B >= 76.61  C >= 65.00  D < 65.00");
  EXPECT_EQ(GradeLegend(','), "A >= 88,31  B >= 76,61  C >= 65,00  D < 65,00");
  std::string label;
  for (const GradeBand& band : kGradeBands) {
    EXPECT_EQ(Grade(band.min_score, &label), band.grade);
    EXPECT_EQ(label, band.label);
  }
}

TEST(Skm, GradeBoundariesAreOnTheRoundedScore) {
  std::string label;
  EXPECT_EQ(Grade(88.31, &label), 'A');
  EXPECT_EQ(label, "Sangat Baik");
  EXPECT_EQ(Grade(88.305, &label), 'A');  // rounds to 88.31
  EXPECT_EQ(Grade(88.30, &label), 'B');
  EXPECT_EQ(label, "Baik");
  EXPECT_EQ(Grade(76.61, &label), 'B');
  EXPECT_EQ(Grade(76.60, &label), 'C');
  EXPECT_EQ(label, "Kurang Baik");
  EXPECT_EQ(Grade(65.00, &label), 'C');
  EXPECT_EQ(Grade(64.99, &label), 'D');
  EXPECT_EQ(label, "Tidak Baik");
}

TEST(Skm, APerfectSurveyScoresOneHundredNotNinetyNine) {
  const Skm k = ComputeSkm({{4, 4, 4, 4, 4, 4, 4, 4, 4}});
  EXPECT_DOUBLE_EQ(k.ikm, 4.0);
  EXPECT_DOUBLE_EQ(k.score, 100.0);
  EXPECT_EQ(k.grade, 'A');
  EXPECT_EQ(k.respondents, 1);
}

TEST(Skm, PartlyAnsweredFormsCountPerElement) {
  // U1 answered twice (4 and 2): NRR 3. U2..U9 answered once with 4: NRR 4.
  const Skm k = ComputeSkm({{4, 4, 4, 4, 4, 4, 4, 4, 4}, {2, 0, 0, 0, 0, 0, 0, 0, 0}});
  EXPECT_EQ(k.respondents, 2);
  EXPECT_EQ(k.answered[0], 2);
  EXPECT_EQ(k.answered[1], 1);
  EXPECT_DOUBLE_EQ(k.nrr[0], 3.0);
  EXPECT_NEAR(k.ikm, 35.0 / 9, 1e-12);
  EXPECT_DOUBLE_EQ(k.score, 97.22);  // 35/9 x 25 = 97.2222...
}

TEST(Skm, HandComputedMixedSurveyIsGradedC) {
  // Three respondents; per element sums 8 of 3 answers -> NRR 2.6667 everywhere.
  const Skm k = ComputeSkm(
      {{3, 3, 3, 3, 3, 3, 3, 3, 3}, {3, 3, 3, 3, 3, 3, 3, 3, 3}, {2, 2, 2, 2, 2, 2, 2, 2, 2}});
  EXPECT_DOUBLE_EQ(k.score, 66.67);
  EXPECT_EQ(k.grade, 'C');
  EXPECT_EQ(ComputeSkm({}).respondents, 0);
  EXPECT_EQ(ComputeSkm({{0, 0, 0, 0, 0, 0, 0, 0, 0}}).grade, '-');
}

TEST(Distribution, NearestRankPercentiles) {
  const Distribution d = Summarize({40, 10, 25, 20});
  EXPECT_EQ(d.n, 4);
  EXPECT_DOUBLE_EQ(d.mean_ms, 23.75);
  EXPECT_EQ(d.median_ms, 20);
  EXPECT_EQ(d.p90_ms, 40);
  EXPECT_EQ(d.max_ms, 40);
  EXPECT_EQ(Summarize({}).n, 0);
}

constexpr int64_t kMin = 60'000;

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("mpp-report-" + std::to_string(getpid()) + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto catalog = LoadCatalogFile(std::string(MPP_SOURCE_DIR) + "/config/mpp-cilegon.toml");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<CatalogIndex>(*catalog);
    auto store = store::Store::Open(path_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Begin().ok());
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // A ticket as the broker would have stored it. wait/service < 0: never called/served.
  void Add(int64_t id, const std::string& day, const std::string& service, v1::TicketState state,
           int64_t wait_min, int wait_target, int64_t service_min, int service_std, int counter = 0,
           const std::string& op = "", v1::PriorityReason priority = v1::PRIORITY_NONE,
           bool print_failed = false, int64_t estimate_min = -1,
           v1::OutOfOrderReason out_of_order = v1::IN_ORDER, int appointment = 0) {
    v1::Event e;
    e.set_type(v1::TICKET_FINISHED);
    v1::Ticket* t = e.mutable_ticket();
    t->set_id(id);
    t->set_number("X-" + std::to_string(id));
    t->set_service(service);
    t->set_issued_service(service);
    t->set_prefix("X");
    t->set_seq_no(static_cast<int>(id));
    t->set_business_day(day);
    t->set_state(state);
    t->set_priority(priority);
    t->set_source(v1::KIOSK);
    const int64_t issued = *ParseIsoTime(day + "T09:00:00+07:00", 0);
    t->set_issued_ms(issued);
    t->set_arrival_ms(issued);
    t->set_wait_target_min(wait_target);
    t->set_service_std_min(service_std);
    t->set_counter_id(counter);
    t->set_operator_id(op);
    t->set_print_failed(print_failed);
    t->set_out_of_order(out_of_order);
    if (appointment > 0) {  // from a booking: 1 checked in on time, 2 late
      t->set_source(v1::ONLINE);
      t->set_appointment_ms(issued);
      t->set_appointment_late(appointment == 2);
    }
    if (wait_min >= 0) {
      t->set_first_called_ms(issued + wait_min * kMin);
      t->set_wait_ms(wait_min * kMin);
      t->set_wait_met(wait_min <= wait_target);
    }
    if (estimate_min >= 0) {
      t->set_estimated(true);
      t->set_estimated_wait_ms(estimate_min * kMin);
    }
    if (state == v1::EXPIRED && wait_min < 0) {  // never called: judged as not met
      t->set_wait_ms(6 * 60 * kMin);
      t->set_wait_met(false);
    }
    if (service_min >= 0) {
      t->set_serving_ms(t->first_called_ms());
      t->set_finished_ms(t->serving_ms() + service_min * kMin);
      t->set_service_ms(service_min * kMin);
      t->set_service_met(service_min <= service_std);
    }
    ASSERT_TRUE(store_->AppendEvent(++seq_, issued, e).ok());
  }
  void Booking(const std::string& code, const std::string& day, const std::string& service,
               v1::BookingState state) {
    v1::Event e;
    e.set_type(v1::BOOKING_CHANGED);
    v1::Booking* b = e.mutable_booking();
    b->set_code(code);
    b->set_day(day);
    b->set_service(service);
    b->set_start_min(10 * 60);
    b->set_start_ms(*ParseIsoTime(day + "T10:00:00+07:00", 0));
    b->set_state(state);
    ASSERT_TRUE(store_->AppendEvent(++seq_, 0, e).ok());
  }
  void Rate(int64_t id, const std::string& day, int counter, const std::string& op,
            const std::string& service, int score, const std::vector<int>& skm) {
    v1::Event e;
    e.set_type(v1::RATING_SUBMITTED);
    v1::Rating* r = e.mutable_rating();
    r->set_ticket_id(id);
    r->set_business_day(day);
    r->set_time_ms(*ParseIsoTime(day + "T09:30:00+07:00", 0));  // rated at 09:30
    r->set_counter_id(counter);
    r->set_operator_id(op);
    r->set_service(service);
    r->set_score(score);
    for (int v : skm) r->add_skm(v);
    ASSERT_TRUE(store_->AppendEvent(++seq_, 0, e).ok());
  }
  Report Run(const std::string& from, const std::string& to, GroupBy by) {
    if (store_) {
      EXPECT_TRUE(store_->Commit().ok());
      if (!summarize_before_.empty()) {
        auto n = store_->SummarizeClosedDays(summarize_before_, catalog_->utc_offset_min(), 0, 99);
        EXPECT_TRUE(n.ok()) << n.status().message();
        summarized_ = n.ok() ? *n : -1;
      }
      store_.reset();
    }
    auto r = Build(path_, *catalog_, from, to, by);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : Report();
  }
  const Row* Find(const Report& r, const std::string& key) {
    for (const auto& row : r.rows) {
      if (row.key == key) return &row;
    }
    return nullptr;
  }

  // Rows of report_days in the file.
  std::vector<std::string> SummarizedDays() {
    std::vector<std::string> days;
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT business_day FROM report_days ORDER BY 1", -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) {
      days.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return days;
  }

  std::string path_;
  std::unique_ptr<CatalogIndex> catalog_;
  std::unique_ptr<store::Store> store_;
  uint64_t seq_ = 0;
  std::string summarize_before_;  // when set, Run first summarizes the days before it
  int summarized_ = 0;
};

// The same hand-computed figures from tickets alone (""), with the first day
// summarized and the second read from tickets ("2026-12-01"), and with every
// day summarized ("2026-12-03"): the per-day summaries change speed, not figures.
class ReportFigures : public ReportTest, public ::testing::WithParamInterface<const char*> {
 protected:
  void SetUp() override {
    ReportTest::SetUp();
    summarize_before_ = GetParam();
  }
};

INSTANTIATE_TEST_SUITE_P(FromTicketsAndSummaries, ReportFigures,
                         ::testing::Values("", "2026-12-01", "2026-12-03"));

TEST_P(ReportFigures, ExpiredTicketsAndTheHonestyOfEstimates) {
  // Told 10, waited 12 (2 off); told 30, waited 5 (25 off); told 0, waited 9.
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 12, 30, 8, 10, 1, "ani", v1::PRIORITY_NONE, false,
      10);
  Add(2, "2026-11-30", "KTP-REKAM", v1::DONE, 5, 30, 8, 10, 1, "ani", v1::PRIORITY_NONE, false, 30);
  Add(3, "2026-11-30", "KTP-REKAM", v1::NO_SHOW, 9, 30, -1, 10, 1, "ani", v1::PRIORITY_NONE, false,
      0);
  // Never called before the day ended: its wait is judged (not met), its
  // estimate is not (no real wait to compare with).
  Add(4, "2026-11-30", "KTP-REKAM", v1::EXPIRED, -1, 30, -1, 10, 0, "", v1::PRIORITY_NONE, false,
      45);
  // Called, then left serving at midnight: expired, its service not timed.
  Add(5, "2026-11-30", "KTP-REKAM", v1::EXPIRED, 3, 30, -1, 10, 1, "ani");
  const Report r = Run("2026-11-30", "2026-11-30", GroupBy::kService);
  const Row* ktp = Find(r, "KTP-REKAM");
  ASSERT_NE(ktp, nullptr);
  EXPECT_EQ(ktp->issued, 5);
  EXPECT_EQ(ktp->expired, 2);
  EXPECT_EQ(ktp->served, 2);
  EXPECT_EQ(ktp->wait_judged, 5);
  EXPECT_EQ(ktp->wait_within, 4);  // all but the one never called
  EXPECT_EQ(ktp->service_judged, 2);
  EXPECT_EQ(ktp->estimate_judged, 3);
  EXPECT_EQ(ktp->estimate_within, 2);  // 2 and 9 minutes off; 25 is not
  EXPECT_EQ(ktp->estimate_median_error_ms, 9 * kMin);
  EXPECT_EQ(r.total.expired, 2);
  const std::string csv = Format(r, "csv");
  EXPECT_NE(csv.find("estimate_median_error_min,estimate_within_10min_pct"), std::string::npos);
  EXPECT_NE(csv.find(",9.0,66.7,"), std::string::npos) << csv;
}

// Appointments against walk-ins, and what became of the bookings, from the
// tickets and from the day summaries alike.
TEST_P(ReportFigures, AppointmentsKeptMissedAndTheirWaitsBesideTheWalkIns) {
  for (int i = 0; i < 3; ++i) {  // walk-ins: 10, 20, 30 minutes
    Add(1 + i, "2026-11-30", "KTP-REKAM", v1::DONE, 10 * (i + 1), 30, 8, 10, 1, "ani");
  }
  // On time for their slot: 2 and 4 minutes past its start; one came late.
  Add(4, "2026-11-30", "KTP-REKAM", v1::DONE, 2, 30, 8, 10, 1, "ani", v1::PRIORITY_NONE, false, -1,
      v1::IN_ORDER, 1);
  Add(5, "2026-11-30", "KTP-REKAM", v1::DONE, 4, 30, 8, 10, 1, "ani", v1::PRIORITY_NONE, false, -1,
      v1::IN_ORDER, 1);
  Add(6, "2026-11-30", "KTP-REKAM", v1::DONE, 15, 30, 8, 10, 1, "ani", v1::PRIORITY_NONE, false, -1,
      v1::IN_ORDER, 2);
  for (const char* code : {"AAAAAAAA", "BBBBBBBB", "CCCCCCCC"}) {
    Booking(code, "2026-11-30", "KTP-REKAM", v1::CHECKED_IN);
  }
  Booking("DDDDDDDD", "2026-11-30", "KTP-REKAM", v1::MISSED);
  Booking("EEEEEEEE", "2026-11-30", "KTP-REKAM", v1::BOOKING_CANCELLED);
  Booking("FFFFFFFF", "2026-11-30", "PASPOR-BARU", v1::MISSED);
  Booking("GGGGGGGG", "2026-12-02", "KTP-REKAM", v1::BOOKED);  // after the range
  const Report r = Run("2026-11-30", "2026-11-30", GroupBy::kService);
  const Row* ktp = Find(r, "KTP-REKAM");
  ASSERT_NE(ktp, nullptr);
  EXPECT_EQ(ktp->issued, 6);
  EXPECT_EQ(ktp->appointments, 3);
  EXPECT_EQ(ktp->appointment_wait.n, 2);
  EXPECT_EQ(ktp->appointment_wait.median_ms, 2 * kMin);  // nearest rank of {2, 4}
  EXPECT_EQ(ktp->walk_in_wait.n, 3);
  EXPECT_EQ(ktp->walk_in_wait.median_ms, 20 * kMin);
  EXPECT_EQ(ktp->wait.n, 6);  // every wait, the late check-in's too
  EXPECT_EQ(ktp->bookings, 5);
  EXPECT_EQ(ktp->bookings_kept, 3);
  EXPECT_EQ(ktp->bookings_missed, 1);
  EXPECT_EQ(ktp->bookings_cancelled, 1);
  const Row* paspor = Find(r, "PASPOR-BARU");
  ASSERT_NE(paspor, nullptr) << "a service with bookings but no ticket has a row";
  EXPECT_EQ(paspor->bookings_missed, 1);
  EXPECT_EQ(r.total.bookings, 6);
  EXPECT_EQ(r.total.bookings_missed, 2);
  const std::string csv = Format(r, "csv");
  // appointments, their median wait, the walk-ins', bookings, kept, missed,
  // no-show % (missed of kept + missed), cancelled.
  EXPECT_NE(csv.find(",3,2.0,20.0,5,3,1,25.0,1,"), std::string::npos) << csv;
  // By counter the bookings (which have none) are in the total only.
  const Report by_counter = Run("2026-11-30", "2026-11-30", GroupBy::kCounter);
  EXPECT_EQ(by_counter.total.bookings, 6);
  EXPECT_EQ(Find(by_counter, "1")->bookings, 0);
  EXPECT_EQ(Find(by_counter, "1")->appointments, 3);
  EXPECT_EQ(FromProto(ToProto(r)).total.walk_in_wait.median_ms, 20 * kMin);
}

TEST_F(ReportTest, CompletenessIsOfTheStandardInForceAtTheEndOfTheRange) {
  // Until 1 December the published KTP-REKAM standard had no fee; then it did.
  v1::Catalog march = catalog_->catalog();
  march.set_version("a");
  for (auto& s : *march.mutable_services()) {
    if (s.code() == "KTP-REKAM") s.mutable_standard()->clear_fee();
  }
  v1::Catalog later = catalog_->catalog();
  later.set_version("b");
  ASSERT_TRUE(store_->SaveCatalog(march, *ParseIsoTime("2026-11-01T07:00:00+07:00", 0)).ok());
  ASSERT_TRUE(store_->SaveCatalog(later, *ParseIsoTime("2026-12-01T07:00:00+07:00", 0)).ok());
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani");
  auto present = [](const Report& r) {
    for (const auto& c : r.completeness) {
      if (c.service == "KTP-REKAM") return c.present;
    }
    return -1;
  };
  EXPECT_EQ(present(Run("2026-11-30", "2026-11-30", GroupBy::kService)), 5);
  EXPECT_EQ(present(Run("2026-12-01", "2026-12-01", GroupBy::kService)), 6);
}

// Tickets called ahead of their turn are counted where they were served and
// by whom, from the tickets and from the day summaries alike: favouritism
// cannot hide in the averages.
TEST_P(ReportFigures, OutOfOrderCallsAreCountedPerServiceAndOperator) {
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani");
  Add(2, "2026-11-30", "KTP-REKAM", v1::DONE, 2, 30, 8, 10, 1, "ani", v1::PRIORITY_NONE, false, -1,
      v1::RETURNED_WITH_DOCUMENT);
  Add(3, "2026-11-30", "KTP-CETAK", v1::DONE, 1, 30, 5, 10, 1, "budi", v1::PRIORITY_NONE, false, -1,
      v1::OTHER_REASON);
  Add(4, "2026-12-01", "KTP-REKAM", v1::DONE, 3, 30, 8, 10, 1, "ani", v1::PRIORITY_NONE, false, -1,
      v1::PRIORITY_NOTICED_LATE);
  const Report by_service = Run("2026-11-30", "2026-12-01", GroupBy::kService);
  EXPECT_EQ(Find(by_service, "KTP-REKAM")->out_of_order, 2);
  EXPECT_EQ(Find(by_service, "KTP-CETAK")->out_of_order, 1);
  EXPECT_EQ(by_service.total.out_of_order, 3);
  const Report by_op = Run("2026-11-30", "2026-12-01", GroupBy::kOperator);
  EXPECT_EQ(Find(by_op, "ani")->out_of_order, 2);
  EXPECT_EQ(Find(by_op, "budi")->out_of_order, 1);
  EXPECT_NE(Format(by_op, "csv").find(",priority,out_of_order,"), std::string::npos);
  EXPECT_EQ(FromProto(ToProto(by_op)).total.out_of_order, 3);
}

TEST_P(ReportFigures, HandComputedFiguresPerServiceWithAStandardChangedMidRange) {
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani", v1::LANSIA);
  Add(2, "2026-11-30", "KTP-REKAM", v1::DONE, 40, 30, 12, 10, 1, "ani");
  Add(3, "2026-11-30", "KTP-REKAM", v1::NO_SHOW, 20, 30, -1, 10, 1, "ani");
  Add(4, "2026-11-30", "SKCK-BARU", v1::DONE, 5, 30, 20, 15, 7, "citra", v1::PRIORITY_NONE, true);
  Add(5, "2026-11-30", "KTP-CETAK", v1::CANCELLED, -1, 30, -1, 10);
  // The waiting target of KTP-REKAM was cut to 20 minutes on 1 December: a
  // 25-minute wait is outside it, although it met the old 30.
  Add(6, "2026-12-01", "KTP-REKAM", v1::DONE, 25, 20, 9, 10, 4, "budi", v1::IBU_HAMIL);
  Add(7, "2026-12-02", "KTP-REKAM", v1::DONE, 1, 20, 1, 10, 4, "budi");  // outside the range
  Rate(1, "2026-11-30", 1, "ani", "KTP-REKAM", 4, {4, 4, 4, 4, 4, 4, 4, 4, 4});
  Rate(2, "2026-11-30", 1, "ani", "KTP-REKAM", 2, {2, 0, 0, 0, 0, 0, 0, 0, 0});
  Rate(6, "2026-12-01", 4, "budi", "KTP-REKAM", 3, {});
  const Report r = Run("2026-11-30", "2026-12-01", GroupBy::kService);
  EXPECT_EQ(summarized_, summarize_before_.empty() ? 0 : summarize_before_ == "2026-12-01" ? 1 : 3);

  const Row* ktp = Find(r, "KTP-REKAM");
  ASSERT_NE(ktp, nullptr);
  EXPECT_EQ(ktp->label, "Perekaman KTP-el");
  EXPECT_EQ(ktp->issued, 4);
  EXPECT_EQ(ktp->served, 3);
  EXPECT_EQ(ktp->no_show, 1);
  EXPECT_EQ(ktp->priority, 2);
  EXPECT_EQ(ktp->priority_by_reason.at("LANSIA"), 1);
  EXPECT_EQ(ktp->priority_by_reason.at("IBU_HAMIL"), 1);
  EXPECT_EQ(ktp->wait.n, 4);  // 10, 40, 20, 25
  EXPECT_DOUBLE_EQ(ktp->wait.mean_ms, 23.75 * kMin);
  EXPECT_EQ(ktp->wait.median_ms, 20 * kMin);
  EXPECT_EQ(ktp->wait.p90_ms, 40 * kMin);
  EXPECT_EQ(ktp->wait.max_ms, 40 * kMin);
  EXPECT_EQ(ktp->wait_within, 2);  // 10 and 20 (the 25 missed its new 20-minute target)
  EXPECT_EQ(ktp->wait_judged, 4);
  EXPECT_EQ(ktp->service_within, 2);  // 8 and 9 of 10; 12 missed
  EXPECT_EQ(ktp->service_judged, 3);
  EXPECT_EQ(ktp->ratings[4], 1);
  EXPECT_EQ(ktp->ratings[3], 1);
  EXPECT_EQ(ktp->ratings[2], 1);
  EXPECT_EQ(ktp->skm.respondents, 2);  // the one-tap-only rating is not an SKM form
  EXPECT_DOUBLE_EQ(ktp->skm.score, 97.22);

  const Row* skck = Find(r, "SKCK-BARU");
  ASSERT_NE(skck, nullptr);
  EXPECT_EQ(skck->print_failed, 1);
  EXPECT_EQ(skck->service_within, 0);
  EXPECT_EQ(Find(r, "KTP-CETAK")->cancelled, 1);
  EXPECT_EQ(r.total.issued, 6);
  EXPECT_EQ(r.total.served, 4);

  const Report by_op = Run("2026-11-30", "2026-12-01", GroupBy::kOperator);
  EXPECT_EQ(Find(by_op, "ani")->ratings[4], 1);
  EXPECT_EQ(Find(by_op, "budi")->issued, 1);
  EXPECT_EQ(Find(by_op, "-")->issued, 1);  // the cancelled ticket nobody touched
  const Report by_agency = Run("2026-11-30", "2026-12-01", GroupBy::kAgency);
  EXPECT_EQ(Find(by_agency, "DUKCAPIL")->issued, 5);
  EXPECT_EQ(Find(by_agency, "POLRES")->issued, 1);
  const Report by_day = Run("2026-11-30", "2026-12-01", GroupBy::kDay);
  EXPECT_EQ(Find(by_day, "2026-12-01")->issued, 1);
  const Report by_hour = Run("2026-11-30", "2026-12-01", GroupBy::kHour);
  EXPECT_EQ(Find(by_hour, "09")->issued, 6);  // issued at 09:00 local
  // 30 November 2026 is a Monday (1), 1 December a Tuesday (2).
  const Report heat = Run("2026-11-30", "2026-12-01", GroupBy::kWeekdayHour);
  ASSERT_EQ(heat.rows.size(), 2u);
  EXPECT_EQ(Find(heat, "1-09")->issued, 5);
  EXPECT_EQ(Find(heat, "2-09")->issued, 1);
}

TEST_F(ReportTest, ASummaryIsDroppedWhenItsDayChangesAndKeptOnRollback) {
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani");
  Add(2, "2026-12-01", "KTP-REKAM", v1::DONE, 20, 30, 8, 10, 1, "ani");
  ASSERT_TRUE(store_->Commit().ok());
  auto n = store_->SummarizeClosedDays("2026-12-02", catalog_->utc_offset_min(), 0, 99);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(store_->summaries_pending());
  EXPECT_EQ(SummarizedDays(), (std::vector<std::string>{"2026-11-30", "2026-12-01"}));

  // A batch that would change a summarized day but rolls back leaves the summary.
  ASSERT_TRUE(store_->Begin().ok());
  Add(3, "2026-11-30", "KTP-REKAM", v1::DONE, 50, 30, 8, 10, 1, "ani");
  store_->Rollback();
  EXPECT_EQ(SummarizedDays().size(), 2u);

  // One that commits drops it (the store still knows the day is summarized
  // after the rollback), and the report counts the new ticket.
  ASSERT_TRUE(store_->Begin().ok());
  Add(3, "2026-11-30", "KTP-REKAM", v1::DONE, 50, 30, 8, 10, 1, "ani");
  ASSERT_TRUE(store_->Commit().ok());
  EXPECT_EQ(SummarizedDays(), std::vector<std::string>{"2026-12-01"});
  EXPECT_TRUE(store_->summaries_pending());
  ASSERT_TRUE(store_->Begin().ok());
  const Report r = Run("2026-11-30", "2026-12-01", GroupBy::kDay);
  EXPECT_EQ(Find(r, "2026-11-30")->issued, 2);
  EXPECT_EQ(Find(r, "2026-11-30")->wait.max_ms, 50 * kMin);
  EXPECT_EQ(r.total.wait.median_ms, 20 * kMin);
}

TEST_F(ReportTest, ADayWithATicketACounterStillHoldsIsNotSummarized) {
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani");
  Add(2, "2026-12-01", "KTP-REKAM", v1::SERVING, 20, 30, -1, 10, 1, "ani");
  Add(3, "2026-12-02", "KTP-REKAM", v1::DONE, 20, 30, 8, 10, 1, "ani");  // today
  ASSERT_TRUE(store_->Commit().ok());
  auto n = store_->SummarizeClosedDays("2026-12-02", catalog_->utc_offset_min(), 0, 99);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(SummarizedDays(), std::vector<std::string>{"2026-11-30"});
  EXPECT_TRUE(store_->summaries_pending());  // 1 December: to try again
  // A cap on days per call leaves the rest for the next.
  ASSERT_TRUE(store_->Begin().ok());
  Add(2, "2026-12-01", "KTP-REKAM", v1::DONE, 20, 30, 9, 10, 1, "ani");
  ASSERT_TRUE(store_->Commit().ok());
  n = store_->SummarizeClosedDays("2026-12-03", catalog_->utc_offset_min(), 0, 1);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_TRUE(store_->summaries_pending());
  n = store_->SummarizeClosedDays("2026-12-03", catalog_->utc_offset_min(), 0, 1);
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(SummarizedDays().size(), 3u);
  n = store_->SummarizeClosedDays("2026-12-03", catalog_->utc_offset_min(), 0, 1);
  EXPECT_EQ(*n, 0);
  EXPECT_FALSE(store_->summaries_pending());
}

TEST_F(ReportTest, TheWireFormIsLossless) {
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani", v1::LANSIA);
  Add(2, "2026-11-30", "SKCK-BARU", v1::NO_SHOW, 40, 30, -1, 15, 7, "citra");
  Rate(1, "2026-11-30", 1, "ani", "KTP-REKAM", 4, {4, 3, 0, 4, 4, 4, 4, 4, 2});
  const Report r = Run("2026-11-30", "2026-11-30", GroupBy::kService);
  v1::ComplianceReport wire;
  ASSERT_TRUE(wire.ParseFromString(ToProto(r).SerializeAsString()));
  const Report back = FromProto(wire);
  for (const char* format : {"csv", "json", "table"}) {
    EXPECT_EQ(Format(back, format), Format(r, format)) << format;
  }
  EXPECT_EQ(back.total.skm.answered, r.total.skm.answered);
  EXPECT_EQ(back.total.skm.grade, r.total.skm.grade);
  EXPECT_EQ(back.rows[0].priority_by_reason, r.rows[0].priority_by_reason);
}

TEST_F(ReportTest, AnEmptyRangeIsAnEmptyReportNotAnError) {
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani");
  const Report r = Run("2027-01-01", "2027-01-31", GroupBy::kService);
  EXPECT_TRUE(r.rows.empty());
  EXPECT_EQ(r.total.issued, 0);
  EXPECT_EQ(r.total.skm.grade, '-');
  const std::string table = Format(r, "table");
  EXPECT_NE(table.find("TOTAL"), std::string::npos);
  EXPECT_NE(table.find("27 of 27 services"), std::string::npos) << table;
}

TEST_F(ReportTest, FormatsAndBadInput) {
  Add(1, "2026-11-30", "KTP-REKAM", v1::DONE, 10, 30, 8, 10, 1, "ani");
  const Report r = Run("2026-11-30", "2026-11-30", GroupBy::kService);
  const std::string csv = Format(r, "csv");
  EXPECT_EQ(csv.rfind("group,name,issued,served,", 0), 0u);
  EXPECT_NE(csv.find("KTP-REKAM,Perekaman KTP-el,1,1,0,0,0,0,0,0,0,10.0,10.0,10.0,10.0,100.0,8.0"),
            std::string::npos)
      << csv;
  const std::string json = Format(r, "json");
  EXPECT_NE(json.find("\"wait_within_pct\":100.0"), std::string::npos) << json;
  EXPECT_NE(Format(r, "md").find("| KTP-REKAM |"), std::string::npos);
  EXPECT_EQ(Format(r, "xml"), "");
  EXPECT_FALSE(Build(path_, *catalog_, "30-11-2026", "2026-11-30", GroupBy::kDay).ok());
  EXPECT_FALSE(Build(path_, *catalog_, "2026-12-01", "2026-11-30", GroupBy::kDay).ok());
  EXPECT_FALSE(
      Build("/nonexistent/mpp.db", *catalog_, "2026-11-30", "2026-11-30", GroupBy::kDay).ok());
}

}  // namespace
}  // namespace mpp::report
