// The hallway display under Xvfb against the real broker: a call appears and
// is voiced once; the broker is killed and restarted while the display runs,
// and the display shows the right state again by itself.
#include <gtest/gtest.h>
#include <stb_image.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/layout.h"
#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

using nlohmann::json;

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json::object();  // not written yet
  try {
    json j = json::parse(in);
    return j.is_object() ? j : json::object();
  } catch (...) {
    return json::object();
  }
}

std::string NowCalling(const json& j) {
  if (!j.is_object() || !j["now_calling"].is_object()) return "";
  return j["now_calling"]["number"].get<std::string>();
}

class DisplaySystem : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(xvfb_.Start());
    ASSERT_TRUE(broker_.Start());
  }
  std::vector<std::string> Env() const { return {"DISPLAY=" + xvfb_.display()}; }

  Xvfb xvfb_;
  TempDir dir_;
  BrokerProcess broker_{dir_};
};

TEST_F(DisplaySystem, CallAppearsIsVoicedOnceAndSurvivesABrokerRestart) {
  const std::string model = dir_.File("model.json");
  const std::string wav = dir_.File("calls.wav");
  const std::string command = broker_.command_endpoint();
  const std::string events = broker_.event_endpoint();
  {
    TestClient c(command);
    c.SignIn(1, "ani");
    c.Issue("KTP-REKAM");
    c.Issue("KTP-REKAM");
  }
  ChildProcess display;
  ASSERT_TRUE(display.Start({MPP_DISPLAY_BIN, "--broker", command, "--zone", "A", "--size",
                             "1280x720", "--audio-out", wav, "--dump-model", model},
                            Env(), dir_.File("display.log")));
  ASSERT_TRUE(WaitFor([&] { return ReadJson(model).value("connected", false); }, 20000))
      << "the display never connected";
  EXPECT_EQ(NowCalling(ReadJson(model)), "");

  TestClient(command).CallNext(1);
  ASSERT_TRUE(WaitFor(
      [&] {
        const json j = ReadJson(model);
        return NowCalling(j) == "A-001" && j.value("spoken", 0) == 1;
      },
      10000))
      << "the call did not reach the screen: " << ReadJson(model).dump();

  broker_.Kill();
  ASSERT_TRUE(WaitFor(
      [&] {
        const json j = ReadJson(model);
        return !j.value("connected", true) && !j.value("banner", std::string()).empty();
      },
      15000))
      << "no disconnected banner: " << ReadJson(model).dump();
  EXPECT_EQ(NowCalling(ReadJson(model)), "A-001");  // the last state stays on screen

  ASSERT_TRUE(broker_.StartOnSamePorts());
  ASSERT_TRUE(WaitFor([&] { return ReadJson(model).value("connected", false); }, 20000))
      << "the display did not reconnect by itself";
  {
    TestClient c(command);
    c.StartServing(1);
    c.Finish(1);
    c.CallNext(1);
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        const json j = ReadJson(model);
        return NowCalling(j) == "A-002" && j.value("spoken", 0) == 2;
      },
      10000))
      << ReadJson(model).dump();
  EXPECT_EQ(ReadJson(model)["history"][0]["number"], "A-001");

  EXPECT_EQ(display.Stop(5000), 0) << "SIGTERM must stop the display cleanly";
  std::ifstream in(wav, std::ios::binary | std::ios::ate);
  const auto bytes = static_cast<int64_t>(in.tellg());
  EXPECT_GT(bytes, 44 + 2 * 3 * 22050 * 2) << "two calls of at least 3 s each";
}

TEST_F(DisplaySystem, ScreenshotIsWrittenAtFullSize) {
  {
    TestClient c(broker_.command_endpoint());
    c.SignIn(7, "citra");
    c.Issue("SKCK-BARU");
    c.CallNext(7);
  }
  const std::string png = dir_.File("display.png");
  ChildProcess display;
  ASSERT_TRUE(display.Start({MPP_DISPLAY_BIN, "--broker", broker_.command_endpoint(), "--zone", "A",
                             "--mute", "--screenshot", png, "--frames", "3"},
                            Env(), dir_.File("display.log")));
  ASSERT_EQ(display.Wait(30000), 0);
  int w = 0, h = 0;
  ASSERT_TRUE(PngSize(png, &w, &h)) << png << " is not a PNG";
  EXPECT_EQ(w, 1920);
  EXPECT_EQ(h, 1080);
}

// The running text scrolls all day: redrawing the whole screen four times a
// second for it cost 12 % of a core under llvmpipe (docs/BENCHMARKS.md). While
// nothing else changes only the ticker's strip is drawn, over the rest of the
// screen kept from the last whole frame. What is on screen must be the same as
// a whole redraw: the still part pixel for pixel, the ticker on its strip, and
// the layout record of the frame still holding every text.
struct Png {
  int w = 0, h = 0;
  std::vector<unsigned char> px;  // RGBA
  const unsigned char* at(int x, int y) const { return &px[(static_cast<size_t>(y) * w + x) * 4]; }
};

