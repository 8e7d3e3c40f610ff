// One Redis connection per thread and per owner: hiredis contexts are not thread-safe, and Pistache runs
// handlers on a few fixed threads. A broken connection is replaced on the next Get().
#pragma once

#include <atomic>
#include <memory>

#include "store/redis_connection.h"

namespace refundsync {

class RedisPerThread {
 public:
  RedisPerThread(RedisLocator locator, Duration timeout);

  // The calling thread's connection, connecting (again) when needed.
  Result<RedisConnection*> Get();

 private:
  RedisLocator locator_;
  Duration timeout_;
  std::uint64_t generation_;  // keys the thread-local map; unlike `this`, never reused by a later object
};

}  // namespace refundsync
