// The time source, injected so tests and replay (which judges time claims as of a capture's received_at) never
// depend on the wall clock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace refundsync {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t NowMs() const = 0;  // Unix milliseconds
};

class SystemClock : public Clock {
 public:
  std::int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Monotonic milliseconds, for deadlines and back-offs inside one process (never a point in time to store or
// compare across processes, so not a Clock).
inline std::int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Atomic: a test may move the time while a component's own thread reads it.
class FixedClock : public Clock {
 public:
  explicit FixedClock(std::int64_t now_ms) : now_ms_(now_ms) {}
  std::int64_t NowMs() const override { return now_ms_.load(); }
  void Set(std::int64_t now_ms) { now_ms_.store(now_ms); }

 private:
  std::atomic<std::int64_t> now_ms_;
};

}  // namespace refundsync
