#include "manager/session.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <map>

#include "common/i18n.h"
#include "common/wire.h"

namespace mpp::manager {

bool ParseView(const std::string& text, View* view) {
  if (text == "live") return *view = View::kLive, true;
  if (text == "compliance") return *view = View::kCompliance, true;
  if (text == "skm") return *view = View::kSkm, true;
  if (text == "ticker") return *view = View::kTicker, true;
  return false;
}

ManagerRequests::ManagerRequests(std::string from, std::string to, std::string export_dir)
    : from_(std::move(from)), to_(std::move(to)), export_dir_(std::move(export_dir)) {}

void ManagerRequests::OnLive(const LiveState& state, bool connected, UiState* ui) {
  if (ui->today.empty() && connected && !state.business_day().empty()) {
    ui->today = state.business_day();
    const auto range = RangeDates(ui->range, ui->today);
    ui->from = from_.empty() ? range.first : from_;
    ui->to = to_.empty() ? (from_.empty() ? range.second : ui->today) : to_;
    ui->want_report = true;
  }
  if (!ui->ticker_loaded && connected) {
    std::snprintf(ui->ticker, sizeof ui->ticker, "%s", state.ticker().c_str());
    ui->ticker_loaded = true;
  }
}

void ManagerRequests::OnOverview(const central::Overview& overview, UiState* ui) {
  ui->overview = overview;
  ui->has_overview = true;
  ++ui->overview_version;
  if (overview.last_day.empty() || ui->today == overview.last_day) return;
  const bool first = ui->today.empty();
  ui->today = overview.last_day;  // later: new days shipped; the range stays
  if (!first) return;
  ui->range = Range::kMonth;
  const auto range = RangeDates(ui->range, ui->today);
  ui->from = from_.empty() ? range.first : from_;
  ui->to = to_.empty() ? (from_.empty() ? range.second : ui->today) : to_;
  ui->want_report = true;
}

void ManagerRequests::OnCentralState(bool connected, const std::string& error, UiState* ui) {
  ui->central_connected = connected;
  ui->central_error = connected ? "" : error;
}

std::vector<ManagerRequests::Job> ManagerRequests::TakeJobs(UiState* ui) {
  std::vector<Job> jobs;
  if (ui->want_report && !ui->loading && !ui->today.empty()) {
    ui->want_report = false;
    ui->loading = true;
    ui->report_error.clear();
    ui->export_status.clear();
    exported_ = false;
    v1::Request r;
    r.mutable_report()->set_from(ui->from);
    r.mutable_report()->set_to(ui->to);
    r.mutable_report()->set_by(ui->by);
    report_id_ = NewRequestId();
    jobs.push_back({Queue::kReports, report_id_, r, ui->province, ui->city, ui->mpp});
    if (ui->central) {
      // The region's trend: the twelve whole months ending with the range's.
      const auto months = RangeDates(Range::kLast12Months, ui->to);
      r.mutable_report()->set_from(months.first);
      r.mutable_report()->set_to(months.second);
      r.mutable_report()->set_by("month");
    } else {
      r.mutable_report()->set_by("weekday-hour");  // the heat map's
    }
    heat_id_ = NewRequestId();
    jobs.push_back({Queue::kReports, heat_id_, r, ui->province, ui->city, ui->mpp});
  }
  if (ui->want_export) {
    ui->want_export = false;
    const std::string region = !ui->mpp.empty()    ? ui->mpp
                               : !ui->city.empty() ? ui->city
                                                   : ui->province;
    auto path = ui->report ? ExportReport(*ui->report, export_dir_, region)
                           : StatusOr<std::string>(Status::Error(
                                 T(ui->lang, "Belum ada laporan.", "No report yet.")));
    exported_ = path.ok();
    ui->export_status = path.ok() ? std::string(T(ui->lang, "Tersimpan: ", "Saved: ")) + *path
                                  : path.status().message();
    if (path.ok()) spdlog::info("report exported to {}", *path);
  }
  if (ui->want_ticker) {
    v1::Request r;
    r.mutable_set_ticker()->set_text(*ui->want_ticker);
    ui->want_ticker.reset();
    ticker_id_ = NewRequestId();
    jobs.push_back({Queue::kCommands, ticker_id_, r, "", "", ""});
    ui->ticker_saving = true;
    ui->ticker_status = T(ui->lang, "Menyimpan...", "Saving...");
  }
  return jobs;
}

void ManagerRequests::OnResult(const RequestWorker::Result& res, UiState* ui) {
  std::string err;
  if (!res.reply) {
    err = res.error.message();
  } else if (const v1::Error& e = res.reply->reply().error(); e.code() != v1::OK) {
    err = ui->lang == Lang::kId ? e.message_id() : e.message_en();
  }
  if (res.request_id == report_id_) {
    if (err.empty()) {
      ui->report = res.reply->reply().report();
      ++ui->report_version;
    } else {
      ui->report_error = err;
    }
  } else if (res.request_id == heat_id_) {  // asked after the report: the pair is complete
    ui->loading = false;
    if (err.empty() && ui->central) {
      ui->trend = res.reply->reply().report();
      ++ui->trend_version;
    } else if (err.empty()) {
      ui->heat = res.reply->reply().report();
      ++ui->heat_version;
    } else if (ui->report_error.empty()) {
      ui->report_error = err;
    }
  } else if (res.request_id == ticker_id_) {
    ui->ticker_saving = false;
    ticker_saved_ = err.empty();
    ui->ticker_status = err.empty() ? T(ui->lang, "Tersimpan; tampil di semua layar.",
                                        "Saved; every display shows it now.")
                                    : err;
  }
}

void PrepareView(UiState* ui) {
  UiState::Prepared& p = ui->prepared;
  if (ui->report && (p.report_version != ui->report_version || p.sort != ui->sort ||
                     p.ascending != ui->ascending)) {
    p.table = SortedRows(*ui->report, ui->sort, ui->ascending);
    p.by_wait_within = SortedRows(*ui->report, Column::kWaitWithin, true);
    p.by_skm = SortedRows(*ui->report, Column::kSkm, false);
    p.report_version = ui->report_version;
    p.sort = ui->sort;
    p.ascending = ui->ascending;
  }
  if (ui->heat && p.heat_version != ui->heat_version) {
    p.heat = BuildHeatMap(*ui->heat);
    p.heat_version = ui->heat_version;
  }
  if (ui->trend && p.trend_version != ui->trend_version) {
    p.trend = SortedRows(*ui->trend, Column::kGroup, true);  // "2026-01" ... in order
    p.trend_version = ui->trend_version;
  }
  if (p.overview_version != ui->overview_version || p.province != ui->province) {
    std::map<std::string, int> provinces, cities;
    for (const auto& h : ui->overview.halls) {
      ++provinces[h.province];
      if (h.province == ui->province) ++cities[h.city];
    }
    p.provinces.assign(provinces.begin(), provinces.end());
    p.cities.assign(cities.begin(), cities.end());
    p.overview_version = ui->overview_version;
    p.province = ui->province;
  }
  if (p.today != ui->today) {
    p.today = ui->today;
    for (int r = 0; r < kRanges; ++r) {
      p.range_dates[static_cast<size_t>(r)] = RangeDates(static_cast<Range>(r), ui->today);
    }
  }
}

void ChooseRegion(UiState* ui, const std::string& province, const std::string& city,
                  const std::string& mpp) {
  ui->province = province;
  ui->city = city;
  ui->mpp = mpp;
  if (!mpp.empty()) {
    if (ui->by == "province" || ui->by == "city" || ui->by == "mpp") ui->by = "service";
  } else if (!city.empty()) {
    if (ui->by == "province" || ui->by == "city") ui->by = "mpp";
  } else if (!province.empty()) {
    if (ui->by == "province") ui->by = "city";
  }
  ui->want_report = true;
}

std::string RegionName(const UiState& ui) {
  if (!ui.mpp.empty()) {
    for (const auto& h : ui.overview.halls) {
      if (h.id == ui.mpp) return h.name;
    }
    return ui.mpp;
  }
  if (!ui.city.empty()) return ui.city + ", " + ui.province;
  if (!ui.province.empty()) return ui.province;
  return T(ui.lang, "Seluruh Indonesia", "All of Indonesia");
}

bool ManagerRequests::Holds(const std::string& what, const UiState& ui, bool connected,
                            bool has_catalog) const {
  if (ui.central) {
    if (what == "connected") return ui.central_connected && ui.has_overview;
    if (what == "offline") return !ui.central_connected;
    if (what == "unreachable") return !ui.central_connected && !ui.central_error.empty();
  }
  if (what == "connected") return connected && has_catalog;
  if (what == "offline") return !connected;
  if (what == "report") {
    return ui.report.has_value() && (ui.central ? ui.trend : ui.heat).has_value() && !ui.loading;
  }
  if (what == "exported") return exported_;
  if (what == "ticker-saved") return ticker_saved_ && !ui.ticker_saving;
  return false;
}

}  // namespace mpp::manager
