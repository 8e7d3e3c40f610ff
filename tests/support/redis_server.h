// A real redis-server on a free loopback port, private to one test, stopped when the fixture goes away.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "store/redis_connection.h"
#include "tests/support/temp_dir.h"

namespace refundsync::testing {

class RedisServer {
 public:
  // Starts it and waits until it answers PING. `persistent`: AOF on (appendfsync everysec), so a clean restart
  // keeps the data, as production Redis must.
  explicit RedisServer(bool persistent = false);
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  void Start();
  void Stop();
  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

 private:
  TempDir dir_;
  int port_;
  bool persistent_;
  pid_t pid_ = -1;
};

// A TCP port that was free a moment ago (bind to port 0, read it back, close).
int FreePort();

// A connection to a Redis (or a Sentinel) on loopback, database 0, no password.
inline Result<std::unique_ptr<RedisConnection>> ConnectLocal(int port, Duration timeout = std::chrono::seconds(1)) {
  return RedisConnection::Connect(RedisTarget{"127.0.0.1", port, "", 0}, std::nullopt, timeout);
}

}  // namespace refundsync::testing
