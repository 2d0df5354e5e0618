#include "display/voice.h"

#include <alsa/asoundlib.h>
#include <espeak-ng/speak_lib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstring>

namespace mpp::display {
namespace {

thread_local std::vector<int16_t>* g_sink = nullptr;

int OnSynth(short* wav, int count, espeak_EVENT*) {
  if (wav && count > 0 && g_sink) g_sink->insert(g_sink->end(), wav, wav + count);
  return 0;  // continue
}

void Tone(std::vector<int16_t>* out, int rate, double freq, double seconds, double amp) {
  const int n = static_cast<int>(rate * seconds);
  for (int i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double env = std::exp(-3.0 * t / seconds) * std::min(1.0, t * 200.0);
    const double s = std::sin(2 * M_PI * freq * t) + 0.3 * std::sin(2 * M_PI * 2 * freq * t);
    out->push_back(static_cast<int16_t>(amp * env * s / 1.3 * 32767));
  }
}

void PutLe(std::FILE* f, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) std::fputc(static_cast<int>((v >> (8 * i)) & 0xff), f);
}

}  // namespace

std::vector<int16_t> Chime(int rate) {
  std::vector<int16_t> out;
  Tone(&out, rate, 784.0, 0.45, 0.5);  // G5
  Tone(&out, rate, 523.3, 0.45, 0.5);  // C5
  out.insert(out.end(), rate / 5, 0);  // a short pause before the words
  return out;
}

WavWriter::~WavWriter() { Close(); }

Status WavWriter::Open(const std::string& path, int rate) {
  Close();
  f_ = std::fopen(path.c_str(), "wb");
  if (!f_) return Status::Error("cannot write " + path + ": " + std::strerror(errno));
  rate_ = rate;
  samples_ = 0;
  WriteHeader();
  std::fflush(f_);
  return Status::Ok();
}

void WavWriter::WriteHeader() {
  const uint32_t data_bytes = static_cast<uint32_t>(samples_ * 2);
  std::fseek(f_, 0, SEEK_SET);
  std::fwrite("RIFF", 1, 4, f_);
  PutLe(f_, 36 + data_bytes, 4);
  std::fwrite("WAVEfmt ", 1, 8, f_);
  PutLe(f_, 16, 4);                                // fmt chunk size
  PutLe(f_, 1, 2);                                 // PCM
  PutLe(f_, 1, 2);                                 // mono
  PutLe(f_, static_cast<uint32_t>(rate_), 4);      // sample rate
  PutLe(f_, static_cast<uint32_t>(rate_ * 2), 4);  // byte rate
  PutLe(f_, 2, 2);                                 // block align
  PutLe(f_, 16, 2);                                // bits per sample
  std::fwrite("data", 1, 4, f_);
  PutLe(f_, data_bytes, 4);
  std::fseek(f_, 0, SEEK_END);
}

Status WavWriter::Append(const std::vector<int16_t>& samples) {
  if (!f_) return Status::Error("WAV file is not open");
  std::fseek(f_, 0, SEEK_END);
  if (std::fwrite(samples.data(), 2, samples.size(), f_) != samples.size()) {
    return Status::Error(std::string("WAV write failed: ") + std::strerror(errno));
  }
  samples_ += static_cast<int64_t>(samples.size());
  WriteHeader();
  std::fflush(f_);
  return Status::Ok();
}

void WavWriter::Close() {
  if (f_) {
    WriteHeader();
    std::fclose(f_);
    f_ = nullptr;
  }
}

Announcer::Announcer(Options options) : options_(std::move(options)) {}

Announcer::~Announcer() { Stop(); }

// espeak-ng does not survive Terminate followed by a new Initialize (its
// Synchronize then waits forever), so it is initialized once per process and
// never terminated.
int EspeakRate() {
  static const int rate = [] {
    const int r =
        espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
    if (r > 0) espeak_SetSynthCallback(&OnSynth);
    return r;
  }();
  return rate;
}

Status Announcer::Start() {
  const int rate = EspeakRate();
  if (rate <= 0) {
    return Status::Error("espeak-ng could not start: is espeak-ng-data installed?");
  }
  rate_ = rate;
  const char* voice = options_.lang == Lang::kId ? "id" : "en";
  if (espeak_SetVoiceByName(voice) != EE_OK) {
    return Status::Error(std::string("espeak-ng has no '") + voice + "' voice");
  }
  espeak_SetParameter(espeakRATE, options_.words_per_minute, 0);
  if (!options_.mute && !options_.virtual_time) {
    if (!options_.wav_path.empty()) {
      if (Status st = wav_.Open(options_.wav_path, rate_); !st.ok()) return st;
    } else {
      OpenDevice();  // if not now, before each call
    }
  }
  {
    MutexLock lock(&mu_);
    stop_ = false;
  }
  // espeak-ng was initialized on this thread; its synthesis is synchronous and
  // keeps no thread affinity, but from here on only Run() calls it.
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

bool Announcer::OpenDevice() {
  // After a failed open, the configuration is read afresh: a device defined
  // or plugged in since (an .asoundrc written, a card that appeared) counts.
  // Only this thread uses ALSA.
  if (device_missing_logged_) snd_config_update_free_global();
  snd_pcm_t* pcm = nullptr;
  int rc = snd_pcm_open(&pcm, options_.device.c_str(), SND_PCM_STREAM_PLAYBACK, 0);
  if (rc >= 0) {
    rc = snd_pcm_set_params(pcm, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1,
                            static_cast<unsigned>(rate_), 1, 200000);
  }
  if (rc < 0) {
    if (pcm) snd_pcm_close(pcm);
    const auto now = std::chrono::steady_clock::now();
    if (!device_missing_logged_ || now - missing_logged_at_ > std::chrono::minutes(10)) {
      spdlog::warn(
          "no sound device '{}' ({}): calls are shown but not voiced; tried again before each "
          "call (is the TV or amplifier on? --audio-device names another; aplay -L lists them)",
          options_.device, snd_strerror(rc));
      device_missing_logged_ = true;
      missing_logged_at_ = now;
    }
    return false;
  }
  if (device_missing_logged_)
    spdlog::info("sound device '{}' is back: calls are voiced", options_.device);
  device_missing_logged_ = false;
  pcm_ = pcm;
  return true;
}

double Announcer::NowMs() const {
  if (options_.virtual_time) return virtual_ms_;
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - epoch_)
      .count();
}

