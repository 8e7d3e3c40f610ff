// Every store role on one Redis connection, and the connector that finds the current master (directly or through
// Sentinel) for the worker, the reconciler, the admin API and the CLI.
#pragma once

#include "store/capture_store.h"
#include "store/redis_connection.h"
#include "store/redis_event_queue.h"
#include "store/redis_sync_store.h"
#include "store/store_session.h"

namespace refundsync {

class RedisStoreSession : public StoreSession {
 public:
  explicit RedisStoreSession(std::unique_ptr<RedisConnection> connection)
      : connection_(std::move(connection)), store_(*connection_), events_(*connection_), captures_(*connection_) {}
  bool broken() const override { return connection_->broken(); }
  SyncStore& store() override { return store_; }
  EventQueue& events() override { return events_; }
  CaptureReader& captures() override { return captures_; }

 private:
  std::unique_ptr<RedisConnection> connection_;
  RedisSyncStore store_;
  RedisEventQueue events_;
  CaptureStore captures_;
};

class RedisStoreConnector : public StoreConnector {
 public:
  explicit RedisStoreConnector(RedisLocator locator) : locator_(std::move(locator)) {}
  Result<std::unique_ptr<StoreSession>> Connect(Duration timeout) const override;

 private:
  RedisLocator locator_;
};

}  // namespace refundsync
