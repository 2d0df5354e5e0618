#include "counter/model.h"

#include <gtest/gtest.h>

#include "counter/pad_model.h"
#include "testing/test_catalog.h"

namespace mpp::counter {
namespace {

constexpr Millis kMonday9 = 1796004000000;  // 2026-11-30 09:00 WIB

v1::Ticket MakeTicket(int64_t id, const std::string& number, v1::TicketState state,
                      const std::string& service = "S1") {
  v1::Ticket t;
  t.set_id(id);
  t.set_number(number);
  t.set_service(service);
  t.set_state(state);
  t.set_business_day("2026-11-30");
  t.set_issued_ms(kMonday9);
  t.set_arrival_ms(kMonday9 + id);
  t.set_wait_target_min(30);
  t.set_service_std_min(10);
  return t;
}

class CounterModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = ParseCatalog(mpp::testing::kTestCatalog, "test.toml");
    ASSERT_TRUE(catalog.ok());
    model_.SetCatalog(*catalog);
    counter_.set_id(1);
    counter_.set_status(v1::OPEN);
    counter_.set_operator_id("ani");
    tickets_ = {MakeTicket(1, "A-001", v1::WAITING), MakeTicket(2, "A-002", v1::WAITING),
                MakeTicket(3, "B-001", v1::WAITING, "S3")};
    Publish(kMonday9);
  }
  // Feeds the model the state as the broker would publish it.
  void Publish(Millis now, bool connected = true) {
    v1::Snapshot s;
    s.set_seq(++seq_);
    *s.add_counters() = counter_;
    for (const auto& t : tickets_) *s.add_tickets() = t;
    LiveState state;
    state.ApplySnapshot(s);
    model_.SetLive(state, connected, now);
  }
  v1::Envelope Ok() {
    v1::Envelope e;
    e.mutable_reply();
    return e;
  }
  CounterModel model_{{1, Lang::kId}};
  v1::Counter counter_;
  std::vector<v1::Ticket> tickets_;
  uint64_t seq_ = 0;
};