Png LoadPng(const std::string& path) {
  Png p;
  int n = 0;
  unsigned char* data = stbi_load(path.c_str(), &p.w, &p.h, &n, 4);
  if (!data) return p;
  p.px.assign(data, data + static_cast<size_t>(p.w) * p.h * 4);
  stbi_image_free(data);
  return p;
}

// "display: 3 whole frames, 27 ticker-only frames" from the display's log.
bool FrameCounts(const std::string& log, int* whole, int* ticker) {
  const size_t at = log.find("whole frames, ");
  if (at == std::string::npos) return false;
  const size_t start = log.rfind(' ', at - 2);
  *whole = std::stoi(log.substr(start + 1));
  *ticker = std::stoi(log.substr(at + 14));
  return true;
}

TEST_F(DisplaySystem, OnlyTheTickerIsRedrawnWhileNothingElseChanges) {
  {
    TestClient c(broker_.command_endpoint());
    c.SignIn(1, "ani");
    c.Issue("KTP-REKAM");
    c.Issue("KTP-REKAM");
  }
  // The sample hall has a running text; 40 frames (~1 s) bring it on screen.
  auto run = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = {MPP_DISPLAY_BIN,
                                     "--broker",
                                     broker_.command_endpoint(),
                                     "--zone",
                                     "A",
                                     "--mute",
                                     "--size",
                                     "1920x1080",
                                     "--layout",
                                     "--screenshot",
                                     dir_.File(name + ".png"),
                                     "--frames",
                                     "40"};
    args.insert(args.end(), extra.begin(), extra.end());
    ChildProcess p;
    EXPECT_TRUE(p.Start(args, Env(), dir_.File(name + ".log")));
    EXPECT_EQ(p.Wait(60000), 0) << ReadFile(dir_.File(name + ".log"));
    return ReadFile(dir_.File(name + ".log"));
  };
  const std::string strip_log = run("strip", {});
  const std::string whole_log = run("whole", {"--whole-frames"});

  int whole = 0, ticker = 0;
  ASSERT_TRUE(FrameCounts(strip_log, &whole, &ticker)) << strip_log;
  EXPECT_LE(whole, 5) << "the still screen is drawn again only when it changes";
  EXPECT_GE(ticker, 35);
  ASSERT_TRUE(FrameCounts(whole_log, &whole, &ticker)) << whole_log;
  EXPECT_EQ(ticker, 0) << "--whole-frames draws every frame whole";
  EXPECT_GE(whole, 40);

  const Png a = LoadPng(dir_.File("strip.png")), b = LoadPng(dir_.File("whole.png"));
  ASSERT_EQ(a.w, 1920);
  ASSERT_EQ(a.h, 1080);
  ASSERT_EQ(b.w, a.w);
  ASSERT_EQ(b.h, a.h);
  // The ticker's strip: the bottom 68 px at 1080p (44 px text + 24 px).
  const int strip_y = 1080 - 68;
  // The kept frame is an RGBA8 canvas, the window's buffer is BGRX: their
  // anti-aliased edges round differently by one step. Anything stale or
  // missing differs by far more.
  auto same = [](const unsigned char* p, const unsigned char* q) {
    for (int c = 0; c < 3; ++c) {
      if (std::abs(p[c] - q[c]) > 2) return false;
    }
    return true;
  };
  int differing = 0;
  std::string where;
  for (int y = 0; y < strip_y; ++y) {
    for (int x = 0; x < a.w; ++x) {
      if (same(a.at(x, y), b.at(x, y))) continue;
      if (++differing <= 5) where += " (" + std::to_string(x) + "," + std::to_string(y) + ")";
    }
  }
  EXPECT_EQ(differing, 0) << "the screen kept under the ticker differs from a whole redraw at"
                          << where;
  // The strip is navy with the white text on it, drawn once (not smeared).
  int white = 0, navy = 0;
  for (int y = strip_y + 2; y < a.h; ++y) {
    for (int x = 0; x < a.w; ++x) {
      const unsigned char* p = a.at(x, y);
      if (p[0] > 200 && p[1] > 200 && p[2] > 200) ++white;
      if (p[0] == 11 && p[1] == 45 && p[2] == 110) ++navy;
    }
  }
  EXPECT_GT(white, 200) << "no running text on the strip";
  EXPECT_GT(navy, 1920 * 30) << "the strip is not navy behind the text";

  // The layout record of the strip-only frame has the whole screen's texts.
  auto record = LayoutFromJson(ReadFile(dir_.File("strip.layout.json")));
  ASSERT_TRUE(record.ok()) << record.status().message();
  auto whole_record = LayoutFromJson(ReadFile(dir_.File("whole.layout.json")));
  ASSERT_TRUE(whole_record.ok()) << whole_record.status().message();
  EXPECT_EQ(record->texts.size(), whole_record->texts.size());
  bool has_ticker = false, has_tile = false;
  for (const auto& t : record->texts) {
    has_ticker |= t.box == "ticker";
    has_tile |= t.box.rfind("tile", 0) == 0;
  }
  EXPECT_TRUE(has_ticker);
  EXPECT_TRUE(has_tile);
  LayoutRules rules;
  for (const auto& problem : CheckLayout(*record, rules)) ADD_FAILURE() << problem;
}

