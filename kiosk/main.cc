// mpp-kiosk: the ticket kiosk at the MPP's entrance - a visitor picks an
// agency and a service, reads its published standard, and takes a number.
//
//   mpp-kiosk --broker tcp://127.0.0.1:5555 --kiosk-id kiosk-1 [--fullscreen]
//             [--size 1080x1920] [--lang id|en] [--paper 80|58]
//             [--printer escpos:/dev/usb/lp0 | cups:QUEUE | file:DIR | none]
//             [--screenshot FILE.png --frames N] [--script FILE]
//
// The UI thread only draws and reacts to taps; the broker and the printer are
// served by a worker thread (kiosk/worker.h), so the screen never freezes.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>

#include "common/cli.h"
#include "common/gui_program.h"
#include "common/gui_script.h"
#include "common/gui_window.h"
#include "common/wire.h"
#include "kiosk/model.h"
#include "kiosk/printer.h"
#include "kiosk/screen.h"
#include "kiosk/worker.h"

namespace {

// Conditions a script can wait for.
bool Holds(const mpp::kiosk::KioskModel& m, const std::string& what) {
  using mpp::kiosk::TicketView;
  if (what == mpp::kiosk::ScreenName(m.screen())) return true;
  if (what == "connected") return m.connected() && m.has_catalog();
  if (what == "offline") return !m.connected();
  if (what == "issue-failed") return m.issue_failed();
  if (m.screen() == mpp::kiosk::Screen::kTicket) {
    if (what == "printed") return m.Ticket().print == TicketView::Print::kPrinted;
    if (what == "print-failed") return m.Ticket().print == TicketView::Print::kFailed;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-kiosk - the ticket kiosk of the MPP queue system"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker = "tcp://127.0.0.1:5555", kiosk_id = "kiosk-1", size = "1080x1920";
  std::string lang_s = "id", printer_spec = "escpos:/dev/usb/lp0", public_url;
  int paper_mm = 80;
  double idle_s = 60, ticket_s = 20;
  app.add_option("--broker", broker, "broker command endpoint")
      ->envname("MPP_BROKER")
      ->capture_default_str();
  app.add_option("--kiosk-id", kiosk_id, "this kiosk's id (recorded on its tickets)")
      ->capture_default_str();
  app.add_option("--size", size, "window size WxH (portrait 1080x1920, landscape 1920x1080)")
      ->capture_default_str();
  app.add_option("--lang", lang_s, "language of the start screen: id or en")
      ->check(CLI::IsMember({"id", "en"}))
      ->capture_default_str();
  app.add_option("--printer", printer_spec,
                 "escpos:DEVICE, escpos:tcp:HOST[:PORT] (a network printer, 9100), cups:QUEUE, "
                 "file:DIR or none")
      ->capture_default_str();
  app.add_option("--paper", paper_mm, "thermal paper width in mm")
      ->check(CLI::IsMember({58, 80}))
      ->capture_default_str();
  app.add_option("--idle-seconds", idle_s, "back to the start screen after this long untouched")
      ->check(CLI::Range(2.0, 3600.0))
      ->capture_default_str();
  app.add_option("--ticket-seconds", ticket_s, "how long the ticket screen stays")
      ->check(CLI::Range(2.0, 3600.0))
      ->capture_default_str();
  app.add_option("--public-url", public_url,
                 "where visitors open their ticket's page (mpp-web), e.g. "
                 "https://antrean.mppcilegon.go.id: the ticket's QR code becomes URL/t/TOKEN "
                 "(default: the catalog's [mpp] public_url)");
  mpp::GuiProgramOptions common;
  mpp::AddGuiProgramOptions(app, &common, "a scripted sequence of taps (see common/gui_script.h)");
  MPP_PARSE(app, argc, argv);
  if (!mpp::StartGuiProgram("mpp-kiosk", common)) return 2;
  mpp::Lang lang = mpp::Lang::kId;
  mpp::ParseLang(lang_s, &lang);
  int width = 0, height = 0;
  if (!mpp::ParseSizeOption("mpp-kiosk", size, &width, &height)) return 2;
  const auto paper = paper_mm == 58 ? mpp::kiosk::Paper::k58mm : mpp::kiosk::Paper::k80mm;
  auto printer = mpp::kiosk::OpenPrinter(printer_spec, paper);
  if (!printer.ok()) {
    std::cerr << "mpp-kiosk: " << printer.status().message() << "\n";
    return 2;
  }
  std::optional<mpp::GuiScript> script;
  if (!mpp::LoadScriptOption("mpp-kiosk", common.script_path, &script)) return 2;

  auto window = mpp::GuiWindow::Open({"MPP - Kios Antrean", width, height, common.screen});
  if (!window.ok()) {
    std::cerr << "mpp-kiosk: " << window.status().message() << "\n";
    return 2;
  }
  mpp::GuiWindow& gui = **window;
  mpp::kiosk::Fonts fonts;
  if (!mpp::kiosk::LoadFonts(static_cast<float>(std::min(gui.width(), gui.height())), &fonts)) {
    std::cerr << "mpp-kiosk: DejaVu Sans is missing (install fonts-dejavu-core)\n";
    return 2;
  }
  spdlog::info("kiosk {} on {}, printer {}", kiosk_id, broker, (*printer)->Describe());

  mpp::kiosk::KioskModel::Options mo;
  mo.kiosk_id = kiosk_id;
  mo.lang = lang;
  mo.idle_ms = static_cast<int64_t>(idle_s * 1000);
  mo.ticket_idle_ms = static_cast<int64_t>(ticket_s * 1000);
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  mo.public_url = public_url;
  mpp::kiosk::KioskModel model(mo);
  mpp::kiosk::KioskWorker::Options wo;
  wo.broker = broker;
  wo.client_id = kiosk_id;
  mpp::kiosk::KioskWorker worker(wo, std::move(*printer), [] { mpp::GuiWindow::PostEmptyEvent(); });
  worker.Start();

  mpp::TapTargets targets;
  const auto holds = [&](const std::string& what) { return Holds(model, what); };
  mpp::GuiLoop loop("mpp-kiosk", &gui, std::move(script), common);
  while (loop.Next(0.25)) {
    const int64_t now = mpp::SteadyNowMs();
    mpp::kiosk::KioskWorker::Apply(worker.TakeResults(), &model, now);
    model.Tick(now);
    loop.BeginFrame(targets, holds);
    mpp::kiosk::DrawKiosk(&model, fonts, static_cast<float>(gui.width()),
                          static_cast<float>(gui.height()), &targets);
    worker.Submit(model.TakeJobs());
    gui.Render(IM_COL32(240, 243, 248, 255));
    loop.EndFrame(model.has_catalog());
  }
  worker.Submit(model.TakeJobs());
  worker.Stop();
  return loop.exit_code();
}
