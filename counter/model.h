// CounterModel: the counter workstation (petugas loket) without a window or
// socket. The ImGui view draws it and turns keys and clicks into calls on it;
// a RequestWorker sends its jobs to the broker and feeds replies back.
//
// Every action is one press (button or F-key); destructive ones (no-show,
// close, sign out) ask once. Only one action is in flight at a time, and a
// press after a lost reply resends the same request id, so a double press or
// a retry never calls two tickets (the broker also refuses a call while the
// counter still has a ticket).
//
// REQUIRES: one thread (the UI thread).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/catalog.h"
#include "common/i18n.h"
#include "common/live_state.h"
#include "common/status.h"

namespace mpp::counter {

// Colour of a running time against its standard: green under 75 %, amber
// under 100 %, red from 100 %.
enum class Tone { kGreen, kAmber, kRed };
Tone ToneFor(Millis elapsed_ms, int standard_min);
// "04:05" (minutes:seconds), "1:02:03" past an hour.
std::string Clock(Millis ms);

enum class Action {
  kCallNext,  // F1
  kRecall,    // F2
  kStart,     // F3
  kFinish,    // F4
  kNoShow,    // F5 (asks)
  kTransfer,  // F6 (choose a service)
  kHold,      // F7
  kBreak,     // F8 (choose a reason) / resume when on a break
  kClose,     // F9 (asks)
  kSignOut,   // F10 (asks)
};
inline constexpr int kActionCount = 10;

struct ActionView {
  Action action;
  std::string key;    // "F1"
  std::string id;     // script target: "call", "recall", ...
  std::string label;  // "Panggil Berikutnya"
  bool enabled = false;
};

struct CurrentView {
  bool has_ticket = false;
  int64_t id = 0;
  std::string number;
  std::string service;
  std::string priority;     // "Prioritas: Lansia", "Janji temu pukul 10.00" or empty
  std::string state_text;   // "Dipanggil (2x panggil ulang)" / "Sedang dilayani"
  std::string waited_text;  // "Menunggu 12:30 (target 30 menit)"
  Tone wait_tone = Tone::kGreen;
  std::string timer_label;  // "Waktu layanan" / "Sejak dipanggil"
  std::string timer;        // "07:12"
  std::string standard;     // "Standar 10 menit"
  Tone timer_tone = Tone::kGreen;
  float timer_fraction = 0;  // elapsed / standard, for a bar
  // Without a ticket: what the operator can do now ("Tekan F1 ...", or how to
  // end a break, or that nobody waits).
  std::string idle_hint;
};

struct WaitingRow {
  int64_t id = 0;
  std::string number;
  std::string service;
  bool priority = false;
  std::string appointment;  // "JANJI 10.00": checked in on time for that slot
  bool held = false;        // held by this counter: can be returned
  std::string waited;       // "12:30"
  Tone tone = Tone::kGreen;
};

struct Job {
  std::string request_id;
  v1::Request request;
};

class CounterModel {
 public:
  struct Options {
    int counter_id = 1;
    Lang lang = Lang::kId;
  };
  explicit CounterModel(Options options);

  // ---- inputs ----
  void SetCatalog(const v1::Catalog& catalog);
  // The live state of this frame; `broker_now` on the broker's clock.
  void SetLive(LiveState state, bool connected, Millis broker_now);
  void OnResult(const std::string& request_id, const StatusOr<v1::Envelope>& reply);

  // ---- operator input ----
  void SubmitSignIn(const std::string& operator_id, const std::string& pin);
  void Press(Action action);
  void Confirm();      // the question asked by a destructive action: yes
  void CloseDialog();  // no / cancel
  void ChooseTransfer(const std::string& service);
  void ChooseBreak(const std::string& reason);
  void ReturnHeld(int64_t ticket_id);
  // A waiting ticket chosen from the list: called at once when it is the
  // next in line anyway, else the reason dialog opens (kCallAhead).
  void ChooseWaiting(int64_t ticket_id);
  // The reason for calling the chosen ticket ahead of its turn (recorded on
  // the ticket and counted in the reports).
  void ChooseCallAheadReason(v1::OutOfOrderReason reason);
  std::vector<Job> TakeJobs();

