// Every seed and every input the fuzzer ever crashed on (fuzz/regressions/)
// goes through the broker's message handling in the normal test run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/broker_fuzz_lib.h"

namespace mpp::fuzz {
namespace {

int Replay(const std::string& input, bool fresh = false) {
  return RunOne(reinterpret_cast<const uint8_t*>(input.data()), input.size(), fresh);
}

TEST(BrokerFuzz, SeedsRunThroughTheWholeHandling) {
  const auto seeds = SeedInputs();
  ASSERT_GT(seeds.size(), 10u);
  // Seed 3 is a morning at counter 1: operator, issue, sign-in, call, start,
  // finish, rating - all seven answered OK by the real handling.
  EXPECT_EQ(Replay(seeds[3], /*fresh=*/true), 7);
  int ok = 0;
  for (const auto& s : seeds) ok += Replay(s);
  EXPECT_GT(ok, 10);
  // The refusals: another counter's call, an unknown device, broken frames.
  EXPECT_EQ(Replay(seeds[seeds.size() - 3]), 0);
  EXPECT_EQ(Replay(seeds[seeds.size() - 2]), 0);
  EXPECT_EQ(Replay(seeds.back()), 0);
}

// Every input the fuzzer ever crashed on replays without a crash (RunOne
// aborts on a broken invariant; ASan/UBSan catch the rest in scripts/fuzz),
// and the handling still answers OK afterwards.
TEST(BrokerFuzz, PastCrashesStayFixed) {
  for (const auto& f :
       std::filesystem::directory_iterator(std::string(MPP_SOURCE_DIR) + "/fuzz/regressions")) {
    if (!f.is_regular_file() || f.path().extension() == ".md") continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    SCOPED_TRACE(f.path().string());
    Replay(bytes.str(), /*fresh=*/true);
  }
  EXPECT_EQ(Replay(SeedInputs()[3], /*fresh=*/true), 7) << "the broker no longer serves a morning";
}

}  // namespace
}  // namespace mpp::fuzz
