// mpp-web against the real broker: a visitor's page by the ticket's token,
// its live updates (Server-Sent Events) when the ticket is called, refusals
// of guessed and malformed addresses, the public board, /healthz and
// /metrics - over real HTTP (libcurl), and the page in a real browser
// (headless Chromium at phone size). Appointments: a booking made on the
// web, checked in at a scripted kiosk (its scanner typing the QR code) and
// called at its slot; a flood of bookings and guessed codes from one address.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

#include "common/time_util.h"
#include "testing/temp_dir.h"
#include "testing/wait_for.h"
#include "tests/broker_process.h"
#include "tests/chromium.h"

namespace mpp::testing {
namespace {

struct Http {
  long code = 0;
  std::string body;
  std::string headers;
};

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One request; with `fields`, a form (application/x-www-form-urlencoded)
// POSTed as a browser sends it. Redirects are not followed (Location is in
// the headers).
Http Perform(const std::string& url, const std::string& method, const std::string* fields) {
  Http h;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  if (fields) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, fields->c_str());
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &h.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h.code);
  curl_easy_cleanup(c);
  return h;
}

Http Fetch(const std::string& url, const std::string& method = "GET") {
  return Perform(url, method, nullptr);
}

Http Post(const std::string& url, const std::string& fields) {
  return Perform(url, "POST", &fields);
}

std::string Match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? std::string(m[1]) : "";
}

// A page following its ticket: reads the event stream on a thread of its own.
class EventStream {
 public:
  explicit EventStream(const std::string& url) {
    thread_ = std::thread([this, url] {
      CURL* c = curl_easy_init();
      curl_easy_setopt(c, CURLOPT_URL, url.c_str());
      curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &EventStream::OnData);
      curl_easy_setopt(c, CURLOPT_WRITEDATA, this);
      curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
      curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &EventStream::OnProgress);
      curl_easy_setopt(c, CURLOPT_XFERINFODATA, this);
      curl_easy_perform(c);
      curl_easy_cleanup(c);
    });
  }
  ~EventStream() {
    stop_ = true;
    thread_.join();
  }
  std::string text() {
    std::lock_guard<std::mutex> lock(mu_);
    return text_;
  }
  // When `needle` first arrived (steady clock), or nullopt.
  std::optional<std::chrono::steady_clock::time_point> Arrived(const std::string& needle) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [at, chunk] : chunks_) {
      if (chunk.find(needle) != std::string::npos) return at;
    }
    return std::nullopt;
  }

 private:
  static size_t OnData(char* data, size_t size, size_t n, void* self) {
    auto* s = static_cast<EventStream*>(self);
    std::lock_guard<std::mutex> lock(s->mu_);
    s->text_.append(data, size * n);
    s->chunks_.emplace_back(std::chrono::steady_clock::now(), std::string(data, size * n));
    return size * n;
  }
  static int OnProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<EventStream*>(self)->stop_ ? 1 : 0;
  }
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string text_;
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> chunks_;
};

class WebSystem : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(broker_.Start());
    ASSERT_TRUE(StartWeb());
  }
  void TearDown() override { web_.Stop(); }

  ::testing::AssertionResult StartWeb() {
    const std::string log = dir_.File("web.log");
    if (!web_.Start({MPP_WEB_BIN, "--broker", broker_.command_endpoint(), "--listen", "127.0.0.1:0",
                     "--log-level", "info", "--board-seconds", "0.5",
                     // The tests poll: only the guesses' own limit stays as shipped.
                     "--pages-per-minute", "100000"},
                    {}, log)) {
      return ::testing::AssertionFailure() << "mpp-web did not start";
    }
    std::smatch m;
    const std::regex ready("mpp-web ready (http://127\\.0\\.0\\.1:[0-9]+)");
    std::string text;
    if (!WaitFor([&] { return std::regex_search(text = ReadFile(log), m, ready); }, 20000)) {
      return ::testing::AssertionFailure() << "no ready line: " << text;
    }
    base_ = m[1];
    if (!WaitFor([&] { return Fetch(base_ + "/healthz").code == 200; }, 20000)) {
      return ::testing::AssertionFailure() << "never synced with the broker: " << ReadFile(log);
    }
    return ::testing::AssertionSuccess();
  }
  // Issues a ticket as a kiosk would and returns its token.
  std::string IssueToken(TestClient& c, const std::string& service = "KTP-REKAM") {
    const v1::Reply r = c.Issue(service);
    EXPECT_EQ(r.ticket().token().size(), 28u) << r.ShortDebugString();
    return r.ticket().token();
  }

  TempDir dir_;
  BrokerProcess broker_{dir_};
  ChildProcess web_;
  std::string base_;
};

