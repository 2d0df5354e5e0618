#include "web/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace mpp::web {

RateLimiter::RateLimiter(double rate_per_s, double burst, size_t max_keys)
    : rate_per_ms_(rate_per_s / 1000.0), burst_(burst), max_keys_(max_keys) {}

void RateLimiter::Refill(Bucket* b, Millis now) const {
  if (now > b->at) {
    b->tokens = std::min(burst_, b->tokens + static_cast<double>(now - b->at) * rate_per_ms_);
    b->at = now;
  }
}

bool RateLimiter::Allow(const std::string& key, Millis now) {
  MutexLock lock(&mu_);
  auto [it, fresh] = buckets_.try_emplace(key);
  if (fresh) {
    it->second = {burst_, now};
    if (buckets_.size() > max_keys_) Prune(now);
  }
  Bucket& b = buckets_[key];
  Refill(&b, now);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

int RateLimiter::RetryAfterS(const std::string& key, Millis now) {
  MutexLock lock(&mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return 0;
  Refill(&it->second, now);
  if (it->second.tokens >= 1.0 || rate_per_ms_ <= 0) return 0;
  return static_cast<int>(std::ceil((1.0 - it->second.tokens) / rate_per_ms_ / 1000.0));
}

size_t RateLimiter::keys() const {
  MutexLock lock(&mu_);
  return buckets_.size();
}

void RateLimiter::Prune(Millis now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Refill(&it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace mpp::web
