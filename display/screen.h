// Draws a DisplayModel with Dear ImGui's draw lists: one full-window canvas,
// laid out for landscape TVs (1920x1080 and 3840x2160), readable from ten
// metres. The screen only reads the model; it keeps no state of its own.
#pragma once

#include <imgui.h>

#include "display/model.h"

namespace mpp::display {

struct Fonts {
  ImFont* small = nullptr;   // ~28 px at 1080p
  ImFont* medium = nullptr;  // ~44 px
  ImFont* large = nullptr;   // ~72 px
  ImFont* huge = nullptr;    // ~230 px: the called number
};

// Loads DejaVu Sans Bold (Debian fonts-dejavu-core) at sizes for `height`
// pixels of screen. Returns false if the font file is missing.
bool LoadFonts(float height, Fonts* fonts);

// `t_seconds` drives the ticker scroll and the call flash.
void DrawScreen(const DisplayModel& m, const Fonts& fonts, float width, float height,
                double t_seconds, Lang lang);

}  // namespace mpp::display
