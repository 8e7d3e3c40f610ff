// Redis without blocking the caller. Commands can be submitted from any thread:
//  - on a thread that runs an event loop this AsyncRedis joined (the HTTP server's threads, see
//    ThreadLoopClients()), the command goes out on that thread's own connection and its callback runs on the
//    same thread: a webhook is read, recorded and answered without changing threads;
//  - from any other thread it is queued to one libevent loop thread of its own, pipelined on one connection,
//    and its callback runs on that loop thread.
//
// Why: Pistache runs handlers on a few threads; a blocking round trip per webhook stalls them (measured on this
// stack: ~25k req/s blocking vs ~49k with an async loop), and handing every webhook to a Redis thread and its
// answer back costs two cross-thread wake-ups per request (the largest share of the ingress's kernel time).
// Connection handling (timeouts, Sentinel failover, demoted masters) is RedisPipe's, the same on both paths.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "core/thread_loop.h"
#include "store/redis_pipe.h"

struct event_base;
struct event;

namespace refundsync {

class RedisLane;

class AsyncRedis {
 public:
  using Callback = RedisPipe::Callback;
  using Args = RedisPipe::Args;

  AsyncRedis(RedisConfig config, Duration timeout);
  ~AsyncRedis();
  AsyncRedis(const AsyncRedis&) = delete;
  AsyncRedis& operator=(const AsyncRedis&) = delete;

  // Thread-safe. The callback is always called exactly once: on the submitting thread's loop when it joined
  // one (possibly before Submit returns, when the command fails at once), else on the loop thread. Shared
  // arguments let a caller send the same (large) command again without copying it.
  void Submit(Args args, Callback callback);
  void Submit(std::vector<std::string> args, Callback callback) {
    Submit(std::make_shared<const std::vector<std::string>>(std::move(args)), std::move(callback));
  }
  // Several commands sent back to back on one connection, in order (e.g. a write and the WAIT that must follow
  // it on the same connection); if that connection fails, every one of them fails. Callbacks run in order.
  void SubmitTogether(std::vector<std::pair<Args, Callback>> commands);

  // For an event loop's threads (the HTTP server's): gives each thread its own connection, used by commands
  // submitted on that thread. The AsyncRedis must outlive those threads. Those threads never block on Redis:
  // the master is located (Sentinel) and its name resolved (DNS) by this AsyncRedis's loop thread, and a lane
  // that finds no current address (after a failover) holds its commands, up to their timeout, while it is
  // looked up.
  ThreadLoopClientFactory ThreadLoopClients();

 private:
  RedisLane* LaneOfThisThread() const;
  void Drain();  // loop thread: send what was submitted
  // Any thread, never blocks: the master as last located for the lanes (and the generation it was found
  // under), or nullopt after asking the loop thread to locate it.
  Result<std::optional<RedisTarget>> LaneTarget(std::uint64_t* generation);
  // A lane's server failed it (refused, reset, READONLY): look again, meanwhile keep the address known.
  void LaneTargetFailed();
  void RequestLocateLocked();  // holding target_mutex_: at most one lookup at a time, one per kLocateGapMs
  void RefreshLaneTarget();    // loop thread (and the constructor): blocks on Sentinel and DNS

  RedisConfig config_;
  Duration timeout_;
  const std::uint64_t id_;  // tells this instance's lanes apart from another instance's on the same thread

  std::mutex mutex_;
  std::vector<RedisPipe::Command> submitted_;  // guarded by mutex_
  bool stopping_ = false;                      // guarded by mutex_

  std::mutex target_mutex_;
  std::optional<RedisTarget> lane_target_;    // guarded by target_mutex_
  std::uint64_t lane_target_generation_ = 0;  // guarded by target_mutex_: MasterGeneration() it was located at
  bool locate_requested_ = false;             // guarded by target_mutex_
  std::int64_t last_locate_ms_ = 0;           // guarded by target_mutex_

  // Loop thread only.
  event_base* base_ = nullptr;
  event* wake_ = nullptr;
  event* locate_ = nullptr;
  event* tick_ = nullptr;
  std::unique_ptr<RedisPipe> pipe_;
  std::thread thread_;

  friend class RedisLane;
};

}  // namespace refundsync
