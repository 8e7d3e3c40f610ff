// The event queue (store/event_queue.h) on Redis streams: one stream per shard (keys::Events), one consumer group
// (keys::kWorkerGroup); XREADGROUP, XAUTOCLAIM, XCLAIM … JUSTID as the heartbeat, XACK + XDEL.
#pragma once

#include "store/event_queue.h"
#include "store/redis_connection.h"

namespace refundsync {

class RedisEventQueue : public EventQueue {
 public:
  explicit RedisEventQueue(RedisConnection& redis) : redis_(redis) {}

  // A group missing on a shard (NOGROUP: a failover to a master without it) is created again before the error
  // is returned; the next read works.
  int shard_count() const override;
  Result<void> EnsureGroups() override;
  Result<std::vector<QueuedEvent>> Read(const std::string& consumer, int per_stream,
                                        std::chrono::milliseconds block) override;
  Result<std::vector<QueuedEvent>> Claim(int shard, const std::string& consumer, Duration idle, int count) override;
  Result<void> KeepHeld(const std::string& consumer, const std::vector<QueuedEvent>& held) override;
  Result<void> Ack(const QueuedEvent& event) override;

 private:
  RedisConnection& redis_;
};

}  // namespace refundsync
