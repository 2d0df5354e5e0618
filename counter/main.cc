// mpp-counter: the counter workstation of one loket, or (--rating-pad) the
// small visitor-facing screen beside it that asks for a rating.
//
//   mpp-counter --broker tcp://127.0.0.1:5555 --counter 3 [--size 1366x768]
//               [--lang id|en] [--screenshot FILE.png --frames N] [--script FILE]
//   mpp-counter --rating-pad --counter 3 [--size 800x1280] ...
//
// Live state comes from the broker's events (CloneClient); actions go out on a
// RequestWorker thread. Neither ever blocks the window.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "common/cli.h"
#include "common/clone_client.h"
#include "common/gui_program.h"
#include "common/gui_script.h"
#include "common/gui_window.h"
#include "common/request_worker.h"
#include "common/wire.h"
#include "counter/model.h"
#include "counter/pad_model.h"
#include "counter/screen.h"

namespace {

// Conditions a script can wait for: "signed-in", "signed-out", "connected",
// "offline", "key-refused", "calling:A-001", "serving:A-001", "idle" (no ticket), "dialog",
// the pad's screens "ask", "offer", "skm", "thanks", "pad-idle", and "sent"
// (the pad's rating was answered by the broker).
bool CounterHolds(const mpp::counter::CounterModel& m, const std::string& what) {
  using mpp::counter::CounterModel;
  if (what == "connected") return m.connected() && m.has_catalog();
  if (what == "offline") return !m.connected();
  if (what == "key-refused") return m.key_refused();
  if (what == "signed-in") return m.signed_in();
  if (what == "signed-out") return m.has_catalog() && !m.signed_in();
  if (what == "dialog") return m.dialog() != CounterModel::Dialog::kNone;
  if (what == "ready") return m.signed_in() && !m.busy();
  if (what == "answered") return !m.busy();  // no request waiting for the broker
  const auto c = m.Current();
  if (what == "idle") return m.signed_in() && !c.has_ticket && !m.busy();
  const auto colon = what.find(':');
  // Ticket conditions hold once the action's reply is in too (the next key works).
  if (colon != std::string::npos && c.has_ticket && what.substr(colon + 1) == c.number &&
      !m.busy()) {
    const std::string kind = what.substr(0, colon);
    const bool serving = !c.standard.empty();  // a standard is shown while serving
    return (kind == "serving" && serving) || (kind == "calling" && !serving);
  }
  return false;
}

bool PadHolds(const mpp::counter::PadModel& m, bool connected, const std::string& what) {
  using S = mpp::counter::PadModel::Screen;
  if (what == "connected") return connected;
  if (what == "pad-idle") return m.screen() == S::kIdle;
  if (what == "ask") return m.screen() == S::kAsk;
  if (what == "offer") return m.screen() == S::kOfferSkm;
  if (what == "skm") return m.screen() == S::kSkm;
  if (what == "thanks") return m.screen() == S::kThanks;
  if (what == "sent") return m.screen() == S::kThanks && !m.sending();
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-counter - the counter workstation, or its visitor rating pad"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker = "tcp://127.0.0.1:5555", size, lang_s = "id";
  int counter_id = 0;
  bool pad = false;
  app.add_option("--broker", broker, "broker command endpoint")
      ->envname("MPP_BROKER")
      ->capture_default_str();
  app.add_option("--counter", counter_id, "this workstation's counter id (from the catalog)")
      ->required();
  app.add_flag("--rating-pad", pad, "run as the visitor-facing rating pad of the counter");
  app.add_option("--size", size, "window size WxH (default 1366x768, pad 800x1280)");
  app.add_option("--lang", lang_s, "id or en")
      ->check(CLI::IsMember({"id", "en"}))
      ->capture_default_str();
  mpp::GuiProgramOptions common;
  mpp::AddGuiProgramOptions(app, &common, "scripted keys and taps (see common/gui_script.h)");
  MPP_PARSE(app, argc, argv);
  if (!mpp::StartGuiProgram("mpp-counter", common)) return 2;
  mpp::Lang lang = mpp::Lang::kId;
  mpp::ParseLang(lang_s, &lang);
  if (size.empty()) size = pad ? "800x1280" : "1366x768";
  int width = 0, height = 0;
  if (!mpp::ParseSizeOption("mpp-counter", size, &width, &height)) return 2;
  std::optional<mpp::GuiScript> script;
  if (!mpp::LoadScriptOption("mpp-counter", common.script_path, &script)) return 2;

  const std::string title =
      std::string(pad ? "MPP - Penilaian Loket " : "MPP - Loket ") + std::to_string(counter_id);
  auto window = mpp::GuiWindow::Open({title, width, height, common.screen});
  if (!window.ok()) {
    std::cerr << "mpp-counter: " << window.status().message() << "\n";
    return 2;
  }
  mpp::GuiWindow& gui = **window;
  mpp::counter::Fonts fonts;
  if (!mpp::counter::LoadFonts(static_cast<float>(std::min(gui.width(), gui.height())), &fonts)) {
    std::cerr << "mpp-counter: DejaVu Sans is missing (install fonts-dejavu-core)\n";
    return 2;
  }

  const std::string client_id =
      std::string(pad ? "rating-pad-" : "counter-") + std::to_string(counter_id);
  mpp::CloneClient::Options co;
  co.broker = broker;
  co.client_id = client_id;
  mpp::CloneClient clone(co, [] { mpp::GuiWindow::PostEmptyEvent(); });
  clone.Start();
  mpp::RequestWorker worker(broker, client_id, 4000, [] { mpp::GuiWindow::PostEmptyEvent(); });
  worker.Start();

  mpp::counter::CounterModel model({counter_id, lang});
  mpp::counter::PadModel pad_model({.counter_id = counter_id, .lang = lang});
  mpp::counter::SignInForm form;
  mpp::TapTargets targets;
  mpp::SystemClock local;
  uint64_t catalog_generation = 0;
  mpp::GuiLoop loop("mpp-counter", &gui, std::move(script), common);
  while (loop.Next(0.25)) {  // the timers tick every second
    mpp::CloneClient::View view = clone.Read();
    if (view.has_catalog &&
        (!model.has_catalog() || view.catalog_generation != catalog_generation)) {
      model.SetCatalog(clone.Catalog());  // new, or changed while running
      catalog_generation = view.catalog_generation;
      if (!model.counter_known()) {
        std::cerr << "mpp-counter: counter " << counter_id
                  << " is not in the broker's catalog; see `mppctl catalog`\n";
        loop.Stop(2);
        break;
      }
    }
    const mpp::Millis broker_now = local.NowMs() + view.broker_offset_ms;
    const bool connected = view.connected && view.state.synced();
    for (const auto& r : worker.TakeResults()) {
      if (pad) {
        pad_model.OnResult(r.request_id, r.AsStatusOr());
      } else {
        model.OnResult(r.request_id, r.AsStatusOr());
      }
    }
    if (pad) {
      pad_model.SetLive(view.state, connected, broker_now, mpp::SteadyNowMs());
    } else {
      model.SetKeyRefused(view.key_refused);
      model.SetLive(std::move(view.state), connected, broker_now);
    }
    const auto holds = [&](const std::string& what) {
      return pad ? PadHolds(pad_model, connected, what) : CounterHolds(model, what);
    };
    loop.BeginFrame(targets, holds);
    const float w = static_cast<float>(gui.width()), h = static_cast<float>(gui.height());
    if (pad) {
      mpp::counter::DrawRatingPad(&pad_model, fonts, w, h, &targets);
      for (auto& j : pad_model.TakeJobs()) worker.Submit(j.request_id, j.request);
    } else {
      mpp::counter::DrawCounter(&model, fonts, w, h, &form, &targets);
      for (auto& j : model.TakeJobs()) worker.Submit(j.request_id, j.request);
    }
    gui.Render(IM_COL32(236, 240, 246, 255));
    loop.EndFrame(connected);
  }
  worker.Stop();
  clone.Stop();
  return loop.exit_code();
}
