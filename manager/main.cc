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
#include <atomic>
#include <csignal>
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

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

namespace v1 = mpp::v1;

}  // namespace

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
  const std::string& screenshot = common.screenshot;
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

  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
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
  std::string report_id, heat_id, ticker_id;
  bool exported = false, ticker_saved = false;
  mpp::TapTargets targets;
  int exit_code = 0;
  mpp::FrameExit frame_exit{screenshot, common.frames};
  mpp::SystemClock local;
  while (!g_stop && !gui.ShouldClose()) {
    const bool busy = (script && script->running()) || !screenshot.empty();
    gui.WaitEvents(busy ? 0.02 : 0.5);  // the clock and the waits tick
    mpp::CloneClient::View view = clone.Read();
    if (view.has_catalog && (!catalog || view.catalog_generation != catalog_generation)) {
      catalog = std::make_unique<mpp::CatalogIndex>(clone.Catalog());  // new, or changed
      catalog_generation = view.catalog_generation;
    }
    const bool connected = view.connected && view.state.synced();
    const mpp::Millis now = local.NowMs() + view.broker_offset_ms;
    if (ui.today.empty() && connected && !view.state.business_day().empty()) {
      ui.today = view.state.business_day();
      const auto range = mpp::manager::RangeDates(ui.range, ui.today);
      ui.from = from.empty() ? range.first : from;
      ui.to = to.empty() ? (from.empty() ? range.second : ui.today) : to;
      ui.want_report = true;
    }
    if (!ui.ticker_loaded && connected) {
      std::snprintf(ui.ticker, sizeof ui.ticker, "%s", view.state.ticker().c_str());
      ui.ticker_loaded = true;
    }

    // Requests the screen raised.
    if (ui.want_report && !ui.loading && !ui.today.empty()) {
      ui.want_report = false;
      ui.loading = true;
      ui.report_error.clear();
      ui.export_status.clear();
      exported = false;
      v1::Request r;
      r.mutable_report()->set_from(ui.from);
      r.mutable_report()->set_to(ui.to);
      r.mutable_report()->set_by(ui.by);
      report_id = mpp::NewRequestId();
      reports.Submit(report_id, r);
      r.mutable_report()->set_by("weekday-hour");
      heat_id = mpp::NewRequestId();
      reports.Submit(heat_id, r);
    }
    if (ui.want_export) {
      ui.want_export = false;
      auto path = mpp::manager::ExportReport(*ui.report, export_dir);
      exported = path.ok();
      ui.export_status = path.ok() ? std::string(mpp::T(ui.lang, "Tersimpan: ", "Saved: ")) + *path
                                   : path.status().message();
      if (path.ok()) spdlog::info("report exported to {}", *path);
    }
    if (ui.want_ticker) {
      v1::Request r;
      r.mutable_set_ticker()->set_text(*ui.want_ticker);
      ui.want_ticker.reset();
      ticker_id = mpp::NewRequestId();
      commands.Submit(ticker_id, r);
      ui.ticker_saving = true;
      ui.ticker_status = mpp::T(ui.lang, "Menyimpan...", "Saving...");
    }
    auto reply_error = [&](const mpp::RequestWorker::Result& res) -> std::string {
      if (!res.reply) return res.error.message();
      const v1::Error& e = res.reply->reply().error();
      if (e.code() == v1::OK) return "";
      return ui.lang == mpp::Lang::kId ? e.message_id() : e.message_en();
    };
    for (auto& res : reports.TakeResults()) {
      const std::string err = reply_error(res);
      if (res.request_id == report_id) {
        if (err.empty()) {
          ui.report = res.reply->reply().report();
        } else {
          ui.report_error = err;
        }
      } else if (res.request_id == heat_id) {
        ui.loading = false;
        if (err.empty()) {
          ui.heat = res.reply->reply().report();
        } else if (ui.report_error.empty()) {
          ui.report_error = err;
        }
      }
    }
    for (auto& res : commands.TakeResults()) {
      if (res.request_id != ticker_id) continue;
      ui.ticker_saving = false;
      const std::string err = reply_error(res);
      ticker_saved = err.empty();
      ui.ticker_status = err.empty() ? mpp::T(ui.lang, "Tersimpan; tampil di semua layar.",
                                              "Saved; every display shows it now.")
                                     : err;
    }

    const auto holds = [&](const std::string& what) {
      if (what == "connected") return connected && catalog != nullptr;
      if (what == "offline") return !connected;
      if (what == "report") return ui.report.has_value() && ui.heat.has_value() && !ui.loading;
      if (what == "exported") return exported;
      if (what == "ticker-saved") return ticker_saved && !ui.ticker_saving;
      return false;
    };
    gui.BeginFrame([&](ImGuiIO& io) {
      if (script) script->BeforeFrame(io, targets, holds);
    });
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
    if (mpp::AfterFrame(script ? &*script : nullptr, &frame_exit, ready, gui, "mpp-manager",
                        &exit_code)) {
      g_stop = true;
    }
    gui.Present();
  }
  reports.Stop();
  commands.Stop();
  clone.Stop();
  return exit_code;
}
