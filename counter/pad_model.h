// PadModel: the visitor-facing rating pad of one counter (mpp-counter
// --rating-pad). After the counter finishes a ticket it asks for a one-tap
// rating (Sangat Puas / Puas / Kurang Puas / Tidak Puas), then offers the full
// nine-element SKM form (PermenPAN-RB 14/2017). The answers are sent with the
// ticket id only: nothing identifies the visitor. It returns to idle by itself.
//
// REQUIRES: one thread (the UI thread).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/i18n.h"
#include "common/live_state.h"
#include "counter/model.h"

namespace mpp::counter {

struct SkmQuestion {
  std::string element;                 // "U1 Persyaratan"
  std::string question;                // "Bagaimana kesesuaian persyaratan ...?"
  std::array<std::string, 4> answers;  // answer 1..4
};
// The nine SKM questions in `lang`.
std::vector<SkmQuestion> SkmQuestions(Lang lang);

class PadModel {
 public:
  struct Options {
    int counter_id = 1;
    Lang lang = Lang::kId;
    int64_t recent_ms = 120'000;  // a ticket finished longer ago is not asked about
    int64_t ask_ms = 90'000;      // unanswered this long: back to idle, nothing sent
    int64_t thanks_ms = 6'000;
    int64_t retry_ms = 3'000;  // resend an unanswered rating (same request id)
  };
  enum class Screen { kIdle, kAsk, kOfferSkm, kSkm, kThanks };

  explicit PadModel(Options options);

  void SetLive(const LiveState& state, bool connected, Millis broker_now, int64_t local_ms);
  void OnResult(const std::string& request_id, const StatusOr<v1::Envelope>& reply);

  void TapScore(int score);   // 1..4 on kAsk
  void TapFullSurvey();       // on kOfferSkm: yes
  void TapNoSurvey();         // on kOfferSkm: no, send the score
  void TapAnswer(int value);  // on kSkm: 1..4, or 0 to skip the question
  // The visitor's own language, for this visitor only: the next one starts
  // in the pad's language again.
  void TapLanguage() { lang_ = lang_ == Lang::kId ? Lang::kEn : Lang::kId; }
  std::vector<Job> TakeJobs();

  Screen screen() const { return screen_; }
  Lang lang() const { return lang_; }
  const std::string& ticket_number() const { return number_; }
  int question() const { return question_; }  // 0..8 on kSkm
  bool sending() const { return pending_.has_value(); }

 private:
  void Submit();

  Options options_;
  Lang lang_;
  Screen screen_ = Screen::kIdle;
  int64_t seen_ticket_ = 0;
  int64_t ticket_ = 0;
  std::string number_;
  int score_ = 0;
  std::vector<int> skm_;
  int question_ = 0;
  int64_t local_ms_ = 0;
  int64_t screen_since_ = 0;
  std::optional<Job> pending_;
  int64_t pending_failed_at_ = -1;
  std::vector<Job> jobs_;
};

}  // namespace mpp::counter
