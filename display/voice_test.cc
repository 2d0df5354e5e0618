#include "display/voice.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "testing/temp_dir.h"

namespace mpp::display {
namespace {

struct Wav {
  int rate = 0;
  std::vector<int16_t> samples;
};

// Reads a 16-bit mono PCM WAV as written by WavWriter; fails the test if the
// header does not match the data.
Wav ReadWav(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Wav w;
  EXPECT_GE(b.size(), 44u);
  if (b.size() < 44) return w;
  auto u32 = [&](size_t o) {
    return static_cast<uint32_t>(static_cast<unsigned char>(b[o])) |
           static_cast<uint32_t>(static_cast<unsigned char>(b[o + 1])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(b[o + 2])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(b[o + 3])) << 24;
  };
  EXPECT_EQ(std::string(b.data(), 4), "RIFF");
  EXPECT_EQ(std::string(b.data() + 8, 8), "WAVEfmt ");
  EXPECT_EQ(u32(4), b.size() - 8);
  EXPECT_EQ(u32(40), b.size() - 44);
  w.rate = static_cast<int>(u32(24));
  w.samples.resize((b.size() - 44) / 2);
  std::memcpy(w.samples.data(), b.data() + 44, w.samples.size() * 2);
  return w;
}

double Rms(const std::vector<int16_t>& s, size_t from, size_t to) {
  double sum = 0;
  for (size_t i = from; i < to && i < s.size(); ++i) sum += double(s[i]) * s[i];
  return std::sqrt(sum / std::max<size_t>(1, to - from)) / 32768.0;
}

std::string TempWav(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string("mpp-voice-") + std::to_string(getpid()) + "-" + name + ".wav"))
      .string();
}

TEST(Voice, ACallIsAChimeThenAudibleSpeechOfPlausibleLength) {
  const std::string path = TempWav("one");
  Announcer::Options o;
  o.wav_path = path;
  Announcer a(o);
  ASSERT_TRUE(a.Start().ok());
  a.Say(CallPhrase("A-007", "loket tiga, Disdukcapil", false, Lang::kId));
  ASSERT_TRUE(a.WaitIdle(30000));
  a.Stop();
  const Wav w = ReadWav(path);
  ASSERT_GT(w.rate, 8000);
  const double seconds = static_cast<double>(w.samples.size()) / w.rate;
  EXPECT_GT(seconds, 3.0);  // chime + about fifteen words, unhurried
  EXPECT_LT(seconds, 15.0);
  const size_t chime = Chime(w.rate).size();
  EXPECT_GT(Rms(w.samples, 0, chime), 0.05) << "chime is silent";
  EXPECT_GT(Rms(w.samples, chime, w.samples.size()), 0.02) << "speech is silent";
  std::filesystem::remove(path);
}

TEST(Voice, ABurstIsSpokenInOrderEachExactlyOnce) {
  const std::string path = TempWav("burst");
  Announcer::Options o;
  o.wav_path = path;
  Announcer a(o);
  ASSERT_TRUE(a.Start().ok());
  std::vector<std::string> said;
  for (int i = 1; i <= 5; ++i) {
    said.push_back(CallPhrase("B-00" + std::to_string(i), "loket tujuh", i == 3, Lang::kId));
    a.Say(said.back());
  }
  ASSERT_TRUE(a.WaitIdle(60000));
  EXPECT_EQ(a.Spoken(), said);
  a.Stop();
  const Wav w = ReadWav(path);
  EXPECT_GT(static_cast<double>(w.samples.size()) / w.rate, 5 * 3.0);  // none dropped
  std::filesystem::remove(path);
}

// The burst policy (display/voice.h), in virtual time: what is said and when.
std::vector<Announcer::Said> Burst(int calls, bool policy) {
  Announcer::Options o;
  o.virtual_time = true;
  o.backlog_policy = policy;
  Announcer a(o);
  // All queued before the voice starts: a burst, whatever the scheduler does.
  for (int i = 1; i <= calls; ++i) {
    const std::string number = "A-00" + std::to_string(i);
    const std::string where = "loket " + std::to_string(i);
    a.Say({i, CallPhrase(number, where, false, Lang::kId),
           BriefCallPhrase(number, where, false, Lang::kId)});
  }
  EXPECT_TRUE(a.Start().ok());
  EXPECT_TRUE(a.WaitIdle(60000));
  a.Stop();
  return a.History();
}

