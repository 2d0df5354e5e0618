#include "common/gui_script.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <utility>

#include "common/gui_window.h"

namespace mpp {
namespace {

constexpr double kWaitDefaultSeconds = 15;
constexpr double kTapFindSeconds = 10;
constexpr int kScreenshotSettleFrames = 2;  // ImGui lays out child windows one frame late

std::optional<int> KeyCode(const std::string& name) {
  if (name.size() >= 2 && name[0] == 'F') {
    const int n = std::atoi(name.c_str() + 1);
    if (n >= 1 && n <= 12) return GLFW_KEY_F1 + n - 1;
  }
  if (name == "Enter") return GLFW_KEY_ENTER;
  if (name == "Escape") return GLFW_KEY_ESCAPE;
  if (name == "Tab") return GLFW_KEY_TAB;
  if (name == "Down") return GLFW_KEY_DOWN;
  if (name == "Up") return GLFW_KEY_UP;
  return std::nullopt;
}

bool SamePlace(const TapRect& a, const TapRect& b) {
  return a.min.x == b.min.x && a.min.y == b.min.y && a.max.x == b.max.x && a.max.y == b.max.y;
}

}  // namespace

void TapTargets::BeginFrame(double now_seconds) {
  now_ = now_seconds;
  last_ = std::exchange(rects_, {});  // a button missing from a frame starts afresh
}

bool TapTargets::Add(const std::string& id, ImVec2 min, ImVec2 max, bool enabled) {
  TapRect r{min, max, enabled, false, now_};
  auto last = last_.find(id);
  if (last != last_.end() && SamePlace(last->second, r)) r.since = last->second.since;
  r.settled = now_ - r.since >= kSettleSeconds;
  rects_[id] = r;
  return r.settled;
}

const TapRect* TapTargets::Find(const std::string& id) const {
  auto it = rects_.find(id);
  return it == rects_.end() ? nullptr : &it->second;
}

StatusOr<GuiScript> GuiScript::Parse(const std::string& text, const std::string& name) {
  GuiScript script;
  script.name_ = name;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const size_t hash = raw.find('#');
    if (hash != std::string::npos) raw.resize(hash);
    std::istringstream words(raw);
    Step step;
    step.line = line;
    if (!(words >> step.verb)) continue;
    std::getline(words >> std::ws, step.arg);
    while (!step.arg.empty() && std::isspace(static_cast<unsigned char>(step.arg.back()))) {
      step.arg.pop_back();
    }
    const std::string where = name + ":" + std::to_string(line) + ": ";
    if (step.verb == "wait") {
      std::istringstream a(step.arg);
      std::string what;
      a >> what;
      step.seconds = kWaitDefaultSeconds;
      if (what.empty() || (!(a >> step.seconds) && !a.eof()) || step.seconds <= 0) {
        return Status::Error(where +
                             "'wait' takes a condition and optional seconds, e.g. "
                             "'wait ticket 20'");
      }
      step.arg = what;
    } else if (step.verb == "tap" || step.verb == "screenshot" || step.verb == "type") {
      if (step.arg.empty()) {
        return Status::Error(where + "'" + step.verb + "' needs an argument");
      }
    } else if (step.verb == "drag") {
      std::istringstream a(step.arg);
      std::string target;
      if (!(a >> target >> step.distance) || !(a >> std::ws).eof()) {
        return Status::Error(where + "'drag' takes a target and pixels, e.g. 'drag standard -600'");
      }
      step.arg = target;
    } else if (step.verb == "key") {
      if (!KeyCode(step.arg)) {
        return Status::Error(where + "unknown key '" + step.arg +
                             "'; use F1..F12, Enter, Escape, Tab, Up or Down");
      }
    } else if (step.verb == "quit") {
      if (!step.arg.empty()) return Status::Error(where + "'quit' takes no argument");
    } else {
      return Status::Error(where + "unknown command '" + step.verb +
                           "'; use wait, tap, drag, key, type, screenshot or quit");
    }
    script.steps_.push_back(std::move(step));
  }
  return script;
}

StatusOr<GuiScript> GuiScript::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("cannot read the script " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str(), path);
}

std::string GuiScript::Where() const {
  return name_ + ":" + std::to_string(steps_[next_].line) + ": ";
}

void GuiScript::Advance() {
  ++next_;
  phase_ = 0;
  frames_in_step_ = 0;
  step_started_set_ = false;
}

