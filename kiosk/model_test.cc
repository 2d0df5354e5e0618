#include "kiosk/model.h"

#include <gtest/gtest.h>

#include "testing/test_catalog.h"

namespace mpp::kiosk {
namespace {

// Monday 30 November 2026, 09:00 WIB.
constexpr Millis kMonday9 = 1796004000000;  // checked in the fixture

class KioskModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(*ParseIsoTime("2026-11-30T09:00:00+07:00", 0), kMonday9);
    auto catalog = ParseCatalog(mpp::testing::kTestCatalog, "test.toml");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = *catalog;
    KioskModel::Options o;
    o.kiosk_id = "kiosk-7";
    o.idle_ms = 60'000;
    o.ticket_idle_ms = 20'000;
    o.offline_after_ms = 6'000;
    model_ = std::make_unique<KioskModel>(o);
    model_->SetCatalog(catalog_);
    Snapshot(0);
  }

  // A snapshot at local time `local_ms`: S1 open with 3 waiting on 2 counters,
  // S2 open without a counter, S3 out of quota, S4 closed until 13:00.
  void Snapshot(int64_t local_ms) {
    v1::Snapshot s;
    s.set_now_ms(kMonday9 + local_ms);
    auto add = [&](const char* code, v1::ErrorCode a, int waiting, int counters, Millis est,
                   Millis next) {
      v1::ServiceQueue* q = s.add_queues();
      q->set_service(code);
      q->set_availability(a);
      q->set_waiting(waiting);
      q->set_open_counters(counters);
      q->set_estimated_wait_ms(est);
      q->set_next_open_ms(next);
    };
    add("S1", v1::OK, 3, 2, 15 * 60'000, 0);
    add("S2", v1::OK, 0, 0, 0, 0);
    add("S3", v1::QUOTA_EXHAUSTED, 0, 1, 0, *ParseIsoTime("2026-12-01T08:00:00+07:00", 0));
    add("S4", v1::SERVICE_CLOSED, 0, 1, 0, *ParseIsoTime("2026-11-30T13:00:00+07:00", 0));
    model_->OnSnapshot(s, local_ms);
  }

  v1::Envelope TicketReply(const std::string& request_id, const std::string& number,
                           v1::PriorityReason priority = v1::PRIORITY_NONE) {
    v1::Envelope env;
    env.set_request_id(request_id);
    v1::Reply* r = env.mutable_reply();
    v1::Ticket* t = r->mutable_ticket();
    t->set_id(41);
    t->set_number(number);
    t->set_service("S1");
    t->set_business_day("2026-11-30");
    t->set_issued_ms(kMonday9);
    t->set_priority(priority);
    r->set_ahead(3);
    r->set_estimated_wait_ms(15 * 60'000);
    return env;
  }

  // Taps through to the standard of S1 and takes a regular ticket; returns the job.
  Job TakeS1() {
    model_->TapAgency("DUK");
    model_->TapService("S1");
    EXPECT_EQ(model_->screen(), Screen::kStandard);
    model_->TapTakeTicket();
    auto jobs = model_->TakeJobs();
    EXPECT_EQ(jobs.size(), 1u);
    return jobs.empty() ? Job() : jobs[0];
  }

  v1::Catalog catalog_;
  std::unique_ptr<KioskModel> model_;
};

TEST_F(KioskModelTest, FlowFromAgencyToPrintedTicket) {
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
  const auto agencies = model_->Agencies();
  ASSERT_EQ(agencies.size(), 3u);
  EXPECT_EQ(agencies[0].code, "DUK");
  EXPECT_EQ(agencies[0].available, 2);  // S1 and S2

  model_->TapAgency("DUK");
  ASSERT_EQ(model_->screen(), Screen::kServices);
  const auto services = model_->Services();
  ASSERT_EQ(services.size(), 2u);
  EXPECT_TRUE(services[0].available);
  EXPECT_EQ(services[0].status_text, "3 menunggu, sekitar 15 menit");

  model_->TapService("S1");
  ASSERT_EQ(model_->screen(), Screen::kStandard);
  const StandardView v = model_->Standard();
  EXPECT_TRUE(v.available);
  EXPECT_TRUE(v.priority_allowed);
  ASSERT_NE(v.standard, nullptr);
  EXPECT_EQ(v.standard->fee(), "Gratis");
  EXPECT_EQ(v.live_text,
            "3 orang menunggu. Perkiraan waktu tunggu sekitar 15 menit. 2 loket melayani.");

  model_->TapTakeTicket();
  EXPECT_EQ(model_->screen(), Screen::kIssuing);
  auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, Job::Kind::kIssue);
  EXPECT_FALSE(jobs[0].request_id.empty());
  const v1::IssueTicket& issue = jobs[0].request.issue();
  EXPECT_EQ(issue.service(), "S1");
  EXPECT_EQ(issue.source(), v1::KIOSK);
  EXPECT_EQ(issue.source_id(), "kiosk-7");
  EXPECT_EQ(issue.priority(), v1::PRIORITY_NONE);

  model_->OnIssueResult(jobs[0].request_id, TicketReply(jobs[0].request_id, "A-004"));
  ASSERT_EQ(model_->screen(), Screen::kTicket);
  const TicketView& t = model_->Ticket();
  EXPECT_EQ(t.number, "A-004");
  EXPECT_EQ(t.service, "Rekam KTP");
  EXPECT_EQ(t.ahead_text, "3 orang di depan Anda");
  EXPECT_EQ(t.wait_text, "Perkiraan waktu tunggu: sekitar 15 menit");
  EXPECT_EQ(t.print, TicketView::Print::kPrinting);

  jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, Job::Kind::kPrint);
  EXPECT_EQ(jobs[0].ticket_id, 41);
  EXPECT_EQ(jobs[0].printed.number, "A-004");
  EXPECT_EQ(jobs[0].printed.qr_payload, "MPP1/T/2026-11-30/A-004/41");
  EXPECT_EQ(jobs[0].file_stem, "2026-11-30_A-004_41");

