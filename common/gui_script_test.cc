#include "common/gui_script.h"

#include <gtest/gtest.h>

namespace mpp {
namespace {

TEST(GuiScript, ParsesCommandsAndComments) {
  auto s = GuiScript::Parse(
      "# a visitor\n"
      "wait agencies\n"
      "  tap agency:DUKCAPIL   # the first agency\n"
      "wait ticket 20\n"
      "key F1\n"
      "screenshot out dir/a.png\n"
      "quit\n",
      "t.script");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_TRUE(s->running());
}

TEST(GuiScript, ErrorsNameTheLineAndWhatIsAccepted) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (const Case& c : {
           Case{"wait\n", "t.script:1: 'wait' takes a condition"},
           Case{"\nwait ticket soon\n", "t.script:2: 'wait' takes a condition"},
           Case{"tap\n", "t.script:1: 'tap' needs an argument"},
           Case{"key F13\n", "t.script:1: unknown key 'F13'"},
           Case{"quit now\n", "t.script:1: 'quit' takes no argument"},
           Case{"drag standard\n", "t.script:1: 'drag' takes a target and pixels"},
           Case{"drag standard up\n", "t.script:1: 'drag' takes a target and pixels"},
           Case{"#\nclick take\n", "t.script:2: unknown command 'click'; use wait, tap"},
       }) {
    auto s = GuiScript::Parse(c.text, "t.script");
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.status().message().rfind(c.error, 0), 0u) << s.status().message();
  }
}

class GuiScriptFrames : public ::testing::Test {
 protected:
  void SetUp() override { ImGui::CreateContext(); }
  void TearDown() override { ImGui::DestroyContext(); }
};

// One frame of a program that draws `rects` (by name) at `t` seconds.
void Draw(TapTargets* targets, double t, const std::map<std::string, TapRect>& rects) {
  targets->BeginFrame(t);
  for (const auto& [id, r] : rects) targets->Add(id, r.min, r.max, r.enabled);
}

TEST(TapTargetsTest, AButtonTakesATapOnlyOnceItHasStoodStill) {
  TapTargets targets;
  const TapRect at_top{ImVec2(0, 100), ImVec2(200, 200)};
  const TapRect pushed_down{ImVec2(0, 260), ImVec2(200, 360)};
  Draw(&targets, 1.0, {{"retry", at_top}});
  EXPECT_FALSE(targets.Find("retry")->settled) << "just appeared";
  Draw(&targets, 1.2, {{"retry", at_top}});
  EXPECT_FALSE(targets.Find("retry")->settled);
  targets.BeginFrame(1.0 + TapTargets::kSettleSeconds);
  EXPECT_TRUE(targets.Add("retry", at_top.min, at_top.max));
  // A banner pushes it down: it must stand still again before it takes a tap.
  targets.BeginFrame(1.5);
  EXPECT_FALSE(targets.Add("retry", pushed_down.min, pushed_down.max));
  Draw(&targets, 1.6, {{"retry", pushed_down}});
  EXPECT_FALSE(targets.Find("retry")->settled);
  Draw(&targets, 1.5 + TapTargets::kSettleSeconds, {{"retry", pushed_down}});
  EXPECT_TRUE(targets.Find("retry")->settled);
  // Gone for a frame (another screen), then back in the same place: new again.
  Draw(&targets, 2.0, {{"home", at_top}});
  EXPECT_EQ(targets.Find("retry"), nullptr);
  Draw(&targets, 2.1, {{"retry", pushed_down}});
  EXPECT_FALSE(targets.Find("retry")->settled);
}

TEST_F(GuiScriptFrames, ATapHoversThenPressesThenReleasesOnTheButtonsCentre) {
  auto s = GuiScript::Parse("wait ready\ntap take\nscreenshot a.png\nquit\n", "t");
  ASSERT_TRUE(s.ok());
  ImGuiIO& io = ImGui::GetIO();
  TapTargets targets;
  bool ready = false;
  auto holds = [&](const std::string& what) { return what == "ready" && ready; };

  s->BeforeFrame(io, targets, holds);  // not ready: nothing happens
  EXPECT_FALSE(io.MouseDown[0]);
  EXPECT_TRUE(s->AfterRender().screenshot.empty());
  ready = true;
  const TapRect take{ImVec2(100, 200), ImVec2(300, 400)};
  Draw(&targets, 0, {{"take", take}});
  s->BeforeFrame(io, targets, holds);  // wait done; the button has only just appeared
  EXPECT_TRUE(s->running());
  EXPECT_FALSE(io.MouseDown[0]);
  EXPECT_NE(io.MousePos.x, 200);
  Draw(&targets, TapTargets::kSettleSeconds, {{"take", take}});
  s->BeforeFrame(io, targets, holds);  // standing still now: hover
  EXPECT_EQ(io.MousePos.x, 200);
  EXPECT_EQ(io.MousePos.y, 300);
  EXPECT_FALSE(io.MouseDown[0]);
  s->BeforeFrame(io, targets, holds);
  EXPECT_TRUE(io.MouseDown[0]);  // press
  s->BeforeFrame(io, targets, holds);
  EXPECT_FALSE(io.MouseDown[0]);  // release: ImGui reports the click now
  // The screenshot waits a frame for layout, then quit.
  EXPECT_TRUE(s->AfterRender().screenshot.empty());
  EXPECT_EQ(s->AfterRender().screenshot, "a.png");
  EXPECT_TRUE(s->AfterRender().quit);
  EXPECT_TRUE(s->finished());
}

