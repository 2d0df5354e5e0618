#include "common/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace mpp {
namespace {

TEST(Keys, AFileIsReadAsAFileEvenWhenItsPathLooksLikeAKey) {
  // "/tmp/<24 characters>/broker.pub" is 40 characters of the Z85 alphabet:
  // it used to be taken for the key itself.
  std::string name = "mpp-k" + std::to_string(getpid());
  name.resize(24, 'x');
  const std::string dir = "/tmp/" + name;
  const std::string path = dir + "/broker.pub";
  ASSERT_EQ(path.size(), 40u);
  ASSERT_TRUE(IsZ85Key(path)) << "the trap this test is about";
  std::filesystem::create_directories(dir);
  auto keys = GenerateKeyPair();
  ASSERT_TRUE(keys.ok());
  std::ofstream(path) << keys->public_z85 << "\n";
  auto read = ReadPublicKey(path);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(*read, keys->public_z85);
  std::filesystem::remove_all(dir);
  // A key given inline says so; a bare key is taken for a path, and refused.
  EXPECT_EQ(*ReadPublicKey("z85:" + keys->public_z85), keys->public_z85);
  EXPECT_FALSE(ReadPublicKey(keys->public_z85).ok());
  auto bad = ReadPublicKey("z85:short");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("40-character"), std::string::npos);
}

TEST(Keys, ModesAreWrittenAsPeopleWriteThem) {
  EXPECT_EQ(OctalMode(0100644), "0644");
  EXPECT_EQ(OctalMode(0600), "0600");
}

}  // namespace
}  // namespace mpp