double WorstDelay(const std::vector<Announcer::Said>& said) {
  double worst = 0;
  for (const auto& s : said) worst = std::max(worst, s.delay_ms);
  return worst;
}

TEST(Voice, ABurstIsChimedOnceAndSaidBrieflyBehindTheFirst) {
  const auto said = Burst(5, true);
  ASSERT_EQ(said.size(), 5u) << "no call of five counters is dropped";
  EXPECT_TRUE(said[0].chime);
  for (size_t i = 1; i < said.size(); ++i) {
    EXPECT_FALSE(said[i].chime) << i;
    EXPECT_TRUE(said[i].brief) << i;
    EXPECT_EQ(said[i].text.rfind("A, nol, nol, ", 0), 0u) << said[i].text;
  }
  // Against every call whole with its chime: the last visitor hears their
  // number in well under two thirds of the time.
  const auto before = Burst(5, false);
  EXPECT_LT(WorstDelay(said), 0.67 * WorstDelay(before))
      << WorstDelay(said) << " ms against " << WorstDelay(before) << " ms";
}

TEST(Voice, ACallIsSkippedWhenItsCounterHasCalledAgain) {
  Announcer::Options o;
  o.virtual_time = true;
  Announcer a(o);
  // All queued before the voice starts, as in a burst: in virtual time the
  // worker would otherwise say "dua lama" before "dua baru" arrives.
  a.Say({1, "satu", "satu"});
  a.Say({2, "dua lama", "dua lama"});
  a.Say({3, "tiga", "tiga"});
  a.Say({2, "dua baru", "dua baru"});  // counter 2 moved on before "dua lama" was said
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(a.WaitIdle(30000));
  a.Stop();
  const auto spoken = a.Spoken();
  EXPECT_EQ(std::count(spoken.begin(), spoken.end(), "dua lama"), 0);
  EXPECT_EQ(spoken.back(), "dua baru");
  EXPECT_EQ(a.skipped(), 1);
}

TEST(Voice, StopClosesAValidFileWithoutSpeakingTheRest) {
  const std::string path = TempWav("stop");
  Announcer::Options o;
  o.wav_path = path;
  Announcer a(o);
  ASSERT_TRUE(a.Start().ok());
  for (int i = 0; i < 20; ++i)
    a.Say(CallPhrase("C-0" + std::to_string(10 + i), "loket 9", false, Lang::kId));
  a.Stop();
  EXPECT_LT(a.Spoken().size(), 20u);
  ReadWav(path);  // header matches the data
  std::filesystem::remove(path);
}

// The TV (and its sound) is off when the display starts: the device is
// missing. It used to stay silent for the day; now each call tries the device
// again, and once it is there the calls are heard. The device is an ALSA
// "file" PCM named in ~/.asoundrc (HOME is this test's folder), written only
// after the first call; alsa-lib reads a changed configuration at the next open.
TEST(Voice, ASoundDeviceMissingAtStartIsUsedOnceItAppears) {
  mpp::testing::TempDir home;
  setenv("HOME", home.path().c_str(), 1);
  const std::string raw = (home.path() / "hall.raw").string();
  const std::string asoundrc = (home.path() / ".asoundrc").string();
  std::ofstream(asoundrc) << "# no hall device yet\n";
  Announcer::Options o;
  o.device = "hall";
  Announcer a(o);
  ASSERT_TRUE(a.Start().ok());  // a missing device is not an error
  a.Say(CallPhrase("A-001", "loket 1", false, Lang::kId));
  ASSERT_TRUE(a.WaitIdle(30000));
  EXPECT_FALSE(std::filesystem::exists(raw));
  // The TV is switched on.
  std::ofstream(asoundrc) << "pcm.hall { type file; slave { pcm \"null\" } file \"" << raw
                          << "\" format \"raw\" }\n";
  a.Say(CallPhrase("A-002", "loket 1", false, Lang::kId));
  ASSERT_TRUE(a.WaitIdle(30000));
  a.Stop();
  ASSERT_TRUE(std::filesystem::exists(raw));
  // The chime alone is ~0.9 s of 16-bit samples; the call is longer.
  EXPECT_GT(std::filesystem::file_size(raw), static_cast<uintmax_t>(2 * a.sample_rate() * 2));
}

TEST(Voice, EnglishVoiceExists) {
  Announcer::Options o;
  o.lang = Lang::kEn;
  o.mute = true;
  Announcer a(o);
  EXPECT_TRUE(a.Start().ok());
  a.Stop();
}

}  // namespace
}  // namespace mpp::display
