// The catalog fuzzer's seeds (every catalog in config/) and every input it
// ever crashed on (fuzz/catalog-regressions/) go through the parser and the
// questions asked of a catalog in the normal test run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/test_catalog.h"
#include "fuzz/catalog_fuzz_lib.h"

namespace mpp::fuzz {
namespace {

int Replay(const std::string& input) {
  return RunCatalog(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(CatalogFuzz, SeedsParseAndPastCrashesStayFixed) {
  int accepted = 0;
  for (const auto& f :
       std::filesystem::directory_iterator(std::string(MPP_SOURCE_DIR) + "/config")) {
    if (f.path().extension() == ".toml") accepted += Replay(Read(f.path()));
  }
  EXPECT_GE(accepted, 1) << "the sample catalog is a seed";
  EXPECT_EQ(Replay(std::string(mpp::testing::kTestCatalog)), 1);
  // Refusals name the file, or RunCatalog aborts: broken on purpose here.
  EXPECT_EQ(Replay("[mpp\nname = "), 0);
  EXPECT_EQ(Replay(std::string(mpp::testing::kTestCatalog) + "\n[[agency]]\ncode = \"\"\n"), 0);
  for (const auto& f : std::filesystem::directory_iterator(std::string(MPP_SOURCE_DIR) +
                                                           "/fuzz/catalog-regressions")) {
    if (!f.is_regular_file() || f.path().extension() == ".md") continue;
    SCOPED_TRACE(f.path().string());
    Replay(Read(f.path()));
  }
}

}  // namespace
}  // namespace mpp::fuzz
