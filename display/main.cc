// mpp-display: the hallway display of one zone - live calls on screen and in
// Bahasa Indonesia voice.
//
//   mpp-display --broker tcp://127.0.0.1:5555 --zone A [--fullscreen] [--size 1920x1080]
//               [--mute] [--lang id|en] [--audio-out calls.wav]
//               [--screenshot out.png --frames N] [--script FILE] [--log-level L]
//               [--dump-model model.json]
//
// The network runs on its own thread (CloneClient) and wakes the UI, which
// otherwise sleeps in glfwWaitEventsTimeout: --fps while the ticker scrolls or
// a call flashes, else until the clock's minute turns. SIGINT/SIGTERM stop it
// cleanly.
#include <GL/gl.h>
#include <imgui.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/catalog.h"
#include "common/cli.h"
#include "common/clone_client.h"
#include "common/gui_program.h"
#include "common/gui_script.h"
#include "common/gui_window.h"
#include "common/keys.h"
#include "common/layout.h"
#include "common/logging.h"
#include "common/wire.h"
#include "display/info_panel.h"
#include "display/model.h"
#include "display/phrase.h"
#include "display/screen.h"
#include "display/voice.h"

namespace {


nlohmann::json ModelJson(const mpp::display::DisplayModel& m, uint64_t seq, size_t spoken) {
  using nlohmann::json;
  json counters = json::array();
  for (const auto& c : m.counters) {
    counters.push_back(
        {{"id", c.id}, {"name", c.name}, {"ticket", c.ticket}, {"state", c.state_text}});
  }
  json history = json::array();
  for (const auto& c : m.history) history.push_back({{"number", c.number}, {"counter", c.counter}});
  json waiting = json::object();
  for (const auto& w : m.waiting) waiting[w.service] = w.waiting;
  return {{"connected", m.connected},
          {"banner", m.banner},
          {"seq", seq},
          {"now_calling", m.has_call ? json{{"number", m.now_calling.number},
                                            {"counter", m.now_calling.counter},
                                            {"agency", m.now_calling.agency}}
                                     : json()},
          {"history", history},
          {"counters", counters},
          {"waiting", waiting},
          {"spoken", spoken}};
}

void WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text << "\n";
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-display - hallway display with voice calls"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker = "tcp://127.0.0.1:5555", zone, size = "1920x1080", lang_s = "id";
  std::string audio_out, dump_model, client_id, latency_log;
  double fps = 4;
  bool mute = false;
  app.add_option("--broker", broker, "broker command endpoint")
      ->envname("MPP_BROKER")
      ->capture_default_str();
  app.add_option("--zone", zone, "zone shown on this display (empty: whole MPP)");
  app.add_option("--size", size, "window size WxH")->capture_default_str();
  app.add_flag("--mute", mute, "no voice");
  app.add_option("--lang", lang_s, "id or en")->check(CLI::IsMember({"id", "en"}));
  app.add_option("--fps", fps, "redraws per second when idle (clock, ticker); calls redraw at once")
      ->check(CLI::Range(0.5, 60.0))
      ->capture_default_str();
  app.add_option("--audio-out", audio_out, "write the voice to this WAV file instead of playing");
  std::string audio_device = "default";
  app.add_option("--audio-device", audio_device,
                 "ALSA device for the voice (aplay -L lists them, e.g. hdmi:CARD=PCH,DEV=0); "
                 "when it is missing (the TV is off) it is tried again before each call")
      ->capture_default_str();
  app.add_option("--dump-model", dump_model, "keep this JSON file updated with the screen state");
  app.add_option("--client-id", client_id, "client id (default display-ZONE)");
  std::string info_dir;
  double info_seconds = 12;
  app.add_option("--info-dir", info_dir,
                 "folder of the MPP's own images (PNG, JPEG: requirement posters, "
                 "announcements) shown in rotation beside the calls; read again every minute");
  app.add_option("--info-seconds", info_seconds, "seconds each image is shown")
      ->check(CLI::Range(2.0, 3600.0))
      ->capture_default_str();
  bool whole_frames = false;
  app.add_flag("--whole-frames", whole_frames,
               "draw every frame whole; by default, while only the running text moves, only "
               "its strip is drawn (over the rest kept offscreen)");
  app.add_option("--latency-log", latency_log,
                 "append 'seq milliseconds' per call: broker call time -> frame on screen");
  mpp::GuiProgramOptions common;
  mpp::AddGuiProgramOptions(app, &common,
                            "waits and screenshots: wait synced|connected|offline|calling:NUMBER "
                            "(see common/gui_script.h)");
  MPP_PARSE(app, argc, argv);
  if (!mpp::StartGuiProgram("mpp-display", common)) return 2;
  std::optional<mpp::GuiScript> script;
  if (!mpp::LoadScriptOption("mpp-display", common.script_path, &script)) return 2;

