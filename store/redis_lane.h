// One Redis connection on an event loop thread that someone else runs (the HTTP server's), for AsyncRedis:
// commands submitted on that thread go out here and their replies are handled there. hiredis's read interest
// becomes ThreadLoop::WatchReadable; its write interest becomes a flag, so the commands of one round of events
// leave in one write after the round (AfterEvents), and a write the socket could not take is retried on the
// next round or tick.
#pragma once

#include <cstdint>

#include "core/thread_loop.h"
#include "store/redis_pipe.h"

namespace refundsync {

class RedisLane : public ThreadLoopClient, private ThreadLoop::Readable {
 public:
  // Created on the loop's thread; `owner` names the AsyncRedis it serves (see OfThisThread).
  RedisLane(ThreadLoop& loop, RedisConfig config, Duration timeout, std::uint64_t owner);
  ~RedisLane() override;

  // The lane serving `owner` on the calling thread, or nullptr when this thread has none.
  static RedisLane* OfThisThread(std::uint64_t owner);

  RedisPipe& pipe() { return pipe_; }

  void AfterEvents() override;
  void OnTick() override;

 private:
  void OnReadable() override;
  void Attach(redisAsyncContext* context);
  void StartReading();
  void StopReading();

  ThreadLoop& loop_;
  const std::uint64_t owner_;
  redisAsyncContext* context_ = nullptr;  // the pipe's live context, as hiredis reports it
  int fd_ = -1;
  bool reading_ = false;
  bool want_write_ = false;
  RedisPipe pipe_;  // declared last: destroyed first, while the hooks it calls still work
};

}  // namespace refundsync
