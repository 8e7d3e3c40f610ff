// One pipelined hiredis async connection and the commands in flight on it, whichever event loop drives it:
// AsyncRedis's own libevent thread, or an HTTP thread's loop (RedisLane). Not thread-safe: it lives on the
// thread of its loop, and every callback runs there.
//
// Replies arrive in order; a command that gets no reply within the timeout means the connection is unhealthy,
// so it is dropped, every pending command fails ("store_unavailable") and the next command reconnects (finding
// the master again through Sentinel if used).
#pragma once

#include <hiredis/async.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/redis_connection.h"

namespace refundsync {

class RedisPipe {
 public:
  // The reply is valid only during the call (hiredis frees it afterwards); nullptr with an error on failure.
  using Callback = std::function<void(const redisReply* reply, const Error* error)>;
  using Args = std::shared_ptr<const std::vector<std::string>>;
  // Hooks a fresh hiredis context into the loop that drives this pipe (e.g. redisLibeventAttach).
  using Attach = std::function<void(redisAsyncContext*)>;
  // Finds the server to connect to, and the MasterGeneration() it was found under; by default RedisLocator
  // (which asks Sentinel, blocking). nullopt means "being looked up, ask again shortly": commands then wait (up to
  // their deadline) instead of failing.
  using Locate = std::function<Result<std::optional<RedisTarget>>(std::uint64_t* generation)>;
  // Told when the server found failed us (refused, reset, or answered READONLY): it may have moved.
  using TargetFailed = std::function<void()>;

  struct Command {
    Args args;
    Callback callback;
    std::int64_t deadline_ms = 0;
    redisAsyncContext* sent_on = nullptr;  // the connection that owes the reply
  };

  RedisPipe(RedisConfig config, Duration timeout, Attach attach, Locate locate = nullptr,
            TargetFailed target_failed = nullptr);
  ~RedisPipe();  // what is in flight fails
  RedisPipe(const RedisPipe&) = delete;
  RedisPipe& operator=(const RedisPipe&) = delete;

  // A command with its deadline (now + timeout).
  static Command MakeCommand(Args args, Callback callback, Duration timeout);
  // Sends the commands back to back on one connection, connecting first if needed; when Redis cannot be
  // reached every one fails at once. Each callback runs exactly once.
  void Send(std::vector<Command> commands);
  void Send(Args args, Callback callback);
  // The loop's periodic check: drops the connection that owes an overdue reply, or the current one when
  // Sentinel names another master (what is in flight on it fails; the next command reconnects); sends the
  // commands that waited for the master to be located, or fails those past their deadline.
  void CheckHealth();
  // Calls every callback with a store_unavailable error saying `why`, and empties `commands`.
  static void FailAll(std::vector<Command>& commands, const std::string& why);

 private:
  bool DropIfMasterChanged();
  void DropConnection();
  bool EnsureConnected();
  Result<std::optional<RedisTarget>> LocateNow() const;  // through the locator (Sentinel), blocking
  void TargetFailedNow();
  static void OnReply(redisAsyncContext* context, void* reply, void* privdata);
  static void OnConnect(const redisAsyncContext* context, int status);
  static void OnDisconnect(const redisAsyncContext* context, int status);

  RedisConfig config_;
  RedisLocator locator_;
  Duration timeout_;
  Attach attach_;
  Locate locate_;
  TargetFailed target_failed_;
  std::uint64_t generation_ = 0;  // MasterGeneration() when context_ connected
  redisAsyncContext* context_ = nullptr;
  // Connections given up on (a demoted master) that hiredis closes once their pending replies are in.
  std::vector<redisAsyncContext*> closing_;
  std::deque<Command*> in_flight_;  // sent, awaiting replies, oldest first
  std::vector<Command> waiting_;    // not sent yet: the master was being located
  bool locating_ = false;           // the last locate said "being looked up"
  std::int64_t last_connect_failure_ms_ = 0;
};

}  // namespace refundsync