  mpp::Lang lang = mpp::Lang::kId;
  mpp::ParseLang(lang_s, &lang);
  int width = 1920, height = 1080;
  if (!mpp::ParseSizeOption("mpp-display", size, &width, &height)) return 2;


  auto window = mpp::GuiWindow::Open({"MPP - Layar Antrean", width, height, common.screen});
  if (!window.ok()) {
    std::cerr << "mpp-display: " << window.status().message() << "\n";
    return 2;
  }
  width = (*window)->width();
  height = (*window)->height();
  mpp::display::Fonts fonts;
  if (!mpp::display::LoadFonts(static_cast<float>(width), static_cast<float>(height), &fonts)) {
    std::cerr << "mpp-display: DejaVu Sans Bold is missing (install fonts-dejavu-core)\n";
    return 2;
  }

  std::unique_ptr<mpp::display::InfoPanel> info;
  if (!info_dir.empty()) {
    if (!std::filesystem::is_directory(info_dir)) {
      std::cerr << "mpp-display: --info-dir " << info_dir
                << " is not a folder; create it and put the PNG or JPEG images to show there\n";
      return 2;
    }
    info = std::make_unique<mpp::display::InfoPanel>(info_dir, info_seconds);
  }

  mpp::display::Announcer::Options vo;
  vo.lang = lang;
  vo.wav_path = audio_out;
  vo.device = audio_device;
  vo.mute = mute;
  mpp::display::Announcer voice(vo);
  if (auto st = voice.Start(); !st.ok()) {
    spdlog::error("voice disabled: {}", st.message());
  }

  mpp::CloneClient::Options co;
  co.broker = broker;
  co.zone = zone;
  co.client_id =
      client_id.empty() ? "display-" + (zone.empty() ? std::string("all") : zone) : client_id;
  mpp::CloneClient clone(co, [] { mpp::GuiWindow::PostEmptyEvent(); });
  clone.Start();

  std::unique_ptr<mpp::CatalogIndex> catalog;
  uint64_t catalog_generation = 0;
  mpp::SystemClock local;
  mpp::Millis last_call_seen = 0;
  mpp::TapTargets no_buttons;  // a hall display has none: its scripts wait and take screenshots
  // Frames: a change (a call, the clock's minute) is drawn whole straight to
  // the window, at once; while the model stays the same, the next frame is
  // kept offscreen and the ones after draw only the ticker's strip over it.
  // `kept_model` is therefore always the model on screen.
  std::optional<mpp::display::DisplayModel> kept_model;
  std::string kept_info;
  mpp::LayoutFrame kept_layout;  // its layout record without the ticker (--layout)
  mpp::CloneClient::View view;
  const auto holds = [&](const std::string& what) {
    if (what == "synced") return view.state.synced();
    if (what == "connected") return view.connected;
    if (what == "offline") return !view.connected;
    if (what.rfind("calling:", 0) == 0) {
      return kept_model && kept_model->has_call && kept_model->now_calling.number == what.substr(8);
    }
    return false;
  };
  std::string last_dump;
  size_t spoken = 0;
  std::vector<mpp::Announcement> shown_pending;  // calls to time once their frame is on screen
  std::FILE* latency = latency_log.empty() ? nullptr : std::fopen(latency_log.c_str(), "a");
  const auto start = std::chrono::steady_clock::now();
  // Redraws: at --fps while the ticker scrolls or a call flashes; otherwise
  // only when something changes (the network thread wakes the loop) or the
  // clock's minute turns - an idle hall display without a ticker draws once
  // a minute.
  double next_wait_s = 1.0 / fps;

