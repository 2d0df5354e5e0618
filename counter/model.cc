#include "counter/model.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <tuple>

#include "common/client.h"
#include "common/ticket_rules.h"
#include "common/wire.h"

namespace mpp::counter {

Tone ToneFor(Millis elapsed, int standard_min) {
  if (standard_min <= 0) return Tone::kGreen;
  const Millis std_ms = static_cast<Millis>(standard_min) * 60'000;
  if (elapsed * 4 < std_ms * 3) return Tone::kGreen;
  if (elapsed < std_ms) return Tone::kAmber;
  return Tone::kRed;
}

std::string Clock(Millis ms) {
  if (ms < 0) ms = 0;
  const int64_t s = ms / 1000;
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

namespace {

// The broker refused this workstation's key in the handshake (BrokerClient's
// PERMISSION_DENIED): retrying will not help, the admin must register it.
constexpr const char* kKeyRefusedId =
    "Server antrean menolak kunci perangkat ini (belum terdaftar atau sudah dicabut). "
    "Hubungi admin MPP untuk mendaftarkannya: mppctl device add.";
constexpr const char* kKeyRefusedEn =
    "The queue server refused this workstation's key (not registered, or revoked). Ask the "
    "MPP's admin to register it: mppctl device add.";

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

CounterModel::CounterModel(Options options) : options_(options) {}

void CounterModel::SetCatalog(const v1::Catalog& catalog) {
  catalog_ = std::make_unique<CatalogIndex>(catalog);
}

void CounterModel::SetLive(LiveState state, bool connected, Millis broker_now) {
  state_ = std::move(state);
  connected_ = connected;
  now_ = broker_now;
  if (resend_at_ != 0 && pending_ && now_ >= resend_at_) {
    resend_at_ = 0;
    jobs_.push_back(*pending_);  // the same request id: never checked or applied twice
  }
  if (!signed_in() && dialog_ != Dialog::kNone) dialog_ = Dialog::kNone;
}

const v1::Counter* CounterModel::MyCounter() const {
  auto it = state_.counters().find(options_.counter_id);
  return it == state_.counters().end() ? nullptr : &it->second;
}

const v1::Ticket* CounterModel::MyTicket() const {
  const v1::Counter* c = MyCounter();
  if (!c || c->current_ticket() == 0) return nullptr;
  auto it = state_.tickets().find(c->current_ticket());
  return it == state_.tickets().end() ? nullptr : &it->second;
}

bool CounterModel::signed_in() const {
  const v1::Counter* c = MyCounter();
  return c && !c->operator_id().empty();
}

void CounterModel::ToggleLanguage() {
  options_.lang = options_.lang == Lang::kId ? Lang::kEn : Lang::kId;
}

// --------------------------------------------------------------- actions --

void CounterModel::Send(v1::Request request) {
  Job job;
  job.request = std::move(request);
  if (pending_ && pending_failed_ &&
      pending_->request.SerializeAsString() == job.request.SerializeAsString()) {
    job.request_id = pending_->request_id;  // the same press again: the same request
  } else {
    job.request_id = NewRequestId();
  }
  pending_ = job;
  pending_failed_ = false;
  message_.clear();
  jobs_.push_back(std::move(job));
}

void CounterModel::SubmitSignIn(const std::string& operator_id, const std::string& pin) {
  if (busy() || signed_in()) return;
  if (operator_id.empty() || pin.empty()) {
    message_ = T2("Isi ID petugas dan PIN.", "Enter your operator id and PIN.");
    message_error_ = true;
    return;
  }
  v1::Request r;
  r.mutable_sign_in()->set_counter_id(options_.counter_id);
  r.mutable_sign_in()->set_operator_id(operator_id);
  r.mutable_sign_in()->set_pin(pin);
  Send(std::move(r));
  sign_in_tries_ = 1;
  message_ = T2("Memeriksa PIN\u2026", "Checking the PIN\u2026");
  message_error_ = false;
}

bool CounterModel::ResendSignInLater(const std::string& why_id, const std::string& why_en) {
  if (!pending_ || !pending_->request.has_sign_in() || sign_in_tries_ >= kSignInTries) {
    return false;
  }
  // 1, 2, 4, 8, 8... s: an opening-time crowd at the PIN check thins out.
  const Millis delay = 1000LL << std::min(sign_in_tries_ - 1, 3);
  ++sign_in_tries_;
  resend_at_ = now_ + delay;
  pending_failed_ = false;  // still busy: the form stays locked
  message_ = T2("Memeriksa PIN\u2026 ", "Checking the PIN\u2026 ") +
             (options_.lang == Lang::kId ? why_id : why_en);
  message_error_ = false;
  return true;
}

bool CounterModel::Enabled(Action a) const {
  if (!connected_ || busy() || !signed_in() || !catalog_) return false;
  const v1::Counter* c = MyCounter();
  const v1::Ticket* t = MyTicket();
  const bool open = c->status() == v1::OPEN;
  const bool called = t && t->state() == v1::CALLED;
  const bool serving = t && t->state() == v1::SERVING;
  switch (a) {
    case Action::kCallNext:
      return open && !t;
    case Action::kRecall:
    case Action::kStart:
    case Action::kNoShow:
      return called;
    case Action::kFinish:
      return serving;
    case Action::kTransfer:
    case Action::kHold:
      return serving || called;
    case Action::kBreak:
      return !t && (open || c->status() == v1::ON_BREAK);
    case Action::kClose:
      return !t && c->status() != v1::CLOSED;
    case Action::kSignOut:
      return !t;
  }
  return false;
}

void CounterModel::Press(Action a) {
  if (!Enabled(a) || dialog_ != Dialog::kNone) return;
  const int id = options_.counter_id;
  v1::Request r;
  switch (a) {
    case Action::kCallNext:
      r.mutable_call_next()->set_counter_id(id);
      break;
    case Action::kRecall:
      r.mutable_recall()->set_counter_id(id);
      break;
    case Action::kStart:
      r.mutable_start()->set_counter_id(id);
      break;
    case Action::kFinish:
      r.mutable_finish()->set_counter_id(id);
      break;
    case Action::kHold:
      r.mutable_hold()->set_counter_id(id);
      break;
    case Action::kTransfer:
      dialog_ = Dialog::kTransfer;
      return;
    case Action::kBreak:
      if (MyCounter()->status() == v1::ON_BREAK) {
        r.mutable_open()->set_counter_id(id);  // resume
        break;
      }
      dialog_ = Dialog::kBreak;
      return;
    case Action::kNoShow:
    case Action::kClose:
    case Action::kSignOut:
      confirming_ = a;
      dialog_ = Dialog::kConfirm;
      return;
  }
  Send(std::move(r));
}

void CounterModel::Confirm() {
  if (dialog_ != Dialog::kConfirm) return;
  dialog_ = Dialog::kNone;
  if (!Enabled(confirming_)) return;  // the state changed meanwhile
  v1::Request r;
  const int id = options_.counter_id;
  switch (confirming_) {
    case Action::kNoShow:
      r.mutable_no_show()->set_counter_id(id);
      break;
    case Action::kClose:
      r.mutable_close()->set_counter_id(id);
      break;
    case Action::kSignOut:
      r.mutable_sign_out()->set_counter_id(id);
      break;
    default:
      return;
  }
  Send(std::move(r));
}

void CounterModel::CloseDialog() { dialog_ = Dialog::kNone; }

void CounterModel::ChooseTransfer(const std::string& service) {
  if (dialog_ != Dialog::kTransfer) return;
  dialog_ = Dialog::kNone;
  if (!Enabled(Action::kTransfer) || !catalog_->FindService(service)) return;
  v1::Request r;
  r.mutable_transfer()->set_counter_id(options_.counter_id);
  r.mutable_transfer()->set_service(service);
  Send(std::move(r));
}

void CounterModel::ChooseBreak(const std::string& reason) {
  if (dialog_ != Dialog::kBreak) return;
  dialog_ = Dialog::kNone;
  if (!Enabled(Action::kBreak)) return;
  v1::Request r;
  r.mutable_pause()->set_counter_id(options_.counter_id);
  r.mutable_pause()->set_reason(reason);
  Send(std::move(r));
}

void CounterModel::ReturnHeld(int64_t ticket_id) {
  if (!connected_ || busy() || !signed_in()) return;
  v1::Request r;
  r.mutable_unhold()->mutable_ticket()->set_id(ticket_id);
  Send(std::move(r));
}

void CounterModel::ChooseWaiting(int64_t ticket_id) {
  if (!CanCall()) return;
  const std::vector<WaitingRow> rows = Waiting();
  auto it = std::find_if(rows.begin(), rows.end(),
                         [&](const WaitingRow& r) { return r.id == ticket_id && !r.held; });
  if (it == rows.end()) return;
  // The list is in call order (priority first, then arrival); held tickets
  // come last. The broker has the last word: it refuses a call without a
  // reason for any ticket that is not next.
  const auto first =
      std::find_if(rows.begin(), rows.end(), [](const WaitingRow& r) { return !r.held; });
  if (first == it) {
    v1::Request r;
    r.mutable_call_ticket()->set_counter_id(options_.counter_id);
    r.mutable_call_ticket()->mutable_ticket()->set_id(ticket_id);
    r.mutable_call_ticket()->set_reason(v1::IN_ORDER);
    Send(std::move(r));
    return;
  }
  call_ahead_id_ = ticket_id;
  call_ahead_number_ = it->number;
  dialog_ = Dialog::kCallAhead;
}

void CounterModel::ChooseCallAheadReason(v1::OutOfOrderReason reason) {
  if (dialog_ != Dialog::kCallAhead) return;
  dialog_ = Dialog::kNone;
  if (!CanCall() || reason == v1::IN_ORDER) return;
  v1::Request r;
  r.mutable_call_ticket()->set_counter_id(options_.counter_id);
  r.mutable_call_ticket()->mutable_ticket()->set_id(call_ahead_id_);
  r.mutable_call_ticket()->set_reason(reason);
  Send(std::move(r));
}

std::string CounterModel::CallAheadText() const {
  return options_.lang == Lang::kId
             ? "Panggil " + call_ahead_number_ +
                   " sebelum gilirannya? Pilih alasannya (dicatat dalam laporan):"
             : "Call " + call_ahead_number_ +
                   " ahead of its turn? Choose why (it is recorded in the reports):";
}

std::vector<std::pair<v1::OutOfOrderReason, std::string>> CounterModel::OutOfOrderReasons(
    Lang lang) {
  if (lang == Lang::kEn) {
    return {{v1::RETURNED_WITH_DOCUMENT, "Came back with a missing document"},
            {v1::PRIORITY_NOTICED_LATE, "Elderly, disabled or pregnant, noticed late"},
            {v1::WRONG_QUEUE_FIXED, "Sent to the wrong queue by staff"},
            {v1::OTHER_REASON, "Another reason"}};
  }
  return {{v1::RETURNED_WITH_DOCUMENT, "Kembali membawa berkas yang kurang"},
          {v1::PRIORITY_NOTICED_LATE, "Lansia, disabilitas atau ibu hamil yang terlambat dikenali"},
          {v1::WRONG_QUEUE_FIXED, "Salah diarahkan ke antrean lain oleh petugas"},
          {v1::OTHER_REASON, "Alasan lain"}};
}

std::vector<Job> CounterModel::TakeJobs() { return std::exchange(jobs_, {}); }

void CounterModel::OnResult(const std::string& request_id, const StatusOr<v1::Envelope>& reply) {
  if (!pending_ || pending_->request_id != request_id) return;
  if (!reply.ok() && !IsKeyRefused(reply.status()) &&
      ResendSignInLater("server belum menjawab, mencoba lagi.",
                        "the server has not answered yet; trying again.")) {
    return;
  }
  if (reply.ok() && reply->reply().error().code() == v1::UNAVAILABLE &&
      ResendSignInLater("server sibuk, mencoba lagi.", "the server is busy; trying again.")) {
    return;
  }
  sign_in_tries_ = 0;
  if (!reply.ok()) {
    pending_failed_ = true;  // a press of the same action resends this request id
    if (IsKeyRefused(reply.status())) {
      // The broker refused this workstation's key: pressing again will not help.
      message_ = T2(kKeyRefusedId, kKeyRefusedEn);
    } else {
      message_ =
          T2("Server antrean tidak menjawab. Tekan lagi untuk mengulang: tidak akan ada "
             "panggilan ganda.",
             "The queue server did not answer. Press again to retry: nothing is done twice.");
    }
    message_error_ = true;
    return;
  }
  pending_.reset();
  pending_failed_ = false;
  const v1::Reply& r = reply->reply();
  if (r.error().code() != v1::OK) {
    message_ = options_.lang == Lang::kId ? r.error().message_id() : r.error().message_en();
    message_error_ = true;
    return;
  }
  message_error_ = false;
  message_.clear();
  if (r.has_ticket()) {
    const v1::Ticket& t = r.ticket();
    switch (t.state()) {
      case v1::CALLED:
        message_ = T2("Memanggil ", "Calling ") + t.number();
        break;
      case v1::DONE:
        message_ = t.number() + T2(" selesai.", " done.");
        break;
      case v1::NO_SHOW:
        message_ = t.number() + T2(" tidak hadir.", " marked no-show.");
        break;
      case v1::HELD:
        message_ = t.number() + T2(" ditunda.", " held.");
        break;
      case v1::WAITING:
        message_ =
            t.number() + (t.transfers() > 0 && !t.transferred_from().empty()
                              ? T2(" dialihkan ke ", " transferred to ") + ServiceName(t.service())
                              : T2(" kembali ke antrean.", " back in the queue."));
        break;
      default:
        break;
    }
  }
}

// ------------------------------------------------------------------ view --

std::string CounterModel::ServiceName(const std::string& code) const {
  const v1::Service* s = catalog_ ? catalog_->FindService(code) : nullptr;
  if (!s) return code;
  return NameIn(*s, options_.lang);
}

std::string CounterModel::CounterName() const {
  const v1::CounterDef* d = catalog_ ? catalog_->FindCounter(options_.counter_id) : nullptr;
  return d ? d->name() : "Loket " + std::to_string(options_.counter_id);
}

std::string CounterModel::OperatorText() const {
  const v1::Counter* c = MyCounter();
  if (!c || c->operator_id().empty()) return T2("Belum ada petugas", "Nobody signed in");
  std::string status;
  switch (c->status()) {
    case v1::OPEN:
      status = T2("Buka", "Open");
      break;
    case v1::ON_BREAK:
      status = T2("Istirahat", "On a break") +
               (c->break_reason().empty() ? "" : ": " + c->break_reason());
      break;
    default:
      status = T2("Tutup", "Closed");
      break;
  }
  return T2("Petugas ", "Operator ") + c->operator_id() + "  -  " + status;
}

std::string CounterModel::ConnectingText() const {
  if (key_refused_) return T2(kKeyRefusedId, kKeyRefusedEn);
  return T2("Menghubungkan ke server antrean\u2026", "Connecting to the queue server\u2026");
}

std::string CounterModel::Banner() const {
  if (connected_) return "";
  if (key_refused_) {
    // One line; the screen below (or the message) says what to do.
    return T2("Server antrean menolak kunci perangkat ini. Hubungi admin MPP.",
              "The queue server refused this workstation's key. Ask the MPP's admin.");
  }
  return T2(
      "Koneksi ke server antrean terputus. Tombol dinonaktifkan; menyambung ulang "
      "otomatis\u2026",
      "Connection to the queue server lost. Actions are disabled; reconnecting by "
      "itself\u2026");
}

std::string CounterModel::ConfirmText() const {
  const v1::Ticket* t = MyTicket();
  switch (confirming_) {
    case Action::kNoShow:
      return T2("Tandai ", "Mark ") + (t ? t->number() : std::string("?")) +
             T2(" tidak hadir? Nomor ini tidak akan dipanggil lagi.",
                " as a no-show? It will not be called again.");
    case Action::kClose:
      return T2("Tutup ", "Close ") + CounterName() +
             T2("? Antrean tetap menunggu loket lain.", "? Its queue waits for other counters.");
    case Action::kSignOut:
      return T2("Keluar dari ", "Sign out of ") + CounterName() +
             T2("? Loket akan tutup.", "? The counter closes.");
    default:
      return "";
  }
}

std::vector<ActionView> CounterModel::Actions() const {
  const bool on_break = MyCounter() && MyCounter()->status() == v1::ON_BREAK;
  struct Def {
    Action a;
    const char* id;
    const char* label_id;
    const char* label_en;
  };
  static const Def kDefs[] = {
      {Action::kCallNext, "call", "Panggil Berikutnya", "Call Next"},
      {Action::kRecall, "recall", "Panggil Ulang", "Recall"},
      {Action::kStart, "start", "Mulai Layani", "Start Serving"},
      {Action::kFinish, "finish", "Selesai", "Finish"},
      {Action::kNoShow, "noshow", "Tidak Hadir", "No-show"},
      {Action::kTransfer, "transfer", "Alihkan", "Transfer"},
      {Action::kHold, "hold", "Tunda", "Hold"},
      {Action::kBreak, "break", "Istirahat", "Break"},
      {Action::kClose, "close", "Tutup Loket", "Close Counter"},
      {Action::kSignOut, "signout", "Keluar", "Sign Out"},
  };
  std::vector<ActionView> out;
  int key = 1;
  for (const Def& d : kDefs) {
    ActionView v;
    v.action = d.a;
    v.key = "F" + std::to_string(key++);
    v.id = d.id;
    v.label = T2(d.label_id, d.label_en);
    if (d.a == Action::kBreak && on_break) {
      v.label = T2("Lanjut Melayani", "Resume");
      v.id = "resume";
    }
    v.enabled = Enabled(d.a);
    out.push_back(std::move(v));
  }
  return out;
}

CurrentView CounterModel::Current() const {
  CurrentView v;
  const v1::Ticket* t = MyTicket();
  if (!t) {
    const v1::Counter* c = MyCounter();
    if (c && c->status() == v1::ON_BREAK) {
      v.idle_hint = T2("Sedang istirahat. Tekan F8 untuk melanjutkan melayani.",
                       "On a break. Press F8 to resume serving.");
    } else if (c && c->status() == v1::OPEN && Waiting().empty()) {
      v.idle_hint = T2("Tidak ada yang menunggu layanan loket ini.",
                       "Nobody is waiting for this counter's services.");
    } else if (Enabled(Action::kCallNext)) {
      v.idle_hint = T2("Tekan F1 untuk memanggil nomor berikutnya.", "Press F1 to call the next.");
    }
    return v;
  }
  v.has_ticket = true;
  v.id = t->id();
  v.number = t->number();
  v.service = ServiceName(t->service());
  const std::string p = PriorityReasonText(t->priority(), options_.lang);
  if (!p.empty()) {
    v.priority =
        T2("Prioritas: ", "Priority: ") + p +
        (t->priority_granted_by() == "self" ? T2(" (pernyataan sendiri)", " (self-declared)") : "");
  }
  if (t->appointment_ms() > 0) {  // from a booking (docs/PROTOCOL.md section 10)
    const std::string at = ClockText(
        ToLocal(t->appointment_ms(), catalog_->utc_offset_min()).minute_of_day, options_.lang);
    v.priority = t->appointment_late()
                     ? T2("Janji temu pukul ", "Appointment at ") + at +
                           T2(" (datang terlambat: antrean biasa)", " (came late: a walk-in)")
                     : T2("Janji temu pukul ", "Appointment at ") + at;
  }
  const Millis waited = std::max<Millis>(
      0, (t->first_called_ms() > 0 ? t->first_called_ms() : now_) - WaitStartMs(*t));
  char buf[160];
  std::snprintf(buf, sizeof buf,
                T2("Menunggu %s (target %d menit)", "Waited %s (target %d min)").c_str(),
                DurationText(waited, options_.lang).c_str(), t->wait_target_min());
  v.waited_text = buf;
  v.wait_tone = ToneFor(waited, t->wait_target_min());
  if (t->state() == v1::SERVING) {
    v.state_text = T2("Sedang dilayani", "Being served");
    v.timer_label = T2("Waktu layanan", "Service time");
    const Millis elapsed = now_ - t->serving_ms();
    v.timer = Clock(elapsed);
    v.timer_tone = ToneFor(elapsed, t->service_std_min());
    v.timer_fraction = t->service_std_min() > 0
                           ? static_cast<float>(elapsed) / (t->service_std_min() * 60'000.0f)
                           : 0;
    std::snprintf(buf, sizeof buf, T2("Standar %d menit", "Standard %d min").c_str(),
                  t->service_std_min());
    v.standard = buf;
  } else {
    v.state_text = T2("Dipanggil", "Called");
    if (t->recall_ms_size() > 0) {
      std::snprintf(buf, sizeof buf, T2(" (%d kali panggil ulang)", " (recalled %d times)").c_str(),
                    t->recall_ms_size());
      v.state_text += buf;
    }
    v.timer_label = T2("Sejak dipanggil", "Since called");
    const int64_t last_call =
        t->recall_ms_size() > 0 ? t->recall_ms(t->recall_ms_size() - 1) : t->first_called_ms();
    v.timer = Clock(now_ - last_call);
    v.timer_tone = Tone::kGreen;
  }
  return v;
}

std::vector<WaitingRow> CounterModel::Waiting() const {
  std::vector<std::pair<std::tuple<int, Millis, int64_t>, WaitingRow>> rows;
  if (!catalog_) return {};
  for (const auto& [id, t] : state_.tickets()) {
    const bool held_here = t.state() == v1::HELD && t.counter_id() == options_.counter_id;
    const bool mine =
        t.state() == v1::WAITING && catalog_->CounterServes(options_.counter_id, t.service());
    if (!held_here && !mine) continue;
    WaitingRow r;
    r.id = t.id();
    r.number = t.number();
    r.service = ServiceName(t.service());
    r.priority = t.priority() != v1::PRIORITY_NONE;
    if (t.appointment_ms() > 0 && !t.appointment_late()) {
      r.appointment =
          T2("JANJI ", "APPT ") +
          ClockText(ToLocal(t.appointment_ms(), catalog_->utc_offset_min()).minute_of_day,
                    options_.lang);
    }
    r.held = held_here;
    const Millis waited = std::max<Millis>(0, now_ - WaitStartMs(t));
    r.waited = DurationText(waited, options_.lang, /*seconds=*/false);
    r.tone = ToneFor(waited, t.wait_target_min());
    std::tuple<int, Millis, int64_t> key{held_here ? 2 : (r.priority ? 0 : 1), t.arrival_ms(),
                                         t.id()};
    rows.emplace_back(key, std::move(r));
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<WaitingRow> out;
  for (auto& [k, r] : rows) out.push_back(std::move(r));
  return out;
}

std::vector<std::pair<std::string, int>> CounterModel::Counts() const {
  std::vector<std::pair<std::string, int>> out;
  if (!catalog_) return out;
  const v1::CounterDef* d = catalog_->FindCounter(options_.counter_id);
  if (!d) return out;
  for (const auto& code : d->services()) {
    int n = 0;
    for (const auto& [id, t] : state_.tickets())
      n += t.state() == v1::WAITING && t.service() == code;
    out.emplace_back(ServiceName(code), n);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> CounterModel::TransferTargets(
    const std::string& filter) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!catalog_) return out;
  const v1::Ticket* t = MyTicket();
  const std::string f = Lower(filter);
  for (const auto& s : catalog_->catalog().services()) {
    if (t && s.code() == t->service()) continue;
    if (s.retired()) continue;  // takes no new tickets, transfers neither
    const std::string name = ServiceName(s.code());
    if (!f.empty() && Lower(name).find(f) == std::string::npos &&
        Lower(s.code()).find(f) == std::string::npos) {
      continue;
    }
    out.emplace_back(s.code(), name);
  }
  return out;
}

std::vector<std::string> CounterModel::BreakReasons(Lang lang) {
  if (lang == Lang::kEn) return {"Rest", "Prayer", "Meal", "System trouble", "Meeting"};
  return {"Istirahat", "Salat", "Makan", "Gangguan sistem", "Rapat"};
}

}  // namespace mpp::counter
