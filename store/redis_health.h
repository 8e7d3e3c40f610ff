// Watches whether Redis takes writes, for /readyz and the redis_up gauge: a Redis that answers but refuses writes
// (out of memory under noeviction, a replica, MISCONF after a failed save) cannot take events either, so each
// check writes a small expiring key rather than only PINGing. A webhook that needs Redis finds out on
// its own; this only keeps readiness honest when no traffic flows. With Sentinel it also asks, every check, which
// server is the master, and bumps the master generation when that changes (see MasterGeneration()).
#pragma once

#include <atomic>
#include <optional>

#include "core/periodic_thread.h"
#include "store/redis_connection.h"

namespace refundsync {

class RedisHealthMonitor {
 public:
  RedisHealthMonitor(RedisLocator locator, Duration interval);
  ~RedisHealthMonitor();

  void Start();
  void Stop();
  bool healthy() const { return healthy_.load(std::memory_order_acquire); }
  // Checks once, now, on the calling thread (used before serving so readiness is right from the first probe).
  bool CheckNow();

 private:
  void FollowSentinel(Duration timeout);

  RedisLocator locator_;
  Duration interval_;
  std::unique_ptr<RedisConnection> connection_;
  std::unique_ptr<RedisConnection> sentinel_;  // kept between checks (one connection, not one per check)
  std::optional<RedisTarget> master_;          // as Sentinel last named it
  std::atomic<bool> healthy_{false};
  PeriodicThread checks_{interval_, [this] { CheckNow(); }};  // last: stopped before the rest goes
};

}  // namespace refundsync