TEST_F(GuiScriptFrames, ADragPressesMovesStepByStepAndLetsGo) {
  auto s = GuiScript::Parse("drag standard -400\nquit\n", "t");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ImGuiIO& io = ImGui::GetIO();
  TapTargets targets;
  auto holds = [](const std::string&) { return false; };
  const TapRect list{ImVec2(0, 200), ImVec2(600, 1000)};
  Draw(&targets, 0, {{"standard", list}});
  Draw(&targets, TapTargets::kSettleSeconds, {{"standard", list}});
  s->BeforeFrame(io, targets, holds);  // over the middle, not pressed yet
  EXPECT_EQ(io.MousePos.y, 600);
  EXPECT_FALSE(io.MouseDown[0]);
  float last_y = io.MousePos.y;
  int pressed_frames = 0;
  for (int frame = 0; frame < 20 && s->running() && !s->AfterRender().quit; ++frame) {
    s->BeforeFrame(io, targets, holds);
    if (io.MouseDown[0]) {
      ++pressed_frames;
      EXPECT_LE(io.MousePos.y, last_y);  // only ever upwards
    }
    last_y = io.MousePos.y;
  }
  EXPECT_GE(pressed_frames, 8);  // moved over several frames, as a finger does
  EXPECT_FALSE(io.MouseDown[0]);
  EXPECT_EQ(io.MousePos.y, 200);  // 400 px up
}

// The kiosk's "Coba lagi" moved up when the offline banner went away in the
// middle of a tap: the press landed where the button had been, and the tap
// was lost. The script now lets go and aims again at the settled button.
TEST_F(GuiScriptFrames, AButtonThatMovesDuringATapIsAimedAtAgain) {
  auto s = GuiScript::Parse("tap retry\nquit\n", "t");
  ASSERT_TRUE(s.ok());
  ImGuiIO& io = ImGui::GetIO();
  io.MouseDown[0] = false;
  TapTargets targets;
  auto holds = [](const std::string&) { return false; };
  const TapRect below_banner{ImVec2(40, 700), ImVec2(500, 800)};
  const TapRect moved_up{ImVec2(40, 540), ImVec2(500, 640)};
  Draw(&targets, 0, {{"retry", below_banner}});
  Draw(&targets, 1, {{"retry", below_banner}});
  s->BeforeFrame(io, targets, holds);  // hover
  s->BeforeFrame(io, targets, holds);  // press
  EXPECT_TRUE(io.MouseDown[0]);
  EXPECT_EQ(io.MousePos.y, 750);
  Draw(&targets, 1.1, {{"retry", moved_up}});  // the banner is gone
  s->BeforeFrame(io, targets, holds);
  EXPECT_FALSE(io.MouseDown[0]) << "let go of the button that moved away";
  EXPECT_TRUE(s->running());
  Draw(&targets, 1.1 + TapTargets::kSettleSeconds, {{"retry", moved_up}});
  s->BeforeFrame(io, targets, holds);  // hover where it is now
  EXPECT_EQ(io.MousePos.y, 590);
  s->BeforeFrame(io, targets, holds);
  EXPECT_TRUE(io.MouseDown[0]);
  s->BeforeFrame(io, targets, holds);
  EXPECT_FALSE(io.MouseDown[0]);
  EXPECT_TRUE(s->AfterRender().quit);
}

TEST_F(GuiScriptFrames, ADisabledButtonIsNotTapped) {
  auto s = GuiScript::Parse("tap take\n", "t");
  ASSERT_TRUE(s.ok());
  TapTargets targets;
  Draw(&targets, 0,
       {{"take", TapRect{ImVec2(0, 0), ImVec2(10, 10), false}},
        {"back", TapRect{ImVec2(0, 20), ImVec2(10, 30)}}});
  Draw(&targets, 1,
       {{"take", TapRect{ImVec2(0, 0), ImVec2(10, 10), false}},
        {"back", TapRect{ImVec2(0, 20), ImVec2(10, 30)}}});
  ImGuiIO& io = ImGui::GetIO();
  io.MouseDown[0] = false;
  auto holds = [](const std::string&) { return false; };
  s->BeforeFrame(io, targets, holds);
  EXPECT_FALSE(io.MouseDown[0]);
  EXPECT_TRUE(s->running());  // still looking for an enabled one
}

}  // namespace
}  // namespace mpp
