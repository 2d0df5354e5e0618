// The hallway display under Xvfb against the real broker: a call appears and
// is voiced once; the broker is killed and restarted while the display runs,
// and the display shows the right state again by itself.
#include <gtest/gtest.h>

#include <filesystem>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

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
  const std::vector<std::vector<std::string>> programs = {
      {MPP_DISPLAY_BIN, "--mute"},
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