TEST(Tone, GreenUnderThreeQuartersAmberUnderTheStandardRedPastIt) {
  EXPECT_EQ(ToneFor(7 * 60'000 + 29'000, 10), Tone::kGreen);
  EXPECT_EQ(ToneFor(7 * 60'000 + 30'000, 10), Tone::kAmber);
  EXPECT_EQ(ToneFor(9 * 60'000 + 59'000, 10), Tone::kAmber);
  EXPECT_EQ(ToneFor(10 * 60'000, 10), Tone::kRed);
  EXPECT_EQ(Clock(65'000), "01:05");
  EXPECT_EQ(Clock(3'723'000), "1:02:03");
}

TEST_F(CounterModelTest, OnlyTheActionsThatFitTheTicketAreEnabled) {
  auto enabled = [&] {
    std::string s;
    for (const auto& a : model_.Actions()) s += a.enabled ? a.id + " " : "";
    return s;
  };
  EXPECT_EQ(enabled(), "call break close signout ");
  tickets_[0].set_state(v1::CALLED);
  tickets_[0].set_counter_id(1);
  counter_.set_current_ticket(1);
  Publish(kMonday9);
  EXPECT_EQ(enabled(), "recall start noshow transfer hold ");
  tickets_[0].set_state(v1::SERVING);
  Publish(kMonday9);
  EXPECT_EQ(enabled(), "finish transfer hold ");
  Publish(kMonday9, /*connected=*/false);
  EXPECT_EQ(enabled(), "");
  EXPECT_NE(model_.Banner().find("terputus"), std::string::npos);
}

// With no ticket, the card says what the operator can do now: F1 only when F1
// works (issue 20: on a break it said "press F1" while F1 was off).
TEST_F(CounterModelTest, TheEmptyCardSaysWhichKeyWorksNow) {
  EXPECT_EQ(model_.Current().idle_hint, "Tekan F1 untuk memanggil nomor berikutnya.");
  counter_.set_status(v1::ON_BREAK);
  Publish(kMonday9);
  EXPECT_FALSE(model_.Actions()[0].enabled);
  EXPECT_EQ(model_.Current().idle_hint, "Sedang istirahat. Tekan F8 untuk melanjutkan melayani.");
  tickets_.clear();
  counter_.set_status(v1::OPEN);
  Publish(kMonday9);
  EXPECT_EQ(model_.Current().idle_hint, "Tidak ada yang menunggu layanan loket ini.");
}

// BrokerClient's PERMISSION_DENIED (the broker refused the key in the
// handshake) is not "press again": the operator is sent to the admin.
TEST_F(CounterModelTest, ARefusedKeyIsShownAsSuchNotAsANetworkHiccup) {
  model_.Press(Action::kCallNext);
  auto jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  model_.OnResult(jobs[0].request_id,
                  Status::Error(StatusCode::kKeyRefused,
                                "PERMISSION_DENIED: the broker at tcp://x:5555 did not answer "
                                "within 4000 ms: it refused this device's key"));
  EXPECT_TRUE(model_.message_is_error());
  EXPECT_NE(model_.message().find("menolak kunci perangkat ini"), std::string::npos)
      << model_.message();
  // Told by the clone client: the connecting screen gives the same words, the
  // banner (while not connected) a short line instead of "reconnecting".
  EXPECT_EQ(model_.ConnectingText(), "Menghubungkan ke server antrean\u2026");
  Publish(kMonday9, /*connected=*/false);
  EXPECT_NE(model_.Banner().find("terputus"), std::string::npos) << model_.Banner();
  model_.SetKeyRefused(true);
  EXPECT_EQ(model_.ConnectingText(), model_.message());
  EXPECT_EQ(model_.Banner(), "Server antrean menolak kunci perangkat ini. Hubungi admin MPP.");
  model_.SetKeyRefused(false);
  Publish(kMonday9);
  model_.Press(Action::kCallNext);
  auto again = model_.TakeJobs();
  ASSERT_EQ(again.size(), 1u);
  model_.OnResult(again[0].request_id,
                  Status::Error(StatusCode::kUnavailable, "UNAVAILABLE: did not answer"));
  EXPECT_NE(model_.message().find("tidak menjawab"), std::string::npos) << model_.message();
}

TEST_F(CounterModelTest, ADoublePressSendsOneRequestAndARetryReusesItsId) {
  model_.Press(Action::kCallNext);
  model_.Press(Action::kCallNext);  // in flight: ignored
  auto jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.call_next().counter_id(), 1);
  EXPECT_TRUE(model_.busy());
  model_.OnResult(jobs[0].request_id, Status::Error(StatusCode::kUnavailable, "UNAVAILABLE"));
  EXPECT_FALSE(model_.busy());
  EXPECT_TRUE(model_.message_is_error());
  model_.Press(Action::kCallNext);  // the same action again: the same request
  auto again = model_.TakeJobs();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].request_id, jobs[0].request_id);
  v1::Envelope e = Ok();
  *e.mutable_reply()->mutable_ticket() = MakeTicket(1, "A-001", v1::CALLED);
  model_.OnResult(again[0].request_id, e);
  EXPECT_EQ(model_.message(), "Memanggil A-001");
  model_.Press(Action::kBreak);  // a different, later action: a new id
  EXPECT_EQ(model_.dialog(), CounterModel::Dialog::kBreak);
  model_.ChooseBreak("Salat");
  auto pause = model_.TakeJobs();
  ASSERT_EQ(pause.size(), 1u);
  EXPECT_NE(pause[0].request_id, jobs[0].request_id);
  EXPECT_EQ(pause[0].request.pause().reason(), "Salat");
}

TEST_F(CounterModelTest, DestructiveActionsAskOnce) {
  tickets_[0].set_state(v1::CALLED);
  counter_.set_current_ticket(1);
  Publish(kMonday9);
  model_.Press(Action::kNoShow);
  EXPECT_EQ(model_.dialog(), CounterModel::Dialog::kConfirm);
  EXPECT_EQ(model_.ConfirmText(), "Tandai A-001 tidak hadir? Nomor ini tidak akan dipanggil lagi.");
  EXPECT_TRUE(model_.TakeJobs().empty());
  model_.CloseDialog();
  EXPECT_TRUE(model_.TakeJobs().empty());
  model_.Press(Action::kNoShow);
  model_.Confirm();
  auto jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(jobs[0].request.has_no_show());
}

TEST_F(CounterModelTest, TimersAreColouredAgainstTheTicketsOwnStandard) {
  tickets_[0].set_state(v1::SERVING);
  tickets_[0].set_first_called_ms(kMonday9 + 20 * 60'000);
  tickets_[0].set_serving_ms(kMonday9 + 21 * 60'000);
  tickets_[0].set_priority(v1::LANSIA);
  tickets_[0].set_priority_granted_by("self");
  counter_.set_current_ticket(1);
  Publish(kMonday9 + 29 * 60'000);  // 8 min of a 10-min standard
  CurrentView c = model_.Current();
  EXPECT_EQ(c.number, "A-001");
  EXPECT_EQ(c.timer, "08:00");
  EXPECT_EQ(c.timer_tone, Tone::kAmber);
  EXPECT_EQ(c.standard, "Standar 10 menit");
  EXPECT_EQ(c.waited_text, "Menunggu 20 mnt (target 30 menit)");
  EXPECT_EQ(c.wait_tone, Tone::kGreen);
  EXPECT_EQ(c.priority, "Prioritas: Lansia (pernyataan sendiri)");
  Publish(kMonday9 + 32 * 60'000);
  EXPECT_EQ(model_.Current().timer_tone, Tone::kRed);
}

TEST_F(CounterModelTest, TheWaitingListShowsOnlyThisCountersServicesPriorityFirst) {
  tickets_[1].set_priority(v1::IBU_HAMIL);
  Publish(kMonday9 + 25 * 60'000);
  const auto rows = model_.Waiting();
  ASSERT_EQ(rows.size(), 2u);  // B-001 (S3) is not served at counter 1
  EXPECT_EQ(rows[0].number, "A-002");
  EXPECT_TRUE(rows[0].priority);
  EXPECT_EQ(rows[1].number, "A-001");
  EXPECT_EQ(rows[1].tone, Tone::kAmber);  // 25 of 30 minutes
  const auto counts = model_.Counts();
  ASSERT_FALSE(counts.empty());
  EXPECT_EQ(counts[0].second, 2);
}

// A booking checked in on time is marked with its slot in the list, and its
// wait runs from the slot's start (as the broker judges it), not from its
// early check-in; a late one is a plain walk-in there.
TEST_F(CounterModelTest, AnAppointmentShowsItsSlotAndWaitsFromIt) {
  const Millis slot = kMonday9 + 20 * 60'000;  // 09:20
  tickets_[0].set_appointment_ms(slot);
  tickets_[0].set_arrival_ms(slot);
  tickets_[1].set_appointment_ms(slot);
  tickets_[1].set_appointment_late(true);
  Publish(kMonday9 + 25 * 60'000);
  const auto rows = model_.Waiting();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].number, "A-002");  // the late one came first (arrival 09:00)
  EXPECT_EQ(rows[0].appointment, "");
  EXPECT_EQ(rows[1].number, "A-001");
  EXPECT_EQ(rows[1].appointment, "JANJI 09.20");
  EXPECT_EQ(rows[1].waited, DurationText(5 * 60'000, Lang::kId, false));
  EXPECT_EQ(rows[1].tone, Tone::kGreen);
}

// The next in line is called at once from the list; any other asks why, and
// the reason goes to the broker with the call.
TEST_F(CounterModelTest, AWaitingTicketIsCalledFromTheListWithAReasonWhenAheadOfItsTurn) {
  ASSERT_TRUE(model_.CanCall());
  model_.ChooseWaiting(2);  // A-001 is first
  EXPECT_EQ(model_.dialog(), CounterModel::Dialog::kCallAhead);
  EXPECT_EQ(model_.CallAheadText().rfind("Panggil A-002 sebelum gilirannya?", 0), 0u);
  EXPECT_TRUE(model_.TakeJobs().empty()) << "nothing is sent before the reason";
  ASSERT_EQ(CounterModel::OutOfOrderReasons(Lang::kId).size(), 4u);
  model_.ChooseCallAheadReason(v1::RETURNED_WITH_DOCUMENT);
  EXPECT_EQ(model_.dialog(), CounterModel::Dialog::kNone);
  auto jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.call_ticket().ticket().id(), 2);
  EXPECT_EQ(jobs[0].request.call_ticket().reason(), v1::RETURNED_WITH_DOCUMENT);
  model_.OnResult(jobs[0].request_id, Ok());

  model_.ChooseWaiting(1);  // the first in line: no question
  jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.call_ticket().reason(), v1::IN_ORDER);
  EXPECT_EQ(model_.dialog(), CounterModel::Dialog::kNone);
}

TEST_F(CounterModelTest, TransferListIsSearchable) {
  tickets_[0].set_state(v1::SERVING);
  counter_.set_current_ticket(1);
  Publish(kMonday9);
  const auto all = model_.TransferTargets("");
  for (const auto& [code, name] : all) EXPECT_NE(code, "S1");  // not to its own service
  const auto found = model_.TransferTargets("rekam");
  EXPECT_TRUE(found.empty());  // S1 itself is the only "Rekam" service
  model_.Press(Action::kTransfer);
  model_.ChooseTransfer("S2");
  auto jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.transfer().service(), "S2");
}

TEST_F(CounterModelTest, SignInNeedsBothFieldsAndShowsTheBrokersRefusal) {
  counter_.clear_operator_id();
  counter_.set_status(v1::CLOSED);
  Publish(kMonday9);
  EXPECT_FALSE(model_.signed_in());
  model_.SubmitSignIn("ani", "");
  EXPECT_TRUE(model_.TakeJobs().empty());
  EXPECT_EQ(model_.message(), "Isi ID petugas dan PIN.");
  model_.SubmitSignIn("ani", "9999");
  auto jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.sign_in().pin(), "9999");
  v1::Envelope e;
  e.mutable_reply()->mutable_error()->set_code(v1::NOT_PERMITTED);
  e.mutable_reply()->mutable_error()->set_message_id("PIN salah; sisa 4 percobaan.");
  model_.OnResult(jobs[0].request_id, e);
  EXPECT_EQ(model_.message(), "PIN salah; sisa 4 percobaan.");
}

// Opening time: the broker had no time for the PIN (UNAVAILABLE, or no answer
// within the client's timeout). The workstation says it is still checking
// and resends the same request by itself, later each time; the operator
// types nothing again.
TEST_F(CounterModelTest, ASignInTheBrokerCouldNotCheckYetIsResentWithBackoff) {
  counter_.clear_operator_id();
  counter_.set_status(v1::CLOSED);
  Publish(kMonday9);
  model_.SubmitSignIn("ani", "2580");
  EXPECT_EQ(model_.message(), "Memeriksa PIN\u2026");
  auto jobs = model_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  const std::string id = jobs[0].request_id;
  v1::Envelope busy;
  busy.mutable_reply()->mutable_error()->set_code(v1::UNAVAILABLE);
  model_.OnResult(id, busy);
  EXPECT_TRUE(model_.busy());
  EXPECT_FALSE(model_.message_is_error());
  EXPECT_EQ(model_.message(), "Memeriksa PIN\u2026 server sibuk, mencoba lagi.");
  Publish(kMonday9 + 999);
  EXPECT_TRUE(model_.TakeJobs().empty()) << "not before a second";
  Publish(kMonday9 + 1000);
  auto again = model_.TakeJobs();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].request_id, id);
  // No answer in time: the next resend waits two seconds.
  model_.OnResult(id, Status::Error(StatusCode::kUnavailable, "UNAVAILABLE: did not answer"));
  Publish(kMonday9 + 2999);
  EXPECT_TRUE(model_.TakeJobs().empty());
  Publish(kMonday9 + 3000);
  ASSERT_EQ(model_.TakeJobs().size(), 1u);
  // The answer ends it.
  v1::Envelope wrong;
  wrong.mutable_reply()->mutable_error()->set_code(v1::NOT_PERMITTED);
  wrong.mutable_reply()->mutable_error()->set_message_id("ID petugas atau PIN salah.");
  model_.OnResult(id, wrong);
  EXPECT_FALSE(model_.busy());
  EXPECT_EQ(model_.message(), "ID petugas atau PIN salah.");
  // A server that never has time: after kSignInTries the operator is told.
  model_.SubmitSignIn("ani", "2580");
  Millis t = kMonday9 + 4000;
  int sent = 0;
  for (auto& j : model_.TakeJobs()) {
    ++sent;
    model_.OnResult(j.request_id, busy);
  }
  while (model_.busy() && t < kMonday9 + 120'000) {
    t += 1000;
    Publish(t);
    for (auto& j : model_.TakeJobs()) {
      ++sent;
      model_.OnResult(j.request_id, busy);
    }
  }
  EXPECT_FALSE(model_.busy());
  EXPECT_TRUE(model_.message_is_error());
  EXPECT_EQ(sent, 8);
}

// ---------------------------------------------------------------- pad --

class PadModelTest : public ::testing::Test {
 protected:
  void Finish(int64_t id, const std::string& number, Millis finished) {
    v1::Snapshot s;
    s.set_seq(++seq_);
    v1::Counter* c = s.add_counters();
    c->set_id(1);
    c->set_last_finished_ticket(id);
    c->set_last_finished_number(number);
    c->set_last_finished_ms(finished);
    state_.ApplySnapshot(s);
  }
  PadModel pad_{{.counter_id = 1, .lang = Lang::kId}};
  LiveState state_;
  uint64_t seq_ = 0;
};

TEST_F(PadModelTest, AsksAfterAFinishAndSendsTheScoreAlone) {
  pad_.SetLive(state_, true, kMonday9, 0);
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kIdle);
  Finish(41, "A-004", kMonday9);
  pad_.SetLive(state_, true, kMonday9 + 1000, 1000);
  ASSERT_EQ(pad_.screen(), PadModel::Screen::kAsk);
  EXPECT_EQ(pad_.ticket_number(), "A-004");
  pad_.TapScore(4);
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kOfferSkm);
  pad_.TapNoSurvey();
  auto jobs = pad_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].request.rate().ticket_id(), 41);
  EXPECT_EQ(jobs[0].request.rate().score(), 4);
  EXPECT_EQ(jobs[0].request.rate().skm_size(), 0);
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kThanks);
  pad_.OnResult(jobs[0].request_id, v1::Envelope());
  pad_.SetLive(state_, true, kMonday9 + 8000, 8000);
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kIdle);
}

