// The hallway voice: a chime, then the call in Bahasa Indonesia (or English),
// synthesized with libespeak-ng and played through ALSA (PulseAudio's ALSA
// plugin where it runs) or written to a WAV file.
//
// Announcer owns a thread and a queue: calls are spoken one after another,
// never overlapping. A burst of calls (five counters calling within seconds,
// each call 8-10 s long) would leave the last visitor waiting half a minute
// for their number, so under backlog the announcer keeps the hall current:
//   - a call whose counter has already called the next number before it was
//     spoken is skipped (the screen shows the newer one; it is spoken);
//   - the chime is played once per burst, not before every call;
//   - a call that has others waiting behind it, or has waited over 3 s
//     itself, is said in its brief form ("A, nol, nol, tujuh, loket tiga").
// bench/voice measures the worst delay from a call to the start of its
// speech for bursts of 5 and 10 (docs/BENCHMARKS.md). espeak-ng keeps global
// state, so only the Announcer's thread touches it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "display/phrase.h"

namespace mpp::display {

// A two-tone "ding-dong" (about 0.9 s) at `sample_rate`.
std::vector<int16_t> Chime(int sample_rate);

// Writes 16-bit mono PCM. The header is rewritten after every Append, so the
// file is a valid WAV even if the program is killed between calls.
class WavWriter {
 public:
  ~WavWriter();
  Status Open(const std::string& path, int sample_rate);
  Status Append(const std::vector<int16_t>& samples);
  void Close();
  int64_t samples_written() const { return samples_; }

 private:
  void WriteHeader();
  std::FILE* f_ = nullptr;
  int rate_ = 0;
  int64_t samples_ = 0;
};

class Announcer {
 public:
  // One call to speak. `counter` identifies whose call it is (0: none, never
  // skipped); `brief` is what is said under backlog (empty: `full`).
  struct Call {
    int counter = 0;
    std::string full;
    std::string brief;
  };
  // What was said, for tests, logs and bench/voice.
  struct Said {
    std::string text;
    bool chime = false;
    bool brief = false;
    double delay_ms = 0;  // from Say to the start of its sound
  };
  struct Options {
    Lang lang = Lang::kId;
    std::string wav_path;            // non-empty: write here instead of playing
    bool mute = false;               // neither play nor write (the queue still drains)
    std::string device = "default";  // ALSA PCM (--audio-device), e.g. "hdmi:CARD=PCH,DEV=0"
    int words_per_minute = 135;      // unhurried, for elderly listeners
    // Time passes by the sound made, not the wall clock, and nothing is
    // played (bench/voice: a burst's delays without waiting through it).
    bool virtual_time = false;
    double brief_after_ms = 3000;
    bool backlog_policy = true;  // false: every call whole with its chime (as before)
  };
  explicit Announcer(Options options);
  ~Announcer();

  // Initializes espeak-ng and the output. A missing sound device is not an
  // error (the display must keep running, and the TV may just be off): it is
  // logged, and tried again before each call until it opens; a device that
  // fails mid-day (the TV switched off) is closed and tried again the same way.
  Status Start();
  // Queues a call; returns at once.
  void Say(Call call);
  void Say(const std::string& phrase) { Say(Call{0, phrase, ""}); }
  // Stops after the phrase being spoken, drops the rest, closes the output.
  void Stop();

  // Phrases spoken so far, in order (for tests and logs).
  std::vector<std::string> Spoken() const;
  std::vector<Said> History() const;
  // Calls skipped because their counter had called again before they were said.
  int skipped() const;
  // Blocks until the queue is empty and nothing is being spoken, or `timeout_ms`.
  bool WaitIdle(int timeout_ms) const;
  int sample_rate() const { return rate_; }

 private:
  void Run();
  std::vector<int16_t> Synthesize(const std::string& text, bool chime);
  // The wall clock, or the sound made so far (virtual_time).
  double NowMs() const REQUIRES(mu_);
  void Output(const std::vector<int16_t>& pcm);
  // Opens options_.device into pcm_; false (logged at most every 10 min) if not.
  bool OpenDevice();

  Options options_;
  int rate_ = 22050;
  WavWriter wav_;
  void* pcm_ = nullptr;  // snd_pcm_t*, when playing
  bool device_missing_logged_ = false;
  std::chrono::steady_clock::time_point missing_logged_at_{};
  std::thread thread_;
  mutable Mutex mu_;
  mutable CondVar cv_;
  struct Queued {
    Call call;
    double queued_ms = 0;
  };
  std::deque<Queued> queue_ GUARDED_BY(mu_);
  std::vector<Said> said_ GUARDED_BY(mu_);
  int skipped_ GUARDED_BY(mu_) = 0;
  // A call more than this after the last one ended starts a new burst (chime).
  static constexpr double kBurstGapMs = 2000;
  double last_end_ms_ GUARDED_BY(mu_) = -1e18;
  double virtual_ms_ GUARDED_BY(mu_) = 0;
  std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
  bool busy_ GUARDED_BY(mu_) = false;
  bool stop_ GUARDED_BY(mu_) = false;
};

}  // namespace mpp::display
