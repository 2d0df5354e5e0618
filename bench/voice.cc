// mpp-voice-bench: how long the last visitor of a burst of calls waits to
// hear their number - from the call to the start of its speech - with the
// hall display's backlog policy (display/voice.h) and without it (every call
// whole, each with its chime).
//
//   mpp-voice-bench [--bursts 5,10] [--lang id|en]
//
// Real espeak-ng synthesis of real call phrases of the sample hall's
// counters, in virtual time: the clock advances by the sound each call
// makes, so the figures are seconds of audio, the same on every machine,
// and the run takes a second rather than minutes. Prints Markdown rows for
// docs/BENCHMARKS.md.
#include "display/voice.h"

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "common/cli.h"
#include "display/phrase.h"

namespace {

using mpp::display::Announcer;

// Counter names as the sample catalog speaks them.
const char* const kCounters[] = {"loket satu, Disdukcapil",
                                 "loket empat, Disdukcapil",
                                 "loket tujuh, Polres",
                                 "loket sembilan, Samsat",
                                 "loket sebelas, Imigrasi",
                                 "loket tiga belas, BPJS Kesehatan",
                                 "loket lima belas, BPJS Ketenagakerjaan",
                                 "loket tujuh belas, DPMPTSP",
                                 "loket sembilan belas, Kantor Pertanahan",
                                 "loket dua puluh satu, Gerai bersama"};

struct Result {
  double worst_s = 0, mean_s = 0, total_s = 0;
  int brief = 0, chimes = 0;
};

Result Run(int calls, bool policy, mpp::Lang lang) {
  Announcer::Options o;
  o.virtual_time = true;
  o.backlog_policy = policy;
  o.lang = lang;
  Announcer a(o);
  // All queued before the voice starts: the burst arrives at once.
  for (int i = 0; i < calls; ++i) {
    const std::string number =
        std::string(1, static_cast<char>('A' + i % 5)) + "-0" + std::to_string(10 + i);
    const std::string where = kCounters[i % 10];
    a.Say({i + 1, mpp::display::CallPhrase(number, where, false, lang),
           mpp::display::BriefCallPhrase(number, where, false, lang)});
  }
  if (auto st = a.Start(); !st.ok()) {
    std::fprintf(stderr, "mpp-voice-bench: %s\n", st.message().c_str());
    std::exit(1);
  }
  a.WaitIdle(600000);
  a.Stop();
  Result r;
  const auto said = a.History();
  for (const auto& s : said) {
    r.worst_s = std::max(r.worst_s, s.delay_ms / 1000);
    r.mean_s += s.delay_ms / 1000 / static_cast<double>(said.size());
    r.brief += s.brief;
    r.chimes += s.chime;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"mpp-voice-bench - delay from a call to its speech in a burst of calls"};
  std::vector<int> bursts = {5, 10};
  std::string lang_s = "id";
  app.add_option("--bursts", bursts, "burst sizes")->delimiter(',')->capture_default_str();
  app.add_option("--lang", lang_s, "id or en")->check(CLI::IsMember({"id", "en"}));
  MPP_PARSE(app, argc, argv);
  mpp::Lang lang = mpp::Lang::kId;
  mpp::ParseLang(lang_s, &lang);
  spdlog::set_level(spdlog::level::warn);  // not every call's phrase
  std::printf("| burst | policy | worst delay | mean delay | brief calls | chimes |\n");
  std::printf("|---|---|---|---|---|---|\n");
  for (int n : bursts) {
    for (bool policy : {false, true}) {
      const Result r = Run(n, policy, lang);
      std::printf("| %d calls | %s | %.1f s | %.1f s | %d | %d |\n", n,
                  policy ? "brief under backlog, one chime" : "every call whole, each chimed",
                  r.worst_s, r.mean_s, r.brief, r.chimes);
    }
  }
  return 0;
}
