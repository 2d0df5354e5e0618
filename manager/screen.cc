#include "manager/screen.h"

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <optional>

#include "broker/report/report.h"
#include "common/gui_window.h"
#include "common/layout.h"
#include "common/palette.h"

namespace mpp::manager {
namespace {

using palette::kAmber;
using palette::kBlue;
using palette::kGreen;
using palette::kInk;
using palette::kLine;
using palette::kMuted;
using palette::kNavy;
using palette::kPage;
using palette::kRed;
using palette::kWhite;

// Registers the last item as a tap target; true once it stands still (TapTargets).
bool Register(TapTargets* targets, const std::string& id, bool enabled = true) {
  return targets->Add(id, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), enabled);
}

// `on_navy`: a tab in the navy header (selected = white, others = lighter navy).
bool Button(TapTargets* targets, const std::string& id, const std::string& label, ImVec2 size,
            bool enabled = true, bool selected = false, bool on_navy = false) {
  ImU32 bg = !enabled ? Rgb(200, 204, 212) : selected ? kNavy : kWhite;
  ImU32 fg = !enabled ? Rgb(60, 66, 78) : selected ? kWhite : kNavy;
  if (on_navy) {
    bg = selected ? kWhite : Rgb(40, 80, 150);
    fg = selected ? kNavy : kWhite;
  }
  ImGui::PushID(id.c_str());
  ImGui::PushStyleColor(ImGuiCol_Button, ToVec4(bg));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered,
                        ToVec4(on_navy    ? (selected ? kWhite : Rgb(60, 100, 170))
                               : selected ? kNavy
                                          : Rgb(222, 230, 244)));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ToVec4(Rgb(190, 204, 230)));
  ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(fg));
  const bool pressed = ImGui::Button(label.c_str(), size) && enabled;
  RecordButtonLabel(label, fg, bg);
  ImGui::PopStyleColor(4);
  ImGui::PopID();
  const bool settled = Register(targets, id, enabled);
  return pressed && settled;
}

