// Redis without blocking the caller: commands are queued from any thread and sent by one event-loop thread
// (libevent + hiredis async), pipelined on one connection. Callbacks run on that loop thread.
//
// Why: Pistache runs handlers on a few threads; a blocking round trip per webhook stalls them (measured on this
// stack: ~25k req/s blocking vs ~49k with an async loop). Replies arrive in order; a command that gets no reply
// within the timeout means the connection is unhealthy, so it is dropped, every pending command fails
// ("store_unavailable") and the next command reconnects (finding the master again through Sentinel if used).
#pragma once

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <hiredis/async.h>

#include "core/result.h"
#include "store/redis_connection.h"

struct event_base;
struct event;

namespace refundsync {

class AsyncRedis {
 public:
  // The reply is valid only during the call (hiredis frees it afterwards); nullptr with an error on failure.
  using Callback = std::function<void(const redisReply* reply, const Error* error)>;

  AsyncRedis(RedisConfig config, Duration timeout);
  ~AsyncRedis();
  AsyncRedis(const AsyncRedis&) = delete;
  AsyncRedis& operator=(const AsyncRedis&) = delete;

  using Args = std::shared_ptr<const std::vector<std::string>>;

  // Thread-safe. The callback is always called exactly once, on the loop thread. Shared arguments let a caller
  // send the same (large) command again without copying it.
  void Submit(Args args, Callback callback);
  void Submit(std::vector<std::string> args, Callback callback) {
    Submit(std::make_shared<const std::vector<std::string>>(std::move(args)), std::move(callback));
  }
  // Several commands sent back to back on one connection, in order (e.g. a write and the WAIT that must follow
  // it on the same connection); if that connection fails, every one of them fails. Callbacks run in order.
  void SubmitTogether(std::vector<std::pair<Args, Callback>> commands);

 private:
  struct Pending {
    Args args;
    Callback callback;
    std::int64_t deadline_ms = 0;
  };

  void RunLoop();
  void Drain();               // loop thread: send what was submitted
  void CheckDeadlines();      // loop thread: drop a connection whose oldest command is overdue
  bool DropIfMasterChanged(); // loop thread: drop the connection when MasterGeneration() moved on
  void DropConnection();      // loop thread: free context_ (its pending commands fail), reconnect on next use
  std::unique_ptr<Pending> MakePending(Args args, Callback callback) const;
  bool EnsureConnected();     // loop thread
  void FailAll(std::deque<std::unique_ptr<Pending>>& pending, const std::string& why);
  static void OnReply(redisAsyncContext* context, void* reply, void* privdata);
  static void OnConnect(const redisAsyncContext* context, int status);
  static void OnDisconnect(const redisAsyncContext* context, int status);

  RedisConfig config_;
  RedisLocator locator_;
  Duration timeout_;
  std::uint64_t generation_ = 0;  // MasterGeneration() when context_ connected (loop thread only)

  std::mutex mutex_;
  std::deque<std::unique_ptr<Pending>> submitted_;  // guarded by mutex_
  bool stopping_ = false;                            // guarded by mutex_

  // Loop thread only.
  event_base* base_ = nullptr;
  event* wake_ = nullptr;
  event* tick_ = nullptr;
  redisAsyncContext* context_ = nullptr;
  std::deque<Pending*> in_flight_;  // sent, awaiting replies, in order
  std::int64_t last_connect_failure_ms_ = 0;
  std::thread thread_;
};

}  // namespace refundsync
