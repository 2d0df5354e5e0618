// The kiosk under Xvfb against the real broker, driven by a scripted visitor
// who taps real buttons: the broker has the ticket, the printer wrote it and
// its QR code reads back as the ticket id; a failed print is recorded on the
// ticket; a broker that hangs mid-issue and a broker that dies never cost a
// second ticket or a lost one.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}

// Today's tickets the broker holds that came from `kiosk`.
std::vector<v1::Ticket> KioskTickets(TestClient& c, const std::string& kiosk) {
  std::vector<v1::Ticket> out;
  const v1::Reply reply = c.Snapshot();  // kept alive: the loop reads into it
  for (const auto& t : reply.snapshot().tickets()) {
    if (t.source_id() == kiosk) out.push_back(t);
  }
  return out;
}

class KioskSystem : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(xvfb_.Start(1920, 1920));
    ASSERT_TRUE(broker_.Start());
    std::filesystem::create_directories(dir_.File("tickets"));
  }
  std::string WriteScript(const std::string& text) {
    std::string path = dir_.File("visitor.script");
    std::ofstream(path) << text;
    return path;
  }
  bool StartKiosk(const std::string& script, const std::string& printer,
                  const std::string& size = "1080x1920") {
    return kiosk_.Start({MPP_KIOSK_BIN, "--broker", broker_.command_endpoint(), "--kiosk-id",
                         "kiosk-3", "--size", size, "--printer", printer, "--script", script},
                        {"DISPLAY=" + xvfb_.display()}, dir_.File("kiosk.log"));
  }
  std::string Log() const { return ReadFile(dir_.File("kiosk.log")); }
  // A visitor who taps "take" for KK while the broker hangs, up to the
  // "no answer" screen; `rest` continues the script from there.
  std::string HangingTakeScript(const std::string& rest) const {
    return "wait connected\n"
           "tap agency:DUKCAPIL\n"
           "tap service:KK\n"
           "wait standard\n"
           "screenshot " +
           dir_.File("ready.png") + "\n" + "wait file:" + dir_.File("go-take") + "\n" +
           "tap take\n"
           "wait issue-failed 30\n" +
           rest;
  }
  // Stops the broker (SIGSTOP: requests queue up unanswered), lets the
  // visitor tap, and lets the broker run again once `shot` is written.
  void HangBrokerUntil(const std::string& shot) {
    ASSERT_TRUE(WaitForFile(dir_.File("ready.png"))) << Log();
    broker_.Signal(SIGSTOP);
    std::ofstream(dir_.File("go-take")).close();
    ASSERT_TRUE(WaitForFile(shot)) << Log();
    broker_.Signal(SIGCONT);
  }

  Xvfb xvfb_;
  TempDir dir_;
  BrokerProcess broker_{dir_};
  ChildProcess kiosk_;
};

