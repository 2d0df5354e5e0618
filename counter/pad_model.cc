#include "counter/pad_model.h"

#include "common/wire.h"

namespace mpp::counter {

std::vector<SkmQuestion> SkmQuestions(Lang lang) {
  if (lang == Lang::kEn) {
    return {
        {SkmElement(0, lang),
         "Do the requirements fit the service?",
         {"Not at all", "Partly", "Yes", "Completely"}},
        {SkmElement(1, lang),
         "How easy was the procedure?",
         {"Not easy", "Somewhat difficult", "Easy", "Very easy"}},
        {SkmElement(2, lang),
         "How fast was the service?",
         {"Not fast", "Rather slow", "Fast", "Very fast"}},
        {SkmElement(3, lang),
         "How fair was the fee?",
         {"Very expensive", "Rather expensive", "Cheap", "Free"}},
        {SkmElement(4, lang),
         "Did the result match the published standard?",
         {"Not at all", "Partly", "Yes", "Completely"}},
        {SkmElement(5, lang),
         "How competent was the staff?",
         {"Not competent", "Somewhat competent", "Competent", "Very competent"}},
        {SkmElement(6, lang),
         "How polite and friendly was the staff?",
         {"Not polite", "Somewhat polite", "Polite and friendly", "Very polite and friendly"}},
        {SkmElement(7, lang),
         "How good are the facilities?",
         {"Poor", "Fair", "Good", "Very good"}},
        {SkmElement(8, lang),
         "How are complaints handled?",
         {"No channel", "Exists, does not work", "Works, not fully", "Well managed"}},
    };
  }
  return {
      {SkmElement(0, lang),
       "Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
       {"Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"}},
      {SkmElement(1, lang),
       "Bagaimana kemudahan prosedur pelayanan di unit ini?",
       {"Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"}},
      {SkmElement(2, lang),
       "Bagaimana kecepatan waktu dalam memberikan pelayanan?",
       {"Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"}},
      {SkmElement(3, lang),
       "Bagaimana kewajaran biaya/tarif dalam pelayanan?",
       {"Sangat mahal", "Cukup mahal", "Murah", "Gratis"}},
      {SkmElement(4, lang),
       "Bagaimana kesesuaian hasil pelayanan dengan yang tercantum dalam standar?",
       {"Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"}},
      {SkmElement(5, lang),
       "Bagaimana kemampuan petugas dalam memberikan pelayanan?",
       {"Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"}},
      {SkmElement(6, lang),
       "Bagaimana kesopanan dan keramahan petugas?",
       {"Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah",
        "Sangat sopan dan ramah"}},
      {SkmElement(7, lang),
       "Bagaimana kualitas sarana dan prasarana?",
       {"Buruk", "Cukup", "Baik", "Sangat baik"}},
      {SkmElement(8, lang),
       "Bagaimana penanganan pengaduan pengguna layanan?",
       {"Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal",
        "Dikelola dengan baik"}},
  };
}

PadModel::PadModel(Options options) : options_(std::move(options)), lang_(options_.lang) {}

void PadModel::SetLive(const LiveState& state, bool connected, Millis broker_now,
                       int64_t local_ms) {
  local_ms_ = local_ms;
  auto it = state.counters().find(options_.counter_id);
  if (it != state.counters().end()) {
    const v1::Counter& c = it->second;
    if (c.last_finished_ticket() != 0 && c.last_finished_ticket() != seen_ticket_) {
      seen_ticket_ = c.last_finished_ticket();
      // A new visitor: a rating in progress for the previous one is dropped.
      if (broker_now - c.last_finished_ms() <= options_.recent_ms && !pending_) {
        ticket_ = c.last_finished_ticket();
        number_ = c.last_finished_number();
        score_ = 0;
        skm_.clear();
        question_ = 0;
        lang_ = options_.lang;
        screen_ = Screen::kAsk;
        screen_since_ = local_ms;
      }
    }
  }
  const int64_t on_screen = local_ms - screen_since_;
  if ((screen_ == Screen::kAsk || screen_ == Screen::kOfferSkm || screen_ == Screen::kSkm) &&
      on_screen > options_.ask_ms && !pending_) {
    screen_ = Screen::kIdle;
    lang_ = options_.lang;
  }
  if (screen_ == Screen::kThanks && on_screen > options_.thanks_ms && !pending_) {
    screen_ = Screen::kIdle;
    lang_ = options_.lang;
  }
  if (pending_ && pending_failed_at_ >= 0 && connected &&
      local_ms - pending_failed_at_ >= options_.retry_ms) {
    pending_failed_at_ = -1;
    jobs_.push_back(*pending_);  // the same request id: stored once
  }
}

void PadModel::TapScore(int score) {
  if (screen_ != Screen::kAsk || score < 1 || score > 4) return;
  score_ = score;
  screen_ = Screen::kOfferSkm;
  screen_since_ = local_ms_;
}

void PadModel::TapNoSurvey() {
  if (screen_ != Screen::kOfferSkm) return;
  Submit();
}

void PadModel::TapFullSurvey() {
  if (screen_ != Screen::kOfferSkm) return;
  screen_ = Screen::kSkm;
  question_ = 0;
  skm_.clear();
  screen_since_ = local_ms_;
}

void PadModel::TapAnswer(int value) {
  if (screen_ != Screen::kSkm || value < 0 || value > 4) return;
  skm_.push_back(value);
  screen_since_ = local_ms_;
  if (++question_ == 9) Submit();
}

void PadModel::Submit() {
  Job job;
  job.request_id = NewRequestId();
  v1::SubmitRating* r = job.request.mutable_rate();
  r->set_ticket_id(ticket_);
  r->set_counter_id(options_.counter_id);
  r->set_score(score_);
  for (int v : skm_) r->add_skm(v);
  pending_ = job;
  pending_failed_at_ = -1;
  jobs_.push_back(std::move(job));
  screen_ = Screen::kThanks;  // thanked at once; the answer is sent in the background
  screen_since_ = local_ms_;
}

void PadModel::OnResult(const std::string& request_id, const StatusOr<v1::Envelope>& reply) {
  if (!pending_ || pending_->request_id != request_id) return;
  if (!reply.ok()) {
    pending_failed_at_ = local_ms_;  // resent by SetLive once connected
    return;
  }
  pending_.reset();  // stored, or refused for good (e.g. already rated)
  screen_since_ = local_ms_;
}

std::vector<Job> PadModel::TakeJobs() { return std::exchange(jobs_, {}); }

}  // namespace mpp::counter
