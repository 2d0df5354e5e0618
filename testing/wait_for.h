// WaitFor: polls a condition until it holds or a timeout passes - how a test
// waits for another thread or process, never by sleeping a fixed time.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace mpp::testing {

// Polls `predicate` every 50 ms until it holds or `timeout_ms` passes.
inline bool WaitFor(const std::function<bool()>& predicate, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // polling a condition
  }
  return true;
}

}  // namespace mpp::testing
