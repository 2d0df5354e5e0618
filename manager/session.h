// The dashboard between frames: what it shows and what the user asked for
// (UiState), and its requests to the broker as jobs and results
// (ManagerRequests) - like the kiosk's and the counter's models, with no
// socket and no window, so the flow is unit-tested (manager/session_test.cc).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "central/overview.h"
#include "common/live_state.h"
#include "common/request_worker.h"
#include "manager/model.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::manager {

enum class View { kLive, kCompliance, kSkm, kTicker };
bool ParseView(const std::string& text, View* view);

// What the window shows and what the user asked for. The screen raises the
// want_* flags; ManagerRequests turns them into jobs and puts replies back.
struct UiState {
  Lang lang = Lang::kId;
  View view = View::kLive;
  // On the central database of many halls (--central): the compliance and
  // SKM views of a region, with no live view or running text. `today` is then
  // the last day any hall has shipped.
  bool central = false;
  std::string today;  // the broker's business day
  Range range = Range::kLast30;
  std::string from, to;  // the chosen range (set from `range` or --from/--to)
  std::string by = "service";
  std::optional<v1::ComplianceReport> report;  // grouped `by`
  std::optional<v1::ComplianceReport> heat;    // grouped by weekday-hour
  // Central: the halls and days the database holds, whether it answers (and
  // why not), the region chosen (empty: all), and the region's trend: twelve
  // months by month, ending with the chosen range's last month.
  central::Overview overview;
  bool has_overview = false;
  uint64_t overview_version = 0;  // +1 each time it is read
  bool central_connected = false;
  std::string central_error;
  std::string province, city, mpp;
  std::optional<v1::ComplianceReport> trend;
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

  // Made from the above before each frame (PrepareView), so that drawing only
  // reads: the rows in the table's order, lowest % within the waiting target
  // first (the bars), by SKM score (the SKM table), the heat map, and each
  // range button's dates.
  struct Prepared {
    uint64_t report_version = 0, heat_version = 0, trend_version = 0;  // made from
    Column sort = Column::kGroup;
    bool ascending = true;
    std::vector<const v1::ReportRow*> table, by_wait_within, by_skm;
    std::optional<HeatMap> heat;
    std::vector<const v1::ReportRow*> trend;  // by month
    // Central: the provinces and the chosen province's cities, with their
    // number of halls, in name order (the region list).
    uint64_t overview_version = 0;
    std::string province;
    std::vector<std::pair<std::string, int>> provinces, cities;
    std::string today;
    std::array<std::pair<std::string, std::string>, kRanges> range_dates;  // by Range
  } prepared;
  uint64_t report_version = 0, heat_version = 0, trend_version = 0;  // +1 per report
};

// The region the central view shows: a province, one of its cities, one of
// its halls, or all (empty strings). Choosing a narrower region than the
// grouping shows (Banten while grouped by province) drills down: grouped by
// city within a province, by hall within a city. Asks for the report again.
void ChooseRegion(UiState* ui, const std::string& province, const std::string& city,
                  const std::string& mpp);
// What the chosen region is called ("Seluruh Indonesia", "Banten", ...).
std::string RegionName(const UiState& ui);

// Brings `ui->prepared` up to date (cheap when nothing changed).
void PrepareView(UiState* ui);

class ManagerRequests {
 public:
  // Which thread a job goes to: a year's report takes a second or two and
  // must not hold up a command.
  enum class Queue { kReports, kCommands };
  struct Job {
    Queue queue = Queue::kReports;
    std::string request_id;
    v1::Request request;
    std::string province, city, mpp;  // central: the region
  };

  // `from`, `to`: the range asked for on the command line (empty: the
  // view's default); `export_dir`: where exports are written.
  ManagerRequests(std::string from, std::string to, std::string export_dir);

  // Each frame, with the live state: on first sight of the broker's day the
  // range is set and the first report asked for; the running text's field is
  // filled once.
  void OnLive(const LiveState& state, bool connected, UiState* ui);
  // Central: what the database holds (or why it cannot be read). On the first
  // overview with a shipped day the range is set and the first report asked for.
  void OnOverview(const central::Overview& overview, UiState* ui);
  void OnCentralState(bool connected, const std::string& error, UiState* ui);
  // The jobs for what the screen asked for (an export is written at once).
  std::vector<Job> TakeJobs(UiState* ui);
  // A reply (or a failure) from either thread.
  void OnResult(const RequestWorker::Result& result, UiState* ui);

  // What a --script may wait for: connected, offline, report, exported,
  // ticker-saved; central: unreachable (a connection attempt failed).
  bool Holds(const std::string& what, const UiState& ui, bool connected, bool has_catalog) const;

 private:
  std::string from_, to_, export_dir_;
  std::string report_id_, heat_id_, ticker_id_;
  bool exported_ = false, ticker_saved_ = false;
};

}  // namespace mpp::manager
