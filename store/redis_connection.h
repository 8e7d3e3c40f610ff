// A blocking hiredis connection with timeouts, AUTH and SELECT, and the way to find the Redis master
// (a fixed URL, or by asking Sentinel: hiredis 0.14 has no Sentinel client of its own).
//
// hiredis contexts are not thread-safe: one RedisConnection per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "core/config.h"
#include "core/duration.h"
#include "core/result.h"

namespace refundsync {

struct RedisTarget {
  std::string host;         // empty for a unix socket
  int port = 6379;
  std::string socket_path;  // set for unix:///path
  int db = 0;

  std::string Describe() const;
};

Result<RedisTarget> ParseRedisUrl(const std::string& url);

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
 public:
  static Result<std::unique_ptr<RedisConnection>> Connect(const RedisTarget& target,
                                                          const std::optional<Secret>& password, Duration timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Runs one command (arguments are binary-safe). A transport failure (connection gone, timeout) is an error
  // with code "redis_unavailable" and marks the connection broken; a Redis error reply is returned as a reply
  // of type REDIS_REPLY_ERROR for the caller to judge (e.g. NOSCRIPT).
  Result<RedisReply> Command(const std::vector<std::string>& args);

  bool broken() const { return broken_; }

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  redisContext* context_;
  bool broken_ = false;
};

// Finds the current master: the configured URL, or the answer of the first Sentinel that knows the master.
class RedisLocator {
 public:
  explicit RedisLocator(RedisConfig config) : config_(std::move(config)) {}
  Result<RedisTarget> Locate(Duration timeout) const;
  // Connects to the current master, authenticated and on the right database.
  Result<std::unique_ptr<RedisConnection>> ConnectToMaster(Duration timeout) const;

 private:
  RedisConfig config_;
};

}  // namespace refundsync
