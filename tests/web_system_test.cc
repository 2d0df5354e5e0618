// mpp-web against the real broker: a visitor's page by the ticket's token,
// its live updates (Server-Sent Events) when the ticket is called, refusals
// of guessed and malformed addresses, the public board, /healthz and
// /metrics - over real HTTP (libcurl), and the page in a real browser
// (headless Chromium at phone size).
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <regex>
#include <thread>

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

Http Fetch(const std::string& url, const std::string& method = "GET") {
  Http h;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &h.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Append);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h.code);
  curl_easy_cleanup(c);
  return h;
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