std::string Fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Indonesian writes a decimal comma: 85,30.
std::string Dec(Lang l, const char* f, double v) {
  std::string out = Fmt(f, v);
  if (l == Lang::kId) std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

// The colour of a converted score's grade: A green, B blue, C amber, D red.
ImU32 GradeColour(double score) {
  std::string label;
  switch (report::Grade(score, &label)) {
    case 'A':
      return kGreen;
    case 'B':
      return kBlue;
    case 'C':
      return kAmber;
    default:
      return kRed;
  }
}

std::string Min(Lang l, double ms) { return Dec(l, "%.1f", ms / 60000.0); }

ImU32 PctColor(double pct) { return pct >= 90 ? kGreen : pct >= 75 ? kAmber : kRed; }

// A card: white box with a title; returns the inner top-left.
ImVec2 Card(ImDrawList* dl, const Fonts& f, ImVec2 p0, ImVec2 p1, const std::string& title) {
  dl->AddRectFilled(p0, p1, kWhite, 8);
  dl->AddRect(p0, p1, kLine, 8);
  LayoutBox box("card:" + title, ImVec2(p0.x + 8, p0.y), ImVec2(p1.x - 8, p1.y), kWhite);
  DrawText(dl, f.bold, ImVec2(p0.x + 14, p0.y + 10), kNavy, title);
  return ImVec2(p0.x + 14, p0.y + 18 + f.bold->FontSize);
}

void Kpi(ImDrawList* dl, const Fonts& f, ImVec2 p0, ImVec2 p1, const std::string& label,
         const std::string& value, ImU32 color) {
  dl->AddRectFilled(p0, p1, kWhite, 8);
  dl->AddRect(p0, p1, kLine, 8);
  dl->AddRectFilled(p0, ImVec2(p0.x + 6, p1.y), color, 8, ImDrawFlags_RoundCornersLeft);
  LayoutBox box("kpi:" + label, ImVec2(p0.x + 8, p0.y), p1, kWhite);
  DrawText(dl, f.body, ImVec2(p0.x + 18, p0.y + 10), kMuted, label);
  DrawText(dl, f.huge, ImVec2(p0.x + 18, p0.y + 14 + f.body->FontSize), color, value);
}

// ---------------------------------------------------------------- live --

void DrawLive(const LiveView& v, const CatalogIndex& catalog, const Fonts& f, Lang l, float x0,
              float y0, float w, float h, Millis now) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float pad = 16;
  const float kpi_h = f.huge->FontSize + f.body->FontSize + 30;
  const float kw = (w - pad * 5) / 4;
  const ImU32 alert_color = v.alerts.empty() ? kGreen : kRed;
  const std::string values[4] = {std::to_string(v.waiting), std::to_string(v.counters_open),
                                 std::to_string(v.counters_on_break),
                                 std::to_string(v.alerts.size())};
  const char* labels[4] = {
      T(l, "Menunggu sekarang", "Waiting now"), T(l, "Loket buka", "Counters open"),
      T(l, "Loket istirahat", "Counters on break"), T(l, "Peringatan", "Alerts")};
  const ImU32 colors[4] = {kNavy, kGreen, v.counters_on_break ? kAmber : kMuted, alert_color};
  for (int i = 0; i < 4; ++i) {
    const float x = x0 + pad + i * (kw + pad);
    Kpi(dl, f, ImVec2(x, y0 + pad), ImVec2(x + kw, y0 + pad + kpi_h), labels[i], values[i],
        colors[i]);
  }
  float y = y0 + pad * 2 + kpi_h;
  const float left_w = (w - pad * 3) * 0.58f, right_w = w - pad * 3 - left_w;
  const float lx = x0 + pad, rx = lx + left_w + pad;

  // Alerts, wrapped so each is read whole; the worst five, then how many more.
  const float text_x = 22, text_w = left_w - 28 - text_x;
  const int shown_alerts = std::min<int>(static_cast<int>(v.alerts.size()), 5);
  const std::string all_fine =
      T(l, "Semua antrean dalam target; tidak ada loket istirahat dengan antrean tumbuh.",
        "Every queue is within its target; no counter rests while its queue grows.");
  float alerts_text_h = v.alerts.empty() ? MeasureText(f.body, all_fine, left_w - 28).y : 0;
  for (int i = 0; i < shown_alerts; ++i) {
    alerts_text_h += MeasureText(f.body, v.alerts[static_cast<size_t>(i)].text, text_w).y + 6;
  }
  const float alerts_h = f.bold->FontSize + 34 + alerts_text_h;
  ImVec2 in =
      Card(dl, f, ImVec2(lx, y), ImVec2(lx + left_w, y + alerts_h), T(l, "Peringatan", "Alerts"));
  {
    LayoutBox box("alerts", ImVec2(lx + 8, y), ImVec2(lx + left_w - 8, y + alerts_h), kWhite);
    if (v.alerts.empty()) DrawText(dl, f.body, in, kGreen, all_fine, left_w - 28);
    float ay = in.y;
    for (int i = 0; i < shown_alerts; ++i) {
      const Alert& a = v.alerts[static_cast<size_t>(i)];
      const ImU32 c = a.kind == Alert::Kind::kBreakWhileQueueGrows ? kAmber : kRed;
      dl->AddCircleFilled(ImVec2(in.x + 7, ay + f.body->FontSize * 0.55f), 6, c);
      ay += DrawText(dl, f.body, ImVec2(in.x + text_x, ay), kInk, a.text, text_w) + 6;
    }
    if (static_cast<int>(v.alerts.size()) > shown_alerts) {
      const std::string more =
          "+" + std::to_string(v.alerts.size() - shown_alerts) + T(l, " lagi", " more");
      DrawText(dl, f.bold, ImVec2(lx + left_w - 14 - MeasureText(f.bold, more).x, y + 10), kRed,
               more);
    }
    RecordList("alerts", static_cast<int>(v.alerts.size()), shown_alerts,
               static_cast<int>(v.alerts.size()) > shown_alerts);
  }
  const float qy = y + alerts_h + pad;
  in = Card(dl, f, ImVec2(lx, qy), ImVec2(lx + left_w, y0 + h - pad),
            T(l, "Antrean per layanan (terlama lebih dulu)", "Queues by service (longest first)"));
  ImGui::SetCursorScreenPos(in);
  if (ImGui::BeginTable(
          "queues", 6,
          ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH,
          ImVec2(left_w - 28, y0 + h - pad - in.y - 12))) {
    LayoutBox box("queues", in, ImVec2(in.x + left_w - 28, y0 + h - pad - 12), kWhite,
                  kBoxScrollsY);
    // The figures as wide as they need; the rest to the service, which wraps.
    auto fixed = [&](const char* head, const char* widest) {
      return FixedColumnWidth(std::max(ImGui::CalcTextSize(head).x, ImGui::CalcTextSize(widest).x));
    };
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(T(l, "Layanan", "Service"), ImGuiTableColumnFlags_WidthStretch, 3);
    ImGui::TableSetupColumn(T(l, "Instansi", "Agency"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn(T(l, "Menunggu", "Waiting"), ImGuiTableColumnFlags_WidthFixed,
                            fixed(T(l, "Menunggu", "Waiting"), "0000"));
    ImGui::TableSetupColumn(T(l, "Terlama", "Longest"), ImGuiTableColumnFlags_WidthFixed,
                            fixed(T(l, "Terlama", "Longest"), "000 mnt"));
    ImGui::TableSetupColumn(T(l, "Target", "Target"), ImGuiTableColumnFlags_WidthFixed,
                            fixed(T(l, "Target", "Target"), "000 mnt"));
    ImGui::TableSetupColumn(T(l, "Loket buka", "Open"), ImGuiTableColumnFlags_WidthFixed,
                            fixed(T(l, "Loket buka", "Open"), "00"));
    ImGui::TableHeadersRow();
    for (const auto& s : v.services) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      Label(s.code + "  " + s.name, /*wrapped=*/true);
      ImGui::TableNextColumn();
      Label(s.agency, /*wrapped=*/true);
      ImGui::TableNextColumn();
      Label(std::to_string(s.waiting));
      ImGui::TableNextColumn();
      if (s.waiting > 0) {
        ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(s.over_target ? kRed : kGreen));
        Label(std::to_string(s.longest_wait_ms / 60000) + T(l, " mnt", " min"));
        ImGui::PopStyleColor();
      } else {
        Label("-");
      }
      ImGui::TableNextColumn();
      Label(std::to_string(s.wait_target_min) + T(l, " mnt", " min"));
      ImGui::TableNextColumn();
      ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(s.open_counters ? kInk : kRed));
      Label(std::to_string(s.open_counters));
      ImGui::PopStyleColor();
    }
    ImGui::EndTable();
  }

  // Counters as a grid of small cards, open ones first, in a list that
  // scrolls: every counter can be seen, however many the hall has.
  in = Card(dl, f, ImVec2(rx, y), ImVec2(rx + right_w, y0 + h - pad), T(l, "Loket", "Counters"));
  std::vector<const CounterLive*> order;
  for (const auto& c : v.counters) order.push_back(&c);
  auto rank = [](const CounterLive* c) {
    return c->status == v1::OPEN ? 0 : c->status == v1::ON_BREAK ? 1 : 2;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](const CounterLive* a, const CounterLive* b) { return rank(a) < rank(b); });
  auto line2_of = [&](const CounterLive& c) {
    std::string line2 = c.status_text;
    if (c.status == v1::ON_BREAK && c.since_ms > 0) {
      line2 += " (" + std::to_string((now - c.since_ms) / 60000) + T(l, " mnt)", " min)");
    }
    return line2;
  };
  auto line3_of = [](const CounterLive& c) {
    return c.status == v1::CLOSED ? std::string()
                                  : c.operator_id + (c.ticket.empty() ? "" : "  -  " + c.ticket);
  };
  const float list_w = right_w - 28, list_h = y0 + h - pad - 8 - in.y;
  float card_w = 0;
  for (const CounterLive* c : order) {
    card_w = std::max({card_w, MeasureText(f.bold, c->name + "  " + c->agency).x,
                       MeasureText(f.body, line2_of(*c)).x, MeasureText(f.body, line3_of(*c)).x});
  }
  card_w += 14 + 10;
  const float scrollbar = ImGui::GetStyle().ScrollbarSize;
  const int cols = std::max(1, static_cast<int>((list_w - scrollbar + 8) / (card_w + 8)));
  const float cw = (list_w - scrollbar - (cols - 1) * 8) / cols;
  const float ch = f.bold->FontSize + f.body->FontSize * 2 + 18;
  ImGui::SetCursorScreenPos(in);
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ToVec4(kWhite));
  ImGui::BeginChild("counters", ImVec2(list_w, list_h), false);
  {
    LayoutBox list("counters", in, ImVec2(in.x + list_w, in.y + list_h), kWhite, kBoxScrollsY);
    ImDrawList* cdl = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    int i = 0;
    for (const CounterLive* cp : order) {
      const CounterLive& c = *cp;
      const float cx = origin.x + (i % cols) * (cw + 8), cy = origin.y + (i / cols) * (ch + 8);
      ++i;
      const ImU32 col = c.status == v1::OPEN       ? kGreen
                        : c.status == v1::ON_BREAK ? Rgb(150, 90, 0)
                                                   : kMuted;
      const ImU32 card_bg = Rgb(246, 248, 252);
      cdl->AddRectFilled(ImVec2(cx, cy), ImVec2(cx + cw, cy + ch), card_bg, 6);
      cdl->AddRectFilled(ImVec2(cx, cy), ImVec2(cx + 6, cy + ch), col, 6,
                         ImDrawFlags_RoundCornersLeft);
      LayoutBox card("counter:" + c.name, ImVec2(cx + 8, cy), ImVec2(cx + cw, cy + ch), card_bg);
      DrawText(cdl, f.bold, ImVec2(cx + 14, cy + 6), kInk, c.name + "  " + c.agency);
      DrawText(cdl, f.body, ImVec2(cx + 14, cy + 8 + f.bold->FontSize), col, line2_of(c));
      DrawText(cdl, f.body, ImVec2(cx + 14, cy + 10 + f.bold->FontSize + f.body->FontSize), kMuted,
               line3_of(c));
    }
    // Room for the last row, so the list scrolls to it.
    ImGui::Dummy(ImVec2(list_w - scrollbar, ((i + cols - 1) / cols) * (ch + 8)));
    RecordList("counters", static_cast<int>(order.size()), i, false);
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
  (void)catalog;
}

// ----------------------------------------------------------- compliance --

struct GroupChoice {
  const char* key;
  const char* id;
  const char* en;
};
const GroupChoice kGroups[] = {{"service", "Layanan", "Service"},
                               {"agency", "Instansi", "Agency"},
                               {"counter", "Loket", "Counter"},
                               {"operator", "Petugas", "Operator"},
                               {"day", "Hari", "Day"},
                               {"hour", "Jam", "Hour"}};
// Across halls: by region, agency, service and month (the monthly rollups).
const GroupChoice kCentralGroups[] = {{"province", "Provinsi", "Province"},
                                      {"city", "Kab./Kota", "City"},
                                      {"mpp", "MPP", "MPP"},
                                      {"agency", "Instansi", "Agency"},
                                      {"service", "Layanan", "Service"},
                                      {"month", "Bulan", "Month"}};