  model_->OnPrintResult(41, Status::Ok());
  EXPECT_EQ(model_->Ticket().print, TicketView::Print::kPrinted);
}

TEST_F(KioskModelTest, PriorityIsAskedSeparatelyAndRecordedAsSelfDeclared) {
  model_->TapAgency("DUK");
  model_->TapService("S1");
  model_->TapPriority();
  ASSERT_EQ(model_->screen(), Screen::kPriority);
  model_->TapPriorityReason(v1::PRIORITY_NONE);  // not a reason: ignored
  EXPECT_EQ(model_->screen(), Screen::kPriority);
  model_->TapPriorityReason(v1::IBU_HAMIL);
  auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.issue().priority(), v1::IBU_HAMIL);
  EXPECT_EQ(jobs[0].request.issue().source(), v1::KIOSK);  // broker records "self"
  model_->OnIssueResult(jobs[0].request_id,
                        TicketReply(jobs[0].request_id, "A-001", v1::IBU_HAMIL));
  EXPECT_EQ(model_->Ticket().priority_text, "Prioritas: Ibu hamil");
  EXPECT_EQ(model_->TakeJobs()[0].printed.priority_text, "Prioritas: Ibu hamil");
}

TEST_F(KioskModelTest, PriorityIsNotOfferedWhereTheServiceDoesNotAllowIt) {
  model_->TapAgency("POL");
  model_->TapService("S3");
  EXPECT_FALSE(model_->Standard().priority_allowed);
  model_->TapPriority();
  EXPECT_EQ(model_->screen(), Screen::kStandard);
}

TEST_F(KioskModelTest, ARetiredServiceIsNotOffered) {
  for (auto& s : *catalog_.mutable_services()) {
    if (s.code() == "S2") s.set_retired(true);
  }
  model_->SetCatalog(catalog_);
  EXPECT_EQ(model_->Agencies()[0].services, 1) << "DUK offers S1 only now";
  model_->TapAgency("DUK");
  const auto services = model_->Services();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0].code, "S1");
}

