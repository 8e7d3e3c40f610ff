// A blocking hiredis connection with timeouts, AUTH and SELECT, and the way to find the Redis master
// (a fixed URL, or by asking Sentinel: hiredis 0.14 has no Sentinel client of its own).
//
// hiredis contexts are not thread-safe: one RedisConnection per thread.
#pragma once

#include <hiredis/hiredis.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/duration.h"
#include "core/result.h"

namespace refundsync {

struct RedisTarget {
  std::string host;  // empty for a unix socket
  int port = 6379;
  std::string socket_path;  // set for unix:///path
  int db = 0;

  std::string Describe() const;
  bool operator==(const RedisTarget&) const = default;
};

// The process's count of master changes: bumped when Sentinel names a different master than before (the health
// monitor asks it every check). Long-lived connections opened before a bump count as broken and reconnect, so a
// demoted primary is left at once rather than when Sentinel gets round to killing its clients.
std::uint64_t MasterGeneration();
void BumpMasterGeneration();

Result<RedisTarget> ParseRedisUrl(const std::string& url);

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

// A reply's string (a bulk or simple string, a status or an error's text); "" for a null reply or one without.
inline std::string ReplyText(const redisReply* reply) {
  return reply != nullptr && reply->str != nullptr ? std::string(reply->str, reply->len) : std::string();
}

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
  // Several commands in one round trip (hiredis pipelining); replies in order. Errors as Command's.
  Result<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);

  bool broken() const { return broken_ || generation_ != MasterGeneration(); }

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  redisContext* context_;
  bool broken_ = false;
  std::uint64_t generation_ = MasterGeneration();
};

// The error a replica answers to a write ("READONLY You can't write against a read only replica."): the
// server was demoted by a failover and the master is elsewhere now.
bool IsReadOnlyError(const redisReply* reply);

// Finds the current master: the configured URL, or the answer of the first Sentinel that knows the master.
class RedisLocator {
 public:
  explicit RedisLocator(RedisConfig config) : config_(std::move(config)) {}
  bool uses_sentinel() const { return config_.sentinel.has_value(); }
  Result<RedisTarget> Locate(Duration timeout) const;
  // The same, reusing `sentinel` (the connection to the Sentinel that answered last) while it works, and leaving
  // the one that answered in it: for callers that ask every few hundred milliseconds.
  Result<RedisTarget> Locate(Duration timeout, std::unique_ptr<RedisConnection>& sentinel) const;
  // Connects to the current master, authenticated and on the right database.
  Result<std::unique_ptr<RedisConnection>> ConnectToMaster(Duration timeout) const;

 private:
  RedisConfig config_;
};

}  // namespace refundsync
