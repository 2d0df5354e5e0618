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
  targets["take"] = TapRect{ImVec2(100, 200), ImVec2(300, 400), true};
  s->BeforeFrame(io, targets, holds);  // wait done; hover
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

TEST_F(GuiScriptFrames, ADisabledButtonIsNotTapped) {
  auto s = GuiScript::Parse("tap take\n", "t");
  ASSERT_TRUE(s.ok());
  TapTargets targets;
  targets["take"] = TapRect{ImVec2(0, 0), ImVec2(10, 10), false};
  targets["back"] = TapRect{ImVec2(0, 20), ImVec2(10, 30), true};
  ImGuiIO& io = ImGui::GetIO();
  auto holds = [](const std::string&) { return false; };
  s->BeforeFrame(io, targets, holds);
  EXPECT_FALSE(io.MouseDown[0]);
  EXPECT_TRUE(s->running());  // still looking for an enabled one
}

}  // namespace
}  // namespace mpp