TEST_F(KioskModelTest, UnavailableServicesShowWhyAndWhenBeforeTheVisitorTaps) {
  model_->TapAgency("POL");
  auto services = model_->Services();
  ASSERT_EQ(services.size(), 1u);
  EXPECT_FALSE(services[0].available);
  EXPECT_EQ(services[0].status_text, "Kuota hari ini habis. Buka lagi besok pukul 08.00");
  model_->TapBack();
  model_->TapAgency("KMG");
  services = model_->Services();
  EXPECT_EQ(services[0].status_text, "Tutup. Buka lagi pukul 13.00");
  // The standard can still be read, but no ticket can be taken.
  model_->TapService("S4");
  EXPECT_FALSE(model_->Standard().available);
  model_->TapTakeTicket();
  EXPECT_EQ(model_->screen(), Screen::kStandard);
  EXPECT_TRUE(model_->TakeJobs().empty());
}

TEST_F(KioskModelTest, NoEstimateIsClaimedWhileNoCounterServesTheService) {
  model_->TapAgency("DUK");
  model_->TapService("S2");
  EXPECT_EQ(model_->Standard().live_text,
            "0 orang menunggu. Belum ada loket yang buka untuk layanan ini, jadi waktu tunggu "
            "belum dapat diperkirakan.");
}

TEST_F(KioskModelTest, AWaitPastClosingIsSaidOnScreenAndOnPaper) {
  const Job job = TakeS1();
  v1::Envelope reply = TicketReply(job.request_id, "A-099");
  reply.mutable_reply()->set_past_closing(true);
  model_->OnIssueResult(job.request_id, reply);
  ASSERT_EQ(model_->screen(), Screen::kTicket);
  EXPECT_EQ(model_->Ticket().wait_text,
            "Perkiraan waktu tunggu: sekitar 15 menit. Kemungkinan tidak terlayani hari ini.");
  const auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_NE(jobs[0].printed.wait_line.find("Kemungkinan tidak terlayani hari ini"),
            std::string::npos)
      << jobs[0].printed.wait_line;
  model_->TapLanguage();
  EXPECT_NE(model_->Ticket().wait_text.find("You may not be served today."), std::string::npos);
}

TEST_F(KioskModelTest, WithAPublicUrlTheQrOpensTheTicketsPageOnScreenAndPaper) {
  catalog_.set_public_url("https://antrean.example.go.id");
  model_->SetCatalog(catalog_);
  const Job job = TakeS1();
  v1::Envelope reply = TicketReply(job.request_id, "A-004");
  reply.mutable_reply()->mutable_ticket()->set_token("20261130abcdefghijklmnopqrst");
  model_->OnIssueResult(job.request_id, reply);
  const TicketView& t = model_->Ticket();
  EXPECT_EQ(t.qr_text, "https://antrean.example.go.id/t/20261130abcdefghijklmnopqrst");
  EXPECT_TRUE(t.qr_is_link);
  EXPECT_EQ(t.qr_caption, "Pindai untuk memantau antrean Anda di ponsel");
  EXPECT_EQ(t.qr.width, EncodeQr(t.qr_text).width) << "encoded once, with the view";
  EXPECT_GT(t.qr.width, 20);
  const auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].printed.qr_payload, t.qr_text) << "paper and screen show the same code";
  EXPECT_EQ(jobs[0].printed.qr_caption, t.qr_caption);
  model_->TapLanguage();
  EXPECT_EQ(model_->Ticket().qr_caption, "Scan to follow your queue on your phone");
}

TEST_F(KioskModelTest, WithoutATokenTheQrStaysTheStaffCode) {
  catalog_.set_public_url("https://antrean.example.go.id");
  model_->SetCatalog(catalog_);
  const Job job = TakeS1();
  model_->OnIssueResult(job.request_id, TicketReply(job.request_id, "A-004"));  // an old broker
  EXPECT_EQ(model_->Ticket().qr_text, "MPP1/T/2026-11-30/A-004/41");
  EXPECT_FALSE(model_->Ticket().qr_is_link);
}

