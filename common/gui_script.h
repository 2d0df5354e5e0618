// GuiScript: a scripted user for the GUI programs (--script FILE), for tests,
// demos and screenshots. It taps real buttons: the pointer is moved onto the
// named button's rectangle and pressed and released over frames, so the tap
// goes through Dear ImGui's hit testing exactly like a finger or a mouse.
//
// One command per line; '#' starts a comment:
//   wait NAME [SECONDS]   until the program says NAME holds (a screen name,
//                         "printed", "offline", ...) or, for NAME "file:PATH",
//                         until PATH exists (a test or demo driving the
//                         program from outside); default 15 s, then fail
//   tap TARGET            tap the button registered as TARGET once it is on
//                         screen, enabled and standing still (waits up to
//                         10 s); if it moves during the tap, aim again
//   drag TARGET DY        press on TARGET's middle, move DY pixels down (up
//                         when negative) over several frames and let go: a
//                         finger scrolling a list
//   key NAME              press a key (F1..F12, Enter, Escape)
//   type TEXT             type TEXT into the focused field
//   screenshot FILE.png   write what is on screen
//   quit                  end the program (exit status 0)
// A step that cannot be done ends the program with exit status 1 and a
// message naming the line, so a test's failure says where and why.
#pragma once

#include <imgui.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace mpp {

class GuiWindow;

// Where a button was drawn in the last frame (screen pixels).
struct TapRect {
  ImVec2 min, max;
  bool enabled = true;
  bool settled = true;  // has stood still long enough to take a tap
  double since = 0;     // when it came to stand where it is (TapTargets' clock)
};

// The buttons of the last frame, by name, and the tap guard: a button takes a
// tap only once it has stood in the same place for kSettleSeconds. A press
// aimed at what was there a moment ago - the button a banner has just pushed
// down or pulled up, the next screen's button under a double tap - is then
// ignored instead of doing what the user did not choose.
class TapTargets {
 public:
  static constexpr double kSettleSeconds = 0.35;

  // Starts a frame at `now_seconds` (ImGui::GetTime()): the previous frame's
  // buttons are forgotten, but each remembers since when it stands where it is.
  void BeginFrame(double now_seconds);
  // Registers a button drawn this frame. Returns whether it takes a tap now.
  bool Add(const std::string& id, ImVec2 min, ImVec2 max, bool enabled = true);
  const TapRect* Find(const std::string& id) const;
  const std::map<std::string, TapRect>& all() const { return rects_; }

 private:
  std::map<std::string, TapRect> rects_;
  std::map<std::string, TapRect> last_;  // the previous frame's
  double now_ = 0;
};

class GuiScript {
 public:
  struct Step {
    int line = 0;
    std::string verb;  // wait, tap, drag, key, type, screenshot, quit
    std::string arg;
    double seconds = 0;
    float distance = 0;  // drag: pixels, down positive
  };
  static StatusOr<GuiScript> Parse(const std::string& text, const std::string& name);
  static StatusOr<GuiScript> Load(const std::string& path);

  // Once per frame, between the platform backend and ImGui::NewFrame: checks
  // waits, moves and presses for taps. `holds(name)` answers wait conditions.
  void BeforeFrame(ImGuiIO& io, const TapTargets& targets,
                   const std::function<bool(const std::string&)>& holds);

  // After the frame is rendered: what the program should do now.
  struct Action {
    std::string screenshot;  // write this PNG
    bool quit = false;
    std::string failure;  // non-empty: print it and exit 1
  };
  Action AfterRender();
  // True while the script has steps left (the program renders continuously).
  bool running() const { return next_ < steps_.size() && failure_.empty(); }
  bool finished() const { return next_ >= steps_.size(); }

 private:
  void Advance();
  std::string Where() const;

  using Clock = std::chrono::steady_clock;
  std::string name_;
  std::vector<Step> steps_;
  size_t next_ = 0;
  int phase_ = 0;  // within a step: tap 0 find, 1 move, 2 press, 3 release; drag 3.. moves
  TapRect aimed_;  // where the tap in progress points
  int frames_in_step_ = 0;
  Clock::time_point step_started_;
  bool step_started_set_ = false;
  std::string failure_;
  bool pressed_keys_[512] = {};
};

// What a GUI program does after rendering a frame, the same for every program:
// carry out the script's screenshot / quit / failure, or without a script
// write --screenshot once `ready` has held for `frames` frames. Returns true
// when the program should stop; `*exit_code` becomes 1 on a failure, which is
// printed prefixed with `program`. Call between GuiWindow::Render and Present.
// The --script option of a GUI program: loads `path` into `*script` when it is
// not empty. On a bad file prints "PROGRAM: why" on stderr and returns false.
bool LoadScriptOption(const char* program, const std::string& path,
                      std::optional<GuiScript>* script);

struct FrameExit {
  std::string screenshot;  // --screenshot FILE, or empty
  int frames = 3;
  int counted = 0;
};
bool AfterFrame(GuiScript* script, FrameExit* exit, bool ready, const GuiWindow& gui,
                const char* program, int* exit_code);

}  // namespace mpp
