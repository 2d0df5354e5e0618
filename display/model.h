// DisplayModel: what the hallway screen shows, computed from the live state,
// the catalog and the time. Pure: the ImGui view only draws it, and tests
// check it without a window.
#pragma once

#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/live_state.h"
#include "display/phrase.h"

namespace mpp::display {

struct CounterPanel {
  int id = 0;
  std::string name;         // "Loket 3"
  std::string agency;       // short agency name
  std::string ticket;       // current number, or empty
  std::string state_text;   // "Melayani", "Memanggil", "Istirahat: Salat", "Tutup", "Siap"
  std::string short_state;  // for a small tile: "Istirahat" without the reason
  enum class Tone { kServing, kCalling, kIdle, kBreak, kClosed } tone = Tone::kClosed;
  bool operator==(const CounterPanel&) const = default;
};

struct CallLine {
  std::string number;
  std::string counter;  // "Loket 3"
  std::string agency;
  bool operator==(const CallLine&) const = default;
};

struct WaitingLine {
  std::string service;  // service name
  std::string prefix;
  int waiting = 0;
  bool operator==(const WaitingLine&) const = default;
};

struct DisplayModel {
  std::string mpp_name;
  std::string zone_name;
  std::string date_text;   // "Senin, 30 November 2026"
  std::string clock_text;  // "09.15" (en "09:15")
  bool connected = false;
  std::string banner;     // non-empty when disconnected: what happened and what to do
  std::string idle_text;  // without a call: "Belum ada panggilan", or every counter closed
  bool has_call = false;
  CallLine now_calling;
  bool highlight = false;         // a fresh call: flash the panel
  std::vector<CallLine> history;  // after the current one, newest first
  std::vector<CounterPanel> counters;
  std::vector<WaitingLine> waiting;
  std::string ticker;
  // Equal models draw the same screen (but for the ticker's place and the
  // flash, which move with time).
  bool operator==(const DisplayModel&) const = default;
};

struct ModelInput {
  const LiveState* state = nullptr;
  const CatalogIndex* catalog = nullptr;
  std::string zone;
  bool connected = false;
  Millis now_ms = 0;             // broker time
  Millis last_call_seen_ms = 0;  // local arrival of the newest call
  Millis local_now_ms = 0;
  int highlight_ms = 6000;
  Lang lang = Lang::kId;
  size_t history_rows = 6;
};

DisplayModel BuildDisplayModel(const ModelInput& in);

}  // namespace mpp::display