TEST_F(WebSystem, ATicketsPageFollowsItsCallWithinASecond) {
  TestClient c(broker_.command_endpoint());
  c.SignIn(1, "ani");
  const std::string first = IssueToken(c);
  const std::string mine = IssueToken(c);

  const Http page = Fetch(base_ + "/t/" + mine);
  ASSERT_EQ(page.code, 200) << page.body;
  EXPECT_NE(page.body.find("A-002"), std::string::npos);
  EXPECT_NE(page.body.find("1 orang di depan Anda"), std::string::npos) << "the kiosk's figure";
  EXPECT_NE(page.body.find("Hampir giliran Anda!"), std::string::npos)
      << "1 ahead is within the default of 3";
  EXPECT_NE(page.headers.find("Referrer-Policy: no-referrer"), std::string::npos)
      << "the token must not leak to other sites";
  EXPECT_NE(Fetch(base_ + "/t/" + mine + "?lang=en").body.find("1 person ahead of you"),
            std::string::npos);

  EventStream stream(base_ + "/t/" + mine + "/events");
  ASSERT_TRUE(WaitFor([&] { return stream.Arrived("A-002").has_value(); }, 10000))
      << "the first event carries the state: " << stream.text();

  c.CallNext(1);  // the page now has nobody ahead and sees the call at counter 1
  ASSERT_TRUE(
      WaitFor([&] { return stream.Arrived("Tidak ada orang di depan Anda").has_value(); }, 10000))
      << stream.text();
  c.StartServing(1);
  c.Finish(1);
  const auto called_at = std::chrono::steady_clock::now();
  EXPECT_EQ(c.CallNext(1).ticket().number(), "A-002");
  ASSERT_TRUE(WaitFor([&] { return stream.Arrived("Nomor Anda dipanggil!").has_value(); }, 10000))
      << stream.text();
  const auto delay = *stream.Arrived("Nomor Anda dipanggil!") - called_at;
  EXPECT_LT(delay, std::chrono::seconds(1))
      << "the issue's promise: a call on the phone within 1 s";
  EXPECT_NE(stream.text().find("Silakan menuju Loket 1"), std::string::npos);
  EXPECT_NE(stream.text().find("\"alert\":\"called:1:0\""), std::string::npos)
      << "the phone rings for this event";

  c.StartServing(1);
  c.Finish(1);
  ASSERT_TRUE(
      WaitFor([&] { return stream.Arrived("Layanan selesai. Terima kasih.").has_value(); }, 10000))
      << "a finished ticket says so";
  EXPECT_EQ(Fetch(base_ + "/t/" + first).code, 200) << "a finished ticket's page still opens";
}

