// mpp-load end to end: the benchmark tool against the real broker it spawns
// (a fresh SQLite file, real sockets), small enough for every test run. It
// checks that the tool measures and judges, never how fast this machine is.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/broker_process.h"

namespace mpp::testing {
namespace {

struct Result {
  int exit_code = -1;
  std::string out, err;
};

Result Load(const std::string& args) {
  const TempDir dir;  // its own: ctest -j2 runs both tests at once
  const std::string err_path = dir.File("stderr.txt");
  const CommandResult run =
      RunCommand(std::string(MPP_LOAD_BIN) + " --broker-bin " + MPP_BROKER_BIN + " --config " +
                 MPP_SOURCE_DIR + "/config/mpp-cilegon.toml " + args + " 2>" + err_path);
  return {run.exit_code, run.out, ReadFile(err_path)};
}

int Count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

TEST(LoadTool, MeasuresEveryRowAgainstASpawnedBrokerAndJudgesTheTargets) {
  const Result r =
      Load("--spawn --warmup 128 --clients 1,64 --ops 256 --subscribers 1,200 --calls 3");
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Every issue acknowledged: 128 warm-up, 256 at one client, 256 at 64.
  EXPECT_EQ(
      Count(
          r.out,
          R"(\| warm-up: issue \(durable\), WAL growing \| 64 clients \| 128 ops \|.*\| errors 0 \| broker CPU)"),
      1)
      << r.out;
  EXPECT_EQ(
      Count(r.out, R"(\| issue \(durable\) \| 1 clients \| 256 ops \|.*\| errors 0 \| broker CPU)"),
      1)
      << r.out;
  EXPECT_EQ(Count(r.out,
                  R"(\| issue \(durable\) \| 64 clients \| 256 ops \|.*\| errors 0 \| broker CPU)"),
            1)
      << r.out;
  // Every call reached every subscriber.
  EXPECT_EQ(Count(r.out, R"(\| call -> event \| 1 subscribers on 1 threads \| 3 deliveries \|)"), 1)
      << r.out;
  EXPECT_EQ(
      Count(r.out, R"(\| call -> event \| 200 subscribers on 4 threads \| 600 deliveries \|)"), 1)
      << r.out;
  // The four targets, each judged (met or not: that is the machine's business).
  EXPECT_EQ(Count(r.out, R"(\| target \(issue 2, 2-core machine\) \| this run \| verdict \|)"), 1);
  EXPECT_EQ(
      Count(
          r.out,
          R"(\| >= 20,000 durable ops/s at 64 clients \| \d+ ops/s, 0 errors \| (met|NOT met) \|)"),
      1)
      << r.out;
  EXPECT_EQ(Count(r.out, R"(\| p50 <= 0\.5 ms at 1 client \| [0-9.]+ ms \| (met|NOT met) \|)"), 1)
      << r.out;
  EXPECT_EQ(Count(r.out, R"(\| p99 <= 5 ms at 1 client \| [0-9.]+ ms \| (met|NOT met) \|)"), 1)
      << r.out;
  EXPECT_EQ(
      Count(
          r.out,
          R"(\| event delivery p99 <= 5 ms to 200 subscribers \| [0-9.]+ ms \(600 of 600 deliveries\) \| (met|NOT met) \|)"),
      1)
      << r.out;
}

TEST(LoadTool, RefusesACountListItCannotReadAndSaysWhy) {
  const Result r = Load("--spawn --clients 1,sixteen");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--clients: \"sixteen\" is not a count of 1 or more"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");  // refused before anything was started or measured
}

}  // namespace
}  // namespace mpp::testing