TEST_F(PadModelTest, AVisitorChoosesTheirLanguageAndTheNextStartsInThePads) {
  Finish(41, "A-004", kMonday9);
  pad_.SetLive(state_, true, kMonday9 + 1000, 1000);
  ASSERT_EQ(pad_.screen(), PadModel::Screen::kAsk);
  pad_.TapLanguage();
  EXPECT_EQ(pad_.lang(), Lang::kEn);
  pad_.TapScore(3);
  EXPECT_EQ(pad_.lang(), Lang::kEn);  // kept through the survey
  pad_.TapNoSurvey();
  for (const Job& j : pad_.TakeJobs()) pad_.OnResult(j.request_id, v1::Envelope());
  pad_.SetLive(state_, true, kMonday9 + 9000, 9000);
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kIdle);
  EXPECT_EQ(pad_.lang(), Lang::kId);  // the next visitor
}

TEST_F(PadModelTest, TheFullSurveyRecordsNineAnswersWithSkipsAsZero) {
  Finish(7, "B-002", kMonday9);
  pad_.SetLive(state_, true, kMonday9, 0);
  pad_.TapScore(3);
  pad_.TapFullSurvey();
  ASSERT_EQ(pad_.screen(), PadModel::Screen::kSkm);
  for (int v : {4, 3, 0, 4, 4, 2, 4, 3}) pad_.TapAnswer(v);
  EXPECT_TRUE(pad_.TakeJobs().empty());  // not before the ninth
  EXPECT_EQ(pad_.question(), 8);
  pad_.TapAnswer(1);
  auto jobs = pad_.TakeJobs();
  ASSERT_EQ(jobs.size(), 1u);
  const auto& skm = jobs[0].request.rate().skm();
  ASSERT_EQ(skm.size(), 9);
  EXPECT_EQ(skm[2], 0);
  EXPECT_EQ(skm[8], 1);
  EXPECT_EQ(SkmQuestions(Lang::kId).size(), 9u);
  EXPECT_EQ(SkmQuestions(Lang::kId)[3].answers[3], "Gratis");  // U4: 4 = free
}

