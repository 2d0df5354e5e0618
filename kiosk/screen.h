// The kiosk's touch screen, drawn with Dear ImGui from a KioskModel.
//
// Big targets (at least 120 px at 1080 px), high contrast, one decision per
// screen; laid out for portrait (1080x1920) and landscape (1920x1080) kiosks.
// Each button is registered under a stable name ("agency:DUKCAPIL", "take",
// "reason:lansia", ...) with its rectangle, so a --script can tap it the way a
// finger would: by moving the pointer there and pressing.
#pragma once

#include <imgui.h>

#include <string>

#include "common/gui_script.h"
#include "kiosk/model.h"

namespace mpp::kiosk {

struct Fonts {
  ImFont* small = nullptr;  // ~28 px at 1080
  ImFont* body = nullptr;   // ~34 px
  ImFont* bold = nullptr;   // ~34 px bold
  ImFont* large = nullptr;  // ~50 px bold
  ImFont* title = nullptr;  // ~64 px bold
  ImFont* huge = nullptr;   // ~220 px bold: the ticket number
};

// Loads DejaVu Sans for a screen whose shorter side is `short_side` pixels.
bool LoadFonts(float short_side, Fonts* fonts);

// Draws the whole screen and applies taps to `model`.
void DrawKiosk(KioskModel* model, const Fonts& fonts, float width, float height,
               TapTargets* targets);

// "lansia", "disabilitas", "ibu-hamil", "balita", "korban-bencana".
const char* ReasonSlug(v1::PriorityReason reason);

}  // namespace mpp::kiosk