TEST_F(KioskModelTest, AServiceLikelyNotServedBeforeClosingSaysSoBeforeTheTap) {
  v1::Snapshot s;
  s.set_now_ms(kMonday9);
  v1::ServiceQueue* q = s.add_queues();
  q->set_service("S1");
  q->set_availability(v1::OK);
  q->set_waiting(12);
  q->set_open_counters(1);
  q->set_estimated_wait_ms(120 * 60'000);
  q->set_past_closing(true);
  model_->OnSnapshot(s, 0);
  model_->TapAgency("DUK");
  model_->TapService("S1");
  EXPECT_EQ(model_->Standard().live_text,
            "12 orang menunggu. Perkiraan waktu tunggu sekitar 2 jam. 1 loket melayani. "
            "Kemungkinan tidak terlayani hari ini.");
}

TEST_F(KioskModelTest, ARefusalFromTheBrokerIsShownInTheVisitorsLanguage) {
  const Job job = TakeS1();
  v1::Envelope env;
  env.set_request_id(job.request_id);
  v1::Error* e = env.mutable_reply()->mutable_error();
  e->set_code(v1::QUOTA_EXHAUSTED);
  e->set_message_id("Kuota layanan Rekam KTP hari ini sudah habis.");
  e->set_message_en("Today's quota for Rekam KTP is used up.");
  e->set_next_open_ms(*ParseIsoTime("2026-12-01T08:00:00+07:00", 0));
  model_->OnIssueResult(job.request_id, env);
  ASSERT_EQ(model_->screen(), Screen::kRefused);
  EXPECT_EQ(model_->RefusalText(),
            "Kuota layanan Rekam KTP hari ini sudah habis. Buka lagi besok pukul 08.00.");
  model_->TapLanguage();
  EXPECT_EQ(model_->RefusalText(),
            "Today's quota for Rekam KTP is used up. Opens again tomorrow at 08:00.");
  EXPECT_TRUE(model_->TakeJobs().empty());  // nothing to print
}

TEST_F(KioskModelTest, ARetriedTapReusesTheRequestIdSoThereIsAtMostOneTicket) {
  const Job first = TakeS1();
  model_->TapTakeTicket();  // a second tap while issuing: not a second request
  EXPECT_TRUE(model_->TakeJobs().empty());
  model_->OnIssueResult(first.request_id,
                        Status::Error(StatusCode::kUnavailable, "UNAVAILABLE: no answer"));
  EXPECT_EQ(model_->screen(), Screen::kIssuing);
  EXPECT_TRUE(model_->issue_failed());
  EXPECT_FALSE(model_->connected());

  model_->TapRetry();
  auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, Job::Kind::kIssue);
  EXPECT_EQ(jobs[0].request_id, first.request_id);
  EXPECT_EQ(jobs[0].request.SerializeAsString(), first.request.SerializeAsString());
  model_->TapRetry();  // again before the answer: nothing new
  EXPECT_TRUE(model_->TakeJobs().empty());

  model_->OnIssueResult(first.request_id, TicketReply(first.request_id, "A-004"));
  EXPECT_EQ(model_->screen(), Screen::kTicket);
  EXPECT_TRUE(model_->connected());
}

TEST_F(KioskModelTest, AVisitorWhoGivesUpHandsTheOpenRequestToTheWorker) {
  const Job first = TakeS1();
  model_->OnIssueResult(first.request_id,
                        Status::Error(StatusCode::kUnavailable, "UNAVAILABLE: no answer"));
  model_->TapHome();
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
  auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, Job::Kind::kAbandon);
  EXPECT_EQ(jobs[0].request_id, first.request_id);
  // Its late answer changes nothing on screen.
  model_->OnIssueResult(first.request_id, TicketReply(first.request_id, "A-004"));
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
  EXPECT_TRUE(model_->TakeJobs().empty());
}

