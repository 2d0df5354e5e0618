#include "kiosk/model.h"

#include <cstdio>
#include <set>

#include "common/booking_code.h"
#include "common/wire.h"

namespace mpp::kiosk {

const char* ScreenName(Screen screen) {
  switch (screen) {
    case Screen::kConnecting:
      return "connecting";
    case Screen::kAgencies:
      return "agencies";
    case Screen::kServices:
      return "services";
    case Screen::kStandard:
      return "standard";
    case Screen::kPriority:
      return "priority";
    case Screen::kIssuing:
      return "issuing";
    case Screen::kTicket:
      return "ticket";
    case Screen::kRefused:
      return "refused";
    case Screen::kCheckIn:
      return "check-in";
  }
  return "?";
}

std::string TicketQrPayload(const v1::Ticket& t, const std::string& public_url) {
  if (!public_url.empty() && !t.token().empty()) return public_url + "/t/" + t.token();
  return "MPP1/T/" + t.business_day() + "/" + t.number() + "/" + std::to_string(t.id());
}

namespace {}  // namespace

KioskModel::KioskModel(Options options) : options_(std::move(options)), lang_(options_.lang) {}

// ---------------------------------------------------------------- inputs --

void KioskModel::SetCatalog(const v1::Catalog& catalog) {
  catalog_ = std::make_unique<CatalogIndex>(catalog);
  takes_appointments_ = false;  // asked on every frame of the start screen: decided here
  for (const auto& s : catalog.services()) {
    takes_appointments_ |= s.appointments().slot_min() > 0 && !s.retired();
  }
  if (screen_ == Screen::kConnecting) screen_ = Screen::kAgencies;
}

void KioskModel::OnSnapshot(const v1::Snapshot& snapshot, int64_t local_ms) {
  last_local_ms_ = local_ms;
  connected_ = true;
  last_snapshot_local_ms_ = local_ms;
  if (snapshot.now_ms() > 0) broker_offset_ms_ = snapshot.now_ms() - local_ms;
  live_.clear();
  for (const auto& q : snapshot.queues()) {
    Live& l = live_[q.service()];
    l.availability = q.availability();
    l.next_open_ms = q.next_open_ms();
    l.reason = q.unavailable_reason();
    l.waiting = q.waiting();
    l.estimated_wait_ms = q.estimated_wait_ms();
    l.open_counters = q.open_counters();
    l.past_closing = q.past_closing();
  }
}

void KioskModel::OnBrokerUnreachable(int64_t local_ms) {
  last_local_ms_ = local_ms;
  connected_ = false;
}

void KioskModel::Tick(int64_t local_ms) {
  last_local_ms_ = local_ms;
  if (connected_ && last_snapshot_local_ms_ >= 0 &&
      local_ms - last_snapshot_local_ms_ > options_.offline_after_ms) {
    connected_ = false;
  }
  const int64_t idle = local_ms - last_input_ms_;
  switch (screen_) {
    case Screen::kConnecting:
    case Screen::kAgencies:
      return;
    case Screen::kIssuing:
      // Waiting for the broker is not idleness; a failed attempt is.
      if (issue_failed_ && idle > options_.idle_ms) GoHome();
      return;
    case Screen::kTicket:
      if (idle > (ticket_view_.print == TicketView::Print::kFailed ? options_.idle_ms
                                                                   : options_.ticket_idle_ms)) {
        GoHome();
      }
      return;
    default:
      if (idle > options_.idle_ms) GoHome();
  }
}

void KioskModel::OnIssueResult(const std::string& request_id, const StatusOr<v1::Envelope>& reply) {
  if (!pending_ || pending_->request_id != request_id) return;  // abandoned meanwhile
  if (!reply.ok() || !reply->has_reply()) {
    issue_failed_ = true;  // keep pending_: "Coba lagi" resends the same id
    connected_ = false;
    return;
  }
  pending_.reset();
  issue_failed_ = false;
  connected_ = true;
  const v1::Reply& r = reply->reply();
  if (r.error().code() != v1::OK || !r.has_ticket()) {
    refusal_ = r.error();
    screen_ = Screen::kRefused;
    return;
  }
  ticket_ = r.ticket();
  ticket_ahead_ = r.ahead();
  ticket_estimate_ms_ = r.estimated_wait_ms();
  ticket_past_closing_ = r.past_closing();
  ticket_view_ = TicketView();
  BuildTicketView(ticket_, ticket_ahead_, ticket_estimate_ms_);
  screen_ = Screen::kTicket;
  Touch();
  jobs_.push_back(PrintJob());
}

void KioskModel::OnPrintResult(int64_t ticket_id, const Status& status) {
  if (ticket_id != ticket_.id() || screen_ != Screen::kTicket) return;
  if (status.ok()) {
    ticket_view_.print = TicketView::Print::kPrinted;
    ticket_view_.print_error.clear();
  } else {
    ticket_view_.print = TicketView::Print::kFailed;
    ticket_view_.print_error = status.message();
    ticket_view_.print_advice = PrintAdvice(status.message(), lang_);
  }
  Touch();  // the visitor needs time to read the result
}

// ------------------------------------------------------------------ taps --

void KioskModel::TapAgency(const std::string& code) {
  if (screen_ != Screen::kAgencies || !catalog_ || !catalog_->FindAgency(code)) return;
  Touch();
  agency_ = code;
  screen_ = Screen::kServices;
}

void KioskModel::TapService(const std::string& code) {
  if (screen_ != Screen::kServices || !catalog_) return;
  const v1::Service* s = catalog_->FindService(code);
  if (!s || s->agency() != agency_) return;
  Touch();
  service_ = code;
  screen_ = Screen::kStandard;
}

void KioskModel::TapTakeTicket() {
  if (screen_ != Screen::kStandard) return;
  Touch();
  Issue(v1::PRIORITY_NONE);
}

void KioskModel::TapPriority() {
  if (screen_ != Screen::kStandard) return;
  const v1::Service* s = catalog_->FindService(service_);
  if (!s || !s->priority_allowed()) return;
  Touch();
  screen_ = Screen::kPriority;
}

void KioskModel::TapPriorityReason(v1::PriorityReason reason) {
  if (screen_ != Screen::kPriority || reason == v1::PRIORITY_NONE) return;
  Touch();
  Issue(reason);
}

void KioskModel::Issue(v1::PriorityReason reason) {
  const Live live = LiveFor(service_);
  if (!connected_ || live.availability != v1::OK) return;  // the button is disabled
  Job job;
  job.kind = Job::Kind::kIssue;
  job.request_id = NewRequestId();
  v1::IssueTicket* issue = job.request.mutable_issue();
  issue->set_service(service_);
  issue->set_priority(reason);
  issue->set_source(v1::KIOSK);
  issue->set_source_id(options_.kiosk_id);
  pending_ = job;
  issue_failed_ = false;
  checking_in_ = false;
  screen_ = Screen::kIssuing;
  jobs_.push_back(std::move(job));
}

void KioskModel::TapAppointment() {
  if (screen_ != Screen::kAgencies) return;
  Touch();
  typed_.clear();
  check_in_error_.clear();
  screen_ = Screen::kCheckIn;
}

void KioskModel::TypeText(const std::string& text) {
  // A scanner reading a booking's QR code types on the start screen too.
  if (screen_ == Screen::kAgencies && catalog_) {
    typed_.clear();
    check_in_error_.clear();
    screen_ = Screen::kCheckIn;
  }
  if (screen_ != Screen::kCheckIn) return;
  Touch();
  for (char ch : text) {
    if (ch == '\n' || ch == '\r') {
      TapCheckIn();
      if (screen_ != Screen::kCheckIn) return;
      continue;
    }
    if (static_cast<unsigned char>(ch) >= 0x20 && typed_.size() < 300) typed_ += ch;
  }
  check_in_error_.clear();
}

void KioskModel::TapBackspace() {
  if (screen_ != Screen::kCheckIn) return;
  Touch();
  if (!typed_.empty()) typed_.pop_back();
  check_in_error_.clear();
}

std::string KioskModel::CheckInCode() const {
  if (const auto code = NormalizeBookingCode(typed_)) return FormatBookingCode(*code);
  std::string shown;
  for (char ch : typed_) {
    shown += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return shown.size() > 12 ? "\xE2\x80\xA6" + shown.substr(shown.size() - 11) : shown;
}

void KioskModel::TapCheckIn() {
  if (screen_ != Screen::kCheckIn) return;
  Touch();
  const auto code = NormalizeBookingCode(typed_);
  if (!code) {
    check_in_error_ = T(lang_,
                        "Kode janji temu terdiri dari 8 huruf dan angka, misalnya 7KQ2-M9XD. "
                        "Periksa lagi, atau pindai kode QR-nya.",
                        "A booking code is 8 letters and digits, e.g. 7KQ2-M9XD. Check it, or "
                        "scan its QR code.");
    typed_.clear();
    return;
  }
  if (!connected_) {
    check_in_error_ = T(lang_, "Kios belum terhubung ke server antrean. Coba lagi sebentar.",
                        "The kiosk is not connected to the queue server. Try again shortly.");
    return;
  }
  Job job;
  job.kind = Job::Kind::kIssue;
  job.request_id = NewRequestId();
  job.request.mutable_check_in()->set_code(*code);
  pending_ = job;
  issue_failed_ = false;
  checking_in_ = true;
  screen_ = Screen::kIssuing;
  jobs_.push_back(std::move(job));
}

void KioskModel::TapRetry() {
  if (screen_ != Screen::kIssuing || !issue_failed_ || !pending_) return;
  Touch();
  issue_failed_ = false;
  jobs_.push_back(*pending_);  // the same request id: at most one ticket
}

void KioskModel::TapReprint() {
  if (screen_ != Screen::kTicket || ticket_view_.print != TicketView::Print::kFailed) return;
  Touch();
  ticket_view_.print = TicketView::Print::kPrinting;
  jobs_.push_back(PrintJob());
}

void KioskModel::TapBack() {
  Touch();
  switch (screen_) {
    case Screen::kServices:
      screen_ = Screen::kAgencies;
      break;
    case Screen::kStandard:
      screen_ = Screen::kServices;
      break;
    case Screen::kPriority:
      screen_ = Screen::kStandard;
      break;
    case Screen::kRefused:
      screen_ = checking_in_ ? Screen::kCheckIn : Screen::kStandard;
      break;
    case Screen::kCheckIn:
      screen_ = Screen::kAgencies;
      break;
    case Screen::kIssuing:
      if (issue_failed_) GoHome();
      break;
    default:
      break;
  }
}

void KioskModel::TapHome() {
  if (screen_ == Screen::kIssuing && !issue_failed_) return;  // the reply is on its way
  Touch();
  GoHome();
}

void KioskModel::TapLanguage() {
  Touch();
  lang_ = lang_ == Lang::kId ? Lang::kEn : Lang::kId;
  if (screen_ == Screen::kTicket) BuildTicketView(ticket_, ticket_ahead_, ticket_estimate_ms_);
}

void KioskModel::GoHome() {
  if (pending_) {
    Job abandon = *pending_;
    abandon.kind = Job::Kind::kAbandon;
    jobs_.push_back(std::move(abandon));
    pending_.reset();
  }
  issue_failed_ = false;
  agency_.clear();
  service_.clear();
  typed_.clear();
  check_in_error_.clear();
  checking_in_ = false;
  lang_ = options_.lang;  // the next visitor starts in the kiosk's language
  screen_ = catalog_ ? Screen::kAgencies : Screen::kConnecting;
}

std::vector<Job> KioskModel::TakeJobs() { return std::exchange(jobs_, {}); }

// ------------------------------------------------------------------ view --

const std::string& KioskModel::mpp_name() const {
  static const std::string kEmpty;
  return catalog_ ? catalog_->catalog().name() : kEmpty;
}

std::string KioskModel::DateTimeText() const {
  if (!catalog_) return "";
  return LongDateTime(BrokerNow(), catalog_->utc_offset_min(), lang_);
}

std::string KioskModel::OfflineText() const {
  if (connected_) return "";
  return T(lang_,
           "Maaf, nomor antrean tidak dapat diambil saat ini karena server antrean tidak "
           "terjangkau. Silakan hubungi petugas informasi.",
           "Sorry, tickets cannot be issued right now: the queue server cannot be reached. "
           "Please ask at the information desk.");
}

KioskModel::Live KioskModel::LiveFor(const std::string& service) const {
  auto it = live_.find(service);
  if (it != live_.end()) return it->second;
  Live unknown;  // no snapshot yet: treat as not issuing
  unknown.availability = v1::UNAVAILABLE;
  return unknown;
}

std::string KioskModel::AvailabilityText(const Live& l) const {
  return QueueText(
      {l.availability, l.next_open_ms, l.reason, l.waiting, l.estimated_wait_ms, l.open_counters},
      BrokerNow(), catalog_->utc_offset_min(), lang_);
}

std::string KioskModel::ServiceName(const v1::Service& s) const { return NameIn(s, lang_); }

std::string KioskModel::AgencyNameOf(const std::string& code) const {
  const v1::Agency* a = catalog_ ? catalog_->FindAgency(code) : nullptr;
  if (!a) return code;
  return NameIn(*a, lang_);
}

std::vector<AgencyItem> KioskModel::Agencies() const {
  std::vector<AgencyItem> out;
  if (!catalog_) return out;
  for (const auto& a : catalog_->catalog().agencies()) {
    AgencyItem item;
    item.code = a.code();
    item.name = AgencyNameOf(a.code());
    for (const auto& s : catalog_->catalog().services()) {
      if (s.agency() != a.code() || s.retired()) continue;
      ++item.services;
      if (LiveFor(s.code()).availability == v1::OK) ++item.available;
    }
    if (item.services > 0) out.push_back(std::move(item));
  }
  return out;
}

std::string KioskModel::AgencyName() const { return AgencyNameOf(agency_); }

std::vector<ServiceItem> KioskModel::Services() const {
  std::vector<ServiceItem> out;
  if (!catalog_) return out;
  for (const auto& s : catalog_->catalog().services()) {
    if (s.agency() != agency_ || s.retired()) continue;  // retired: history only
    const Live l = LiveFor(s.code());
    ServiceItem item;
    item.code = s.code();
    item.name = ServiceName(s);
    item.prefix = s.prefix();
    item.available = connected_ && l.availability == v1::OK;
    item.status_text = connected_ ? AvailabilityText(l) : "";
    out.push_back(std::move(item));
  }
  return out;
}

StandardView KioskModel::Standard() const {
  StandardView v;
  const v1::Service* s = catalog_ ? catalog_->FindService(service_) : nullptr;
  if (!s) return v;
  const Live l = LiveFor(s->code());
  v.code = s->code();
  v.name = ServiceName(*s);
  v.agency = AgencyNameOf(s->agency());
  v.available = connected_ && l.availability == v1::OK;
  v.priority_allowed = s->priority_allowed();
  v.standard = &s->standard();
  if (!connected_) {
    v.live_text = "";
  } else if (l.availability == v1::OK && l.open_counters == 0) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  T(lang_,
                    "%d orang menunggu. Belum ada loket yang buka untuk layanan ini, "
                    "jadi waktu tunggu belum dapat diperkirakan.",
                    "%d waiting. No counter is open for this service yet, so the wait cannot "
                    "be estimated."),
                  l.waiting);
    v.live_text = buf;
  } else if (l.availability == v1::OK) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  T(lang_, "%d orang menunggu. Perkiraan waktu tunggu %s. %d loket melayani.",
                    l.open_counters == 1 ? "%d waiting. Estimated wait %s. %d counter serving."
                                         : "%d waiting. Estimated wait %s. %d counters serving."),
                  l.waiting, WaitText(l.estimated_wait_ms, lang_).c_str(), l.open_counters);
    v.live_text = buf;
    if (l.past_closing) AddPastClosing(&v.live_text);
  } else {
    v.live_text = AvailabilityText(l);
  }
  char target[120];
  std::snprintf(target, sizeof target,
                T(lang_, "Target waktu tunggu %d menit, waktu layanan di loket %d menit.",
                  "Waiting target %d minutes, service at the counter %d minutes."),
                s->wait_target_min(), s->service_std_min());
  v.wait_target = target;
  return v;
}

