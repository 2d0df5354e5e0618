// Draws a DisplayModel with Dear ImGui's draw lists: one full-window canvas,
// laid out for landscape TVs (1280x720 to 3840x2160) and portrait screens,
// readable from ten metres: the called number's digits are at least 15 % of
// the screen's height, the counter to go to 7 %, the recent calls 4 %. No
// text is ever cut or drawn over another: counter tiles wrap into rows and
// shrink, and what cannot be shown says "+N lagi". The screen only reads the
// model; it keeps no state of its own.
#pragma once

#include <imgui.h>

#include "display/model.h"

namespace mpp::display {

struct Fonts {
  ImFont* small = nullptr;    // ~28 px at 1080p
  ImFont* medium = nullptr;   // ~44 px
  ImFont* large = nullptr;    // ~72 px: the recent calls
  ImFont* counter = nullptr;  // ~124 px: "Loket 3" under the called number
  ImFont* huge = nullptr;     // ~262 px: the called number
};

// Loads DejaVu Sans Bold (Debian fonts-dejavu-core) at sizes for a screen of
// `width` x `height` pixels. Returns false if the font file is missing.
bool LoadFonts(float width, float height, Fonts* fonts);

class InfoPanel;

// How many recent calls fit under the called number (ModelInput::history_rows);
// `info`: the information panel takes part of the screen.
size_t RecentRows(const Fonts& fonts, float width, float height, bool banner, bool info);

// `t_seconds` drives the ticker scroll and the call flash. `info` (may be
// null): the MPP's images, in the right column (landscape) or under the
// counter tiles (portrait); never over the called number.
void DrawScreen(const DisplayModel& m, const Fonts& fonts, float width, float height,
                double t_seconds, Lang lang, const InfoPanel* info = nullptr);

// DrawScreen in two parts: everything but the running text's strip at the
// bottom, and that strip alone. While nothing but the ticker moves, the
// display draws the strip only, over the rest kept from its last whole frame
// (GuiWindow::KeepFrames): a fraction of the cost of a whole frame.
void DrawStill(const DisplayModel& m, const Fonts& fonts, float width, float height,
               double t_seconds, Lang lang, const InfoPanel* info = nullptr);
void DrawTicker(const DisplayModel& m, const Fonts& fonts, float width, float height,
                double t_seconds);

}  // namespace mpp::display