TEST_F(KioskModelTest, HomeIsRefusedWhileTheReplyIsOnItsWay) {
  TakeS1();
  model_->TapHome();
  EXPECT_EQ(model_->screen(), Screen::kIssuing);
  model_->Tick(10 * 60'000);  // waiting for the broker is not idleness
  EXPECT_EQ(model_->screen(), Screen::kIssuing);
}

TEST_F(KioskModelTest, IdleScreensReturnToTheStartInTheKiosksLanguage) {
  model_->TapLanguage();
  model_->TapAgency("DUK");
  model_->TapService("S1");
  EXPECT_EQ(model_->lang(), Lang::kEn);
  Snapshot(59'000);
  model_->Tick(59'000);
  EXPECT_EQ(model_->screen(), Screen::kStandard);
  Snapshot(61'000);
  model_->Tick(61'000);
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
  EXPECT_EQ(model_->lang(), Lang::kId);
}

TEST_F(KioskModelTest, ScrollingTheStandardIsNotIdleness) {
  model_->TapAgency("DUK");
  model_->TapService("S1");
  Snapshot(50'000);
  model_->Tick(50'000);
  model_->Scrolled();  // reading the requirements, 50 s in
  Snapshot(100'000);
  model_->Tick(100'000);
  EXPECT_EQ(model_->screen(), Screen::kStandard);
  Snapshot(111'000);
  model_->Tick(111'000);  // 61 s after the last drag
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
}

TEST_F(KioskModelTest, TheTicketScreenClearsSoonerButLongerWhenThePrintFailed) {
  const Job job = TakeS1();
  model_->OnIssueResult(job.request_id, TicketReply(job.request_id, "A-004"));
  ASSERT_EQ(model_->TakeJobs().size(), 1u);  // its print
  model_->OnPrintResult(41, Status::Ok());
  Snapshot(21'000);
  model_->Tick(21'000);
  EXPECT_EQ(model_->screen(), Screen::kAgencies);

  const Job again = TakeS1();
  model_->OnIssueResult(again.request_id, TicketReply(again.request_id, "A-005"));
  model_->OnPrintResult(41, Status::Error("printer is out of paper: load a new roll"));
  EXPECT_EQ(model_->Ticket().print, TicketView::Print::kFailed);
  EXPECT_EQ(model_->Ticket().print_error, "printer is out of paper: load a new roll");
  // The screen gets plain Indonesian advice, not the printer's English.
  EXPECT_EQ(model_->Ticket().print_advice, "kertas printer habis; pasang gulungan kertas baru.");
  Snapshot(50'000);
  model_->Tick(50'000);
  EXPECT_EQ(model_->screen(), Screen::kTicket);  // time to photograph the number
  model_->TakeJobs();
  model_->TapReprint();
  auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].kind, Job::Kind::kPrint);
  EXPECT_EQ(model_->Ticket().print, TicketView::Print::kPrinting);
}

TEST_F(KioskModelTest, WithoutSnapshotsTheKioskSaysItCannotIssue) {
  EXPECT_TRUE(model_->OfflineText().empty());
  model_->Tick(7'000);  // no snapshot for 7 s
  EXPECT_FALSE(model_->connected());
  EXPECT_NE(model_->OfflineText().find("tidak dapat diambil"), std::string::npos);
  model_->TapAgency("DUK");
  model_->TapService("S1");
  EXPECT_FALSE(model_->Standard().available);
  model_->TapTakeTicket();
  EXPECT_TRUE(model_->TakeJobs().empty());
  Snapshot(8'000);  // the broker is back
  EXPECT_TRUE(model_->connected());
  EXPECT_TRUE(model_->Standard().available);
}

TEST_F(KioskModelTest, SwitchingLanguageTranslatesTheTicketButNotThePrintState) {
  const Job job = TakeS1();
  model_->OnIssueResult(job.request_id, TicketReply(job.request_id, "A-004"));
  model_->OnPrintResult(41, Status::Ok());
  model_->TapLanguage();
  EXPECT_EQ(model_->Ticket().ahead_text, "3 people ahead of you");
  EXPECT_EQ(model_->Ticket().wait_text, "Estimated wait: about 15 minutes");
  EXPECT_EQ(model_->Ticket().print, TicketView::Print::kPrinted);
}

TEST_F(KioskModelTest, TapsThatDoNotFitTheScreenAreIgnored) {
  model_->TapService("S1");  // not on the services screen
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
  model_->TapAgency("NOPE");
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
  model_->TapAgency("DUK");
  model_->TapService("S3");  // another agency's service
  EXPECT_EQ(model_->screen(), Screen::kServices);
  model_->TapRetry();
  model_->TapReprint();
  EXPECT_TRUE(model_->TakeJobs().empty());
}

TEST_F(KioskModelTest, AScannedBookingChecksInFromTheStartScreen) {
  // The scanner types the booking's QR code (its URL) and Enter on the start screen.
  ASSERT_EQ(model_->screen(), Screen::kAgencies);
  model_->TypeText("https://antrean.example.go.id/b/7KQ2M9XD");
  EXPECT_EQ(model_->screen(), Screen::kCheckIn);
  EXPECT_EQ(model_->CheckInCode(), "7KQ2-M9XD");
  model_->TypeText("\r\n");
  ASSERT_EQ(model_->screen(), Screen::kIssuing);
  auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.check_in().code(), "7KQ2M9XD");
  // The booking's ticket, on time for 10:00.
  v1::Envelope reply = TicketReply(jobs[0].request_id, "A-012");
  reply.mutable_reply()->mutable_ticket()->set_appointment_ms(
      *ParseIsoTime("2026-11-30T10:00:00+07:00", 0));
  model_->OnIssueResult(jobs[0].request_id, reply);
  ASSERT_EQ(model_->screen(), Screen::kTicket);
  EXPECT_EQ(model_->Ticket().priority_text, "Janji temu pukul 10.00: dipanggil mulai pukul 10.00");
  EXPECT_TRUE(model_->Ticket().appointment) << "drawn as a time, not in a priority's red";
  jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);  // printed like any ticket, with the appointment line
  EXPECT_EQ(jobs[0].printed.priority_text, model_->Ticket().priority_text);
}

TEST_F(KioskModelTest, AMistypedCodeIsNotSentAndARefusalGoesBackToTheCode) {
  model_->TapAppointment();
  ASSERT_EQ(model_->screen(), Screen::kCheckIn);
  for (char ch : std::string("7KQ2M9")) model_->TypeText(std::string(1, ch));
  model_->TapCheckIn();
  EXPECT_EQ(model_->screen(), Screen::kCheckIn);
  EXPECT_NE(model_->check_in_error().find("8 huruf dan angka"), std::string::npos);
  EXPECT_TRUE(model_->TakeJobs().empty());
  model_->TypeText("7kq2-m9xX");  // lower case and a dash are fine
  model_->TapBackspace();
  model_->TypeText("D");
  EXPECT_EQ(model_->CheckInCode(), "7KQ2-M9XD");
  model_->TapCheckIn();
  auto jobs = model_->TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  v1::Envelope refused;
  refused.mutable_reply()->mutable_error()->set_code(v1::FAILED_PRECONDITION);
  refused.mutable_reply()->mutable_error()->set_message_id(
      "Janji temu Anda untuk Selasa, 1 Desember 2026 pukul 10.00. Silakan datang pada hari itu.");
  model_->OnIssueResult(jobs[0].request_id, refused);
  ASSERT_EQ(model_->screen(), Screen::kRefused);
  EXPECT_NE(model_->RefusalText().find("1 Desember 2026"), std::string::npos);
  model_->TapBack();
  EXPECT_EQ(model_->screen(), Screen::kCheckIn);
  model_->TapBack();
  EXPECT_EQ(model_->screen(), Screen::kAgencies);
}

}  // namespace
}  // namespace mpp::kiosk