std::string KioskModel::IssueFailedText() const {
  return T(lang_,
           "Server antrean belum menjawab. Tekan \"Coba lagi\": Anda tidak akan mendapat nomor "
           "ganda.",
           "The queue server has not answered. Press \"Try again\": you will not get a second "
           "number.");
}

std::string KioskModel::RefusalText() const {
  std::string text = lang_ == Lang::kId ? refusal_.message_id() : refusal_.message_en();
  if (text.empty()) text = ErrorCodeName(refusal_.code());
  if (refusal_.next_open_ms() > 0 && catalog_) {
    text += std::string(T(lang_, " Buka lagi ", " Opens again ")) +
            OpeningText(refusal_.next_open_ms(), BrokerNow(), catalog_->utc_offset_min(), lang_) +
            ".";
  }
  return text;
}

std::string KioskModel::WhereToWait(const std::string& service) const {
  std::set<std::string> zones;
  for (const auto& c : catalog_->catalog().counters()) {
    if (catalog_->CounterServes(c.id(), service)) zones.insert(c.zone());
  }
  std::string names;
  for (const auto& z : catalog_->catalog().zones()) {
    if (!zones.count(z.id())) continue;
    if (!names.empty()) names += T(lang_, " atau ", " or ");
    names += z.name();
  }
  if (names.empty()) return "";
  return std::string(T(lang_, "Silakan tunggu di ", "Please wait in ")) + names;
}

