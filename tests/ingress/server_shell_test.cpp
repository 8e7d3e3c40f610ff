// The real binary, a real Redis, real HTTP on loopback.
#include <catch2/catch.hpp>
#include <csignal>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/server_process.h"
#include "tests/support/test_config.h"
#include "tests/support/wait.h"

using namespace refundsync::testing;

namespace {

struct RunningServer {
  RedisServer redis;
  TempDir dir;
  int port = FreePort();
  std::string config_path;
  std::unique_ptr<ServerProcess> server;

  explicit RunningServer(const std::string& extra = "shutdown:\n  drain_delay: 200ms\n") {
    TestConfigOptions options;
    options.port = port;
    options.redis_url = redis.url();
    options.extra_top_level = extra;
    config_path = dir.Write("config.yaml", MinimalConfigYaml(dir, options));
    server = std::make_unique<ServerProcess>(config_path, port);
    server->StartAndWaitReady();
  }
};

}  // namespace

TEST_CASE("serve answers health, readiness and metrics", "[shell][integration]") {
  RunningServer running;
  HttpClient client;
  const std::string base = running.server->BaseUrl();

  auto health = client.Get(base + "/healthz");
  CHECK(health.status == 200);
  CHECK(health.body == R"({"status":"ok"})");

  auto ready = client.Get(base + "/readyz");
  CHECK(ready.status == 200);

  auto metrics = client.Get(base + "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.headers["content-type"].find("text/plain") == 0);
  CHECK(metrics.body.find("# TYPE refundsync_redis_up gauge\nrefundsync_redis_up 1\n") != std::string::npos);
  CHECK(metrics.body.find("refundsync_http_requests_total{route=\"health\",status=\"200\"}") != std::string::npos);

  CHECK(client.Get(base + "/nope").status == 404);
  CHECK(client.Request("POST", base + "/healthz", "x").status == 405);
}

TEST_CASE("HTTP/1.1 keep-alive is the default without a Connection header", "[shell][integration]") {
  RunningServer running;
  HttpClient client;  // curl sends no Connection header on HTTP/1.1
  auto first = client.Get(running.server->BaseUrl() + "/healthz");
  auto second = client.Get(running.server->BaseUrl() + "/healthz");
  CHECK(first.status == 200);
  CHECK(first.headers["connection"] == "keep-alive");
  CHECK(second.status == 200);
  CHECK(second.new_connections == 0);  // the first connection was reused
  auto closing = client.Request("GET", running.server->BaseUrl() + "/healthz", "", {{"Connection", "close"}});
  CHECK(closing.headers["connection"] == "close");
}

TEST_CASE("A body far above Pistache's 4 KiB default is accepted by the server", "[shell][integration]") {
  RunningServer running;
  HttpClient client;
  // 64 KiB to an endpoint that does not exist: the server must read it and answer 404, not 413.
  auto big = client.Request("POST", running.server->BaseUrl() + "/nope", std::string(64 * 1024, 'a'));
  CHECK(big.status == 404);
}

TEST_CASE("/readyz is 503 while Redis is down and recovers", "[shell][integration]") {
  RunningServer running;
  HttpClient client;
  const std::string url = running.server->BaseUrl() + "/readyz";
  running.redis.Stop();
  CHECK(WaitUntil([&] { return client.Get(url).status == 503; }, 10000));  // the monitor checks every 250 ms
  CHECK(client.Get(url).body.find("redis unreachable") != std::string::npos);
  CHECK(client.Get(running.server->BaseUrl() + "/healthz").status == 200);  // alive, just not ready
  running.redis.Start();
  CHECK(WaitUntil([&] { return client.Get(url).status == 200; }, 10000));
}

TEST_CASE("SIGTERM fails readiness during the drain delay, then exits 0", "[shell][integration]") {
  RunningServer running("shutdown:\n  drain_delay: 2s\n");
  HttpClient client;
  const std::string base = running.server->BaseUrl();
  REQUIRE(client.Get(base + "/readyz").status == 200);
  // Send SIGTERM without waiting, then observe readiness failing while the listener still answers.
  int exit_code = -2;  // Catch2 assertions are not thread-safe: check after join
  std::thread stopper([&] { exit_code = running.server->Stop(SIGTERM); });
  long status = 200;
  // The 2 s drain begins when the signal is handled, however late: the listener answers 503 until it ends.
  WaitUntil([&] { return (status = client.Get(base + "/readyz").status) != 200; }, 3000);
  CHECK(status == 503);
  stopper.join();
  CHECK(exit_code == 0);
  CHECK(running.server->Log().find("event=shutdown_complete") != std::string::npos);
}

TEST_CASE("SIGINT also stops the server cleanly", "[shell][integration]") {
  RunningServer running("shutdown:\n  drain_delay: 0s\n");
  CHECK(running.server->Stop(SIGINT) == 0);
}

TEST_CASE("admin_listen moves /metrics to the admin address", "[shell][integration]") {
  const int admin_port = FreePort();
  RunningServer running("admin_listen: \"127.0.0.1:" + std::to_string(admin_port) +
                        "\"\nshutdown:\n  drain_delay: 0s\n");
  HttpClient client;
  CHECK(client.Get(running.server->BaseUrl() + "/metrics").status == 404);
  CHECK(client.Get("http://127.0.0.1:" + std::to_string(admin_port) + "/metrics").status == 200);
  CHECK(client.Get("http://127.0.0.1:" + std::to_string(admin_port) + "/readyz").status == 200);
}

TEST_CASE("serve refuses an invalid config with exit 1", "[shell][integration]") {
  TempDir dir;
  const std::string path = dir.Write("bad.yaml", "listen: \"127.0.0.1:1\"\n");
  const std::string command = RefundsyncBinary() + " serve --config " + path + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  CHECK(WEXITSTATUS(status) == 1);
}
