// SignInGuard: wrong PINs hold back the device that types them, not the
// operator they name (docs/SECURITY.md, "Wrong PINs").
//
// A lockout per operator let any counter workstation lock every operator of
// the hall by typing five wrong PINs for each. Here failures count per device
// (the authenticated device name with keys, the client id without): after
// kFreeTries wrong PINs in a row the device is held for 1 minute, and every
// further wrong PIN after a hold doubles it, up to kMaxHoldMs. The operator
// signs in at any other counter meanwhile. A right PIN, or kForgetMs without a
// failure, clears the device's count. An unknown operator id counts like a
// wrong PIN, so ids cannot be tried for free.
//
// The state is transient (a restart forgets it: an attacker cannot restart
// the broker) and bounded: at most kMaxDevices devices are remembered, the
// one with the oldest failure forgotten first.
//
// REQUIRES: external synchronization (the reactor thread).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/time_util.h"

namespace mpp::core {

class SignInGuard {
 public:
  static constexpr int kFreeTries = 5;
  static constexpr Millis kFirstHoldMs = 60'000;
  static constexpr Millis kMaxHoldMs = 15 * 60'000;
  static constexpr Millis kForgetMs = 30 * 60'000;
  static constexpr size_t kMaxDevices = 4096;

  // Until when `device` may not try a PIN (0: it may now).
  Millis HeldUntil(const std::string& device, Millis now) const;

  struct Verdict {
    int tries_left = 0;     // before the next hold (0 when this failure holds)
    Millis held_until = 0;  // set when this failure starts a hold
    int failures = 0;       // wrong PINs in a row from this device
  };
  // Records a wrong PIN (or an unknown operator) from `device` at `now`.
  Verdict Failed(const std::string& device, Millis now);
  // A right PIN: the device starts afresh.
  void Succeeded(const std::string& device) { devices_.erase(device); }

  size_t size() const { return devices_.size(); }

 private:
  struct State {
    int failures = 0;
    int holds = 0;
    Millis last_failure = 0;
    Millis held_until = 0;
  };
  void ForgetOldest();
  std::unordered_map<std::string, State> devices_;
};

}  // namespace mpp::core