void KioskModel::AddPastClosing(std::string* text) const { AppendPastClosing(text, lang_); }

std::string PrintAdvice(const std::string& error, Lang lang) {
  auto has = [&](const char* word) { return error.find(word) != std::string::npos; };
  if (has("paper")) {
    return T(lang, "kertas printer habis; pasang gulungan kertas baru.",
             "the printer is out of paper; load a new roll.");
  }
  if (has("not connected") || has("cannot find") || has("broke the connection") || has("no such") ||
      has("did not answer") || has("refused")) {
    return T(lang, "printer tidak tersambung; periksa kabel dan dayanya.",
             "the printer is not connected; check its cable and power.");
  }
  return T(lang, "printer bermasalah; periksa printer, rinciannya ada di log kiosk.",
           "the printer has a problem; check it, the details are in the kiosk log.");
}

void KioskModel::BuildTicketView(const v1::Ticket& t, int ahead, Millis estimate) {
  const TicketView::Print print = ticket_view_.print;
  const std::string error = ticket_view_.print_error;
  const bool same = ticket_view_.number == t.number();
  TicketView v;
  const v1::Service* s = catalog_->FindService(t.service());
  v.number = t.number();
  v.service = s ? ServiceName(*s) : t.service();
  v.agency = s ? AgencyNameOf(s->agency()) : "";
  v.ahead_text = AheadText(ahead, lang_);
  v.wait_text =
      EstimateText(LiveFor(t.service()).open_counters > 0, estimate, ticket_past_closing_, lang_);
  v.where = WhereToWait(t.service());
  if (t.priority() != v1::PRIORITY_NONE) {
    v.priority_text = std::string(T(lang_, "Prioritas: ", "Priority: ")) +
                      PriorityReasonText(t.priority(), lang_);
  }
  if (t.appointment_ms() > 0) {  // from a booking: when, and whether it kept its place
    const int off = catalog_->utc_offset_min();
    const std::string at = ClockText(ToLocal(t.appointment_ms(), off).minute_of_day, lang_);
    v.appointment = true;
    v.priority_text =
        t.appointment_late()
            ? (lang_ == Lang::kId ? "Janji temu pukul " + at +
                                        " - datang terlambat: dilayani sebagai antrean biasa"
                                  : "Appointment at " + at + " - late: served as a walk-in")
            : (lang_ == Lang::kId ? "Janji temu pukul " + at + ": dipanggil mulai pukul " + at
                                  : "Appointment at " + at + ": called from " + at);
  }
  v.issued_text = LongDateTime(t.issued_ms(), catalog_->utc_offset_min(), lang_);
  const std::string& url =
      options_.public_url.empty() ? catalog_->catalog().public_url() : options_.public_url;
  v.qr_text = TicketQrPayload(t, url);
  v.qr_is_link = !url.empty() && !t.token().empty();
  if (v.qr_is_link) v.qr = EncodeQr(v.qr_text);  // once per ticket, not per frame
  if (v.qr_is_link) {
    v.qr_caption = T(lang_, "Pindai untuk memantau antrean Anda di ponsel",
                     "Scan to follow your queue on your phone");
  }
  if (same) {
    v.print = print;
    v.print_error = error;
    if (print == TicketView::Print::kFailed) v.print_advice = PrintAdvice(error, lang_);
  }
  ticket_view_ = std::move(v);
}

