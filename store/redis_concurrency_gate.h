// netsuite.max_concurrency across every replica: a slot is a member of a Redis sorted set scored by its expiry.
// Slots live a few seconds and a heartbeat thread extends the ones this process holds, so a replica that dies
// (or a release lost to a Redis restart) frees its slots within seconds instead of starving the others for the
// length of a NetSuite timeout.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "clients/netsuite_client.h"
#include "core/duration.h"
#include "store/redis_connection.h"

namespace refundsync {

class RedisConcurrencyGate : public ConcurrencyGate {
 public:
  // A slot expires `slot_time` after it was taken or last renewed (Redis's time); the heartbeat renews held
  // slots five times as often. Measured before: slots living 35 s (longer than a NetSuite request) let one killed
  // worker or one Redis restart stall every NetSuite call of every replica for 35 s.
  static constexpr Duration kDefaultSlotTime = std::chrono::seconds(5);
  RedisConcurrencyGate(RedisLocator locator, int limit, Duration slot_time = kDefaultSlotTime);
  ~RedisConcurrencyGate() override;

  Result<void> Enter() override;  // waits up to 30 s for a slot
  void Leave() override;

 private:
  Result<bool> TryAcquire(const std::string& holder);
  // The gate's connection, (re)connected when needed. Needs mutex_.
  Result<RedisConnection*> Connection();
  void RenewHeldSlots();  // the heartbeat thread

  const std::string instance_;  // unique per process: in containers every replica may be PID 1

  RedisLocator locator_;
  int limit_;
  const Duration slot_time_;
  std::mutex mutex_;  // one connection for the gate; a slot round trip is short
  std::unique_ptr<RedisConnection> connection_;
  std::set<std::string> held_;  // slots this process holds now (guarded by mutex_), renewed by the heartbeat
  std::atomic<std::uint64_t> next_holder_{0};
  // Woken when a thread of this process gives a slot back, so a waiting thread tries again at once instead of
  // after its pause (slots freed by other replicas are still found by the pause).
  std::mutex freed_mutex_;
  std::condition_variable freed_;

  std::mutex heartbeat_mutex_;
  std::condition_variable heartbeat_wake_;
  bool stopping_ = false;  // guarded by heartbeat_mutex_
  std::thread heartbeat_;
};

}  // namespace refundsync
