// The worker: threads that consume the shard streams through a Redis consumer group (so replicas share the
// work), run due retries, and reclaim entries that a dead consumer left pending (XAUTOCLAIM after an idle
// time). An entry is acknowledged (and removed) only after its transactions' new state is stored.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "handlers/refund_processor.h"
#include "store/redis_connection.h"

namespace refundsync {

class Worker {
 public:
  Worker(const RefundProcessor& processor, RedisLocator locator, std::string consumer_prefix, Duration claim_idle,
         const Clock& clock);
  ~Worker();

  void Start(int threads);
  // Finishes the entries in hand and stops.
  void Stop();

 private:
  void Run(int index);
  // Handles one stream entry; true when it may be acknowledged.
  bool Process(const redisReply* fields, TransactionStore& store);

  const RefundProcessor& processor_;
  RedisLocator locator_;
  std::string consumer_prefix_;
  Duration claim_idle_;
  const Clock& clock_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
};

// Creates the consumer group on every shard stream (idempotent).
Result<void> EnsureConsumerGroups(RedisConnection& redis);

}  // namespace refundsync
