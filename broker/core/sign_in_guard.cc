#include "broker/core/sign_in_guard.h"

#include <algorithm>

namespace mpp::core {

Millis SignInGuard::HeldUntil(const std::string& device, Millis now) const {
  auto it = devices_.find(device);
  if (it == devices_.end() || it->second.held_until <= now) return 0;
  return it->second.held_until;
}

SignInGuard::Verdict SignInGuard::Failed(const std::string& device, Millis now) {
  auto it = devices_.find(device);
  if (it == devices_.end()) {
    if (devices_.size() >= kMaxDevices) ForgetOldest();
    it = devices_.emplace(device, State{}).first;
  }
  State& s = it->second;
  if (s.last_failure != 0 && now - s.last_failure >= kForgetMs) s = State{};
  s.last_failure = now;
  ++s.failures;
  Verdict v;
  v.failures = s.failures;
  if (s.failures < kFreeTries) {
    v.tries_left = kFreeTries - s.failures;
    return v;
  }
  // The fifth wrong PIN holds the device a minute; each one after a hold
  // doubles the hold.
  Millis hold = kFirstHoldMs;
  for (int i = 0; i < s.holds && hold < kMaxHoldMs; ++i) hold *= 2;
  hold = std::min(hold, kMaxHoldMs);
  ++s.holds;
  s.held_until = now + hold;
  v.held_until = s.held_until;
  return v;
}

void SignInGuard::ForgetOldest() {
  auto oldest = devices_.begin();
  for (auto it = devices_.begin(); it != devices_.end(); ++it) {
    if (it->second.last_failure < oldest->second.last_failure) oldest = it;
  }
  if (oldest != devices_.end()) devices_.erase(oldest);
}

}  // namespace mpp::core
