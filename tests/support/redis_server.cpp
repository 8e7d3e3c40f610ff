#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

#include "store/redis_connection.h"

namespace refundsync::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

RedisServer::RedisServer(bool persistent) : port_(FreePort()), persistent_(persistent) { Start(); }

RedisServer::~RedisServer() { Stop(); }

void RedisServer::Start() {
  const std::string port = std::to_string(port_);
  const std::string dir = dir_.path().string();
  const std::string log = dir + "/redis.log";
  pid_ = fork();
  if (pid_ == 0) {
    execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--dir", dir.c_str(),
           "--save", "", "--appendonly", persistent_ ? "yes" : "no", "--appendfsync", "everysec", "--loglevel",
           "warning", "--logfile", log.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for readiness by asking it, not by sleeping a fixed time.
  RedisTarget target{"127.0.0.1", port_, "", 0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto connection = RedisConnection::Connect(target, std::nullopt, std::chrono::milliseconds(200))) {
      if (auto reply = (*connection)->Command({"PING"}); reply && (*reply)->type == REDIS_REPLY_STATUS) return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) throw std::runtime_error("redis-server exited at start-up");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("redis-server did not answer PING within 10 s");
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace refundsync::testing
