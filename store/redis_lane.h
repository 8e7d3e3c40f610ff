// One Redis connection on an event loop thread that someone else runs (the HTTP server's), for AsyncRedis:
// commands submitted on that thread go out here and their replies are handled there. hiredis's read interest
// becomes ThreadLoop::WatchReadable; its write interest becomes a flag, so the commands of one round of events
// leave in one write after the round (AfterEvents), and a write the socket could not take is retried on the
// next round or tick.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/thread_loop.h"
#include "store/redis_pipe.h"

namespace refundsync {

class RedisLane : public ThreadLoopClient {
 public:
  // Created on the loop's thread; `owner` names the AsyncRedis it serves (see OfThisThread). `locate` finds the
  // server to connect to without blocking (the loop thread is an HTTP thread); `target_failed` hears when it
  // failed us.
  RedisLane(ThreadLoop& loop, RedisConfig config, Duration timeout, RedisPipe::Locate locate,
            RedisPipe::TargetFailed target_failed, std::uint64_t owner);
  ~RedisLane() override;

  // The lane serving `owner` on the calling thread, or nullptr when this thread has none.
  static RedisLane* OfThisThread(std::uint64_t owner);

  RedisPipe& pipe() { return pipe_; }

  void AfterEvents() override;
  void OnTick() override;

 private:
  // One hiredis connection's event state. Usually one; briefly two when a connection being closed (a demoted
  // master) still owes replies while the next one is in use.
  struct Connection final : ThreadLoop::Readable {
    Connection(RedisLane& lane, redisAsyncContext* context) : lane(lane), context(context), fd(context->c.fd) {}
    void OnReadable() override;
    void StartReading();
    void StopReading();

    RedisLane& lane;
    redisAsyncContext* context;  // nullptr once hiredis let go of it (then removed after the round)
    int fd;
    bool reading = false;
    bool want_write = false;
  };

  void Attach(redisAsyncContext* context);

  ThreadLoop& loop_;
  const std::uint64_t owner_;
  std::vector<std::unique_ptr<Connection>> connections_;
  RedisPipe pipe_;  // declared last: destroyed first, while the hooks it calls still work
};

}  // namespace refundsync