  mpp::GuiWindow& gui = **window;
  long whole_count = 0, ticker_count = 0;
  mpp::GuiLoop loop("mpp-display", &gui, std::move(script), common);
  while (loop.Next(next_wait_s)) {
    next_wait_s = 1.0 / fps;
    view = clone.Read();
    if (view.has_catalog && (!catalog || view.catalog_generation != catalog_generation)) {
      catalog = std::make_unique<mpp::CatalogIndex>(clone.Catalog());  // new, or changed
      catalog_generation = view.catalog_generation;
    }
    for (const auto& a : clone.TakeAnnouncements()) {
      if (!catalog) continue;
      const mpp::v1::CounterDef* def = catalog->FindCounter(a.ticket.counter_id());
      if (!def || (!zone.empty() && def->zone() != zone)) continue;
      const std::string where =
          lang == mpp::Lang::kId ? def->spoken() : "counter " + std::to_string(def->id());
      voice.Say({def->id(), mpp::display::CallPhrase(a.ticket.number(), where, a.recall, lang),
                 mpp::display::BriefCallPhrase(a.ticket.number(), where, a.recall, lang)});
      last_call_seen = local.NowMs();
      ++spoken;
      if (latency) shown_pending.push_back(a);
    }

    loop.BeginFrame(no_buttons, holds);
    enum class Frame { kWhole, kKept, kOver } frame = Frame::kWhole;
    const int fb_w = gui.width(), fb_h = gui.height();
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (info) info->Update(t);
    if (catalog) {
      mpp::display::ModelInput in;
      in.state = &view.state;
      in.catalog = catalog.get();
      in.zone = zone;
      in.connected = view.connected;
      in.local_now_ms = local.NowMs();
      in.now_ms = in.local_now_ms + view.broker_offset_ms;
      in.last_call_seen_ms = last_call_seen;
      in.lang = lang;
      in.history_rows =
          mpp::display::RecentRows(fonts, static_cast<float>(fb_w), static_cast<float>(fb_h),
                                   !view.connected, info && info->has_image());
      const mpp::display::DisplayModel model = mpp::display::BuildDisplayModel(in);
      const std::string info_now = info && info->has_image() ? info->current() : "";
      // The flash of a fresh call moves with time: it is drawn whole.
      const bool same = !whole_frames && !model.highlight && kept_model && *kept_model == model &&
                        kept_info == info_now;
      const bool only_ticker = same && gui.HasKeptFrame();
      frame = only_ticker ? Frame::kOver : same ? Frame::kKept : Frame::kWhole;
      const float fw = static_cast<float>(fb_w), fh = static_cast<float>(fb_h);
      if (only_ticker) {
        mpp::display::DrawTicker(model, fonts, fw, fh, t);
        if (mpp::LayoutFrame* record = mpp::LayoutRecording())
          mpp::PrependLayout(kept_layout, record);
        ++ticker_count;
      } else {
        mpp::display::DrawStill(model, fonts, fw, fh, t, lang, info.get());
        if (const mpp::LayoutFrame* record = mpp::LayoutRecording()) kept_layout = *record;
        mpp::display::DrawTicker(model, fonts, fw, fh, t);
        kept_model = model;
        kept_info = info_now;
        ++whole_count;
      }
      if (model.ticker.empty() && !model.highlight) {
        const double into_minute = static_cast<double>(in.now_ms % 60000) / 1000.0;
        next_wait_s = 60.0 - into_minute + 0.05;
      } else if (model.ticker.empty()) {
        next_wait_s = 0.1;  // the flash of a fresh call
      }
      if (info) next_wait_s = std::min(next_wait_s, info->seconds_to_next(t));
      if (!dump_model.empty()) {
        const std::string text = ModelJson(model, view.state.seq(), spoken).dump();
        if (text != last_dump) {
          WriteAtomically(dump_model, text);
          last_dump = text;
        }
      }
    } else {
      kept_model.reset();
      ImDrawList* dl = ImGui::GetBackgroundDrawList();
      const ImVec2 screen(static_cast<float>(fb_w), static_cast<float>(fb_h));
      const ImU32 navy = IM_COL32(11, 45, 110, 255);
      dl->AddRectFilled(ImVec2(0, 0), screen, navy);
      mpp::LayoutBox box("connecting", ImVec2(0, 0), screen, navy);
      mpp::DrawText(dl, fonts.medium, ImVec2(40, 40), IM_COL32_WHITE,
                    lang == mpp::Lang::kId ? "Menghubungkan ke server antrean\u2026"
                                           : "Connecting to the queue server\u2026",
                    screen.x - 80);
    }
    switch (frame) {
      case Frame::kWhole:
        gui.Render(IM_COL32(0, 0, 0, 255));
        break;
      case Frame::kKept:
        gui.RenderKept(IM_COL32(0, 0, 0, 255));
        break;
      case Frame::kOver:
        gui.RenderOver();
        break;
    }

    // Frames for --screenshot are counted once the state is synced (or after
    // 10 s, to show the banner).
    loop.EndFrame(view.state.synced() || t > 10);
    if (latency && !shown_pending.empty()) {
      glFinish();  // the frame is on screen now
      const mpp::Millis now_broker = local.NowMs() + view.broker_offset_ms;
      for (const auto& a : shown_pending) {
        std::fprintf(latency, "%llu %lld\n", static_cast<unsigned long long>(a.seq),
                     static_cast<long long>(now_broker - a.event_time_ms));
      }
      std::fflush(latency);
      shown_pending.clear();
    }
  }
  if (latency) std::fclose(latency);
  spdlog::info("display: {} whole frames, {} ticker-only frames", whole_count, ticker_count);

  clone.Stop();
  voice.WaitIdle(loop.driven() ? 15000 : 0);  // let a test's last call finish
  voice.Stop();
  return loop.exit_code();
}
