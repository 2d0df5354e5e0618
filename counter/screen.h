// The counter workstation and its rating pad, drawn with Dear ImGui.
//
// The workstation is keyboard-first: F1..F10 are the actions (shown on every
// button), Enter confirms and Escape cancels a question. Every button and
// field is registered as a tap target for --script (see common/gui_script.h).
#pragma once

#include <imgui.h>

#include "common/gui_script.h"
#include "counter/model.h"
#include "counter/pad_model.h"

namespace mpp::counter {

struct Fonts {
  ImFont* body = nullptr;  // ~22 px at 768
  ImFont* bold = nullptr;
  ImFont* large = nullptr;  // ~34 px
  ImFont* huge = nullptr;   // ~110 px: the current number
  ImFont* pad = nullptr;    // ~52 px: the rating pad's answers
  float scale = 1;          // of every other size: 1 at 768 px
};
bool LoadFonts(float height, Fonts* fonts);

// Per-window input state of the sign-in form.
struct SignInForm {
  char operator_id[40] = "";
  char pin[16] = "";
  char transfer_filter[64] = "";
  char queue_filter[16] = "";  // "Cari nomor": the waiting list narrowed to matching numbers
};

void DrawCounter(CounterModel* model, const Fonts& fonts, float width, float height,
                 SignInForm* form, TapTargets* targets);
void DrawRatingPad(PadModel* model, const Fonts& fonts, float width, float height,
                   TapTargets* targets);

}  // namespace mpp::counter