struct RangeChoice {
  Range range;
  const char* id;
  std::string label;
};
std::vector<RangeChoice> RangeChoices(const UiState& ui) {
  const Lang l = ui.lang;
  if (ui.central) {  // whole months, ending with the last day shipped
    return {{Range::kMonth, "range-1m", MonthName(ui.today.substr(0, 7), l)},
            {Range::kLast3Months, "range-3m", T(l, "3 bulan", "3 months")},
            {Range::kLast12Months, "range-12m", T(l, "12 bulan", "12 months")},
            {Range::kYear, "range-year", T(l, "Tahun ", "Year ") + ui.today.substr(0, 4)}};
  }
  return {{Range::kToday, "range-today", T(l, "Hari ini", "Today")},
          {Range::kLast7, "range-7", T(l, "7 hari", "7 days")},
          {Range::kLast30, "range-30", T(l, "30 hari", "30 days")},
          {Range::kThisMonth, "range-month", T(l, "Bulan ini", "This month")}};
}

void Toolbar(UiState* ui, const Fonts& f, float x, float y, float w, TapTargets* targets,
             bool connected) {
  const Lang l = ui->lang;
  ImGui::SetCursorScreenPos(ImVec2(x, y));
  const float bh = f.body->FontSize * 1.9f;
  for (const RangeChoice& c : RangeChoices(*ui)) {
    const auto& dates = ui->prepared.range_dates[static_cast<size_t>(c.range)];
    const bool selected = ui->from == dates.first && ui->to == dates.second;
    if (Button(targets, c.id, c.label, ImVec2(0, bh), true, selected)) {
      ui->range = c.range;
      ui->from = dates.first;
      ui->to = dates.second;
      ui->want_report = true;
    }
    ImGui::SameLine();
  }
  ImGui::SameLine(0, 24);
  const GroupChoice* groups = ui->central ? kCentralGroups : kGroups;
  const size_t n_groups = ui->central ? std::size(kCentralGroups) : std::size(kGroups);
  for (size_t gi = 0; gi < n_groups; ++gi) {
    const GroupChoice& g = groups[gi];
    if (Button(targets, std::string("by-") + g.key, T(l, g.id, g.en), ImVec2(0, bh), true,
               ui->by == g.key)) {
      ui->by = g.key;
      ui->want_report = true;
    }
    ImGui::SameLine();
  }
  ImGui::SameLine(0, 24);
  if (Button(targets, "refresh", T(l, "Muat ulang", "Reload"), ImVec2(0, bh), connected)) {
    ui->want_report = true;
  }
  ImGui::SameLine();
  if (Button(targets, "export", T(l, "Ekspor ke Excel", "Export to Excel"), ImVec2(0, bh),
             ui->report.has_value())) {
    ui->want_export = true;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  std::string status = ui->from + " - " + ui->to;
  if (ui->central) status += "   " + RegionName(*ui);
  if (ui->loading) status += T(l, "   memuat laporan\u2026", "   loading the report\u2026");
  if (!ui->report_error.empty()) status += "   " + ui->report_error;
  if (!ui->export_status.empty()) status += "   " + ui->export_status;
  DrawText(dl, f.body, ImVec2(x, y + bh + 8), ui->report_error.empty() ? kMuted : kRed, status);
  (void)w;
}

std::string Cell(const std::optional<double>& v, const char* fmt) {
  return v ? Fmt(fmt, *v) : std::string("-");
}

void ComplianceTable(UiState* ui, const Fonts& f, ImVec2 p, ImVec2 size) {
  const Lang l = ui->lang;
  const v1::ComplianceReport& rep = *ui->report;
  // The halls ship no wait estimates: centrally that column would be empty.
  const bool estimates = !ui->central;
  const int columns = estimates ? 11 : 10;
  ImGui::SetCursorScreenPos(p);
  if (!ImGui::BeginTable("compliance", columns,
                         ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                             ImGuiTableFlags_Sortable | ImGuiTableFlags_BordersInnerH |
                             ImGuiTableFlags_SizingStretchProp,
                         size)) {
    return;
  }
  LayoutBox box("compliance", p, ImVec2(p.x + size.x, p.y + size.y), kWhite, kBoxScrollsY);
  ImGui::TableSetupScrollFreeze(0, 3);  // two header lines and the total stay in view
  // Two header lines: the first is the sort button, the second says what of.
  struct Head {
    const char* top;
    const char* sub;
    Column col;
  };
  const Head cols[] = {
      {T(l, "Kelompok", "Group"), "", Column::kGroup},
      {T(l, "Tiket", "Issued"), "", Column::kIssued},
      {T(l, "Dilayani", "Served"), "", Column::kServed},
      {T(l, "Tidak", "No-"), T(l, "hadir", "show"), Column::kNoShow},
      {T(l, "Luar", "Out of"), T(l, "urutan", "order"), Column::kOutOfOrder},
      {T(l, "Tunggu", "Wait"), T(l, "median", "median"), Column::kWaitMedian},
      {T(l, "Tunggu", "Wait"), "p90", Column::kWaitP90},
      {T(l, "Tunggu", "Wait"), T(l, "% target", "% target"), Column::kWaitWithin},
      {T(l, "Layanan", "Service"), T(l, "% standar", "% standard"), Column::kServiceWithin},
      {T(l, "Estimasi", "Estimate"), T(l, "% +/-10 mnt", "% +/-10 min"), Column::kEstimateWithin},
      {"SKM", T(l, "nilai", "score"), Column::kSkm}};
  // Figures as wide as their headings and widest values; the group takes the rest.
  for (const auto& c : cols) {
    if (c.col == Column::kEstimateWithin && !estimates) continue;
    if (c.col == Column::kGroup) {
      ImGui::TableSetupColumn(
          c.top, ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_WidthStretch, 1.0f,
          static_cast<ImGuiID>(c.col));
      continue;
    }
    // The sort arrow sits beside the heading.
    const float head =
        std::max(MeasureText(f.small, c.top).x + f.small->FontSize, MeasureText(f.small, c.sub).x);
    const float value = MeasureText(f.bold, c.col == Column::kSkm ? "88,88 A" : "100 %").x;
    ImGui::TableSetupColumn(
        c.top, ImGuiTableColumnFlags_PreferSortDescending | ImGuiTableColumnFlags_WidthFixed,
        FixedColumnWidth(std::max(head, value)), static_cast<ImGuiID>(c.col));
  }
  ImGui::PushFont(f.small);
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int i = 0, column = 0; i < 11; ++i) {
    if (cols[i].col == Column::kEstimateWithin && !estimates) continue;
    ImGui::TableSetColumnIndex(column++);
    ImGui::PushID(i);
    ImGui::TableHeader(cols[i].top);
    ImGui::PopID();
  }
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int i = 0, column = 0; i < 11; ++i) {
    if (cols[i].col == Column::kEstimateWithin && !estimates) continue;
    ImGui::TableSetColumnIndex(column++);
    ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(kMuted));
    Label(cols[i].sub);
    ImGui::PopStyleColor();
  }
  ImGui::PopFont();
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs()) {
    if (specs->SpecsDirty && specs->SpecsCount > 0) {
      ui->sort = static_cast<Column>(specs->Specs[0].ColumnUserID);
      ui->ascending = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
      specs->SpecsDirty = false;
    }
  }
  auto row = [&](const v1::ReportRow& r, bool total) {
    ImGui::TableNextRow();
    if (total) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, Rgb(222, 230, 244));
    ImGui::TableNextColumn();
    ImGui::PushFont(total ? f.bold : f.body);
    std::string name = total ? T(l, "TOTAL", "TOTAL") : r.key();
    if (!r.label().empty()) name += "  " + r.label();
    Label(name, /*wrapped=*/true);
    ImGui::TableNextColumn();
    Label(std::to_string(r.issued()));
    ImGui::TableNextColumn();
    Label(std::to_string(r.served()));
    ImGui::TableNextColumn();
    Label(std::to_string(r.no_show()));
    ImGui::TableNextColumn();
    // Calls ahead of their turn, amber when there are any: worth a look.
    if (r.out_of_order() > 0) ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(kAmber));
    Label(std::to_string(r.out_of_order()));
    if (r.out_of_order() > 0) ImGui::PopStyleColor();
    ImGui::TableNextColumn();
    Label(r.wait().n() ? Min(l, static_cast<double>(r.wait().median_ms())) : "-");
    ImGui::TableNextColumn();
    Label(r.wait().n() ? Min(l, static_cast<double>(r.wait().p90_ms())) : "-");
    ImGui::TableNextColumn();
    const auto wp = WaitWithinPct(r);
    if (wp) ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(PctColor(*wp)));
    Label(Cell(wp, "%.0f %%"));
    if (wp) ImGui::PopStyleColor();
    ImGui::TableNextColumn();
    const auto sp = ServiceWithinPct(r);
    if (sp) ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(PctColor(*sp)));
    Label(Cell(sp, "%.0f %%"));
    if (sp) ImGui::PopStyleColor();
    if (estimates) {
      ImGui::TableNextColumn();
      Label(Cell(EstimateWithinPct(r), "%.0f %%"));
    }
    ImGui::TableNextColumn();
    if (r.skm().respondents() > 0) {
      Label(Dec(l, "%.2f", r.skm().score()) + " " + r.skm().grade());
    } else {
      Label("-");
    }
    ImGui::PopFont();
  };
  row(rep.total(), true);
  for (const v1::ReportRow* r : ui->prepared.table) row(*r, false);
  ImGui::EndTable();
}

