// A real Sentinel (redis-server --sentinel) on a free loopback port, watching one master named "m1", stopped when
// the fixture goes away.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

namespace refundsync::testing {

// Its config file lives in `dir` (Sentinel rewrites it). `replica_ports` are made known at once.
class SentinelProcess {
 public:
  SentinelProcess(int master_port, const std::vector<int>& replica_ports, TempDir& dir) : port_(FreePort()) {
    std::string conf = "port " + std::to_string(port_) + "\nbind 127.0.0.1\nsentinel monitor m1 127.0.0.1 " +
                       std::to_string(master_port) +
                       " 1\nsentinel down-after-milliseconds m1 1000\nsentinel failover-timeout m1 5000\n";
    // Known at once instead of after Sentinel's next INFO round (10 s).
    for (int port : replica_ports) conf += "sentinel known-replica m1 127.0.0.1 " + std::to_string(port) + "\n";
    const std::string path = dir.Write("sentinel.conf", conf);
    pid_ = fork();
    if (pid_ == 0) {
      execlp("redis-server", "redis-server", path.c_str(), "--sentinel", "--loglevel", "warning",
             static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~SentinelProcess() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

  // A command to the Sentinel, retried until it answers (it starts asynchronously); nullopt after `max_ms`.
  std::optional<RedisReply> Command(const std::vector<std::string>& args, int max_ms = 5000) const {
    for (int waited = 0; waited < max_ms; waited += 20) {
      auto connection = ConnectLocal(port_, std::chrono::milliseconds(200));
      if (connection) {
        auto reply = (*connection)->Command(args);
        if (reply && (*reply)->type != REDIS_REPLY_ERROR) return std::move(*reply);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  // The master's port as Sentinel names it now.
  int MasterPort() const {
    auto reply = Command({"SENTINEL", "get-master-addr-by-name", "m1"});
    if (!reply || (*reply)->type != REDIS_REPLY_ARRAY || (*reply)->elements != 2) return 0;
    return std::stoi(std::string((*reply)->element[1]->str, (*reply)->element[1]->len));
  }

 private:
  int port_;
  pid_t pid_;
};

}  // namespace refundsync::testing
