// Bounded polling for a condition another process or thread makes true (never a bare sleep): tests assert on the
// condition afterwards, so a timeout shows as the failed assertion.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace refundsync::testing {

// Checks `done` every 10 ms for at most `max_ms`; true as soon as it holds.
inline bool WaitUntil(const std::function<bool()>& done, int max_ms = 5000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(max_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace refundsync::testing
