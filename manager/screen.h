// The manager's dashboard drawn with Dear ImGui: four views behind tab
// buttons - live (queues, counters, alerts), compliance (sortable table, bars
// of % within the waiting target, hour-by-weekday heat map, CSV export), SKM
// (index, grade, the nine elements, one-tap ratings) and the displays'
// running text. Every button is a tap target for --script. On the central
// database (UiState::central): compliance and SKM of a region chosen in a
// list of provinces, cities and halls, with the region's monthly trend.
#pragma once

#include <imgui.h>

#include <optional>
#include <string>

#include "common/gui_script.h"
#include "manager/model.h"
#include "manager/session.h"

namespace mpp::manager {

struct Fonts {
  ImFont* body = nullptr;
  ImFont* bold = nullptr;
  ImFont* large = nullptr;
  ImFont* huge = nullptr;
  ImFont* small = nullptr;  // table headers
};
bool LoadFonts(float height, Fonts* fonts);

// `catalog`: the broker's (null on the central database, where there is no
// live view).
void DrawManager(UiState* ui, const LiveView& live, const CatalogIndex* catalog,
                 const std::string& live_ticker, bool connected, Millis now, const Fonts& fonts,
                 float width, float height, TapTargets* targets);

}  // namespace mpp::manager
