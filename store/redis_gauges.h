// The gauges read from Redis (contract section 5), sampled on a thread of their own every few seconds rather than
// on each scrape (a scrape must not wait for Redis): refundsync_queue_depth{shard}, the events waiting or being
// handled in each shard stream; refundsync_queue_oldest_seconds{shard}, the age of the oldest of them; and
// refundsync_transactions{status}, from the transaction list's status indexes. Every replica reports the same
// shared numbers; alert rules aggregate with max().
#pragma once

#include "core/clock.h"
#include "core/metrics.h"
#include "core/periodic_thread.h"
#include "store/redis_connection.h"

namespace refundsync {

class RedisGauges {
 public:
  RedisGauges(RedisLocator locator, MetricsRegistry& metrics, const Clock& clock, Duration every);

  void Start() { samples_.Start(); }
  // Samples once, now, on the calling thread; false when Redis could not be read (the gauges keep their values).
  bool SampleNow();

 private:
  RedisLocator locator_;
  MetricsRegistry& metrics_;
  const Clock& clock_;
  Duration every_;
  std::unique_ptr<RedisConnection> connection_;
  PeriodicThread samples_{every_, [this] { SampleNow(); }};  // last: stopped before the rest goes
};

}  // namespace refundsync
