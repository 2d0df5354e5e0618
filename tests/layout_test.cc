// Layout tests: every screen, at every size a hall uses, in both languages,
// with the sample catalog, an edge catalog (tests/data/edge-catalog.toml: a
// 22nd counter in one zone, 4-digit numbers, a 126-character service name)
// and an empty hall. Each program runs for real under Xvfb against the real
// broker with --layout, writes a screenshot and the record of every text it
// drew (common/layout.h), and the record is checked: no text cut by its box,
// run off the screen or shortened to "...", none over another, no list that
// drops items without "+N lagi", contrast at least 4.5:1 (7:1 for numbers and
// counter names on the hall display), and the display's sizes from ten
// metres. The screenshots stay in build/layout/ for a person to open.
#include "common/layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

struct Size {
  int w, h;
  std::string Name() const { return std::to_string(w) + "x" + std::to_string(h); }
  bool portrait() const { return h > w; }
};
const Size kSizes[] = {{1280, 720}, {1366, 768}, {1920, 1080}, {3840, 2160}, {1080, 1920}};
const char* const kLangs[] = {"id", "en"};

std::string EdgeCatalog() { return std::string(MPP_SOURCE_DIR) + "/tests/data/edge-catalog.toml"; }

std::string ArtefactDir(const std::string& program) {
  const std::string dir = std::string(MPP_LAYOUT_DIR) + "/" + program;
  std::filesystem::create_directories(dir);
  return dir;
}

// Loads FILE.layout.json written beside FILE.png.
::testing::AssertionResult LoadLayout(const std::string& png, LayoutFrame* frame) {
  const std::string path = png.substr(0, png.size() - 4) + ".layout.json";
  const std::string text = ReadFile(path);
  if (text.empty()) return ::testing::AssertionFailure() << "no layout record " << path;
  auto parsed = LayoutFromJson(text);
  if (!parsed.ok())
    return ::testing::AssertionFailure() << path << ": " << parsed.status().message();
  *frame = std::move(*parsed);
  return ::testing::AssertionSuccess();
}

// The problems of one screenshot, each line prefixed with what it shows.
void Expect(const std::string& what, const LayoutFrame& f, const LayoutRules& rules,
            std::vector<std::string> extra = {}) {
  std::vector<std::string> problems = CheckLayout(f, rules);
  problems.insert(problems.end(), extra.begin(), extra.end());
  std::string text;
  for (size_t i = 0; i < problems.size() && i < 12; ++i) text += "\n  " + problems[i];
  if (problems.size() > 12) text += "\n  ... " + std::to_string(problems.size() - 12) + " more";
  EXPECT_TRUE(problems.empty()) << what << ":" << text;
}

const TextRecord* FindText(const LayoutFrame& f, const std::function<bool(const TextRecord&)>& p) {
  for (const TextRecord& t : f.texts) {
    if (p(t)) return &t;
  }
  return nullptr;
}

class LayoutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    xvfb_ = new Xvfb;
    ASSERT_TRUE(xvfb_->Start(3840, 2160));
  }
  static void TearDownTestSuite() {
    delete xvfb_;
    xvfb_ = nullptr;
  }
  std::vector<std::string> Env() const { return {"DISPLAY=" + xvfb_->display()}; }

 public:
  TempDir& dir() { return dir_; }
  // Runs `argv` to its exit (it writes `png` and its layout record).
  ::testing::AssertionResult Run(std::vector<std::string> argv, const std::string& png) {
    std::filesystem::remove(png);
    ChildProcess p;
    const std::string err = dir_.File("screen.stderr");
    if (!p.Start(argv, Env(), err)) return ::testing::AssertionFailure() << "cannot start";
    const int code = p.Wait(60000);
    if (code != 0 || !std::filesystem::exists(png)) {
      return ::testing::AssertionFailure()
             << argv[0] << " exited " << code << " without " << png << ": " << ReadFile(err);
    }
    return ::testing::AssertionSuccess();
  }

 protected:
  static Xvfb* xvfb_;
  TempDir dir_;
};
Xvfb* LayoutTest::xvfb_ = nullptr;

// ------------------------------------------------------------- display --

LayoutRules DisplayRules() {
  LayoutRules r;
  r.role_contrast = {{"number", 7.0}, {"counter", 7.0}};
  return r;
}

