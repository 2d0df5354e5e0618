// Layout records: what a screen drew in one frame, text by text - the box each
// text occupies, the box it must stay in, its colours and size - so that tests
// can prove nothing on a screen is cut, overlapping, unreadable or silently
// dropped, at every size and in every language (tests/layout_test.cc).
//
// Screens never call this directly: the drawing helpers of gui_window.h
// (DrawText, Label, ...) record what they draw, and a screen only says which
// box a text belongs to and what is behind it:
//
//   LayoutBox tile("tile:Loket 22", min, max, bg_colour);
//   DrawCentered(dl, font, cx, y, fg_colour, name);   // recorded inside `tile`
//   RecordList("waiting chips", total, shown, /*says_more=*/shown < total);
//
// Recording is off (and costs a pointer test) unless a program runs with
// --layout: then every screenshot FILE.png is written with FILE.layout.json
// beside it. Single GUI thread only.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace mpp {

// How a box treats the texts inside it.
enum LayoutBoxFlags : int {
  kBoxPlain = 0,
  kBoxScrollsY = 1 << 0,    // a list that scrolls: texts may run past the top or bottom
  kBoxMoving = 1 << 1,      // a ticker: texts move across; only their height must fit
  kBoxMayShorten = 1 << 2,  // a text cut with "..." is acceptable (the whole is elsewhere)
};

struct TextRecord {
  std::string text;         // what was meant to be read (the whole text when shortened)
  std::string drawn;        // what was drawn, when it differs from `text`
  std::string box;          // the name of the box it belongs to
  std::string role;         // "number", "counter", ... : roles with rules of their own
  ImVec2 min, max;          // where it was drawn (the line box of its font)
  ImVec2 box_min, box_max;  // where it must stay
  float font_px = 0;        // the font's line height
  float ink_px = 0;         // the height of its tallest letter or digit, top to baseline
  uint32_t fg = 0, bg = 0;  // IM_COL32; bg 0: nothing known behind it
  int flags = kBoxPlain;
};

struct ListRecord {
  std::string name;
  int total = 0;           // items the screen had to show
  int shown = 0;           // items it drew
  bool says_more = false;  // it drew "+N lagi" (or scrolls to the rest)
};

// A box drawn inside another (a notice inside its panel, a button inside its
// row): it must stay inside, or what it covers is hidden.
struct BoxRecord {
  std::string name, parent;
  ImVec2 min, max;
  ImVec2 parent_min, parent_max;
  int parent_flags = kBoxPlain;
};

struct LayoutFrame {
  float width = 0, height = 0;
  std::vector<TextRecord> texts;
  std::vector<ListRecord> lists;
  std::vector<BoxRecord> boxes;  // the nested ones
};

// The frame being recorded on this thread, or null when recording is off.
LayoutFrame* LayoutRecording();
// Turns recording on (for the program's whole life).
void EnableLayoutRecording();
// Starts a new frame of `width` x `height` (GuiWindow::BeginFrame calls it).
void BeginLayoutFrame(float width, float height);
// Adds to `frame` what an earlier frame drew and is still on screen: a frame
// drawn over a kept one (GuiWindow::RenderOver) records only what it drew.
void PrependLayout(const LayoutFrame& kept, LayoutFrame* frame);

// A box the texts drawn while it lives must stay in, and the colour behind
// them. Boxes nest; a text belongs to the innermost.
class LayoutBox {
 public:
  LayoutBox(const std::string& name, ImVec2 min, ImVec2 max, ImU32 bg, int flags = kBoxPlain);
  ~LayoutBox();
  LayoutBox(const LayoutBox&) = delete;
  LayoutBox& operator=(const LayoutBox&) = delete;

 private:
  bool active_ = false;
};

// Sets the role of the texts recorded while it lives ("number", "counter").
class LayoutRole {
 public:
  explicit LayoutRole(const char* role);
  ~LayoutRole();

 private:
  std::string previous_;
  bool active_ = false;
};

// Records one text drawn at `min` in `font` with colour `fg`. Without an
// enclosing box its box is the screen and its background `bg_if_no_box`.
// `shortened_from`: the whole text when `drawn` was cut to fit. `clip_min`,
// `clip_max`: a clip rectangle it was drawn in (an ImGui cell or window),
// which narrows its box.
void RecordText(ImFont* font, ImVec2 min, ImVec2 size, ImU32 fg, const std::string& drawn,
                ImU32 bg_if_no_box = 0, const std::string& shortened_from = "",
                ImVec2 clip_min = ImVec2(-1e9f, -1e9f), ImVec2 clip_max = ImVec2(1e9f, 1e9f));
// Records a list that may not show every item.
void RecordList(const std::string& name, int total, int shown, bool says_more);

// ---- checking (tests) ----

// WCAG 2 contrast ratio of two opaque colours, 1..21.
double ContrastRatio(ImU32 a, ImU32 b);

struct LayoutRules {
  double min_contrast = 4.5;
  std::map<std::string, double> role_contrast;  // e.g. {"number", 7.0}
};

// Every defect of the frame, one readable line each ("clipped: 'Loket 22' in
// tile:22 ..."); empty when the screen is sound.
std::vector<std::string> CheckLayout(const LayoutFrame& frame, const LayoutRules& rules);

std::string LayoutToJson(const LayoutFrame& frame);
StatusOr<LayoutFrame> LayoutFromJson(const std::string& text);

}  // namespace mpp
