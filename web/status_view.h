// What the visitor's phone shows, as plain data: the ticket page (/t/TOKEN)
// and the public board (/), built from the broker's answers and the live
// state, with no I/O. The HTML and the Server-Sent Events payload are made
// from the same view (web/pages.h), so a page with and without JavaScript
// says the same thing.
#pragma once

#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/i18n.h"
#include "common/live_state.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::web {

// Where the ticket stands, as the page's colour and the phone's alert know it.
enum class TicketPhase {
  kUnknown,   // no ticket of today has this token
  kOtherDay,  // the token names another business day
  kWaiting,
  kAlmost,  // waiting with at most the service's almost_turn_ahead ahead
  kCalled,  // go to the counter now
  kServing,
  kHeld,  // the counter put it aside (a missing document)
  kDone,
  kNoShow,
  kCancelled,
  kExpired,
};
const char* PhaseName(TicketPhase phase);  // "waiting", "called", ...

struct NowCalling {
  std::string counter;  // "Loket 3"
  std::string number;   // "A-004"
};

struct TicketView {
  TicketPhase phase = TicketPhase::kUnknown;
  std::string number;   // "A-004"
  std::string service;  // in the page's language
  std::string agency;
  std::string headline;  // "Nomor Anda dipanggil!"
  std::string detail;    // "Silakan menuju Loket 3 (Zona A)."
  std::string ahead_text;
  std::string wait_text;
  std::vector<NowCalling> now_calling;  // the counters that serve its service
  // Changes each time the phone should ring again: the call, each recall.
  std::string alert_key;
};

struct TicketInput {
  const v1::TicketStatus* status = nullptr;  // the broker's answer (null: unknown)
  const LiveState* live = nullptr;           // may be null before the first sync
  const CatalogIndex* catalog = nullptr;
  Lang lang = Lang::kId;
};

// The ticket's page. The live state, newer than the broker's last answer for
// a few hundred milliseconds after a call, decides the phase of an open
// ticket; the broker's answer gives the people ahead and the wait.
TicketView BuildTicketView(const TicketInput& in);

// One service on the public board.
struct BoardService {
  std::string code;
  std::string name;
  int waiting = 0;
  bool available = false;    // tickets can be taken now
  std::string availability;  // QueueText: "3 menunggu, sekitar 15 menit", "Kuota hari ini habis..."
};

struct BoardAgency {
  std::string name;
  std::vector<BoardService> services;
};

struct BoardView {
  std::string mpp_name;
  std::string date_text;  // "Senin, 30 November 2026"
  std::vector<BoardAgency> agencies;
};

// The board from the last snapshot's queues (the facts the kiosk shows).
BoardView BuildBoardView(const v1::Snapshot& snapshot, const CatalogIndex& catalog, Lang lang);

}  // namespace mpp::web
