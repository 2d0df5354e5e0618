// KioskModel: everything the ticket kiosk shows and decides, without a window
// or a socket. The ImGui view draws it and turns taps into calls on it; the
// network worker (kiosk/worker.h) carries out the jobs it emits and feeds the
// results back. Tests drive it directly, tap by tap.
//
// Flow: agencies -> services of the agency -> the service's published standard
// -> (optionally) priority reason -> issuing -> the ticket, or a refusal.
// With a booking (docs/PROTOCOL.md section 10): agencies -> "Saya punya janji
// temu" -> the code, typed on the screen's keys or read by a barcode scanner
// (which types it, with Enter, also on the start screen) -> issuing ->
// the booking's ticket, or why not.
//
// Never a second ticket for one tap: an issue job carries a request id that
// is kept until a reply (a ticket or a refusal) arrives. "Coba lagi" after a
// timeout resends the same id, so the broker answers from its stored reply if
// the first attempt got through. If the visitor walks away instead, the
// request is handed to the worker as abandoned: it learns the outcome and
// cancels a ticket nobody took, so no ghost number is ever called.
//
// REQUIRES: one thread (the UI thread).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/i18n.h"
#include "common/status.h"
#include "kiosk/ticket_print.h"
#include "mpp/v1/mpp.pb.h"

namespace mpp::kiosk {

enum class Screen {
  kConnecting,
  kAgencies,
  kServices,
  kStandard,
  kPriority,
  kIssuing,
  kTicket,
  kRefused,
  kCheckIn
};
// "connecting", "agencies", "services", "standard", "priority", "issuing",
// "ticket", "refused", "check-in" (the names scripts wait for).
const char* ScreenName(Screen screen);

// Work for the network worker.
struct Job {
  enum class Kind {
    kIssue,    // send `request` with `request_id`, report the reply to OnIssueResult
    kAbandon,  // nobody waits for this issue any more: resolve it, cancel a ticket
    kPrint,    // print `printed`, report to OnPrintResult and to the broker
  };
  Kind kind = Kind::kIssue;
  std::string request_id;
  v1::Request request;
  int64_t ticket_id = 0;
  PrintedTicket printed;
  std::string file_stem;  // "2026-11-30_A-007_123", for file printers
};

struct AgencyItem {
  std::string code;
  std::string name;
  int services = 0;
  int available = 0;  // services taking tickets now
};

struct ServiceItem {
  std::string code;
  std::string name;
  std::string prefix;
  bool available = false;
  std::string status_text;  // "12 menunggu - sekitar 25 menit" or why not and when
};

struct StandardView {
  std::string code;
  std::string name;
  std::string agency;
  std::string live_text;  // waiting, estimate and open counters, or the refusal
  bool available = false;
  bool priority_allowed = false;
  const v1::PublishedStandard* standard = nullptr;
  std::string wait_target;  // "Target waktu tunggu: 30 menit"
};

struct TicketView {
  std::string number;
  std::string service;
  std::string agency;
  std::string ahead_text;  // "3 orang di depan Anda"
  std::string wait_text;   // "Perkiraan waktu tunggu: sekitar 25 menit"
  std::string where;       // "Silakan tunggu di Zona A - ..."
  std::string priority_text;
  bool appointment = false;  // priority_text says when the booked visit is, not a priority
  std::string issued_text;
  enum class Print { kPrinting, kPrinted, kFailed } print = Print::kPrinting;
  std::string print_error;   // the printer's technical words: the log and status, not the screen
  std::string print_advice;  // for staff, in the screen's language: what to check
  std::string qr_text;       // the QR code, on screen and paper (TicketQrPayload)
  QrModules qr;              // qr_text encoded once, for the screen
  bool qr_is_link = false;   // it opens the ticket's page on a phone
  std::string qr_caption;    // "Pindai untuk memantau antrean Anda di ponsel"
};

// What staff should check after a failed print, in plain words in `lang`
// ("Kertas printer habis: ..."), from the printer's technical message.
std::string PrintAdvice(const std::string& error, Lang lang);

class KioskModel {
 public:
  struct Options {
    std::string kiosk_id = "kiosk-1";
    Lang lang = Lang::kId;
    int64_t idle_ms = 60'000;          // back to the start after this long without a tap
    int64_t ticket_idle_ms = 20'000;   // on the ticket screen (printed: the visitor is done)
    int64_t offline_after_ms = 6'000;  // no snapshot this long: tickets cannot be issued
    std::string public_url;            // --public-url; empty: the catalog's [mpp] public_url
  };
  explicit KioskModel(Options options);

  // ---- inputs from the worker (`local_ms` is the kiosk's steady clock) ----
  void SetCatalog(const v1::Catalog& catalog);
  void OnSnapshot(const v1::Snapshot& snapshot, int64_t local_ms);
  void OnBrokerUnreachable(int64_t local_ms);
  void OnIssueResult(const std::string& request_id, const StatusOr<v1::Envelope>& reply);
  void OnPrintResult(int64_t ticket_id, const Status& status);
  // Goes back to the start screen after the idle timeout.
  void Tick(int64_t local_ms);