// Sizes from ten metres, on landscape screens (16:9, where they scale with
// the height): the called number's digits >= 15 % of the height, the counter
// to go to >= 7 %, the recent calls >= 4 %.
std::vector<std::string> DisplaySizes(const LayoutFrame& f, bool has_call, bool has_history) {
  std::vector<std::string> out;
  if (!has_call) return out;
  auto share = [&](const TextRecord* t) { return t ? t->ink_px / f.height : 0.0f; };
  const TextRecord* number =
      FindText(f, [](const TextRecord& t) { return t.box == "now calling" && t.role == "number"; });
  const TextRecord* counter = FindText(
      f, [](const TextRecord& t) { return t.box == "now calling" && t.role == "counter"; });
  const TextRecord* recent = FindText(
      f, [](const TextRecord& t) { return t.box == "recent calls" && t.role == "number"; });
  if (share(number) < 0.15f) {
    out.push_back("the called number is " + std::to_string(100 * share(number)) + " % high");
  }
  if (share(counter) < 0.07f) {
    out.push_back("the counter to go to is " + std::to_string(100 * share(counter)) + " % high");
  }
  if (has_history && share(recent) < 0.04f) {
    out.push_back("the recent calls are " + std::to_string(100 * share(recent)) + " % high");
  }
  return out;
}

struct DisplayCase {
  std::string name;
  std::string catalog;
  std::string zone;
  std::function<void(TestClient&)> setup;
  int counters = 0;  // tiles that must all be on screen
  bool has_call = false;
  bool has_history = false;
  std::string info_dir = "";  // --info-dir: the image must be on screen too
};

// Runs the display case at every size and language and checks each frame.
void DisplayMatrix(LayoutTest* test, const DisplayCase& c) {
  TempDir& dir = test->dir();
  BrokerProcess::Options o;
  o.config = c.catalog;
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start());
  {
    TestClient client(broker.command_endpoint());
    c.setup(client);
  }
  const std::string out = ArtefactDir("display");
  for (const Size& size : kSizes) {
    for (const char* lang : kLangs) {
      const std::string what = c.name + "-" + size.Name() + "-" + lang;
      const std::string png = out + "/" + what + ".png";
      std::vector<std::string> argv = {MPP_DISPLAY_BIN,
                                       "--broker",
                                       broker.command_endpoint(),
                                       "--size",
                                       size.Name(),
                                       "--lang",
                                       lang,
                                       "--mute",
                                       "--layout",
                                       "--screenshot",
                                       png,
                                       "--frames",
                                       "3"};
      if (!c.zone.empty()) {
        argv.push_back("--zone");
        argv.push_back(c.zone);
      }
      if (!c.info_dir.empty()) {
        argv.push_back("--info-dir");
        argv.push_back(c.info_dir);
      }
      ASSERT_TRUE(test->Run(argv, png)) << what;
      LayoutFrame f;
      ASSERT_TRUE(LoadLayout(png, &f)) << what;
      std::vector<std::string> extra;
      if (!size.portrait()) extra = DisplaySizes(f, c.has_call, c.has_history);
      std::set<std::string> tiles;
      for (const TextRecord& t : f.texts) {
        if (t.box.rfind("tile:", 0) == 0 && t.role == "counter") tiles.insert(t.text);
      }
      if (!c.info_dir.empty() &&
          !FindText(f, [](const TextRecord& t) { return t.box == "info panel"; })) {
        extra.push_back("no image in the information panel");
      }
      if (static_cast<int>(tiles.size()) != c.counters) {
        extra.push_back(std::to_string(tiles.size()) + " counter tiles on screen, not " +
                        std::to_string(c.counters));
      }
      Expect(what, f, DisplayRules(), extra);
    }
  }
}

TEST_F(LayoutTest, DisplayWithTheSampleHallFitsEverySize) {
  DisplayCase c{"sample-zone-A",
                SampleCatalog(),
                "A",
                [](TestClient& t) {
                  for (int counter : {1, 2, 4, 7}) {
                    t.SignIn(counter, "op" + std::to_string(counter));
                  }
                  for (int i = 0; i < 9; ++i) {
                    t.Issue(i % 3 == 0 ? "KTP-REKAM" : i % 3 == 1 ? "KK" : "SKCK-BARU");
                  }
                  for (int counter : {1, 4, 7, 2}) t.CallNext(counter);
                  t.StartServing(1);
                },
                8,
                true,
                true};
  DisplayMatrix(this, c);
}

