#include "common/layout.h"

#include <gtest/gtest.h>

#include "common/gui_window.h"

namespace mpp {
namespace {

TextRecord At(const std::string& text, float x0, float y0, float x1, float y1) {
  TextRecord t;
  t.text = text;
  t.box = "panel";
  t.min = ImVec2(x0, y0);
  t.max = ImVec2(x1, y1);
  t.box_min = ImVec2(0, 0);
  t.box_max = ImVec2(200, 100);
  t.fg = IM_COL32(0, 0, 0, 255);
  t.bg = IM_COL32(255, 255, 255, 255);
  return t;
}

LayoutFrame Frame(std::vector<TextRecord> texts) {
  LayoutFrame f;
  f.width = 400;
  f.height = 300;
  f.texts = std::move(texts);
  return f;
}

bool Mentions(const std::vector<std::string>& problems, const std::string& what) {
  for (const auto& p : problems) {
    if (p.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(LayoutCheck, ASoundFrameHasNoProblems) {
  const auto problems =
      CheckLayout(Frame({At("A-001", 10, 10, 90, 40), At("Loket 2", 10, 50, 90, 80)}), {});
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(LayoutCheck, ATextPastItsBoxIsClipped) {
  const auto problems = CheckLayout(Frame({At("Loket 22", 150, 10, 260, 40)}), {});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(Mentions(problems, "clipped: 'Loket 22'")) << problems[0];
}

TEST(LayoutCheck, ATextOffTheScreenIsClippedEvenInsideItsBox) {
  TextRecord t = At("Loket 22", 350, 10, 420, 40);
  t.box_max = ImVec2(500, 100);
  EXPECT_TRUE(Mentions(CheckLayout(Frame({t}), {}), "runs off the 400x300 screen"));
}

TEST(LayoutCheck, TwoTextsThatMeetOverlap) {
  const auto problems =
      CheckLayout(Frame({At("A-001", 10, 10, 90, 40), At("Melayani", 60, 30, 150, 60)}), {});
  EXPECT_TRUE(Mentions(problems, "overlap: 'A-001'")) << (problems.empty() ? "" : problems[0]);
  // Touching edges (within a pixel of rounding) is not an overlap.
  EXPECT_TRUE(
      CheckLayout(Frame({At("A", 10, 10, 90, 40), At("B", 10, 39.5f, 90, 70)}), {}).empty());
}

TEST(LayoutCheck, ATextCutWithDotsIsADefectUnlessItsBoxAllowsIt) {
  TextRecord t = At("Akta Kelahiran", 10, 10, 90, 40);
  t.drawn = "Akta Kel...";
  EXPECT_TRUE(Mentions(CheckLayout(Frame({t}), {}), "cut: 'Akta Kelahiran'"));
  t.flags = kBoxMayShorten;
  EXPECT_TRUE(CheckLayout(Frame({t}), {}).empty());
  // A screen that cuts with its own code, without saying so, is caught too.
  EXPECT_TRUE(Mentions(CheckLayout(Frame({At("Counte...", 10, 10, 90, 40)}), {}), "cut:"));
}

TEST(LayoutCheck, ScrollingAndMovingBoxesExemptOnlyTheirDirection) {
  TextRecord row = At("A-099", 10, 150, 90, 180);  // scrolled below its list
  row.flags = kBoxScrollsY;
  EXPECT_TRUE(CheckLayout(Frame({row}), {}).empty());
  row.max.x = 260;  // but never wider than the list
  EXPECT_TRUE(Mentions(CheckLayout(Frame({row}), {}), "clipped"));
  TextRecord ticker = At("Selamat datang", -300, 10, 500, 40);
  ticker.flags = kBoxMoving;
  ticker.box_max = ImVec2(400, 100);
  EXPECT_TRUE(CheckLayout(Frame({ticker}), {}).empty());
}

TEST(LayoutCheck, LowContrastAndUnknownBackgroundsAreCaught) {
  TextRecord t = At("Kurang Puas", 10, 10, 90, 40);
  t.fg = IM_COL32(255, 255, 255, 255);
  t.bg = IM_COL32(214, 140, 0, 255);  // the pad's amber: 2.76:1
  EXPECT_TRUE(Mentions(CheckLayout(Frame({t}), {}), "contrast 2.7"));
  t.bg = 0;
  EXPECT_TRUE(Mentions(CheckLayout(Frame({t}), {}), "no background recorded"));
  TextRecord n = At("A-001", 10, 10, 90, 40);
  n.role = "number";
  n.fg = IM_COL32(255, 255, 255, 255);
  n.bg = IM_COL32(0, 110, 60, 255);  // about 6:1: fine for text, not for a number
  EXPECT_TRUE(CheckLayout(Frame({n}), {}).empty());
  EXPECT_TRUE(Mentions(CheckLayout(Frame({n}), {4.5, {{"number", 7.0}}}), "< 7.0:1"));
}

TEST(LayoutCheck, AListThatDropsItemsMustSaySo) {
  LayoutFrame f = Frame({});
  f.lists.push_back({"waiting chips", 9, 6, false});
  EXPECT_TRUE(Mentions(CheckLayout(f, {}), "dropped: waiting chips shows 6 of 9"));
  f.lists[0].says_more = true;
  EXPECT_TRUE(CheckLayout(f, {}).empty());
}

TEST(LayoutCheck, ABoxThatRunsOutOfItsParentIsCaught) {
  LayoutFrame f = Frame({});
  f.boxes.push_back({"print failed", "print status", ImVec2(40, 560), ImVec2(1320, 690),
                     ImVec2(0, 560), ImVec2(1366, 660), kBoxPlain});
  EXPECT_TRUE(Mentions(CheckLayout(f, {}), "box print failed"));
  f.boxes[0].parent_flags = kBoxScrollsY;  // inside a list that scrolls: fine
  EXPECT_TRUE(CheckLayout(f, {}).empty());
  auto back = LayoutFromJson(LayoutToJson(f));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->boxes.size(), 1u);
}

TEST(LayoutCheck, ContrastRatioMatchesWcagReferenceValues) {
  EXPECT_NEAR(ContrastRatio(IM_COL32(0, 0, 0, 255), IM_COL32(255, 255, 255, 255)), 21.0, 1e-6);
  EXPECT_NEAR(ContrastRatio(IM_COL32(118, 118, 118, 255), IM_COL32(255, 255, 255, 255)), 4.54,
              0.01);
}

TEST(LayoutCheck, AFrameSurvivesItsJsonRecord) {
  LayoutFrame f = Frame({At("Loket 22", 150, 10, 260, 40)});
  f.texts[0].drawn = "Loket 2...";
  f.texts[0].role = "counter";
  f.lists.push_back({"recent calls", 6, 6, false});
  auto back = LayoutFromJson(LayoutToJson(f));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(CheckLayout(*back, {}), CheckLayout(f, {}));
  EXPECT_EQ(back->texts[0].role, "counter");
  EXPECT_FALSE(LayoutFromJson("{\"width\": 3}").ok());
  EXPECT_FALSE(LayoutFromJson("not json").ok());
}

}  // namespace
}  // namespace mpp

namespace mpp {
namespace {

class WrapLinesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ImGui::CreateContext();
    font_ = ImGui::GetIO().Fonts->AddFontDefault();
    ImGui::GetIO().Fonts->Build();
  }
  void TearDown() override { ImGui::DestroyContext(); }
  float Width(const std::string& s) { return MeasureText(font_, s).x; }
  ImFont* font_ = nullptr;
};

// ImGui's wrap breaks after a '.': the kiosk showed "Buka lagi besok pukul
// 08." with "00" on the next line.
TEST_F(WrapLinesTest, ATimeWrittenWithADotIsNeverSplit) {
  const std::string text = "Tutup. Buka lagi besok pukul 08.00";
  const auto lines = WrapLines(font_, text, Width("Tutup. Buka lagi besok pukul 08."));
  EXPECT_EQ(lines, (std::vector<std::string>{"Tutup. Buka lagi besok pukul", "08.00"}));
}

TEST_F(WrapLinesTest, LinesBreakAtSpacesKeepNewlinesAndNeverLoseText) {
  EXPECT_EQ(WrapLines(font_, "satu dua tiga", Width("satu dua")),
            (std::vector<std::string>{"satu dua", "tiga"}));
  EXPECT_EQ(WrapLines(font_, "satu\ndua", 1000), (std::vector<std::string>{"satu", "dua"}));
  // A word wider than the line is broken between characters, all of it kept.
  const auto lines = WrapLines(font_, "Penerbitan", Width("Pener"));
  std::string joined;
  for (const auto& l : lines) {
    EXPECT_LE(Width(l), Width("Pener")) << l;
    joined += l;
  }
  EXPECT_EQ(joined, "Penerbitan");
  EXPECT_EQ(MeasureText(font_, "satu dua tiga", Width("satu dua")).y, 2 * font_->FontSize);
}

}  // namespace
}  // namespace mpp
