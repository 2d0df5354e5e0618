// The command-line options and start-up that the scripted GUI programs
// (mpp-kiosk, mpp-counter, mpp-manager) share: --keys, --screenshot,
// --frames, --script and --log-level, then the client keys and the logger.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "common/gui_script.h"
#include "common/gui_window.h"

namespace mpp {

struct GuiProgramOptions {
  ScreenOptions screen;  // --fullscreen, --monitor, --hide-cursor
  std::string keys_dir;
  std::string screenshot;  // --screenshot FILE.png: write it after `frames` frames, then exit
  int frames = 3;
  std::string script_path;  // --script FILE (common/gui_script.h)
  std::string log_level = "info";
};

// --fullscreen, --monitor N and --hide-cursor (every GUI program, the display too).
void AddScreenOptions(CLI::App& app, ScreenOptions* screen);
// --layout (every GUI program): turns layout recording on once parsed.
void AddLayoutOption(CLI::App& app);

// Adds the shared options to `app` (the screen's too); `script_help` says
// what the script drives.
void AddGuiProgramOptions(CLI::App& app, GuiProgramOptions* options, const char* script_help);

// After parsing: reads the client keys (if any) and sets up the logger named
// `program`. False after printing "PROGRAM: why" on stderr: exit with 2.
bool StartGuiProgram(const char* program, const GuiProgramOptions& options);

// The frame loop every GUI program runs, in one place: wait for an event (or
// a timeout), let the caller update its model, begin the ImGui frame with the
// script's input, let the caller draw and render, then carry out the script's
// or --screenshot's step and present. SIGINT and SIGTERM end the loop.
//
//   GuiLoop loop("mpp-kiosk", &gui, std::move(script), common);
//   while (loop.Next(0.25)) {
//     ... take results, tick the model ...
//     loop.BeginFrame(targets, holds);
//     DrawKiosk(...);
//     gui.Render(background);
//     loop.EndFrame(model.has_catalog());
//   }
//   return loop.exit_code();
class GuiLoop {
 public:
  using Holds = std::function<bool(const std::string&)>;

  // Installs the signal handlers. `script` comes from LoadScriptOption.
  GuiLoop(const char* program, GuiWindow* gui, std::optional<GuiScript> script,
          const GuiProgramOptions& options);

  // Waits for an event, or `idle_wait_s` (20 ms while a script runs or a
  // screenshot is pending). False once the loop should end: a signal, the
  // window closed, the script or screenshot done, or Stop().
  bool Next(double idle_wait_s);
  // Starts the ImGui frame; the script taps `targets` and waits on `holds`.
  void BeginFrame(const TapTargets& targets, const Holds& holds);
  // After GuiWindow::Render (or RenderKept/RenderOver): the script's step or
  // the --screenshot once `ready` has held for --frames frames; then presents.
  void EndFrame(bool ready);
  // Ends the loop with `exit_code` (e.g. 2 for a counter not in the catalog).
  void Stop(int exit_code);

  int exit_code() const { return exit_code_; }
  // A script or a screenshot drives this run (tests): let work finish at exit.
  bool driven() const { return script_.has_value() || !exit_.screenshot.empty(); }

 private:
  const char* program_;
  GuiWindow* gui_;
  std::optional<GuiScript> script_;
  FrameExit exit_;
  bool stop_ = false;
  int exit_code_ = 0;
};

}  // namespace mpp