TEST_F(LayoutTest, DisplayWithTwentyTwoCountersAndLongNamesFitsEverySize) {
  DisplayCase c{
      "edge-zone-A",
      EdgeCatalog(),
      "A",
      [](TestClient& t) {
        for (int counter = 1; counter <= 22; ++counter) {
          t.SignIn(counter, "op" + std::to_string(counter));
        }
        for (int i = 0; i < 30; ++i) {
          t.Issue(i % 3 == 0 ? "IZIN-PENELITIAN-ASING" : i % 3 == 1 ? "KTP-REKAM" : "SKCK-BARU");
        }
        for (int counter : {1, 7, 22, 2, 8, 22}) t.CallNext(counter);
      },
      22,
      true,
      true};
  DisplayMatrix(this, c);
}

// The MPP's own poster beside the calls: never over the called number, the
// recent calls or the tiles. The poster is a real PNG: a screenshot of the
// display itself at a poster's shape.
TEST_F(LayoutTest, DisplayWithAnInformationPanelFitsEverySize) {
  const std::string info = dir_.File("info");
  std::filesystem::create_directories(info);
  {
    BrokerProcess broker(dir_);
    ASSERT_TRUE(broker.Start());
    ASSERT_TRUE(Run({MPP_DISPLAY_BIN, "--broker", broker.command_endpoint(), "--size", "707x1000",
                     "--mute", "--screenshot", info + "/1-poster.png", "--frames", "2"},
                    info + "/1-poster.png"));
  }
  DisplayCase c{"sample-with-info",
                SampleCatalog(),
                "A",
                [](TestClient& t) {
                  for (int counter : {1, 2, 4, 7})
                    t.SignIn(counter, "op" + std::to_string(counter));
                  for (int i = 0; i < 9; ++i)
                    t.Issue(i % 3 == 0 ? "KTP-REKAM" : i % 3 == 1 ? "KK" : "SKCK-BARU");
                  for (int counter : {1, 4, 7, 2}) t.CallNext(counter);
                },
                8,
                true,
                true};
  c.info_dir = info;
  DisplayMatrix(this, c);
}

TEST_F(LayoutTest, DisplayOfAnEmptyHallFitsEverySize) {
  DisplayCase c{"empty-hall", SampleCatalog(), "", [](TestClient&) {}, 21, false, false};
  DisplayMatrix(this, c);
}

// --------------------------------------------------------------- kiosk --

// A visitor's way through the kiosk; `{shot}` in the script is replaced by
// the screenshot's path prefix.
struct ScriptCase {
  std::string name;
  std::string catalog;
  std::vector<std::string> screens;  // the screenshots the script takes, in order
  std::string script;
  std::vector<std::string> extra_args;
  // More to check on a screen: returns its problems.
  std::function<std::vector<std::string>(const std::string& screen, const std::string& lang,
                                         const LayoutFrame&)>
      extra = nullptr;
  std::vector<Size> sizes = {std::begin(kSizes), std::end(kSizes)};
  std::function<bool(const Size&, const std::string& screen)> skip = nullptr;
  std::string clock_start = "2026-11-30T09:00:00+07:00";
};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Runs a scripted program's case at its sizes and languages and checks
// every screenshot the script takes.
void ScriptMatrix(LayoutTest* test, const char* program, const char* binary, const ScriptCase& c,
                  const std::function<void(TestClient&)>& setup) {
  TempDir& dir = test->dir();
  BrokerProcess::Options o;
  o.config = c.catalog;
  o.clock_start = c.clock_start;
  BrokerProcess broker(dir, o);
  ASSERT_TRUE(broker.Start());
  {
    TestClient client(broker.command_endpoint());
    setup(client);
  }
  const std::string out = ArtefactDir(program);
  for (const Size& size : c.sizes) {
    for (const char* lang : kLangs) {
      const std::string what = c.name + "-" + size.Name() + "-" + lang;
      const std::string shot = out + "/" + what;
      const std::string script_path = dir.File(what + ".script");
      std::ofstream(script_path) << Replace(c.script, "{shot}", shot);
      std::vector<std::string> argv = {binary,     "--broker",  broker.command_endpoint(),
                                       "--size",   size.Name(), "--lang",
                                       lang,       "--layout",  "--script",
                                       script_path};
      argv.insert(argv.end(), c.extra_args.begin(), c.extra_args.end());
      ASSERT_TRUE(test->Run(argv, shot + "-" + c.screens.back() + ".png")) << what;
      for (const std::string& screen : c.screens) {
        if (c.skip && c.skip(size, screen)) continue;
        LayoutFrame f;
        ASSERT_TRUE(LoadLayout(shot + "-" + screen + ".png", &f)) << what << " " << screen;
        Expect(what + " " + screen, f, LayoutRules(),
               c.extra ? c.extra(screen, lang, f) : std::vector<std::string>{});
      }
    }
  }
}

