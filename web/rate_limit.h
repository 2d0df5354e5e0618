// Token buckets per key (a visitor's address): `rate` requests a second on
// average, `burst` at once. What mpp-web uses to keep one address from
// flooding the broker with guessed tokens or bookings (docs/SECURITY.md).
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "common/time_util.h"

namespace mpp::web {

class RateLimiter {
 public:
  // At most `max_keys` addresses are remembered; past that the ones whose
  // buckets are full again are forgotten (they lose nothing).
  RateLimiter(double rate_per_s, double burst, size_t max_keys = 100000);

  // Takes one token from `key`'s bucket at `now`; false when it is empty.
  bool Allow(const std::string& key, Millis now);
  // Seconds until `key` has a token again (0 when it has one).
  int RetryAfterS(const std::string& key, Millis now);
  size_t keys() const;

 private:
  struct Bucket {
    double tokens = 0;
    Millis at = 0;
  };
  void Refill(Bucket* b, Millis now) const;
  void Prune(Millis now) REQUIRES(mu_);

  const double rate_per_ms_;
  const double burst_;
  const size_t max_keys_;
  mutable Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ GUARDED_BY(mu_);
};

}  // namespace mpp::web