TEST_F(KioskSystem, AScriptedVisitorTakesAPriorityTicketThatIsPrintedAndReadable) {
  {
    TestClient c(broker_.command_endpoint());
    c.SignIn(1, "ani");
    c.Issue("KTP-REKAM");
    c.Issue("KTP-REKAM");
  }
  const std::string shots = dir_.File("shot");
  const std::string script = WriteScript(
      "wait connected\n"
      "screenshot " +
      shots +
      "-1-agencies.png\n"
      "tap agency:DUKCAPIL\n"
      "wait services\n"
      "screenshot " +
      shots +
      "-2-services.png\n"
      "tap service:KTP-REKAM\n"
      "wait standard\n"
      "screenshot " +
      shots +
      "-3-standard.png\n"
      "tap priority\n"
      "wait priority\n"
      "screenshot " +
      shots +
      "-4-priority.png\n"
      "tap reason:lansia\n"
      "wait ticket\n"
      "wait printed\n"
      "screenshot " +
      shots +
      "-5-ticket.png\n"
      "quit\n");
  ASSERT_TRUE(StartKiosk(script, "file:" + dir_.File("tickets")));
  ASSERT_EQ(kiosk_.Wait(60000), 0) << Log();

  TestClient c(broker_.command_endpoint());
  const auto tickets = KioskTickets(c, "kiosk-3");
  ASSERT_EQ(tickets.size(), 1u);
  const v1::Ticket& t = tickets[0];
  EXPECT_EQ(t.number(), "A-003");
  EXPECT_EQ(t.service(), "KTP-REKAM");
  EXPECT_EQ(t.priority(), v1::LANSIA);
  EXPECT_EQ(t.priority_granted_by(), "self");
  EXPECT_EQ(t.source(), v1::KIOSK);
  EXPECT_FALSE(t.print_failed());

  const std::string stem =
      dir_.File("tickets/" + t.business_day() + "_" + t.number() + "_" + std::to_string(t.id()));
  int w = 0, h = 0;
  ASSERT_TRUE(PngSize(stem + ".png", &w, &h)) << Log();
  EXPECT_EQ(w, 576);  // 80 mm paper at 203 dpi
  EXPECT_EQ(ReadFile(stem + ".pdf").substr(0, 5), "%PDF-");
  // The QR code opens the ticket's page: the catalog's public_url, /t/, the
  // token - which the broker resolves to this ticket (and to nothing else).
  const std::string printed = Shell("zbarimg --quiet --raw '" + stem + ".png' 2>/dev/null");
  const std::string base = "https://antrean.mppcilegon.go.id/t/";
  ASSERT_EQ(printed.rfind(base, 0), 0u) << printed;
  const std::string token = printed.substr(base.size(), printed.size() - base.size() - 1);
  ASSERT_EQ(token.size(), 28u) << token;
  EXPECT_EQ(token.substr(0, 8), t.business_day().substr(0, 4) + t.business_day().substr(5, 2) +
                                    t.business_day().substr(8, 2));
  v1::Request status;
  status.mutable_ticket_status()->add_tokens(token);
  const v1::Reply found = c.Must(status);
  ASSERT_EQ(found.ticket_statuses().statuses_size(), 1);
  EXPECT_EQ(found.ticket_statuses().statuses(0).code(), v1::OK);
  EXPECT_EQ(found.ticket_statuses().statuses(0).ticket().id(), t.id());
  EXPECT_EQ(found.ticket_statuses().statuses(0).ahead(), 0) << "a priority ticket, no counter open";
  // The kiosk's screen shows the same code: a visitor can take it with a phone.
  EXPECT_EQ(Shell("zbarimg --quiet --raw '" + shots + "-5-ticket.png' 2>/dev/null"), printed);
  for (const char* s : {"-1-agencies", "-2-services", "-3-standard", "-4-priority", "-5-ticket"}) {
    ASSERT_TRUE(PngSize(shots + s + ".png", &w, &h)) << s;
    EXPECT_EQ(w, 1080);
    EXPECT_EQ(h, 1920);
  }
}

TEST_F(KioskSystem, AFailedPrintIsShownAndRecordedOnTheTicketThenClearedByAReprint) {
  // A printer device that is not there: the visitor still has a valid number.
  const std::string device = dir_.File("lp0");
  const std::string script = WriteScript(
      "wait connected\n"
      "tap agency:POLRES\n"
      "tap service:SKCK-BARU\n"
      "tap take\n"
      "wait print-failed\n"
      "screenshot " +
      dir_.File("failed.png") +
      "\n"
      "wait file:" +
      device +
      "\n"  // the technician plugs the printer in
      "tap reprint\n"
      "wait printed\n"
      "quit\n");
  ASSERT_TRUE(StartKiosk(script, "escpos:" + device, "1920x1080"));
  TestClient c(broker_.command_endpoint());
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto t = KioskTickets(c, "kiosk-3");
        return t.size() == 1 && t[0].print_failed();
      },
      30000))
      << Log();
  const v1::Ticket failed = KioskTickets(c, "kiosk-3")[0];
  EXPECT_EQ(failed.number(), "B-001");
  EXPECT_NE(failed.print_error().find("is not connected"), std::string::npos)
      << failed.print_error();

  ASSERT_TRUE(WaitForFile(dir_.File("failed.png")));
  std::ofstream(device).close();
  ASSERT_EQ(kiosk_.Wait(30000), 0) << Log();
  EXPECT_GT(std::filesystem::file_size(device), 1000u) << "the reprint reached the printer";
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto t = KioskTickets(c, "kiosk-3");
        return t.size() == 1 && !t[0].print_failed();
      },
      15000))
      << "the successful reprint must clear print_failed (reported before the kiosk exits)";
}