TEST_F(WebSystem, GuessedMalformedAndFloodingRequestsAreRefusedAndChangeNothing) {
  TestClient c(broker_.command_endpoint());
  IssueToken(c);
  const v1::Status before = c.Status();

  Http h = Fetch(base_ + "/t/20261130aaaaaaaaaaaaaaaaaaaa");  // well-formed, guessed
  EXPECT_EQ(h.code, 404);
  EXPECT_NE(h.body.find("Tiket tidak ditemukan"), std::string::npos);
  h = Fetch(base_ + "/t/20261127abcdefghijklmnopqrst");  // a ticket of another day
  EXPECT_EQ(h.code, 404);
  EXPECT_NE(h.body.find("Tiket ini bukan untuk hari ini"), std::string::npos) << h.body;
  EXPECT_NE(h.body.find("Jumat, 27 November 2026"), std::string::npos);
  EXPECT_EQ(Fetch(base_ + "/t/../../etc/passwd").code, 404);
  EXPECT_EQ(Fetch(base_ + "/t/" + std::string(300, 'a')).code, 414);
  EXPECT_EQ(Fetch(base_ + "/t/20261130aaaaaaaaaaaaaaaaaaaa/events").code, 404);
  EXPECT_EQ(Fetch(base_ + "/", "POST").code, 405);
  EXPECT_EQ(Fetch(base_ + "/nowhere").code, 404);

  // One address guessing tokens: after the burst, 429 with Retry-After.
  int refused = 0, looked_up = 0;
  std::string retry_after;
  for (int i = 0; i < 40; ++i) {
    char token[29];
    std::snprintf(token, sizeof token, "20261130%020d", i);
    for (char* p = token + 8; *p; ++p) *p = static_cast<char>('a' + (*p - '0'));
    h = Fetch(base_ + "/t/" + token);
    if (h.code == 429) {
      ++refused;
      if (h.headers.find("Retry-After:") != std::string::npos) retry_after = "yes";
    } else if (h.code == 404) {
      ++looked_up;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_LE(looked_up, 21) << "about the burst of 20 guesses reached the broker";
  EXPECT_EQ(retry_after, "yes");
  const v1::Status after = c.Status();
  EXPECT_EQ(after.seq(), before.seq()) << "nothing was recorded";
  EXPECT_EQ(after.tickets_today(), before.tickets_today());
  EXPECT_EQ(Fetch(base_ + "/healthz").code, 200) << "and mpp-web serves on";
}

TEST_F(WebSystem, TheBoardHealthAndMetricsTellTheHallsState) {
  TestClient c(broker_.command_endpoint());
  c.SignIn(1, "ani");
  IssueToken(c);
  IssueToken(c);
  ASSERT_TRUE(WaitFor(
      [&] {
        return Fetch(base_ + "/metrics")
                   .body.find("mpp_tickets_issued_today{service=\"KTP-REKAM\"} 2") !=
               std::string::npos;
      },
      15000))
      << Fetch(base_ + "/metrics").body;
  const Http board = Fetch(base_ + "/");
  ASSERT_EQ(board.code, 200);
  EXPECT_NE(board.body.find("Perekaman KTP-el"), std::string::npos);
  EXPECT_NE(board.body.find("2 menunggu"), std::string::npos) << "the kiosk's words";
  EXPECT_NE(Fetch(base_ + "/?lang=en").body.find("Today's queues"), std::string::npos);
  const std::string metrics = Fetch(base_ + "/metrics").body;
  EXPECT_NE(metrics.find("mpp_tickets_waiting{service=\"KTP-REKAM\"} 2"), std::string::npos);
  EXPECT_NE(metrics.find("mpp_web_broker_synced 1"), std::string::npos);
  // The test's client, mpp-web's two: the IT officer sees the hall's programs come and go.
  std::smatch clients;
  ASSERT_TRUE(std::regex_search(metrics, clients, std::regex("mpp_broker_clients ([0-9]+)")))
      << metrics;
  EXPECT_GE(std::stoi(clients[1]), 2);
  EXPECT_NE(metrics.find("# TYPE mpp_web_requests_total counter"), std::string::npos);

  broker_.Kill();  // the IT officer's monitoring sees it
  ASSERT_TRUE(WaitFor([&] { return Fetch(base_ + "/healthz").code == 503; }, 20000));
  ASSERT_TRUE(broker_.StartOnSamePorts());
  ASSERT_TRUE(WaitFor([&] { return Fetch(base_ + "/healthz").code == 200; }, 20000))
      << "and back once the broker is";
}

TEST_F(WebSystem, ThePageInARealBrowserAtPhoneSizeUpdatesWhenTheTicketIsCalled) {
  TestClient c(broker_.command_endpoint());
  c.SignIn(1, "ani");
  const std::string token = IssueToken(c);
  Chromium browser;
  std::string error;
  ASSERT_TRUE(browser.Start(dir_.File("chromium"), dir_.File("chromium.log"), &error)) << error;
  ASSERT_TRUE(browser.Open(base_ + "/t/" + token, 360, 800)) << ReadFile(dir_.File("chromium.log"));
  EXPECT_EQ(browser.Evaluate("document.querySelector('.number').textContent"), "A-001");
  EXPECT_EQ(browser.Evaluate("document.querySelector('.headline').textContent"),
            "Hampir giliran Anda!");
  // The script runs: it shows the button that allows sound and vibration.
  ASSERT_TRUE(WaitFor(
      [&] {
        return browser.Evaluate("String(document.getElementById('sound').hidden)") == "false";
      },
      10000));
  ASSERT_TRUE(browser.Screenshot(dir_.File("waiting.png")));
  int w = 0, h = 0;
  ASSERT_TRUE(PngSize(dir_.File("waiting.png"), &w, &h));
  EXPECT_EQ(w, 360);
  EXPECT_EQ(h, 800);

  c.CallNext(1);
  ASSERT_TRUE(WaitFor(
      [&] {
        return browser.Evaluate("document.querySelector('.headline').textContent") ==
               "Nomor Anda dipanggil!";
      },
      10000))
      << "the page's own script put the event in place";
  EXPECT_EQ(browser.Evaluate("document.body.className"), "phase-called");
  EXPECT_EQ(browser.Evaluate("document.querySelector('.detail').textContent"),
            "Silakan menuju Loket 1 (Zona A - Kependudukan dan Kepolisian).");
  ASSERT_TRUE(browser.Screenshot(dir_.File("called.png")));
  // The page wider than the phone would scroll sideways: it must not.
  EXPECT_EQ(browser.Evaluate("String(document.documentElement.scrollWidth <= 360)"), "true");
}

// The broker's clock starts at 09:59:30 on Monday and runs twice as fast: the
// 10:00 slot of KTP-REKAM (15-minute slots, 5 minutes' grace in the sample
// catalog) can be booked, then begins 15 s later.
class WebBooking : public WebSystem {
 protected:
  WebBooking() {
    broker_.options().clock_start = "2026-11-30T09:59:30+07:00";
    broker_.options().extra_args = {"--clock-scale", "2"};
  }
};

TEST_F(WebBooking, ABookingMadeOnTheWebIsCheckedInAtAKioskAndCalledAtItsSlot) {
  TestClient c(broker_.command_endpoint());
  // The visitor books 10:00 on the phone (name and phone are optional).
  const Http page = Fetch(base_ + "/booking/KTP-REKAM?day=2026-11-30");
  ASSERT_EQ(page.code, 200) << page.body;
  const std::string form = "nonce=" + Match(page.body, "name=\"nonce\" value=\"([0-9a-f]+)\"") +
                           "&slot=2026-11-30%2F600&name=Siti+Aminah&phone=0812";
  const Http sent = Post(base_ + "/booking/KTP-REKAM", form);
  ASSERT_EQ(sent.code, 303) << sent.body;
  const std::string code = Match(sent.headers, "Location: /b/([0-9A-Z]{8})");
  ASSERT_EQ(code.size(), 8u);
  // The same form sent again (a double tap, a retry) is the same booking.
  EXPECT_EQ(Match(Post(base_ + "/booking/KTP-REKAM", form).headers, "Location: /b/([0-9A-Z]{8})"),
            code);
  Http booking = Fetch(base_ + "/b/" + code);
  ASSERT_EQ(booking.code, 200);
  EXPECT_NE(booking.body.find(code.substr(0, 4) + "-" + code.substr(4)), std::string::npos);
  EXPECT_NE(booking.body.find("Senin, 30 November 2026, 10.00"), std::string::npos) << booking.body;
  EXPECT_NE(booking.body.find("<svg class=\"qr\""), std::string::npos);
  EXPECT_EQ(booking.body.find("Siti"), std::string::npos) << "the name stays at the MPP";
  // A walk-in before the slot's start, then the slot begins and another walks in.
  ASSERT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-001");
  ASSERT_TRUE(WaitFor(
      [&] { return c.Status().now_ms() >= *ParseIsoTime("2026-11-30T10:00:00+07:00", 0); }, 30000));
  ASSERT_EQ(c.Issue("KTP-REKAM").ticket().number(), "A-002");

  // At the kiosk the scanner reads the booking's QR code: it types the URL
  // and Enter on the start screen.
  Xvfb xvfb;
  ASSERT_TRUE(xvfb.Start(1080, 1920));
  std::filesystem::create_directories(dir_.File("tickets"));
  // Kept in build/layout/web/ for a person to open.
  ASSERT_EQ(std::system(("mkdir -p " + std::string(MPP_LAYOUT_DIR) + "/web").c_str()), 0);
  const std::string shots = std::string(MPP_LAYOUT_DIR) + "/web/kiosk-check-in";
  const std::string script = dir_.File("checkin.script");
  std::ofstream(script) << "wait connected\n"
                           "tap appointment\n"
                           "wait check-in\n"
                           "type "
                        << code.substr(0, 5)
                        << "\n"
                           "screenshot "
                        << shots
                        << "-typing.png\n"
                           "tap home\n"
                           "wait agencies\n"
                           "type https://antrean.mppcilegon.go.id/b/"
                        << code
                        << "\n"
                           "key Enter\n"
                           "wait ticket\n"
                           "wait printed\n"
                           "screenshot "
                        << shots << "-ticket.png\nquit\n";
  ChildProcess kiosk;
  ASSERT_TRUE(kiosk.Start(
      {MPP_KIOSK_BIN, "--broker", broker_.command_endpoint(), "--kiosk-id", "kiosk-3", "--size",
       "1080x1920", "--printer", "file:" + dir_.File("tickets"), "--script", script},
      {"DISPLAY=" + xvfb.display()}, dir_.File("kiosk.log")));
  ASSERT_EQ(kiosk.Wait(60000), 0) << ReadFile(dir_.File("kiosk.log"));
  booking = Fetch(base_ + "/b/" + code);
  const std::string number = Match(booking.body, "Sudah check-in: nomor antrean (A-[0-9]+)");
  ASSERT_EQ(number, "A-003") << booking.body;

  // Called at its slot: after the walk-in who came before 10:00, ahead of
  // the one who came after - though that one took a number first.
  c.SignIn(1, "ani");
  std::vector<std::string> order;
  for (int i = 0; i < 3; ++i) {
    const v1::Reply called = c.CallNext(1);
    ASSERT_EQ(called.error().code(), v1::OK) << called.ShortDebugString();
    order.push_back(called.ticket().number());
    if (called.ticket().number() == number) {
      EXPECT_GT(called.ticket().appointment_ms(), 0);
      EXPECT_FALSE(called.ticket().appointment_late());
    }
    c.StartServing(1);
    c.Finish(1);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"A-001", "A-003", "A-002"}));
  // Its code cancels nothing any more.
  EXPECT_EQ(Post(base_ + "/b/" + code + "/cancel", "").code, 409);
}

