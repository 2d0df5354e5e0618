#include "broker/net/token_source.h"

#include <sodium.h>

#include "common/ticket_token.h"

namespace mpp::net {

std::string TokenSource::Next() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  if (used_ + kBytesPerToken > sizeof pool_) {
    // A fresh 256-bit seed (one getrandom: the kernel gives at most 256 bytes
    // a call, so filling the pool directly took 16) expanded with ChaCha20.
    unsigned char seed[randombytes_SEEDBYTES];
    randombytes_buf(seed, sizeof seed);
    randombytes_buf_deterministic(pool_, sizeof pool_, seed);
    sodium_memzero(seed, sizeof seed);
    used_ = 0;
  }
  const unsigned char* bytes = pool_ + used_;
  used_ += kBytesPerToken;
  std::string out;
  uint32_t bits = 0;
  int have = 0;
  for (size_t i = 0; i < kBytesPerToken && out.size() < kTokenRandomLength; ++i) {
    bits = (bits << 8) | bytes[i];
    have += 8;
    while (have >= 5 && out.size() < kTokenRandomLength) {
      out += kAlphabet[(bits >> (have - 5)) & 31];
      have -= 5;
    }
  }
  return out;
}

}  // namespace mpp::net