void Announcer::Say(Call call) {
  {
    MutexLock lock(&mu_);
    if (call.counter != 0 && options_.backlog_policy) {
      // The counter has called again: its older, unspoken call is stale.
      const size_t before = queue_.size();
      std::erase_if(queue_, [&](const Queued& q) { return q.call.counter == call.counter; });
      skipped_ += static_cast<int>(before - queue_.size());
    }
    queue_.push_back({std::move(call), NowMs()});
  }
  cv_.SignalAll();
}

int Announcer::skipped() const {
  MutexLock lock(&mu_);
  return skipped_;
}

std::vector<Announcer::Said> Announcer::History() const {
  MutexLock lock(&mu_);
  return said_;
}

void Announcer::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    queue_.clear();
  }
  cv_.SignalAll();
  if (thread_.joinable()) thread_.join();
  wav_.Close();
  if (pcm_) {
    snd_pcm_drop(static_cast<snd_pcm_t*>(pcm_));
    snd_pcm_close(static_cast<snd_pcm_t*>(pcm_));
    pcm_ = nullptr;
  }
}

std::vector<std::string> Announcer::Spoken() const {
  MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const Said& s : said_) out.push_back(s.text);
  return out;
}

bool Announcer::WaitIdle(int timeout_ms) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  MutexLock lock(&mu_);
  while (!queue_.empty() || busy_) {
    if (!cv_.WaitUntil(&mu_, until)) return queue_.empty() && !busy_;
  }
  return true;
}

std::vector<int16_t> Announcer::Synthesize(const std::string& text, bool chime) {
  std::vector<int16_t> pcm = chime ? Chime(rate_) : std::vector<int16_t>();
  g_sink = &pcm;
  // Synchronous mode: returns when the whole text has gone through OnSynth.
  espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr,
               nullptr);
  g_sink = nullptr;
  pcm.insert(pcm.end(), rate_ / 2, 0);  // half a second between calls
  return pcm;
}

void Announcer::Output(const std::vector<int16_t>& pcm) {
  if (options_.virtual_time) {
    MutexLock lock(&mu_);
    virtual_ms_ += 1000.0 * static_cast<double>(pcm.size()) / rate_;
    return;
  }
  if (options_.mute) return;
  if (!options_.wav_path.empty()) {
    if (Status st = wav_.Append(pcm); !st.ok()) spdlog::error("{}", st.message());
    return;
  }
  if (!pcm_ && !OpenDevice()) return;
  auto* dev = static_cast<snd_pcm_t*>(pcm_);
  size_t done = 0;
  const size_t chunk = static_cast<size_t>(rate_ / 10);  // 100 ms: Stop() is heard at once
  while (done < pcm.size()) {
    {
      MutexLock lock(&mu_);
      if (stop_) {
        snd_pcm_drop(dev);
        snd_pcm_prepare(dev);
        return;
      }
    }
    snd_pcm_sframes_t n =
        snd_pcm_writei(dev, pcm.data() + done, std::min(chunk, pcm.size() - done));
    if (n < 0) n = snd_pcm_recover(dev, static_cast<int>(n), 1);
    if (n < 0) {
      // Gone (an HDMI TV switched off): closed, and opened again before the next call.
      spdlog::warn("sound output on '{}' failed: {}; trying the device again at the next call",
                   options_.device, snd_strerror(static_cast<int>(n)));
      snd_pcm_close(dev);
      pcm_ = nullptr;
      return;
    }
    done += static_cast<size_t>(n);
  }
  snd_pcm_drain(dev);
  snd_pcm_prepare(dev);
}

void Announcer::Run() {
  while (true) {
    Said said;
    {
      MutexLock lock(&mu_);
      while (!stop_ && queue_.empty()) cv_.Wait(&mu_);
      if (stop_) return;
      Queued q = std::move(queue_.front());
      queue_.pop_front();
      said.delay_ms = NowMs() - q.queued_ms;
      // Under backlog: brief, and the chime only at the start of a burst.
      said.brief = options_.backlog_policy && !q.call.brief.empty() &&
                   (!queue_.empty() || said.delay_ms > options_.brief_after_ms);
      said.text = said.brief ? q.call.brief : q.call.full;
      // A burst is calls with no silence between them: the chime starts one.
      said.chime = !options_.backlog_policy || NowMs() - last_end_ms_ > kBurstGapMs;
      busy_ = true;
    }
    spdlog::info("voice{}: {}", said.brief ? " (brief, calls waiting)" : "", said.text);
    Output(Synthesize(said.text, said.chime));
    {
      MutexLock lock(&mu_);
      said_.push_back(said);
      busy_ = false;
      last_end_ms_ = NowMs();
    }
    cv_.SignalAll();
  }
}

}  // namespace mpp::display
