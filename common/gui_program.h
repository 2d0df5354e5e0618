// The command-line options and start-up that the scripted GUI programs
// (mpp-kiosk, mpp-counter, mpp-manager) share: --keys, --screenshot,
// --frames, --script and --log-level, then the client keys and the logger.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

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

}  // namespace mpp
