// mpp-manager: the dashboard of the MPP's head and the agencies' heads -
// live queues and alerts, compliance with each published standard, the SKM
// index, and the running text of the hall displays.
//
//   mpp-manager --broker tcp://127.0.0.1:5555 [--size 1600x900] [--lang id|en]
//               [--view live|compliance|skm|ticker] [--from DATE --to DATE]
//               [--by service|agency|counter|operator|day|hour] [--export-dir DIR]
//               [--screenshot FILE.png --frames N] [--script FILE]
//   mpp-manager --central URL [--province P] [--city C] [--mpp ID] [--by ...]
//
// Live state comes from the broker's events (CloneClient); reports are built
// by the broker's report thread and fetched on a RequestWorker, so the
// window never waits on the network or the database. With --central it shows
// the compliance and SKM views of many halls from the central PostgreSQL
// database instead (docs/CENTRAL.md), read on a CentralWorker, reading only.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "broker/report/report.h"
#include "common/cli.h"
#include "common/clone_client.h"
#include "common/gui_program.h"
#include "common/gui_script.h"
#include "common/gui_window.h"
#include "common/request_worker.h"
#include "common/wire.h"
#include "manager/central_worker.h"
#include "manager/model.h"
#include "manager/screen.h"

int main(int argc, char** argv) {
  CLI::App app{"mpp-manager - the MPP manager's dashboard"};
  app.set_version_flag("--version", MPP_VERSION_STRING);
  std::string broker = "tcp://127.0.0.1:5555", size = "1600x900", lang_s = "id", view_s = "live";
  std::string from, to, by, export_dir = ".", central, province, city, mpp_id;
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
  app.add_option("--by", by,
                 "report grouping: service (default), agency, counter, operator, day, hour; with "
                 "--central also mpp, city, province (default), month")
      ->check(CLI::IsMember({"service", "agency", "counter", "operator", "day", "hour", "mpp",
                             "city", "province", "month"}));
  app.add_option("--central", central,
                 "show many halls from the central PostgreSQL database (libpq URL; use a reader "
                 "role made by mpp-central add-reader) instead of one broker: compliance and SKM "
                 "by region, reading only")
      ->envname("MPP_CENTRAL");
  app.add_option("--province", province, "with --central: the province shown first");
  app.add_option("--city", city, "with --central: the city shown first");
  app.add_option("--mpp", mpp_id, "with --central: the hall shown first (its id)");
  app.add_option("--export-dir", export_dir, "folder for CSV exports")->capture_default_str();
  mpp::GuiProgramOptions common;
  mpp::AddGuiProgramOptions(app, &common, "scripted taps (see common/gui_script.h)");
  MPP_PARSE(app, argc, argv);
  if (!mpp::StartGuiProgram("mpp-manager", common)) return 2;
  mpp::manager::UiState ui;
  mpp::ParseLang(lang_s, &ui.lang);
  mpp::manager::ParseView(view_s, &ui.view);
  ui.central = !central.empty();
  mpp::report::GroupBy group;
  if (!by.empty() && mpp::report::ParseGroupBy(by, &group) && mpp::report::CentralOnly(group) &&
      !ui.central) {
    std::cerr << "mpp-manager: --by " << by
              << " needs --central (a hall's broker reports on its own hall only)\n";
    return 2;
  }
  if (!ui.central && !(province.empty() && city.empty() && mpp_id.empty())) {
    std::cerr << "mpp-manager: --province, --city and --mpp need --central\n";
    return 2;
  }
  ui.by = !by.empty() ? by : ui.central ? "province" : "service";
  if (ui.central) {
    if (ui.view == mpp::manager::View::kLive || ui.view == mpp::manager::View::kTicker) {
      ui.view = mpp::manager::View::kCompliance;  // no live queues or running text centrally
    }
    ui.province = province;
    ui.city = city;
    ui.mpp = mpp_id;
    // libpq waits for an unanswered connection without end unless told.
    ::setenv("PGCONNECT_TIMEOUT", "10", /*overwrite=*/0);
  }
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

  auto wake = [] { mpp::GuiWindow::PostEmptyEvent(); };
  // One broker: its live state, its commands and its reports. Central: the
  // database's reports only.
  std::optional<mpp::CloneClient> clone;
  std::optional<mpp::RequestWorker> commands, reports;
  std::optional<mpp::manager::CentralWorker> central_reports;
  if (ui.central) {
    central_reports.emplace(central, wake);
    central_reports->Start();
  } else {
    mpp::CloneClient::Options co;
    co.broker = broker;
    co.client_id = "manager";
    clone.emplace(co, wake);
    clone->Start();
    commands.emplace(broker, "manager", 4000, wake);
    commands->Start();
    // A year's report takes a second or two on the broker: wait, never resend.
    reports.emplace(broker, "manager-reports", 60000, wake, 60000);
    reports->Start();
  }

  std::unique_ptr<mpp::CatalogIndex> catalog;
  uint64_t catalog_generation = 0;
  mpp::manager::ManagerRequests requests(from, to, export_dir);
  mpp::TapTargets targets;
  mpp::SystemClock local;
  mpp::GuiLoop loop("mpp-manager", &gui, std::move(script), common);
  while (loop.Next(0.5)) {  // the clock and the waits tick
    mpp::CloneClient::View view;
    bool connected = false;
    mpp::Millis now = local.NowMs();
    if (clone) {
      view = clone->Read();
      if (view.has_catalog && (!catalog || view.catalog_generation != catalog_generation)) {
        catalog = std::make_unique<mpp::CatalogIndex>(clone->Catalog());  // new, or changed
        catalog_generation = view.catalog_generation;
      }
      connected = view.connected && view.state.synced();
      now += view.broker_offset_ms;
      requests.OnLive(view.state, connected, &ui);
    } else {
      for (auto& r : central_reports->TakeResults()) {
        requests.OnCentralState(r.connected, r.error, &ui);
        if (r.overview) requests.OnOverview(*r.overview, &ui);
        if (r.report) requests.OnResult(*r.report, &ui);
      }
      connected = ui.central_connected;
    }
    for (auto& job : requests.TakeJobs(&ui)) {
      if (central_reports) {
        central_reports->Submit(std::move(job));
      } else {
        (job.queue == mpp::manager::ManagerRequests::Queue::kReports ? *reports : *commands)
            .Submit(job.request_id, std::move(job.request));
      }
    }
    for (auto* worker : {&reports, &commands}) {
      if (*worker) {
        for (auto& res : (*worker)->TakeResults()) requests.OnResult(res, &ui);
      }
    }
    mpp::manager::PrepareView(&ui);  // the screen only reads

    const auto holds = [&](const std::string& what) {
      return requests.Holds(what, ui, connected, catalog != nullptr);
    };
    loop.BeginFrame(targets, holds);
    if (catalog || ui.central) {
      const auto live = catalog ? mpp::manager::BuildLive(view.state, *catalog, now, ui.lang,
                                                          {view.disk_low, view.writes_refused})
                                : mpp::manager::LiveView{};
      mpp::manager::DrawManager(&ui, live, catalog.get(), view.state.ticker(), connected, now,
                                fonts, static_cast<float>(gui.width()),
                                static_cast<float>(gui.height()), &targets);
    }
    gui.Render(IM_COL32(236, 240, 246, 255));
    const bool ready =
        holds("connected") && (ui.view == mpp::manager::View::kLive ||
                               ui.view == mpp::manager::View::kTicker || holds("report"));
    loop.EndFrame(ready);
  }
  if (central_reports) central_reports->Stop();
  if (reports) reports->Stop();
  if (commands) commands->Stop();
  if (clone) clone->Stop();
  return loop.exit_code();
}