// Horizontal bars: % of tickets within the waiting target, per row.
void WithinBars(const UiState& ui, const Fonts& f, ImVec2 p0, ImVec2 p1) {
  const Lang l = ui.lang;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 in = Card(dl, f, p0, p1,
                   ui.central ? T(l, "% dalam target waktu tunggu (terendah dulu)",
                                  "% within the waiting target (lowest first)")
                              : T(l, "% tiket dalam target waktu tunggu (terendah lebih dulu)",
                                  "% of tickets within the waiting target (lowest first)"));
  LayoutBox box("within bars", ImVec2(p0.x + 8, p0.y), ImVec2(p1.x - 8, p1.y), kWhite);
  const std::vector<const v1::ReportRow*>& rows = ui.prepared.by_wait_within;
  const float label_w = (p1.x - p0.x) * 0.34f;
  const float pct_w = MeasureText(f.body, "100 %").x + 8;
  const float bar_x = in.x + label_w, bar_w = p1.x - 24 - bar_x - pct_w;
  const float line = f.body->FontSize * 1.35f;
  int shown = 0;
  for (const v1::ReportRow* r : rows) {
    const auto pct = WaitWithinPct(*r);
    if (!pct) continue;
    const float y = in.y + shown * line;
    if (y + line > p1.y - 8) break;
    ++shown;
    {
      // The whole key is in the table beside: here it may be shortened.
      LayoutBox label("within bars:label", ImVec2(in.x, y), ImVec2(bar_x - 8, y + line), kWhite,
                      kBoxMayShorten);
      DrawShortened(dl, f.body, ImVec2(in.x, y), kInk, FitText(f.body, r->key(), bar_x - 8 - in.x),
                    r->key());
    }
    dl->AddRectFilled(ImVec2(bar_x, y + 3), ImVec2(bar_x + bar_w, y + line - 3), Rgb(236, 239, 244),
                      3);
    dl->AddRectFilled(ImVec2(bar_x, y + 3),
                      ImVec2(bar_x + bar_w * static_cast<float>(*pct / 100.0), y + line - 3),
                      PctColor(*pct), 3);
    DrawText(dl, f.body, ImVec2(bar_x + bar_w + 8, y), kInk, Dec(l, "%.0f %%", *pct));
  }
  if (shown == 0) {
    DrawText(dl, f.body, in, kMuted,
             T(l, "Belum ada tiket yang dipanggil pada rentang ini.",
               "No ticket was called in this range."));
  }
  // The 90 % line managers aim for.
  const float x90 = bar_x + bar_w * 0.9f;
  const float y90 = in.y + std::max(1, shown) * line;
  dl->AddLine(ImVec2(x90, in.y), ImVec2(x90, y90), kNavy, 1.5f);
  DrawText(dl, f.small, ImVec2(x90 - 14, y90 + 2), kNavy, "90 %");
}

