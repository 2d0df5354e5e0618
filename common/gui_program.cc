#include "common/gui_program.h"
#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <iostream>

#include "common/keys.h"
#include "common/layout.h"
#include "common/wire.h"

namespace mpp {
namespace {

std::atomic<bool> g_signalled{false};
void OnSignal(int) { g_signalled = true; }

}  // namespace

void AddScreenOptions(CLI::App& app, ScreenOptions* screen) {
  app.add_flag("--fullscreen", screen->fullscreen,
               "full screen at the monitor's resolution (a kiosk, a hall TV, a counter PC)");
  app.add_option("--monitor", screen->monitor,
                 "which monitor: 1, 2, ... as the system lists them (0: the primary); a counter "
                 "PC with its rating pad on a second screen runs one program on each")
      ->check(CLI::Range(0, 16))
      ->capture_default_str();
  app.add_flag("--hide-cursor", screen->hide_cursor,
               "no mouse pointer over the window (touch screens: kiosks, rating pads)");
}

void AddLayoutOption(CLI::App& app) {
  app.add_flag_callback(
      "--layout", [] { EnableLayoutRecording(); },
      "with each screenshot FILE.png write FILE.layout.json: where every text was drawn, its "
      "box, font and colours (the layout tests read it)");
}

void AddGuiProgramOptions(CLI::App& app, GuiProgramOptions* o, const char* script_help) {
  AddScreenOptions(app, &o->screen);
  AddLayoutOption(app);
  app.add_option("--keys", o->keys_dir,
                 "CURVE keys: DIR/device.key and DIR/broker.pub (a broker with keys)")
      ->envname("MPP_KEYS");
  app.add_option("--screenshot", o->screenshot, "write a PNG after --frames frames, then exit");
  app.add_option("--frames", o->frames, "frames to render before the screenshot")
      ->capture_default_str();
  app.add_option("--script", o->script_path, script_help);
  app.add_option("--log-level", o->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
}

bool StartGuiProgram(const char* program, const GuiProgramOptions& o) {
  if (auto st = UseClientKeysFrom(o.keys_dir); !st.ok()) {
    std::cerr << program << ": " << st.message() << "\n";
    return false;
  }
  SetUpLogging(program, o.log_level);
  return true;
}

GuiLoop::GuiLoop(const char* program, GuiWindow* gui, std::optional<GuiScript> script,
                 const GuiProgramOptions& o)
    : program_(program), gui_(gui), script_(std::move(script)), exit_{o.screenshot, o.frames} {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

bool GuiLoop::Next(double idle_wait_s) {
  if (stop_ || g_signalled || gui_->ShouldClose()) return false;
  const bool busy = (script_ && script_->running()) || !exit_.screenshot.empty();
  gui_->WaitEvents(busy ? 0.02 : idle_wait_s);
  return !g_signalled && !gui_->ShouldClose();
}

void GuiLoop::BeginFrame(const TapTargets& targets, const Holds& holds) {
  gui_->BeginFrame([&](ImGuiIO& io) {
    if (script_) script_->BeforeFrame(io, targets, holds);
  });
}

void GuiLoop::EndFrame(bool ready) {
  if (AfterFrame(script_ ? &*script_ : nullptr, &exit_, ready, *gui_, program_, &exit_code_)) {
    stop_ = true;
  }
  gui_->Present();
}

void GuiLoop::Stop(int exit_code) {
  exit_code_ = exit_code;
  stop_ = true;
}

}  // namespace mpp
