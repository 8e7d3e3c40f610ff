#include "store/redis_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <thread>

#include "store/redis_health.h"
#include "tests/support/redis_server.h"
#include "tests/support/sentinel_process.h"

using namespace refundsync;
using refundsync::testing::RedisServer;

TEST_CASE("Redis URLs parse into targets", "[redis]") {
  auto tcp = ParseRedisUrl("redis://10.0.0.5:6380/3").value();
  CHECK(tcp.host == "10.0.0.5");
  CHECK(tcp.port == 6380);
  CHECK(tcp.db == 3);
  auto defaults = ParseRedisUrl("redis://redis").value();
  CHECK(defaults.port == 6379);
  CHECK(defaults.db == 0);
  auto unix_socket = ParseRedisUrl("unix:///run/redis/redis.sock").value();
  CHECK(unix_socket.socket_path == "/run/redis/redis.sock");
  CHECK_FALSE(ParseRedisUrl("redis://user:pw@host:6379").has_value());
  CHECK_FALSE(ParseRedisUrl("http://host").has_value());
}

TEST_CASE("A connection runs commands against a real Redis and notices when it goes away", "[redis][integration]") {
  RedisServer redis;
  RedisConfig config;
  config.url = "redis://127.0.0.1:" + std::to_string(redis.port()) + "/1";
  RedisLocator locator(config);
  auto connection = locator.ConnectToMaster(std::chrono::milliseconds(500));
  REQUIRE(connection.has_value());
  auto set = (*connection)->Command({"SET", "binary\0key", std::string("v\0v", 3)});
  REQUIRE(set.has_value());
  auto get = (*connection)->Command({"GET", "binary\0key"});
  REQUIRE(get.has_value());
  CHECK(std::string((*get)->str, (*get)->len) == std::string("v\0v", 3));

  redis.Stop();
  auto failed = (*connection)->Command({"PING"});
  REQUIRE_FALSE(failed.has_value());
  CHECK(failed.error().code == "redis_unavailable");
  CHECK((*connection)->broken());
}

TEST_CASE("The health monitor follows Redis going down and coming back", "[redis][integration]") {
  RedisServer redis;
  RedisConfig config;
  config.url = redis.url();
  RedisHealthMonitor monitor(RedisLocator(config), std::chrono::milliseconds(50));
  CHECK(monitor.CheckNow());
  redis.Stop();
  CHECK_FALSE(monitor.CheckNow());
  redis.Start();
  CHECK(monitor.CheckNow());
}

TEST_CASE("The health monitor fails while Redis refuses writes (out of memory) and recovers by itself",
          "[redis][integration]") {
  RedisServer redis;
  RedisConfig config;
  config.url = redis.url();
  RedisHealthMonitor monitor(RedisLocator(config), std::chrono::milliseconds(50));
  REQUIRE(monitor.CheckNow());
  auto admin = refundsync::testing::ConnectLocal(redis.port());
  REQUIRE(admin);
  REQUIRE((*admin)->Command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}));
  REQUIRE((*admin)->Command({"CONFIG", "SET", "maxmemory", "1"}));    // every write is refused: OOM
  CHECK((*(*admin)->Command({"PING"}))->type == REDIS_REPLY_STATUS);  // yet it still answers
  CHECK_FALSE(monitor.CheckNow());
  REQUIRE((*admin)->Command({"CONFIG", "SET", "maxmemory", "0"}));
  CHECK(monitor.CheckNow());
}

TEST_CASE("Sentinel tells where the master is", "[redis][integration]") {
  RedisServer redis;
  refundsync::testing::TempDir dir;
  refundsync::testing::SentinelProcess sentinel(redis.port(), {}, dir);
  RedisConfig config;
  config.sentinel = RedisSentinel{{{"127.0.0.1", refundsync::testing::FreePort()},  // a dead Sentinel first
                                   {"127.0.0.1", sentinel.port()}},
                                  "m1",
                                  0};
  RedisLocator locator(config);
  Result<RedisTarget> target = MakeError("", "");
  for (int attempt = 0; attempt < 200 && !target; ++attempt) {  // until the Sentinel answers
    target = locator.Locate(std::chrono::milliseconds(200));
    if (!target) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(target.has_value());
  CHECK(target->port == redis.port());

  // Asked every few hundred milliseconds (the health monitor), the Sentinel that answered is kept and asked
  // again on the same connection, not reached anew each time (past the dead one first).
  std::unique_ptr<RedisConnection> kept;
  REQUIRE(locator.Locate(std::chrono::milliseconds(200), kept));
  REQUIRE(kept);
  const RedisConnection* first = kept.get();
  auto again = locator.Locate(std::chrono::milliseconds(200), kept);
  REQUIRE(again);
  CHECK(again->port == redis.port());
  CHECK(kept.get() == first);
}

TEST_CASE("A write answered READONLY (a demoted master) marks the connection broken, so its owner reconnects",
          "[redis][integration]") {
  RedisServer primary;
  RedisServer replica;
  auto connection = refundsync::testing::ConnectLocal(replica.port());
  REQUIRE(connection);
  REQUIRE((*connection)->Command({"SET", "before", "1"}));
  CHECK_FALSE((*connection)->broken());
  REQUIRE((*connection)->Command({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())}));
  auto refused = (*connection)->Command({"SET", "after", "1"});
  REQUIRE(refused);
  CHECK((*refused)->type == REDIS_REPLY_ERROR);
  CHECK((*connection)->broken());
}

namespace {

// A stand-in Sentinel on a free loopback port that answers every command with `resp` (raw RESP), so a test can
// make it say what a real Sentinel never would.
class CannedSentinel {
 public:
  explicit CannedSentinel(std::string resp) : resp_(std::move(resp)), port_(refundsync::testing::FreePort()) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(listener_, 4) == 0);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CannedSentinel() {
    shutdown(listener_, SHUT_RDWR);
    close(listener_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  void Serve() {
    for (int client; (client = accept(listener_, nullptr, nullptr)) >= 0;) {
      char buffer[4096];
      while (read(client, buffer, sizeof buffer) > 0) {
        if (write(client, resp_.data(), resp_.size()) < 0) break;
      }
      close(client);
    }
  }
  std::string resp_;
  int port_;
  int listener_ = -1;
  std::thread thread_;
};

std::string LocateThrough(const CannedSentinel& sentinel) {
  RedisConfig config;
  config.sentinel = RedisSentinel{{{"127.0.0.1", sentinel.port()}}, "m1", 0};
  auto target = RedisLocator(config).Locate(std::chrono::milliseconds(500));
  REQUIRE_FALSE(target.has_value());
  return target.error().message;
}

}  // namespace

TEST_CASE("A Sentinel answer without a host or with a malformed port is refused, never connected to",
          "[redis][integration]") {
  CHECK_THAT(LocateThrough(CannedSentinel("*2\r\n$0\r\n\r\n$4\r\n6379\r\n")), Catch::Contains("no host"));
  CHECK_THAT(LocateThrough(CannedSentinel("*2\r\n$9\r\n127.0.0.1\r\n$3\r\n63x\r\n")),
             Catch::Contains("malformed port"));
  CHECK_THAT(LocateThrough(CannedSentinel("*2\r\n$9\r\n127.0.0.1\r\n$5\r\n70000\r\n")),
             Catch::Contains("malformed port"));
  // A Sentinel that does not know the master answers a null array.
  CHECK_THAT(LocateThrough(CannedSentinel("*-1\r\n")), Catch::Contains("does not know master"));
}