void HeatMapCard(const UiState& ui, const Fonts& f, ImVec2 p0, ImVec2 p1) {
  const Lang l = ui.lang;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImVec2 in = Card(dl, f, p0, p1,
                   T(l, "Rata-rata waktu tunggu per jam dan hari (menit)",
                     "Mean waiting time by hour and weekday (minutes)"));
  if (!ui.prepared.heat) {
    DrawText(dl, f.body, in, kMuted, T(l, "memuat\u2026", "loading\u2026"));
    return;
  }
  LayoutBox box("heat map", ImVec2(p0.x + 8, p0.y), ImVec2(p1.x - 8, p1.y), kWhite);
  const HeatMap& hm = *ui.prepared.heat;
  static const char* kDaysId[] = {"", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"};
  static const char* kDaysEn[] = {"", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const int hours = hm.last_hour - hm.first_hour + 1;
  const float label_w = f.body->FontSize * 2.8f;
  const float legend_h = f.body->FontSize * 1.6f;
  const float cw = (p1.x - 24 - in.x - label_w) / hours;
  const float chh = std::max(8.0f, (p1.y - 12 - in.y - f.body->FontSize * 1.4f - legend_h) / 7);
  const double scale = std::max(30.0, hm.max_mean_min);  // red at the worst cell (or 30 min)
  for (int hr = 0; hr < hours; ++hr) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", hm.first_hour + hr);
    DrawTextScaled(dl, f.body, f.body->FontSize * 0.85f,
                   ImVec2(in.x + label_w + hr * cw + cw * 0.25f, in.y), kMuted, buf);
  }
  const float gy = in.y + f.body->FontSize * 1.3f;
  for (int d = 1; d <= 7; ++d) {
    const float y = gy + (d - 1) * chh;
    DrawTextScaled(dl, f.body, f.body->FontSize * 0.9f, ImVec2(in.x, y + chh * 0.2f), kInk,
                   l == Lang::kId ? kDaysId[d] : kDaysEn[d]);
    for (int hr = 0; hr < hours; ++hr) {
      const int hour = hm.first_hour + hr;
      const ImVec2 a(in.x + label_w + hr * cw + 1, y + 1), b(a.x + cw - 2, y + chh - 2);
      if (hm.n[d][hour] == 0) {
        dl->AddRectFilled(a, b, Rgb(242, 244, 248), 2);
        continue;
      }
      const auto c = HeatColor(hm.mean_min[d][hour], scale);
      dl->AddRectFilled(a, b, Rgb(c[0], c[1], c[2]), 2);
      if (cw > f.body->FontSize * 1.6f && chh > f.body->FontSize * 0.9f) {
        // White on the dark cells, ink on the light ones: readable on each.
        const ImU32 cell = Rgb(c[0], c[1], c[2]);
        const ImU32 ink = ContrastRatio(kWhite, cell) >= ContrastRatio(kInk, cell) ? kWhite : kInk;
        LayoutBox cell_box("heat cell", a, b, cell);
        DrawTextScaled(dl, f.body, f.body->FontSize * 0.8f, ImVec2(a.x + 4, a.y + 2), ink,
                       Fmt("%.0f", hm.mean_min[d][hour]));
      }
    }
  }
  // Legend.
  const float ly = gy + 7 * chh + 6;
  const std::string legend =
      "0 - " + Fmt("%.0f", scale) + T(l, " mnt; abu-abu: tidak ada data", " min; grey: no data");
  const float legend_text_w =
      f.body->CalcTextSizeA(f.body->FontSize * 0.85f, FLT_MAX, 0, legend.c_str()).x;
  const float lw = std::clamp(p1.x - 24 - in.x - label_w - legend_text_w - 8, 40.0f, 240.0f);
  for (int i = 0; i < 24; ++i) {
    const auto c = HeatColor(scale * i / 23.0, scale);
    dl->AddRectFilled(ImVec2(in.x + label_w + lw * i / 24, ly),
                      ImVec2(in.x + label_w + lw * (i + 1) / 24, ly + legend_h * 0.6f),
                      Rgb(c[0], c[1], c[2]));
  }
  DrawTextScaled(dl, f.body, f.body->FontSize * 0.85f, ImVec2(in.x + label_w + lw + 8, ly - 2),
                 kMuted, legend);
}

// One line of the region list: a tap target with its name (shortened when
// narrow: the whole name is in the report's rows) and its number of halls.
bool RegionItem(TapTargets* targets, const Fonts& f, const std::string& id, const std::string& name,
                int halls, float indent, float width, bool selected) {
  const float lh = f.body->FontSize * 1.7f;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 p1(p0.x + width, p0.y + lh);
  const bool pressed = ImGui::InvisibleButton(id.c_str(), ImVec2(width, lh));
  const bool settled = Register(targets, id);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 bg = selected ? kNavy : ImGui::IsItemHovered() ? Rgb(222, 230, 244) : kWhite;
  dl->AddRectFilled(p0, p1, bg, 4);
  const ImU32 fg = selected ? kWhite : kInk;
  const std::string count = halls > 0 ? std::to_string(halls) : "";
  const float count_w = MeasureText(f.body, count).x;
  const float name_x = p0.x + 6 + indent, name_end = p1.x - count_w - 14;
  {
    LayoutBox box("region:" + id, ImVec2(name_x, p0.y), ImVec2(name_end, p1.y), bg, kBoxMayShorten);
    DrawShortened(dl, f.body, ImVec2(name_x, p0.y + lh * 0.18f), fg,
                  FitText(f.body, name, name_end - name_x), name);
  }
  if (!count.empty()) {
    LayoutBox box("region count:" + id, ImVec2(name_end, p0.y), p1, bg);
    DrawText(dl, f.body, ImVec2(p1.x - count_w - 6, p0.y + lh * 0.18f), selected ? kWhite : kMuted,
             count);
  }
  return pressed && settled;
}

// The regions of the central view: all of Indonesia, the provinces, the
// chosen province's cities and the chosen city's halls, each with its number
// of halls. A tap narrows the report to it (ChooseRegion drills down).
void RegionPanel(UiState* ui, const Fonts& f, ImVec2 p0, ImVec2 p1, TapTargets* targets) {
  const Lang l = ui->lang;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 in = Card(dl, f, p0, p1, T(l, "Wilayah, jumlah MPP", "Region, MPPs"));
  const ImVec2 size(p1.x - 10 - in.x, p1.y - 10 - in.y);
  LayoutBox box("regions", in, ImVec2(in.x + size.x, in.y + size.y), kWhite, kBoxScrollsY);
  ImGui::SetCursorScreenPos(in);
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ToVec4(kWhite));
  ImGui::BeginChild("regions", size);
  const float width = ImGui::GetContentRegionAvail().x;
  const float step = f.body->FontSize * 1.2f;
  const bool all = ui->province.empty() && ui->city.empty() && ui->mpp.empty();
  if (RegionItem(targets, f, "region-all", T(l, "Seluruh Indonesia", "All of Indonesia"),
                 static_cast<int>(ui->overview.halls.size()), 0, width, all)) {
    ChooseRegion(ui, "", "", "");
  }
  // Made before the frame (PrepareView); a tap changes the region, and the
  // lists only before the next frame.
  const auto& provinces = ui->prepared.provinces;
  const auto& cities = ui->prepared.cities;
  for (const auto& [province, n] : provinces) {
    const bool open = province == ui->province;
    if (RegionItem(targets, f, "province:" + province, province, n, 0, width,
                   open && ui->city.empty() && ui->mpp.empty())) {
      ChooseRegion(ui, province, "", "");
    }
    if (!open) continue;
    for (const auto& [city, m] : cities) {
      const bool city_open = city == ui->city;
      if (RegionItem(targets, f, "city:" + city, city, m, step, width,
                     city_open && ui->mpp.empty())) {
        ChooseRegion(ui, province, city, "");
      }
      if (!city_open) continue;
      for (const auto& h : ui->overview.halls) {
        if (h.province != province || h.city != city) continue;
        if (RegionItem(targets, f, "mpp:" + h.id, h.name, 0, 2 * step, width, h.id == ui->mpp)) {
          ChooseRegion(ui, province, city, h.id);
        }
      }
    }
  }
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

// The region's trend: per month, the % of waits within the target (a bar)
// and the SKM score, the latest months that fit, oldest first.
void TrendCard(const UiState& ui, const Fonts& f, ImVec2 p0, ImVec2 p1) {
  const Lang l = ui.lang;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 in =
      Card(dl, f, p0, p1,
           T(l, "Tren per bulan: % dalam target, SKM", "Trend by month: % within the target, SKM"));
  LayoutBox box("trend", ImVec2(p0.x + 8, p0.y), ImVec2(p1.x - 8, p1.y), kWhite);
  std::vector<const v1::ReportRow*> rows;
  for (const v1::ReportRow* r : ui.prepared.trend) {
    if (r->issued() > 0 || r->skm().respondents() > 0) rows.push_back(r);
  }
  if (rows.empty()) {
    DrawText(dl, f.body, in, kMuted,
             ui.trend ? T(l, "Belum ada data pada 12 bulan ini.", "No data in these 12 months.")
                      : T(l, "memuat\u2026", "loading\u2026"));
    return;
  }
  const float line = f.body->FontSize * 1.35f;
  const int fit = std::max(1, static_cast<int>((p1.y - 10 - in.y) / line));
  const int total = static_cast<int>(rows.size());
  const int shown = total <= fit ? total : fit - 1;  // one line says how many are left out
  const float label_w = MeasureText(f.body, MonthName("2026-09", l) + "  ").x;
  const float pct_w = MeasureText(f.body, "100 %  ").x;
  const float skm_w = MeasureText(f.body, "SKM 88,88").x;
  const float bar_x = in.x + label_w, bar_w = std::max(20.0f, p1.x - 24 - bar_x - pct_w - skm_w);
  float y = in.y;
  if (shown < total) {
    DrawText(dl, f.body, ImVec2(in.x, y), kMuted,
             "+" + std::to_string(total - shown) +
                 T(l, " bulan sebelumnya (lihat Bulan)", " earlier months (see Month)"));
    y += line;
  }
  RecordList("trend", total, shown, shown < total);
  for (int i = total - shown; i < total; ++i, y += line) {
    const v1::ReportRow& r = *rows[static_cast<size_t>(i)];
    DrawText(dl, f.body, ImVec2(in.x, y), kInk, MonthName(r.key(), l));
    dl->AddRectFilled(ImVec2(bar_x, y + 3), ImVec2(bar_x + bar_w, y + line - 3), Rgb(236, 239, 244),
                      3);
    const auto pct = WaitWithinPct(r);
    if (pct) {
      dl->AddRectFilled(ImVec2(bar_x, y + 3),
                        ImVec2(bar_x + bar_w * static_cast<float>(*pct / 100.0), y + line - 3),
                        PctColor(*pct), 3);
    }
    DrawText(dl, f.body, ImVec2(bar_x + bar_w + 8, y), kInk, pct ? Dec(l, "%.0f %%", *pct) : "-");
    if (r.skm().respondents() > 0) {
      DrawText(dl, f.body, ImVec2(bar_x + bar_w + 8 + pct_w, y), GradeColour(r.skm().score()),
               "SKM " + Dec(l, "%.2f", r.skm().score()));
    }
  }
}

// Central: the region list on the left of a view; returns the width it takes.
float CentralRegions(UiState* ui, const Fonts& f, float x0, float top, float w, float bottom,
                     TapTargets* targets) {
  if (!ui->central) return 0;
  const float pad = 16;
  const float rw = std::clamp(w * 0.14f, f.body->FontSize * 10, f.body->FontSize * 16);
  RegionPanel(ui, f, ImVec2(x0 + pad, top), ImVec2(x0 + pad + rw, bottom), targets);
  return rw + pad;
}

// Central, before there is anything to choose from: the database has not
// answered yet, or no hall has shipped a day (then say what to do).
bool NothingShipped(const UiState& ui, const Fonts& f, float x, float y, float w) {
  if (!ui.central || !ui.today.empty()) return false;
  const Lang l = ui.lang;
  DrawText(ImGui::GetWindowDrawList(), f.body, ImVec2(x, y), kInk,
           !ui.has_overview
               ? T(l, "Menunggu basis data pusat\u2026", "Waiting for the central database\u2026")
               : T(l,
                   "Belum ada hari yang dikirim ke basis data pusat. Jalankan mpp-ship di setiap "
                   "MPP (docs/CENTRAL.md): hari yang sudah ditutup akan tampil di sini.",
                   "No hall has shipped a day to the central database yet. Run mpp-ship at "
                   "each MPP (docs/CENTRAL.md): the days they close will show here."),
           w);
  return true;
}

void DrawCompliance(UiState* ui, const Fonts& f, float x0, float y0, float w, float h,
                    TapTargets* targets, bool connected) {
  const float pad = 16;
  if (NothingShipped(*ui, f, x0 + pad, y0 + pad, w - 2 * pad)) return;
  Toolbar(ui, f, x0 + pad, y0 + pad, w - 2 * pad, targets, connected);
  const float top = y0 + pad + f.body->FontSize * 1.9f + f.body->FontSize + 20;
  const float regions = CentralRegions(ui, f, x0, top, w, y0 + h - pad, targets);
  x0 += regions;
  w -= regions;
  if (!ui->report) return;
  const float left_w = (w - 3 * pad) * (ui->central ? 0.62f : 0.6f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Lang l = ui->lang;
  // Central: the dates and the region are in the line above, the card narrower.
  const std::string title =
      std::string(
          T(l, "Kepatuhan terhadap standar pelayanan", "Compliance with the service standards")) +
      "  (" + (ui->central ? std::string() : ui->report->from() + " - " + ui->report->to() + "; ") +
      T(l, "waktu dalam menit)", "times in minutes)");
  ImVec2 in = Card(dl, f, ImVec2(x0 + pad, top), ImVec2(x0 + pad + left_w, y0 + h - pad), title);
  ComplianceTable(ui, f, in, ImVec2(left_w - 28, y0 + h - pad - in.y - 12));
  const float rx = x0 + 2 * pad + left_w, rw = w - 3 * pad - left_w;
  const float mid = top + (y0 + h - pad - top) * 0.5f;
  WithinBars(*ui, f, ImVec2(rx, top), ImVec2(rx + rw, mid - pad / 2));
  if (ui->central) {
    TrendCard(*ui, f, ImVec2(rx, mid + pad / 2), ImVec2(rx + rw, y0 + h - pad));
  } else {
    HeatMapCard(*ui, f, ImVec2(rx, mid + pad / 2), ImVec2(rx + rw, y0 + h - pad));
  }
}

// ------------------------------------------------------------------ SKM --

void DrawSkm(UiState* ui, const Fonts& f, float x0, float y0, float w, float h, TapTargets* targets,
             bool connected) {
  const float pad = 16;
  if (NothingShipped(*ui, f, x0 + pad, y0 + pad, w - 2 * pad)) return;
  Toolbar(ui, f, x0 + pad, y0 + pad, w - 2 * pad, targets, connected);
  const float top = y0 + pad + f.body->FontSize * 1.9f + f.body->FontSize + 20;
  const float regions = CentralRegions(ui, f, x0, top, w, y0 + h - pad, targets);
  x0 += regions;
  w -= regions;
  if (!ui->report) return;
  const Lang l = ui->lang;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const v1::ReportRow& t = ui->report->total();
  const float left_w = (w - 3 * pad) * (ui->central ? 0.42f : 0.36f);
  ImVec2 in = Card(dl, f, ImVec2(x0 + pad, top), ImVec2(x0 + pad + left_w, y0 + h - pad),
                   T(l, "Indeks Kepuasan Masyarakat (PermenPAN-RB 14/2017)",
                     "Community Satisfaction Index (PermenPAN-RB 14/2017)"));
  std::optional<LayoutBox> card;
  card.emplace("skm", ImVec2(x0 + pad + 8, top), ImVec2(x0 + pad + left_w - 8, y0 + h - pad),
               kWhite);
  const v1::ReportSkm& k = t.skm();
  float y = in.y + 8;
  if (k.respondents() == 0) {
    y += DrawText(
        dl, f.body, ImVec2(in.x, y), kMuted,
        T(l, "Belum ada responden SKM pada rentang ini.", "No SKM respondents in this range."),
        left_w - 28);
    y += f.body->FontSize;
  } else {
    const ImU32 gc = k.grade() == "A"   ? kGreen
                     : k.grade() == "B" ? kBlue
                     : k.grade() == "C" ? kAmber
                                        : kRed;
    DrawTextScaled(dl, f.huge, f.huge->FontSize * 1.6f, ImVec2(in.x, y), gc,
                   Dec(l, "%.2f", k.score()));
    y += f.huge->FontSize * 1.7f;
    DrawText(dl, f.large, ImVec2(in.x, y), gc,
             std::string(T(l, "Mutu ", "Grade ")) + k.grade() + " - " + k.label());
    y += f.large->FontSize * 1.4f;
    DrawText(dl, f.body, ImVec2(in.x, y), kInk,
             std::to_string(k.respondents()) + T(l, " responden; IKM ", " respondents; IKM ") +
                 Dec(l, "%.3f", k.ikm()) + " x 25");
    y += f.body->FontSize * 1.5f;
    DrawTextScaled(dl, f.body, f.body->FontSize * 0.85f, ImVec2(in.x, y), kMuted,
                   report::GradeLegend(l == Lang::kId ? ',' : '.'));
    y += f.body->FontSize * 2;
  }
  // One-tap ratings.
  DrawText(dl, f.bold, ImVec2(in.x, y), kNavy, T(l, "Penilaian satu sentuhan", "One-tap ratings"));
  y += f.bold->FontSize * 1.5f;
  int total = 0;
  for (int i = 1; i < t.ratings_size(); ++i) total += t.ratings(i);
  const char* names_id[] = {"", "Tidak puas", "Kurang puas", "Puas", "Sangat puas"};
  const char* names_en[] = {"", "Dissatisfied", "Not quite", "Satisfied", "Very satisfied"};
  const ImU32 colors[] = {0, kRed, kAmber, kBlue, kGreen};
  const float bar_x = in.x + left_w * 0.42f, bar_w = left_w * 0.4f;
  for (int s = 4; s >= 1; --s) {
    const int n = s < t.ratings_size() ? t.ratings(s) : 0;
    DrawText(dl, f.body, ImVec2(in.x, y), kInk, l == Lang::kId ? names_id[s] : names_en[s]);
    dl->AddRectFilled(ImVec2(bar_x, y + 3), ImVec2(bar_x + bar_w, y + f.body->FontSize),
                      Rgb(236, 239, 244), 3);
    if (total > 0) {
      dl->AddRectFilled(ImVec2(bar_x, y + 3),
                        ImVec2(bar_x + bar_w * n / total, y + f.body->FontSize), colors[s], 3);
    }
    DrawText(dl, f.body, ImVec2(bar_x + bar_w + 8, y), kInk, std::to_string(n));
    y += f.body->FontSize * 1.5f;
  }

  // The nine elements.
  const float rx = x0 + 2 * pad + left_w, rw = w - 3 * pad - left_w;
  const float mid = top + (y0 + h - pad - top) * 0.55f;
  card.reset();
  in = Card(dl, f, ImVec2(rx, top), ImVec2(rx + rw, mid - pad / 2),
            T(l, "Nilai rata-rata per unsur (1-4)", "Mean score per element (1-4)"));
  card.emplace("skm elements", ImVec2(rx + 8, top), ImVec2(rx + rw - 8, mid - pad / 2), kWhite);
  const float line = std::min(f.body->FontSize * 2.2f, (mid - pad - in.y - 8) / 9);
  // The bars take what the names and the widest value leave.
  const float value_w = MeasureText(f.body, "4,00  (n=88888)").x + 8;
  const float lx = in.x, bx = in.x + rw * 0.34f;
  const float bw = std::clamp(rx + rw - 24 - value_w - bx, 40.0f, rw * 0.5f);
  for (int i = 0; i < 9; ++i) {
    const float yy = in.y + i * line;
    DrawText(dl, f.body, ImVec2(lx, yy), kInk, SkmElement(i, l));
    dl->AddRectFilled(ImVec2(bx, yy + 3), ImVec2(bx + bw, yy + line - 5), Rgb(236, 239, 244), 3);
    const bool answered = i < k.answered_size() && k.answered(i) > 0;
    if (answered) {
      const double nrr = k.nrr(i);
      const ImU32 c = GradeColour(nrr * 25);
      dl->AddRectFilled(ImVec2(bx, yy + 3),
                        ImVec2(bx + bw * static_cast<float>(nrr / 4.0), yy + line - 5), c, 3);
      DrawText(dl, f.body, ImVec2(bx + bw + 8, yy), kInk,
               Dec(l, "%.2f", nrr) + "  (n=" + std::to_string(k.answered(i)) + ")");
    } else {
      DrawText(dl, f.body, ImVec2(bx + bw + 8, yy), kMuted, "-");
    }
  }
  // SKM per group.
  card.reset();
  in = Card(dl, f, ImVec2(rx, mid + pad / 2), ImVec2(rx + rw, y0 + h - pad),
            T(l, "SKM per kelompok", "SKM per group"));
  card.emplace("skm per group", in, ImVec2(rx + rw - 8, y0 + h - pad), kWhite, kBoxScrollsY);
  ImGui::SetCursorScreenPos(in);
  if (ImGui::BeginTable(
          "skm", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH,
          ImVec2(rw - 28, y0 + h - pad - in.y - 12))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(T(l, "Kelompok", "Group"), ImGuiTableColumnFlags_WidthStretch, 3);
    ImGui::TableSetupColumn(T(l, "Responden", "Respondents"), ImGuiTableColumnFlags_WidthStretch,
                            1);
    ImGui::TableSetupColumn(T(l, "Nilai", "Score"), ImGuiTableColumnFlags_WidthStretch, 1);
    ImGui::TableSetupColumn(T(l, "Mutu", "Grade"), ImGuiTableColumnFlags_WidthStretch, 1.6f);
    ImGui::TableHeadersRow();
    for (const v1::ReportRow* r : ui->prepared.by_skm) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      Label(r->key() + (r->label().empty() ? "" : "  " + r->label()), /*wrapped=*/true);
      ImGui::TableNextColumn();
      Label(std::to_string(r->skm().respondents()));
      ImGui::TableNextColumn();
      Label(r->skm().respondents() ? Dec(l, "%.2f", r->skm().score()) : "-");
      ImGui::TableNextColumn();
      Label(r->skm().respondents() ? r->skm().grade() + " " + r->skm().label() : "-",
            /*wrapped=*/true);
    }
    ImGui::EndTable();
  }
}

// --------------------------------------------------------------- ticker --

void DrawTicker(UiState* ui, const std::string& live_ticker, const Fonts& f, float x0, float y0,
                float w, TapTargets* targets, bool connected) {
  const Lang l = ui->lang;
  const float pad = 16;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // The text as the displays show it, white on navy, wrapped here so all of it can be read.
  const float box_w = w - 2 * pad - 28;
  const float text_h = MeasureText(f.large, live_ticker, box_w - 24).y;
  const float card_h = text_h + f.large->FontSize * 9 + f.body->FontSize * 2;
  ImVec2 in =
      Card(dl, f, ImVec2(x0 + pad, y0 + pad), ImVec2(x0 + w - pad, y0 + pad + card_h),
           T(l, "Teks berjalan di layar ruang tunggu", "Running text on the hall displays"));
  LayoutBox card("ticker", ImVec2(x0 + pad + 8, y0 + pad),
                 ImVec2(x0 + w - pad - 8, y0 + pad + card_h), kWhite);
  DrawText(dl, f.body, in, kMuted,
           T(l, "Sekarang tampil (bergulir di layar):", "Showing now (scrolls on the displays):"));
  const float sy = in.y + f.body->FontSize * 1.5f;
  dl->AddRectFilled(ImVec2(in.x, sy), ImVec2(in.x + box_w, sy + text_h + 20), kNavy, 4);
  {
    LayoutBox navy("ticker:now", ImVec2(in.x, sy), ImVec2(in.x + box_w, sy + text_h + 20), kNavy);
    DrawText(dl, f.large, ImVec2(in.x + 12, sy + 10), kWhite, live_ticker, box_w - 24);
  }
  float y = sy + text_h + 20 + f.large->FontSize * 0.8f;
  DrawText(dl, f.body, ImVec2(in.x, y), kMuted,
           T(l, "Teks baru (satu baris, paling banyak 500 karakter):",
             "New text (one line, at most 500 characters):"));
  y += f.body->FontSize * 1.5f;
  ImGui::SetCursorScreenPos(ImVec2(in.x, y));
  ImGui::PushFont(f.large);
  ImGui::SetNextItemWidth(w - 2 * pad - 28);
  ImGui::InputText("##ticker", ui->ticker, 501);
  Register(targets, "ticker-text");
  ImGui::PopFont();
  y += f.large->FontSize * 2.2f;
  ImGui::SetCursorScreenPos(ImVec2(in.x, y));
  const float bh = f.body->FontSize * 2;
  if (Button(targets, "ticker-save", T(l, "Simpan dan tampilkan", "Save and show"), ImVec2(0, bh),
             connected && !ui->ticker_saving && ui->ticker[0] != '\0', true)) {
    ui->want_ticker = std::string(ui->ticker);
  }
  ImGui::SameLine();
  if (Button(targets, "ticker-clear", T(l, "Kosongkan isian", "Clear the field"), ImVec2(0, bh))) {
    ui->ticker[0] = '\0';
  }
  ImGui::SameLine();
  if (Button(targets, "ticker-reset", T(l, "Kembali ke teks katalog", "Back to the catalog's text"),
             ImVec2(0, bh), connected && !ui->ticker_saving)) {
    ui->want_ticker = std::string();
  }
  ImGui::SameLine();
  Label(std::to_string(std::strlen(ui->ticker)) + " / 500");
  if (!ui->ticker_status.empty()) {
    DrawText(dl, f.body, ImVec2(in.x, y + bh + 10), kInk, ui->ticker_status);
  }
}

}  // namespace