TEST_F(LayoutTest, KioskFromAgencyToPriorityTicketFitsEverySize) {
  ScriptCase c{
      "sample",
      SampleCatalog(),
      {"1-agencies", "2-services", "3-standard", "3b-standard-scrolled", "4-priority", "5-ticket"},
      "wait connected\n"
      "screenshot {shot}-1-agencies.png\n"
      "tap agency:DUKCAPIL\n"
      "wait services\n"
      "screenshot {shot}-2-services.png\n"
      "tap service:KTP-REKAM\n"
      "wait standard\n"
      "screenshot {shot}-3-standard.png\n"
      "drag standard -500\n"
      "drag standard -500\n"
      "drag standard -500\n"
      "screenshot {shot}-3b-standard-scrolled.png\n"
      "tap priority\n"
      "wait priority\n"
      "screenshot {shot}-4-priority.png\n"
      "tap reason:lansia\n"
      "wait ticket\n"
      "wait printed\n"
      "screenshot {shot}-5-ticket.png\n"
      "quit\n",
      {"--printer", "file:" + dir_.path().string()}};
  ScriptMatrix(this, "kiosk", MPP_KIOSK_BIN, c, [](TestClient& t) { t.SignIn(1, "ani"); });
}

TEST_F(LayoutTest, KioskWithALongServiceNameAndAFailedPrintFitsEverySize) {
  ScriptCase c{"edge",
               EdgeCatalog(),
               {"1-services", "2-standard", "3-ticket"},
               "wait connected\n"
               "tap agency:DPMPTSP\n"
               "wait services\n"
               "screenshot {shot}-1-services.png\n"
               "tap service:IZIN-PENELITIAN-ASING\n"
               "wait standard\n"
               "screenshot {shot}-2-standard.png\n"
               "tap take\n"
               "wait ticket\n"
               "wait print-failed\n"
               "screenshot {shot}-3-ticket.png\n"
               "quit\n",
               {"--printer", "escpos:" + dir_.File("no-such-printer")}};
  ScriptMatrix(this, "kiosk", MPP_KIOSK_BIN, c, [](TestClient& t) { t.SignIn(22, "ani"); });
}

// After closing time every service is closed: grey buttons that say why and
// when they open, a take button that says it cannot be used now.
TEST_F(LayoutTest, KioskAfterClosingFitsEverySize) {
  ScriptCase c{"closed",
               SampleCatalog(),
               {"1-agencies", "2-services", "3-standard"},
               "wait connected\n"
               "screenshot {shot}-1-agencies.png\n"
               "tap agency:DUKCAPIL\n"
               "wait services\n"
               "screenshot {shot}-2-services.png\n"
               "tap service:KTP-REKAM\n"
               "wait standard\n"
               "screenshot {shot}-3-standard.png\n"
               "quit\n",
               {"--printer", "none"}};
  c.clock_start = "2026-11-30T17:30:00+07:00";
  ScriptMatrix(this, "kiosk", MPP_KIOSK_BIN, c, [](TestClient&) {});
}

// ------------------------------------------------------ counter and pad --

// Counter 22, serving a number of the 126-character service with more of
// them waiting (one a priority), and the sign-in screen of counter 21.
TEST_F(LayoutTest, CounterServingALongNamedServiceFitsEverySize) {
  ScriptCase c{"edge-counter-22",
               EdgeCatalog(),
               {"serving"},
               "wait serving:Z-0001\n"
               "screenshot {shot}-serving.png\n"
               "quit\n",
               {"--counter", "22"}};
  ScriptMatrix(this, "counter", MPP_COUNTER_BIN, c, [](TestClient& t) {
    for (int i = 0; i < 6; ++i) t.Issue("IZIN-PENELITIAN-ASING");
    t.SignIn(22, "op22");
    t.CallNext(22);
    t.StartServing(22);
    t.Issue("IZIN-PENELITIAN-ASING", v1::LANSIA);
  });
}

