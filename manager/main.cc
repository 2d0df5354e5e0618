// mpp-manager: the dashboard of the MPP's head and the agencies' heads -
// live queues and alerts, compliance with each published standard, the SKM
// index, and the running text of the hall displays.
//
//   mpp-manager --broker tcp://127.0.0.1:5555 [--size 1600x900] [--lang id|en]
//               [--view live|compliance|skm|ticker] [--from DATE --to DATE]
//               [--by service|agency|counter|operator|day|hour] [--export-dir DIR]
//               [--screenshot FILE.png --frames N] [--script FILE]
//
// Live state comes from the broker's events (CloneClient); reports are built
// by the broker's report thread and fetched on a RequestWorker, so the
// window never waits on the network or the database.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/cli.h"
#include "common/clone_client.h"
#include "common/gui_program.h"
#include "common/gui_script.h"
#include "common/gui_window.h"
#include "common/request_worker.h"
#include "common/wire.h"
#include "manager/model.h"
#include "manager/screen.h"

int main(int argc, char** argv) {
  CLI::App app{"mpp-manager - the MPP manager's dashboard"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker = "tcp://127.0.0.1:5555", size = "1600x900", lang_s = "id", view_s = "live";
  std::string from, to, by = "service", export_dir = ".";
  app.add_option("--broker", broker, "broker command endpoint")
      ->envname("MPP_BROKER")
      ->capture_default_str();
  app.add_option("--size", size, "window size WxH")->capture_default_str();
  app.add_option("--lang", lang_s, "id or en")
      ->check(CLI::IsMember({"id", "en"}))
      ->capture_default_str();
  app.add_option("--view", view_s, "first view: live, compliance, skm or ticker")
      ->check(CLI::IsMember({"live", "compliance", "skm", "ticker"}))
      ->capture_default_str();
  app.add_option("--from", from, "report range start YYYY-MM-DD (default: 30 days to today)");
  app.add_option("--to", to, "report range end YYYY-MM-DD (default: the broker's today)");
  app.add_option("--by", by, "report grouping")
      ->check(CLI::IsMember({"service", "agency", "counter", "operator", "day", "hour"}))
      ->capture_default_str();
  app.add_option("--export-dir", export_dir, "folder for CSV exports")->capture_default_str();
  mpp::GuiProgramOptions common;
  mpp::AddGuiProgramOptions(app, &common, "scripted taps (see common/gui_script.h)");
  MPP_PARSE(app, argc, argv);
  if (!mpp::StartGuiProgram("mpp-manager", common)) return 2;
  mpp::manager::UiState ui;
  mpp::ParseLang(lang_s, &ui.lang);
  mpp::manager::ParseView(view_s, &ui.view);
  ui.by = by;
  for (const std::string* d : {&from, &to}) {
    if (!d->empty() && !mpp::LocalMidnightMs(*d, 0)) {
      std::cerr << "mpp-manager: '" << *d << "' is not a date; write e.g. 2026-11-30\n";
      return 2;
    }
  }
  int width = 0, height = 0;
  if (!mpp::ParseSizeOption("mpp-manager", size, &width, &height)) return 2;
  std::optional<mpp::GuiScript> script;
  if (!mpp::LoadScriptOption("mpp-manager", common.script_path, &script)) return 2;

  auto window = mpp::GuiWindow::Open({"MPP - Dasbor Pengelola", width, height, common.screen});
  if (!window.ok()) {
    std::cerr << "mpp-manager: " << window.status().message() << "\n";
    return 2;
  }
  mpp::GuiWindow& gui = **window;
  mpp::manager::Fonts fonts;
  if (!mpp::manager::LoadFonts(static_cast<float>(gui.height()), &fonts)) {
    std::cerr << "mpp-manager: DejaVu Sans is missing (install fonts-dejavu-core)\n";
    return 2;
  }

  mpp::CloneClient::Options co;
  co.broker = broker;
  co.client_id = "manager";
  mpp::CloneClient clone(co, [] { mpp::GuiWindow::PostEmptyEvent(); });
  clone.Start();
  auto wake = [] { mpp::GuiWindow::PostEmptyEvent(); };
  mpp::RequestWorker commands(broker, "manager", 4000, wake);
  commands.Start();
  // A year's report takes a second or two on the broker: wait, never resend.
  mpp::RequestWorker reports(broker, "manager-reports", 60000, wake, 60000);
  reports.Start();

  std::unique_ptr<mpp::CatalogIndex> catalog;
  uint64_t catalog_generation = 0;
  mpp::manager::ManagerRequests requests(from, to, export_dir);
  mpp::TapTargets targets;
  mpp::SystemClock local;
  mpp::GuiLoop loop("mpp-manager", &gui, std::move(script), common);
  while (loop.Next(0.5)) {  // the clock and the waits tick
    mpp::CloneClient::View view = clone.Read();
    if (view.has_catalog && (!catalog || view.catalog_generation != catalog_generation)) {
      catalog = std::make_unique<mpp::CatalogIndex>(clone.Catalog());  // new, or changed
      catalog_generation = view.catalog_generation;
    }
    const bool connected = view.connected && view.state.synced();
    const mpp::Millis now = local.NowMs() + view.broker_offset_ms;
    requests.OnLive(view.state, connected, &ui);
    for (auto& job : requests.TakeJobs(&ui)) {
      (job.queue == mpp::manager::ManagerRequests::Queue::kReports ? reports : commands)
          .Submit(job.request_id, std::move(job.request));
    }
    for (auto& res : reports.TakeResults()) requests.OnResult(res, &ui);
    for (auto& res : commands.TakeResults()) requests.OnResult(res, &ui);
    mpp::manager::PrepareView(&ui);  // the screen only reads

    const auto holds = [&](const std::string& what) {
      return requests.Holds(what, ui, connected, catalog != nullptr);
    };
    loop.BeginFrame(targets, holds);
    if (catalog) {
      const auto live = mpp::manager::BuildLive(view.state, *catalog, now, ui.lang,
                                                {view.disk_low, view.writes_refused});
      mpp::manager::DrawManager(&ui, live, *catalog, view.state.ticker(), connected, now, fonts,
                                static_cast<float>(gui.width()), static_cast<float>(gui.height()),
                                &targets);
    }
    gui.Render(IM_COL32(236, 240, 246, 255));
    const bool ready =
        holds("connected") && (ui.view == mpp::manager::View::kLive ||
                               ui.view == mpp::manager::View::kTicker || holds("report"));
    loop.EndFrame(ready);
  }
  reports.Stop();
  commands.Stop();
  clone.Stop();
  return loop.exit_code();
}