TEST_F(PadModelTest, AnOldFinishIsNotAskedAboutAndAnUnansweredPadGoesIdle) {
  Finish(7, "B-002", kMonday9);
  pad_.SetLive(state_, true, kMonday9 + 10 * 60'000, 0);  // finished 10 min ago (restart)
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kIdle);
  Finish(8, "B-003", kMonday9 + 11 * 60'000);
  pad_.SetLive(state_, true, kMonday9 + 11 * 60'000, 1000);
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kAsk);
  pad_.SetLive(state_, true, kMonday9 + 13 * 60'000, 92'000);
  EXPECT_EQ(pad_.screen(), PadModel::Screen::kIdle);
  EXPECT_TRUE(pad_.TakeJobs().empty());  // nothing sent for nobody
}

TEST_F(PadModelTest, AnUnansweredRatingIsResentWithTheSameId) {
  Finish(7, "B-002", kMonday9);
  pad_.SetLive(state_, true, kMonday9, 0);
  pad_.TapScore(2);
  pad_.TapNoSurvey();
  auto first = pad_.TakeJobs();
  ASSERT_EQ(first.size(), 1u);
  pad_.OnResult(first[0].request_id, Status::Error(StatusCode::kUnavailable, "UNAVAILABLE"));
  pad_.SetLive(state_, true, kMonday9, 1000);
  EXPECT_TRUE(pad_.TakeJobs().empty());  // waits retry_ms
  pad_.SetLive(state_, true, kMonday9, 3500);
  auto again = pad_.TakeJobs();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].request_id, first[0].request_id);
}

}  // namespace
}  // namespace mpp::counter