// The booking pages in a real browser at phone size: a tap on a time books
// it (the form's POST, then the redirect to the booking's page), the page
// shows the code and its QR code without sideways scrolling, and its cancel
// button frees the place.
TEST_F(WebBooking, BookingInARealBrowserAtPhoneSize) {
  Chromium browser;
  std::string error;
  ASSERT_TRUE(browser.Start(dir_.File("chromium"), dir_.File("chromium.log"), &error)) << error;
  ASSERT_TRUE(browser.Open(base_ + "/booking/KTP-REKAM", 360, 800))
      << ReadFile(dir_.File("chromium.log"));
  EXPECT_EQ(browser.Evaluate("document.querySelector('h1').textContent"), "Perekaman KTP-el");
  EXPECT_EQ(browser.Evaluate("String(document.documentElement.scrollWidth <= 360)"), "true");
  browser.Evaluate("document.getElementById('name').value = 'Siti Aminah'");
  browser.Evaluate("document.querySelector('button[name=slot][value=\"2026-11-30/630\"]').click()");
  std::string location;
  ASSERT_TRUE(WaitFor(
      [&] { return (location = browser.Evaluate("location.pathname")).size() == 11; }, 10000))
      << location;
  const std::string code = location.substr(3);
  ASSERT_TRUE(WaitFor(
      [&] { return browser.Evaluate("document.querySelector('.code') ? 'y' : 'n'") == "y"; },
      10000));
  EXPECT_EQ(browser.Evaluate("document.querySelector('.code').textContent"),
            code.substr(0, 4) + "-" + code.substr(4));
  EXPECT_EQ(browser.Evaluate("document.querySelector('.when').textContent"),
            "Senin, 30 November 2026, 10.30");
  EXPECT_EQ(browser.Evaluate("String(document.querySelector('svg.qr').getBoundingClientRect().width"
                             " >= 200)"),
            "true");
  EXPECT_EQ(browser.Evaluate("String(document.body.textContent.includes('Siti'))"), "false");
  EXPECT_EQ(browser.Evaluate("String(document.documentElement.scrollWidth <= 360)"), "true");
  ASSERT_TRUE(browser.Screenshot(dir_.File("booking.png")));
  browser.Evaluate("document.querySelector('button.cancel').click()");
  ASSERT_TRUE(WaitFor(
      [&] {
        return browser.Evaluate("document.querySelector('.headline').textContent") ==
               "Janji temu ini dibatalkan";
      },
      10000));
  TestClient c(broker_.command_endpoint());
  v1::Request list;
  list.mutable_list_slots()->set_service("KTP-REKAM");
  list.mutable_list_slots()->set_day("2026-11-30");
  const v1::Reply slots = c.Must(list);
  for (const auto& slot : slots.slots().slots()) {
    EXPECT_EQ(slot.free(), slot.capacity()) << "the cancelled place is free again";
  }
}

