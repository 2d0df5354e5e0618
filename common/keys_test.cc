#include "common/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

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

// The base layer's check (common/z85.h) accepts exactly what libzmq decodes.
TEST(Keys, TheZ85CheckAgreesWithLibzmq) {
  const std::string alphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  std::mt19937 random(20261206);
  auto agree = [](const std::string& text) {
    uint8_t raw[32];
    const bool zmq = text.size() == 40 && zmq_z85_decode(raw, text.c_str()) != nullptr;
    return IsZ85Key(text) == zmq;
  };
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text(40, ' ');
    // Mostly the alphabet's last characters, so that groups overflow 2^32 often.
    for (char& c : text) {
      c = random() % 4 ? alphabet[80 + random() % 5] : alphabet[random() % alphabet.size()];
    }
    if (random() % 50 == 0) text[random() % 40] = static_cast<char>(' ' + random() % 95);
    EXPECT_TRUE(agree(text)) << text;
    accepted += IsZ85Key(text);
  }
  EXPECT_GT(accepted, 100);  // both kinds were tried
  EXPECT_LT(accepted, 19900);
  EXPECT_TRUE(IsZ85Key(GenerateKeyPair()->public_z85));
  EXPECT_TRUE(IsZ85Key(std::string(40, '0')));
  EXPECT_FALSE(IsZ85Key("#####00000000000000000000000000000000000"));  // 85^5 - 1 > 2^32
  EXPECT_FALSE(IsZ85Key(std::string(39, '0')));
  EXPECT_FALSE(IsZ85Key(std::string(40, '"')));
}

TEST(Keys, ModesAreWrittenAsPeopleWriteThem) {
  EXPECT_EQ(OctalMode(0100644), "0644");
  EXPECT_EQ(OctalMode(0600), "0600");
}

}  // namespace
}  // namespace mpp