void GuiScript::BeforeFrame(ImGuiIO& io, const TapTargets& targets,
                            const std::function<bool(const std::string&)>& holds) {
  // Release what the previous frame pressed.
  for (int k = GLFW_KEY_ESCAPE; k <= GLFW_KEY_F12; ++k) {
    if (k < 512 && pressed_keys_[k]) {
      io.KeysDown[k] = false;
      pressed_keys_[k] = false;
    }
  }
  while (running()) {
    const Step& s = steps_[next_];
    if (!step_started_set_) {
      step_started_ = Clock::now();
      step_started_set_ = true;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - step_started_).count();
    if (s.verb == "wait") {
      const bool done =
          s.arg.rfind("file:", 0) == 0 ? std::filesystem::exists(s.arg.substr(5)) : holds(s.arg);
      if (done) {
        Advance();
        continue;
      }
      if (elapsed > s.seconds)
        failure_ = Where() + "still not '" + s.arg + "' after " +
                   std::to_string(static_cast<int>(s.seconds)) + " s";
      return;
    }
    if (s.verb == "tap") {
      const TapRect* t = targets.Find(s.arg);
      if (phase_ > 0 && (!t || !t->settled || !SamePlace(*t, aimed_))) {
        // The button moved or went away under the pointer: let go (the guard
        // ignores a press on a moving button) and aim again, as a person would.
        io.MouseDown[0] = false;
        phase_ = 0;
        return;
      }
      if (phase_ == 0) {
        if (!t || !t->enabled || !t->settled) {
          if (elapsed > kTapFindSeconds) {
            std::string shown;
            for (const auto& [name, rect] : targets.all()) {
              shown += " " + name +
                       (!rect.enabled   ? "(disabled)"
                        : !rect.settled ? "(moving)"
                                        : "");
            }
            failure_ = Where() + "no enabled button '" + s.arg + "' on screen; shown:" + shown;
          }
          return;
        }
        aimed_ = *t;
        phase_ = 1;
      }
      io.MousePos = ImVec2((aimed_.min.x + aimed_.max.x) / 2, (aimed_.min.y + aimed_.max.y) / 2);
      if (phase_ == 1) {  // hover first
        io.MouseDown[0] = false;
        phase_ = 2;
      } else if (phase_ == 2) {
        io.MouseDown[0] = true;
        phase_ = 3;
      } else {
        io.MouseDown[0] = false;
        Advance();
      }
      return;  // one phase per frame
    }
    if (s.verb == "drag") {
      constexpr int kMoves = 8;
      if (phase_ == 0) {
        const TapRect* t = targets.Find(s.arg);
        if (!t || !t->settled) {
          if (elapsed > kTapFindSeconds)
            failure_ = Where() + "nothing to drag called '" + s.arg + "'";
          return;
        }
        aimed_ = *t;
        phase_ = 1;
      }
      const ImVec2 from((aimed_.min.x + aimed_.max.x) / 2, (aimed_.min.y + aimed_.max.y) / 2);
      const int moved = std::clamp(phase_ - 2, 0, kMoves);
      io.MousePos = ImVec2(from.x, from.y + s.distance * moved / kMoves);
      io.MouseDown[0] = phase_ >= 2 && phase_ < 3 + kMoves;
      if (phase_ >= 3 + kMoves) {
        Advance();
      } else {
        ++phase_;
      }
      return;  // one move per frame
    }
    if (s.verb == "key") {
      const int k = *KeyCode(s.arg);
      io.KeysDown[k] = true;
      pressed_keys_[k] = true;
      Advance();
      return;
    }
    if (s.verb == "type") {
      io.AddInputCharactersUTF8(s.arg.c_str());
      Advance();
      return;
    }
    return;  // screenshot and quit act after rendering
  }
}

GuiScript::Action GuiScript::AfterRender() {
  Action a;
  if (!failure_.empty()) {
    a.failure = failure_;
    return a;
  }
  if (!running()) return a;
  const Step& s = steps_[next_];
  if (s.verb == "screenshot") {
    if (++frames_in_step_ >= kScreenshotSettleFrames) {
      a.screenshot = s.arg;
      Advance();
    }
  } else if (s.verb == "quit") {
    a.quit = true;
    Advance();
  }
  return a;
}

bool AfterFrame(GuiScript* script, FrameExit* exit, bool ready, const GuiWindow& gui,
                const char* program, int* exit_code) {
  auto shoot = [&](const std::string& path) {
    if (Status st = gui.Screenshot(path); !st.ok()) {
      std::cerr << program << ": " << st.message() << "\n";
      *exit_code = 1;
      return false;
    }
    return true;
  };
  if (script) {
    const GuiScript::Action a = script->AfterRender();
    if (!a.failure.empty()) {
      std::cerr << program << ": script failed: " << a.failure << "\n";
      *exit_code = 1;
      return true;
    }
    if (!a.screenshot.empty() && !shoot(a.screenshot)) return true;
    return a.quit || script->finished();
  }
  if (exit->screenshot.empty() || !ready || ++exit->counted < exit->frames) return false;
  shoot(exit->screenshot);
  return true;
}

bool LoadScriptOption(const char* program, const std::string& path,
                      std::optional<GuiScript>* script) {
  if (path.empty()) return true;
  auto loaded = GuiScript::Load(path);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: %s\n", program, loaded.status().message().c_str());
    return false;
  }
  *script = std::move(*loaded);
  return true;
}

}  // namespace mpp
