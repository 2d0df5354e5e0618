// The manager's dashboard drawn with Dear ImGui: four views behind tab
// buttons - live (queues, counters, alerts), compliance (sortable table, bars
// of % within the waiting target, hour-by-weekday heat map, CSV export), SKM
// (index, grade, the nine elements, one-tap ratings) and the displays'
// running text. Every button is a tap target for --script.
#pragma once

#include <imgui.h>

#include <optional>
#include <string>

#include "common/gui_script.h"
#include "manager/model.h"

namespace mpp::manager {

enum class View { kLive, kCompliance, kSkm, kTicker };
bool ParseView(const std::string& text, View* view);

struct Fonts {
  ImFont* body = nullptr;
  ImFont* bold = nullptr;
  ImFont* large = nullptr;
  ImFont* huge = nullptr;
  ImFont* small = nullptr;  // table headers
};
bool LoadFonts(float height, Fonts* fonts);

// What the window shows and what the user asked for. The program (main.cc)
// sends the requests the screen raises (want_*) and puts replies back.
struct UiState {
  Lang lang = Lang::kId;
  View view = View::kLive;
  std::string today;  // the broker's business day
  Range range = Range::kLast30;
  std::string from, to;  // the chosen range (set from `range` or --from/--to)
  std::string by = "service";
  std::optional<v1::ComplianceReport> report;  // grouped `by`
  std::optional<v1::ComplianceReport> heat;    // grouped by weekday-hour
  bool loading = false;
  std::string report_error;
  Column sort = Column::kGroup;
  bool ascending = true;
  char ticker[512] = "";
  bool ticker_loaded = false;  // the field was filled from the live text
  bool ticker_saving = false;
  std::string ticker_status;
  std::string export_status;
  // Raised by the screen, cleared by the program when it acts.
  bool want_report = false;
  bool want_export = false;
  std::optional<std::string> want_ticker;  // "" = back to the catalog's text
};

void DrawManager(UiState* ui, const LiveView& live, const CatalogIndex& catalog,
                 const std::string& live_ticker, bool connected, Millis now, const Fonts& fonts,
                 float width, float height, TapTargets* targets);

}  // namespace mpp::manager
