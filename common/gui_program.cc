#include "common/gui_program.h"
#include "common/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "common/keys.h"
#include "common/layout.h"
#include "common/wire.h"

namespace mpp {

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

}  // namespace mpp