// Also the case that found the tap guard: the broker answers polls again while
// the visitor reaches for "Coba lagi", the offline banner goes and the button
// moves up under the finger (TapTargets; GuiScriptFrames tests the re-aim).
TEST_F(KioskSystem, ABrokerThatHangsMidIssueCostsNoSecondTicketOnRetry) {
  const std::string failed = dir_.File("failed.png"), go = dir_.File("go-retry");
  ASSERT_TRUE(StartKiosk(
      WriteScript(HangingTakeScript("screenshot " + failed + "\n" + "wait file:" + go + "\n" +
                                    "tap retry\n"
                                    "wait ticket 30\n"
                                    "quit\n")),
      "none"));
  HangBrokerUntil(failed);  // the first attempt is processed once the broker runs again
  std::ofstream(go).close();
  // Longer than the script's own limits (tap 10 s + wait 30 s), so that a
  // slow run fails with the script's message naming the step, not a timeout.
  ASSERT_EQ(kiosk_.Wait(60000), 0) << Log() << "\nBROKER:\n" << broker_.StderrText();

  TestClient c(broker_.command_endpoint());
  const auto tickets = KioskTickets(c, "kiosk-3");
  ASSERT_EQ(tickets.size(), 1u) << "a retry must not issue a second ticket";
  EXPECT_EQ(tickets[0].number(), "A-001");
}

TEST_F(KioskSystem, AVisitorWhoGivesUpLeavesNoGhostNumberInTheQueue) {
  const std::string gone = dir_.File("gone.png");
  ASSERT_TRUE(StartKiosk(
      WriteScript(HangingTakeScript("tap cancel\n"
                                    "wait agencies\n"
                                    "screenshot " +
                                    gone + "\n" +
                                    "wait connected 30\n"
                                    "wait file:" +
                                    dir_.File("never") + " 60\n")),  // runs until stopped
      "none"));
  HangBrokerUntil(gone);  // the abandoned request is processed: a ticket nobody holds
  TestClient c(broker_.command_endpoint());
  ASSERT_TRUE(WaitFor(
      [&] { return c.Status().tickets_today() == 1 && KioskTickets(c, "kiosk-3").empty(); }, 30000))
      << "the kiosk must cancel the ticket its visitor never saw\n"
      << Log();
  EXPECT_NE(Log().find("cancelling it"), std::string::npos);
  EXPECT_EQ(kiosk_.Stop(5000), 0);
}

TEST_F(KioskSystem, ABrokerThatDiesIsAnnouncedAndTheKioskRecoversByItself) {
  const std::string ready = dir_.File("ready.png"), offline = dir_.File("offline.png");
  const std::string script = WriteScript(
      "wait connected\n"
      "screenshot " +
      ready +
      "\n"
      "wait offline 30\n"
      "screenshot " +
      offline +
      "\n"
      "wait connected 30\n"
      "tap agency:SAMSAT\n"
      "tap service:STNK-TAHUNAN\n"
      "tap take\n"
      "wait ticket\n"
      "quit\n");
  ASSERT_TRUE(StartKiosk(script, "none", "1920x1080"));
  ASSERT_TRUE(WaitForFile(ready)) << Log();
  const std::string command = broker_.command_endpoint();
  broker_.Kill();
  ASSERT_TRUE(WaitForFile(offline)) << Log();
  ASSERT_TRUE(broker_.StartOnSamePorts());
  ASSERT_EQ(kiosk_.Wait(60000), 0) << Log();
  TestClient c(command);
  ASSERT_EQ(KioskTickets(c, "kiosk-3").size(), 1u);
}

TEST_F(KioskSystem, BadArgumentsAreRefusedWithTheFix) {
  ChildProcess k;
  ASSERT_TRUE(k.Start({MPP_KIOSK_BIN, "--printer", "usb:/dev/lp0"}, {"DISPLAY=" + xvfb_.display()},
                      dir_.File("bad.log")));
  EXPECT_EQ(k.Wait(10000), 2);
  EXPECT_NE(ReadFile(dir_.File("bad.log")).find("use escpos:/dev/usb/lp0, escpos:tcp:HOST:9100, cups:QUEUE"),
            std::string::npos);
  const std::string script = WriteScript("tap\n");
  ASSERT_TRUE(k.Start({MPP_KIOSK_BIN, "--script", script}, {"DISPLAY=" + xvfb_.display()},
                      dir_.File("bad2.log")));
  EXPECT_EQ(k.Wait(10000), 2);
  EXPECT_NE(ReadFile(dir_.File("bad2.log")).find("visitor.script:1: 'tap' needs an argument"),
            std::string::npos);
}

}  // namespace
}  // namespace mpp::testing