Job KioskModel::PrintJob() const {
  Job job;
  job.kind = Job::Kind::kPrint;
  job.ticket_id = ticket_.id();
  PrintedTicket& p = job.printed;
  p.mpp_name = catalog_->catalog().name();
  p.number = ticket_view_.number;
  p.service = ticket_view_.service;
  p.agency = ticket_view_.agency;
  p.issued_text = ticket_view_.issued_text;
  p.wait_line = ticket_view_.ahead_text;
  if (LiveFor(ticket_.service()).open_counters > 0) {
    p.wait_line += ", " + WaitText(ticket_estimate_ms_, lang_);
  }
  if (ticket_past_closing_) AddPastClosing(&p.wait_line);
  p.priority_text = ticket_view_.priority_text;
  p.where = ticket_view_.where;
  p.qr_payload = ticket_view_.qr_text;
  if (ticket_view_.qr_is_link) p.qr_caption = ticket_view_.qr_caption;
  p.complaint = std::string(T(lang_, "Pengaduan: ", "Complaints: ")) + "SP4N-LAPOR! (lapor.go.id)";
  if (const v1::Service* s = catalog_->FindService(ticket_.service());
      s && !s->standard().complaint().empty()) {
    p.complaint = std::string(T(lang_, "Pengaduan: ", "Complaints: ")) + s->standard().complaint();
  }
  p.heading = T(lang_, "NOMOR ANTREAN", "QUEUE NUMBER");
  p.keep_line = T(lang_, "Simpan tiket ini sampai layanan selesai.",
                  "Keep this ticket until your service is complete.");
  job.file_stem =
      ticket_.business_day() + "_" + ticket_.number() + "_" + std::to_string(ticket_.id());
  return job;
}

}  // namespace mpp::kiosk