  // ---- taps (each counts as activity; a tap that does not fit the screen is ignored) ----
  // The visitor scrolls the standard by dragging it: reading, not idle, so
  // the idle timer starts again.
  void Scrolled() { Touch(); }
  void TapAgency(const std::string& code);
  void TapService(const std::string& code);
  void TapTakeTicket();  // regular queue
  void TapPriority();    // opens the priority reasons
  void TapPriorityReason(v1::PriorityReason reason);
  void TapRetry();    // after a timeout: resend the same request
  void TapReprint();  // after a failed print
  void TapBack();
  void TapHome();
  void TapLanguage();  // switches id <-> en
  // Appointments: the start screen's "Saya punya janji temu"; characters
  // from the screen's keys or a scanner (Enter checks in); one key back.
  void TapAppointment();
  void TypeText(const std::string& text);
  void TapBackspace();
  void TapCheckIn();
  // Taken by the worker: jobs in the order they were made.
  std::vector<Job> TakeJobs();

  // ---- what the screen shows ----
  Screen screen() const { return screen_; }
  Lang lang() const { return lang_; }
  bool connected() const { return connected_; }
  bool has_catalog() const { return catalog_ != nullptr; }
  const std::string& mpp_name() const;
  std::string DateTimeText() const;  // "Senin, 30 November 2026 09:15" (broker clock)
  std::string OfflineText() const;   // empty when connected
  std::vector<AgencyItem> Agencies() const;
  std::string AgencyName() const;  // the chosen agency
  std::vector<ServiceItem> Services() const;
  StandardView Standard() const;
  // kIssuing: true once the broker did not answer in time ("Coba lagi" shown).
  bool issue_failed() const { return issue_failed_; }
  std::string IssueFailedText() const;
  const TicketView& Ticket() const { return ticket_view_; }
  std::string RefusalText() const;
  // kCheckIn: the code as typed so far ("7KQ2-M9XD" once it is one), and why
  // the last try was not sent (empty: none).
  std::string CheckInCode() const;
  // Some service takes appointments: the start screen offers the check-in.
  bool TakesAppointments() const { return takes_appointments_; }
  const std::string& check_in_error() const { return check_in_error_; }
  // The service and reason of the pending or last issue (for tests).
  const std::optional<Job>& pending_issue() const { return pending_; }

 private:
  struct Live {
    v1::ErrorCode availability = v1::OK;
    Millis next_open_ms = 0;
    std::string reason;
    int waiting = 0;
    Millis estimated_wait_ms = 0;
    int open_counters = 0;
    bool past_closing = false;  // a ticket taken now is unlikely to be called today
  };
  void Touch() { last_input_ms_ = last_local_ms_; }
  void GoHome();
  void Issue(v1::PriorityReason reason);
  Live LiveFor(const std::string& service) const;
  Millis BrokerNow() const { return last_local_ms_ + broker_offset_ms_; }
  std::string AvailabilityText(const Live& live) const;
  std::string WhereToWait(const std::string& service) const;
  std::string ServiceName(const v1::Service& s) const;
  std::string AgencyNameOf(const std::string& code) const;
  void BuildTicketView(const v1::Ticket& t, int ahead, Millis estimate);
  // Adds "Kemungkinan tidak terlayani hari ini." as a sentence of its own
  // (a wait past closing time).
  void AddPastClosing(std::string* text) const;
  Job PrintJob() const;

  Options options_;
  Lang lang_;
  std::unique_ptr<CatalogIndex> catalog_;
  Screen screen_ = Screen::kConnecting;
  std::string agency_;   // chosen agency code
  std::string service_;  // chosen service code
  std::map<std::string, Live> live_;
  bool connected_ = false;
  int64_t last_snapshot_local_ms_ = -1;
  int64_t broker_offset_ms_ = 0;
  int64_t last_local_ms_ = 0;
  int64_t last_input_ms_ = 0;
  std::optional<Job> pending_;  // the issue waiting for its reply
  bool issue_failed_ = false;
  v1::Ticket ticket_;  // the last ticket issued here
  int ticket_ahead_ = 0;
  Millis ticket_estimate_ms_ = 0;
  bool ticket_past_closing_ = false;
  TicketView ticket_view_;
  v1::Error refusal_;
  std::string typed_;                // kCheckIn: what was typed or scanned
  std::string check_in_error_;       // kCheckIn: why it was not sent
  bool checking_in_ = false;         // the pending or last request is a check-in
  bool takes_appointments_ = false;  // of the catalog in force (SetCatalog)
  std::vector<Job> jobs_;
};

// The QR code's text. With a public URL (the kiosk's --public-url, else the
// catalog's [mpp] public_url) and a ticket token: PUBLIC_URL/t/TOKEN, the
// ticket's live page on the visitor's phone (mpp-web). Otherwise
// "MPP1/T/<business day>/<number>/<ticket id>": the id is what staff scan;
// day and number let a person read it without the database.
std::string TicketQrPayload(const v1::Ticket& ticket, const std::string& public_url = "");

}  // namespace mpp::kiosk
