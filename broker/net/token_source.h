// TokenSource: the random parts of new tickets' tokens (common/ticket_token.h),
// 100 bits each, taken from a pool of 4 KB: a ChaCha20 stream (libsodium's
// randombytes_buf_deterministic) from a fresh 256-bit seed per refill - one
// getrandom call per 315 tickets on the reactor's thread instead of one per
// ticket (system calls are the dear part of an issue). Each byte is used
// once. Not thread-safe: the reactor's own.
#pragma once

#include <cstddef>
#include <string>

namespace mpp::net {

class TokenSource {
 public:
  std::string Next();

 private:
  static constexpr size_t kBytesPerToken = 13;  // 104 bits, 100 of them used
  unsigned char pool_[315 * kBytesPerToken];
  size_t used_ = sizeof pool_;  // empty until the first Next
};

}  // namespace mpp::net