bool LoadFonts(float height, Fonts* f) {
  const float s = std::max(0.8f, height / 900.0f);
  f->body = AddFont(kFontRegular, 17 * s);
  f->bold = AddFont(kFontBold, 18 * s);
  f->large = AddFont(kFontBold, 24 * s);
  f->huge = AddFont(kFontBold, 40 * s);
  f->small = AddFont(kFontRegular, 14 * s);
  return f->body && f->bold && f->large && f->huge && f->small;
}

void DrawManager(UiState* ui, const LiveView& live, const CatalogIndex* catalog,
                 const std::string& live_ticker, bool connected, Millis now, const Fonts& f,
                 float w, float h, TapTargets* targets) {
  targets->BeginFrame(ImGui::GetTime());
  const Lang l = ui->lang;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(w, h));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ToVec4(kPage));
  ImGui::PushStyleColor(ImGuiCol_Text, ToVec4(kInk));
  ImGui::PushStyleColor(ImGuiCol_FrameBg, ToVec4(kWhite));
  ImGui::PushStyleColor(ImGuiCol_TableRowBgAlt, ToVec4(Rgb(244, 246, 250)));
  ImGui::PushStyleColor(ImGuiCol_TableHeaderBg, ToVec4(Rgb(214, 222, 236)));
  ImGui::PushStyleColor(ImGuiCol_Border, ToVec4(kLine));
  ImGui::PushStyleColor(ImGuiCol_TableBorderLight, ToVec4(Rgb(226, 230, 238)));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(12, 6));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 6);
  ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(6, 4));
  ImGui::PushFont(f.body);
  ImGui::Begin("manager", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollbar |
                   ImGuiWindowFlags_NoScrollWithMouse);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  LayoutBox page("page", ImVec2(0, 0), ImVec2(w, h), kPage);

  // Header: name, date/time, view tabs, language.
  const float hh = f.large->FontSize * 2.4f;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(w, hh), kNavy);
  std::optional<LayoutBox> header;
  header.emplace("header", ImVec2(0, 0), ImVec2(w, hh), kNavy);
  float tx = w * 0.40f;  // where the view tabs start
  {
    // The date first: a long hall name is what gives way before the tabs.
    LayoutBox left("header:title", ImVec2(0, 0), ImVec2(tx - 12, hh), kNavy, kBoxMayShorten);
    DrawText(dl, f.large, ImVec2(16, 8), kWhite,
             ui->central ? T(l, "Dasbor MPP - Basis Data Pusat", "MPP Dashboard - Central Database")
                         : T(l, "Dasbor Pengelola MPP", "MPP Manager's Dashboard"));
    std::string sub;
    if (ui->central) {
      sub = (ui->today.empty() ? std::string(T(l, "Belum ada data", "No data yet"))
                               : T(l, "Data sampai ", "Data up to ") + ui->today.substr(8, 2) +
                                     " " + MonthName(ui->today.substr(0, 7), l)) +
            "  -  " + std::to_string(ui->overview.halls.size()) + " MPP";
    } else if (catalog) {
      sub = LongDateTime(now, catalog->utc_offset_min(), l) + "  -  " + catalog->catalog().name();
    }
    DrawShortened(dl, f.body, ImVec2(16, 12 + f.large->FontSize), Rgb(200, 214, 240),
                  FitText(f.body, sub, tx - 12 - 16), sub);
  }
  const std::pair<View, std::pair<const char*, const char*>> tabs[] = {
      {View::kLive, {"Langsung", "Live"}},
      {View::kCompliance, {"Kepatuhan", "Compliance"}},
      {View::kSkm, {"SKM", "SKM"}},
      {View::kTicker, {"Teks berjalan", "Running text"}}};
  const char* tab_ids[] = {"view-live", "view-compliance", "view-skm", "view-ticker"};
  ImGui::PushFont(f.bold);
  for (int i = 0; i < 4; ++i) {
    // Central: no live queues and no running text, only reports.
    if (ui->central && (tabs[i].first == View::kLive || tabs[i].first == View::kTicker)) continue;
    ImGui::SetCursorScreenPos(ImVec2(tx, hh * 0.22f));
    if (Button(targets, tab_ids[i], T(l, tabs[i].second.first, tabs[i].second.second),
               ImVec2(0, hh * 0.56f), true, ui->view == tabs[i].first, /*on_navy=*/true)) {
      ui->view = tabs[i].first;
    }
    tx = ImGui::GetItemRectMax().x + 8;
  }
  const float lang_w = ImGui::CalcTextSize("Bahasa Indonesia").x + 24;
  ImGui::SetCursorScreenPos(ImVec2(w - lang_w - 16, hh * 0.22f));
  if (Button(targets, "lang", l == Lang::kId ? "English" : "Bahasa Indonesia",
             ImVec2(lang_w, hh * 0.56f), true, false, /*on_navy=*/true)) {
    ui->lang = l == Lang::kId ? Lang::kEn : Lang::kId;
  }
  ImGui::PopFont();
  header.reset();
  float y0 = hh;
  if (!connected) {
    const float bh = f.bold->FontSize * 2;
    dl->AddRectFilled(ImVec2(0, y0), ImVec2(w, y0 + bh), kRed);
    if (ui->central) {
      // Why, too: a wrong password is not a server that is down.
      LayoutBox banner("banner", ImVec2(0, y0), ImVec2(w, y0 + bh), kRed, kBoxMayShorten);
      const std::string text =
          std::string(T(l, "Basis data pusat tidak dapat dibaca, mencoba lagi\u2026 ",
                        "The central database cannot be read, trying again\u2026 ")) +
          ui->central_error;
      DrawShortened(dl, f.bold, ImVec2(16, y0 + bh * 0.25f), kWhite, FitText(f.bold, text, w - 32),
                    text);
    } else {
      LayoutBox banner("banner", ImVec2(0, y0), ImVec2(w, y0 + bh), kRed);
      DrawText(
          dl, f.bold, ImVec2(16, y0 + bh * 0.25f), kWhite,
          T(l, "Koneksi ke broker terputus - data terakhir ditampilkan, menyambung ulang\u2026",
            "Connection to the broker lost - showing the last data, reconnecting\u2026"));
    }
    y0 += bh;
  }
  switch (ui->view) {
    case View::kLive:
      if (catalog) DrawLive(live, *catalog, f, ui->lang, 0, y0, w, h - y0, now);
      break;
    case View::kCompliance:
      DrawCompliance(ui, f, 0, y0, w, h - y0, targets, connected);
      break;
    case View::kSkm:
      DrawSkm(ui, f, 0, y0, w, h - y0, targets, connected);
      break;
    case View::kTicker:
      DrawTicker(ui, live_ticker, f, 0, y0, w, targets, connected);
      break;
  }
  ImGui::End();
  ImGui::PopFont();
  ImGui::PopStyleVar(5);
  ImGui::PopStyleColor(7);
}

}  // namespace mpp::manager