  // ---- view ----
  enum class Dialog { kNone, kConfirm, kTransfer, kBreak, kCallAhead };
  bool has_catalog() const { return catalog_ != nullptr; }
  // The catalog has this workstation's counter (false: a wrong --counter).
  bool counter_known() const {
    return catalog_ && catalog_->FindCounter(options_.counter_id) != nullptr;
  }
  bool connected() const { return connected_; }
  // The broker refused this workstation's key (CloneClient::View::key_refused):
  // the connecting screen and the banner say so instead of "reconnecting".
  void SetKeyRefused(bool refused) { key_refused_ = refused; }
  bool key_refused() const { return key_refused_; }
  // Shown before the catalog arrived.
  std::string ConnectingText() const;
  bool signed_in() const;
  bool busy() const { return pending_.has_value() && !pending_failed_; }
  Lang lang() const { return options_.lang; }
  void ToggleLanguage();
  int counter_id() const { return options_.counter_id; }
  std::string CounterName() const;
  std::string OperatorText() const;  // "Petugas: ani" / status when on break
  std::string Banner() const;        // offline notice, empty when connected
  Dialog dialog() const { return dialog_; }
  std::string ConfirmText() const;
  const std::string& message() const { return message_; }
  bool message_is_error() const { return message_error_; }
  std::vector<ActionView> Actions() const;
  CurrentView Current() const;
  std::vector<WaitingRow> Waiting() const;
  // Waiting per service this counter serves, in catalog order.
  std::vector<std::pair<std::string, int>> Counts() const;
  // Services to transfer to whose name or code contains `filter` (case-insensitive).
  std::vector<std::pair<std::string, std::string>> TransferTargets(const std::string& filter) const;
  static std::vector<std::string> BreakReasons(Lang lang);
  // Whether a waiting ticket can be called now (as F1 can).
  bool CanCall() const { return Enabled(Action::kCallNext); }
  // The question of the kCallAhead dialog ("Panggil A-012 lebih dulu? ...").
  std::string CallAheadText() const;
  static std::vector<std::pair<v1::OutOfOrderReason, std::string>> OutOfOrderReasons(Lang lang);

 private:
  const v1::Counter* MyCounter() const;
  const v1::Ticket* MyTicket() const;
  bool Enabled(Action a) const;
  void Send(v1::Request request);
  std::string ServiceName(const std::string& code) const;
  std::string T2(const char* id, const char* en) const { return T(options_.lang, id, en); }
  // For a pending sign-in the broker could not answer: resend it later and
  // say so. False when it is not a sign-in or the tries are used up.
  bool ResendSignInLater(const std::string& why_id, const std::string& why_en);

  Options options_;
  std::unique_ptr<CatalogIndex> catalog_;
  LiveState state_;
  bool connected_ = false;
  bool key_refused_ = false;
  Millis now_ = 0;
  Dialog dialog_ = Dialog::kNone;
  Action confirming_ = Action::kNoShow;
  int64_t call_ahead_id_ = 0;  // kCallAhead: the ticket chosen
  std::string call_ahead_number_;
  std::optional<Job> pending_;  // in flight, or failed without a reply (resent on the next press)
  bool pending_failed_ = false;
  // A sign-in the broker had no time for (UNAVAILABLE) is resent by itself,
  // the same request, after 1, 2, 4, 8, 8... s, at most kSignInTries times.
  static constexpr int kSignInTries = 8;
  int sign_in_tries_ = 0;
  Millis resend_at_ = 0;  // broker time; 0: nothing to resend
  std::string message_;
  bool message_error_ = false;
  std::vector<Job> jobs_;
};

}  // namespace mpp::counter