// An idle counter with a queue: each waiting number has its Call button
// (ahead of its turn asks why), beside the search field.
TEST_F(LayoutTest, CounterReadyToCallFitsEverySize) {
  ScriptCase c{"edge-counter-22-idle",
               EdgeCatalog(),
               {"idle"},
               "wait idle\n"
               "screenshot {shot}-idle.png\n"
               "quit\n",
               {"--counter", "22"}};
  ScriptMatrix(this, "counter", MPP_COUNTER_BIN, c, [](TestClient& t) {
    for (int i = 0; i < 4; ++i) t.Issue("IZIN-PENELITIAN-ASING");
    t.Issue("IZIN-PENELITIAN-ASING", v1::LANSIA);
    t.SignIn(22, "op22");
  });
}

TEST_F(LayoutTest, CounterSignInFitsEverySize) {
  ScriptCase c{"signin",
               SampleCatalog(),
               {"signin"},
               "wait signed-out\n"
               "screenshot {shot}-signin.png\n"
               "quit\n",
               {"--counter", "21"}};
  ScriptMatrix(this, "counter", MPP_COUNTER_BIN, c, [](TestClient&) {});
}

TEST_F(LayoutTest, RatingPadFitsItsSizesInBothLanguages) {
  ScriptCase c{"pad",
               SampleCatalog(),
               {"1-ask", "2-offer", "3-skm"},
               "wait ask 30\n"
               "screenshot {shot}-1-ask.png\n"
               "tap score:2\n"
               "wait offer\n"
               "screenshot {shot}-2-offer.png\n"
               "tap survey:yes\n"
               "wait skm\n"
               "screenshot {shot}-3-skm.png\n"
               "quit\n",
               {"--counter", "1", "--rating-pad"}};
  c.sizes = {{800, 1280}, {1280, 800}, {600, 1024}};
  ScriptMatrix(this, "pad", MPP_COUNTER_BIN, c, [](TestClient& t) {
    t.Issue("KTP-REKAM");
    t.SignIn(1, "ani");
    t.CallNext(1);
    t.StartServing(1);
    t.Finish(1);
  });
}

// ------------------------------------------------------------- manager --

// The edge hall at 15:00 with the only open counter being 22 (sorted last in
// the catalog), a queue that cannot be finished before closing, and the
// report of a day with the 126-character service in it.
TEST_F(LayoutTest, ManagerViewsFitEverySize) {
  ScriptCase c{"edge",
               EdgeCatalog(),
               {"1-live", "2-compliance", "3-skm", "4-ticker"},
               "wait connected\n"
               "wait report 30\n"
               "screenshot {shot}-1-live.png\n"
               "tap view-compliance\n"
               "tap range-today\n"
               "wait report 30\n"
               "screenshot {shot}-2-compliance.png\n"
               "tap view-skm\n"
               "screenshot {shot}-3-skm.png\n"
               "tap view-ticker\n"
               "screenshot {shot}-4-ticker.png\n"
               "quit\n",
               {}};
  c.sizes = {{1280, 720}, {1366, 768}, {1600, 900}, {1920, 1080}, {3840, 2160}};
  c.extra = [](const std::string& screen, const std::string&, const LayoutFrame& f) {
    std::vector<std::string> out;
    if (screen != "1-live") return out;
    // The only open counter is on screen, not dropped off the grid.
    if (!FindText(f, [](const TextRecord& t) { return t.box == "counter:Loket 22"; })) {
      out.push_back("counter 22, the only one open, is not on the live view");
    }
    return out;
  };
  ScriptMatrix(this, "manager", MPP_MANAGER_BIN, c, [](TestClient& t) {
    for (int i = 0; i < 12; ++i) t.Issue("IZIN-PENELITIAN-ASING");
    t.SignIn(22, "op22");
    t.CallNext(22);
    t.StartServing(22);
    t.Finish(22);
    t.CallNext(22);
  });
}

}  // namespace
}  // namespace mpp::testing
