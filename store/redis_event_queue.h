// The event queue (store/event_queue.h) on Redis streams: one stream per shard (keys::Events), one consumer group
// (keys::kWorkerGroup); XREADGROUP, XAUTOCLAIM, XCLAIM … JUSTID as the heartbeat, XACK + XDEL. And the Redis
// store session and connector the worker and the CLI use.
#pragma once

#include "store/event_queue.h"
#include "store/redis_connection.h"
#include "store/redis_sync_store.h"

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

class RedisStoreSession : public StoreSession {
 public:
  explicit RedisStoreSession(std::unique_ptr<RedisConnection> connection)
      : connection_(std::move(connection)), store_(*connection_), events_(*connection_) {}
  bool broken() const override { return connection_->broken(); }
  SyncStore& store() override { return store_; }
  EventQueue& events() override { return events_; }

 private:
  std::unique_ptr<RedisConnection> connection_;
  RedisSyncStore store_;
  RedisEventQueue events_;
};

class RedisStoreConnector : public StoreConnector {
 public:
  explicit RedisStoreConnector(RedisLocator locator) : locator_(std::move(locator)) {}
  Result<std::unique_ptr<StoreSession>> Connect(Duration timeout) const override;

 private:
  RedisLocator locator_;
};

}  // namespace refundsync