TEST_F(WebBooking, FloodsGuessesAndBrokenFormsAreRefusedAndTheBookingsSurviveACrash) {
  TestClient c(broker_.command_endpoint());
  // One address books again and again (each form is a new one): five, then 429.
  std::vector<std::string> codes;
  int refused = 0;
  std::string retry_after;
  for (int i = 0; i < 12; ++i) {
    const Http page = Fetch(base_ + "/booking/KTP-REKAM?day=2026-11-30");
    const std::string nonce = Match(page.body, "name=\"nonce\" value=\"([0-9a-f]+)\"");
    const Http sent = Post(base_ + "/booking/KTP-REKAM",
                           "nonce=" + nonce + "&slot=2026-11-30%2F" + std::to_string(615 + 15 * i));
    if (sent.code == 303) codes.push_back(Match(sent.headers, "Location: /b/([0-9A-Z]{8})"));
    if (sent.code == 429) {
      ++refused;
      if (sent.headers.find("Retry-After:") != std::string::npos) retry_after = "yes";
    }
  }
  EXPECT_EQ(codes.size(), 5u);
  EXPECT_EQ(refused, 7);
  EXPECT_EQ(retry_after, "yes");
  // The broker holds exactly those five: 10:15 .. 11:15 each have one place less.
  v1::Request list;
  list.mutable_list_slots()->set_service("KTP-REKAM");
  list.mutable_list_slots()->set_day("2026-11-30");
  int taken = 0;
  const v1::Reply slots = c.Must(list);
  for (const auto& slot : slots.slots().slots()) taken += slot.capacity() - slot.free();
  EXPECT_EQ(taken, 5);
  const v1::Status before = c.Status();
  // Broken forms and guessed codes: clear refusals, nothing recorded.
  EXPECT_EQ(Post(base_ + "/booking/KTP-REKAM", "slot=2026-11-30%2F600").code, 400)
      << "a form without its nonce";
  EXPECT_EQ(Post(base_ + "/booking/KTP-REKAM", "nonce=0123456789abcdef&slot=x").code, 400);
  EXPECT_EQ(Fetch(base_ + "/booking/NOPE").code, 404);
  EXPECT_EQ(Fetch(base_ + "/booking/KK").code, 404) << "no appointments";
  EXPECT_EQ(Fetch(base_ + "/b/ZZZZZZZZ").code, 404);
  EXPECT_EQ(Fetch(base_ + "/b/not-a-code").code, 404);
  EXPECT_EQ(Post(base_ + "/b/ZZZZZZZZ/cancel", "").code, 404);
  EXPECT_EQ(Fetch(base_ + "/b?code=" + codes[0]).headers.find("Location: /b/" + codes[0]) !=
                std::string::npos,
            true);
  const v1::Status after = c.Status();
  EXPECT_EQ(after.seq(), before.seq()) << "nothing was recorded";

  // The broker is killed: every acknowledged booking is still there.
  broker_.Kill();
  ASSERT_TRUE(broker_.StartOnSamePorts());
  for (const std::string& code : codes) {
    Http h;
    ASSERT_TRUE(WaitFor([&] { return (h = Fetch(base_ + "/b/" + code)).code == 200; }, 20000))
        << code << " " << h.code;
    EXPECT_NE(h.body.find("Janji temu Anda"), std::string::npos);
  }
  // Cancelled, its place is free again.
  ASSERT_EQ(Post(base_ + "/b/" + codes[0] + "/cancel", "").code, 303);
  EXPECT_NE(Fetch(base_ + "/b/" + codes[0]).body.find("dibatalkan"), std::string::npos);
}

// Under systemd (mpp-web.service, Type=notify) mpp-web says READY=1 once it
// listens and STOPPING=1 on SIGTERM. A notify socket of our own stands in.
TEST(WebService, TellsTheServiceManagerItIsReadyAndStopping) {
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  NotifySocket notify(dir.File("notify"));
  ASSERT_TRUE(notify.ok());
  ChildProcess web;
  ASSERT_TRUE(
      web.Start({MPP_WEB_BIN, "--broker", broker.command_endpoint(), "--listen", "127.0.0.1:0"},
                {"NOTIFY_SOCKET=" + notify.path()}, dir.File("web.log")));
  ASSERT_TRUE(WaitFor([&] { return notify.Heard().find("READY=1") != std::string::npos; }, 20000))
      << notify.Heard() << ReadFile(dir.File("web.log"));
  EXPECT_NE(notify.Heard().find("STATUS=serving http://127.0.0.1:"), std::string::npos)
      << notify.Heard();
  EXPECT_EQ(web.Stop(), 0) << "SIGTERM stops it cleanly";
  EXPECT_NE(notify.Heard().find("STOPPING=1"), std::string::npos) << notify.Heard();
}

}  // namespace
}  // namespace mpp::testing