// The display is started like the other screen programs (common/gui_program.h):
// --log-level, and a --script that waits for what the display shows and takes
// its screenshots - here the call of A-001, after the script has begun.
TEST_F(DisplaySystem, TakesTheScreenProgramsOptionsAndAScript) {
  {
    TestClient c(broker_.command_endpoint());
    c.SignIn(1, "ani");
    c.Issue("KTP-REKAM");
  }
  const std::string script = dir_.File("display.script");
  const std::string png = dir_.File("called.png");
  const std::string started = dir_.File("started");
  std::ofstream(script) << "wait synced\n"
                        << "screenshot " << started << ".png\n"
                        << "wait calling:A-001 20\n"
                        << "screenshot " << png << "\n"
                        << "quit\n";
  ChildProcess display;
  ASSERT_TRUE(display.Start({MPP_DISPLAY_BIN, "--broker", broker_.command_endpoint(), "--zone", "A",
                             "--mute", "--log-level", "warn", "--script", script},
                            Env(), dir_.File("display.log")));
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(started + ".png"); }, 20000))
      << ReadFile(dir_.File("display.log"));
  EXPECT_FALSE(std::filesystem::exists(png)) << "nobody was called yet";
  TestClient(broker_.command_endpoint()).CallNext(1);
  ASSERT_EQ(display.Wait(30000), 0) << ReadFile(dir_.File("display.log"));
  int w = 0, h = 0;
  EXPECT_TRUE(PngSize(png, &w, &h));
  const std::string log = ReadFile(dir_.File("display.log"));
  EXPECT_EQ(log.find(" info "), std::string::npos) << "--log-level warn: " << log;
}

// Every screen program opens full screen on the monitor it is given (the
// counter and the manager could not before, and all took the primary one);
// a monitor that is not there is a usage error that lists those there are.
// Xvfb has one monitor, at 1600x900 here: no program's default size.
TEST(Screens, EveryScreenOpensFullScreenOnTheChosenMonitor) {
  Xvfb xvfb;
  ASSERT_TRUE(xvfb.Start(1600, 900));
  TempDir dir;
  BrokerProcess broker(dir);
  ASSERT_TRUE(broker.Start());
  const std::vector<std::vector<std::string>> programs = {{MPP_DISPLAY_BIN, "--mute"},
                                                          {MPP_KIOSK_BIN},
                                                          {MPP_COUNTER_BIN, "--counter", "1"},
                                                          {MPP_MANAGER_BIN}};
  for (const auto& program : programs) {
    const std::string name = std::filesystem::path(program[0]).filename().string();
    const std::string png = dir.File(name + ".png");
    std::vector<std::string> args = program;
    args.insert(args.end(), {"--broker", broker.command_endpoint(), "--fullscreen", "--monitor",
                             "1", "--hide-cursor", "--screenshot", png, "--frames", "3"});
    ChildProcess p;
    ASSERT_TRUE(p.Start(args, {"DISPLAY=" + xvfb.display()}, dir.File(name + ".log")));
    ASSERT_EQ(p.Wait(60000), 0) << name << ": " << ReadFile(dir.File(name + ".log"));
    int w = 0, h = 0;
    ASSERT_TRUE(PngSize(png, &w, &h)) << png;
    EXPECT_EQ(w, 1600) << name;
    EXPECT_EQ(h, 900) << name;

    args = program;
    args.insert(args.end(), {"--broker", broker.command_endpoint(), "--monitor", "2",
                             "--screenshot", png + ".2.png"});
    ChildProcess second;
    ASSERT_TRUE(second.Start(args, {"DISPLAY=" + xvfb.display()}, dir.File(name + ".2.log")));
    EXPECT_EQ(second.Wait(30000), 2) << name;
    EXPECT_NE(ReadFile(dir.File(name + ".2.log")).find("monitor 2 not found: this machine has 1"),
              std::string::npos)
        << name << ": " << ReadFile(dir.File(name + ".2.log"));
  }
}

}  // namespace
}  // namespace mpp::testing
