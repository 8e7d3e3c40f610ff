// AsyncRedis on the HTTP server's own threads (RedisLane + LoopTransport): a handler's command goes out on its
// thread's connection and the reply comes back on that same thread; timeouts and a Redis that is down still
// fail the command, on that thread. Real HTTP on loopback, a real Redis.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include "ingress/http_server.h"
#include "store/async_redis.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/wait.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

std::string ThreadName(std::thread::id id) {
  std::ostringstream out;
  out << id;
  return out.str();
}

RedisConfig ConfigFor(const std::string& url) {
  RedisConfig config;
  config.url = url;
  return config;
}

// A server whose one route sends the request body as a Redis command (words) and answers with the handler's
// thread, the callback's thread and the reply (or the error).
struct LaneServer {
  AsyncRedis redis;
  int port = FreePort();
  std::unique_ptr<HttpServer> server;

  explicit LaneServer(const std::string& redis_url, Duration timeout = std::chrono::seconds(1))
      : redis(ConfigFor(redis_url), timeout) {
    HttpServerOptions options;
    options.thread_clients.push_back(redis.ThreadLoopClients());
    server = std::make_unique<HttpServer>(
        HostPort{"127.0.0.1", port},
        [this](HttpRequest request, Respond respond) {
          std::vector<std::string> words;
          std::istringstream in(request.body);
          for (std::string word; in >> word;) words.push_back(word);
          const std::string handler_thread = ThreadName(std::this_thread::get_id());
          redis.Submit(std::move(words), [handler_thread, respond](const redisReply* reply, const Error* error) {
            std::string answer = handler_thread + " " + ThreadName(std::this_thread::get_id()) + " ";
            if (error != nullptr) {
              answer += "error:" + error->code;
            } else if (reply->type == REDIS_REPLY_INTEGER) {
              answer += std::to_string(reply->integer);
            } else {
              answer += std::string(reply->str ? reply->str : "", reply->str ? reply->len : 0);
            }
            respond(JsonResponse(200, answer));
          });
        },
        options);
    REQUIRE(server->Start());
  }
  ~LaneServer() {
    server->WaitIdle(std::chrono::seconds(2));
    server->Stop();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/"; }
};

// The words of an answer: handler thread, callback thread, reply.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

TEST_CASE("Lane: a handler's Redis reply arrives on the handler's thread", "[store][integration]") {
  RedisServer redis;
  LaneServer lane(redis.url());
  HttpClient client;
  for (int i = 1; i <= 20; ++i) {
    auto result = client.Request("POST", lane.url(), "INCR lane-counter");
    REQUIRE(result.status == 200);
    const auto words = Words(result.body);
    REQUIRE(words.size() == 3);
    CHECK(words[0] == words[1]);  // same thread: no hand-off
    CHECK(words[2] == std::to_string(i));
  }
  // Off the server's threads, the same AsyncRedis uses its own loop thread.
  std::promise<std::thread::id> callback_thread;
  lane.redis.Submit({"PING"},
                    [&](const redisReply*, const Error*) { callback_thread.set_value(std::this_thread::get_id()); });
  CHECK(callback_thread.get_future().get() != std::this_thread::get_id());
}

TEST_CASE("Lane: a Redis that never answers fails the command after the timeout", "[store][integration]") {
  // A socket that accepts connections (the kernel's backlog) and never reads or answers.
  const int silent = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length);
  REQUIRE(listen(silent, 16) == 0);
  {
    LaneServer lane("redis://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/0",
                    std::chrono::milliseconds(300));
    HttpClient client;
    const auto started = std::chrono::steady_clock::now();
    auto result = client.Request("POST", lane.url(), "PING");
    const auto waited = std::chrono::steady_clock::now() - started;
    REQUIRE(result.status == 200);
    const auto words = Words(result.body);
    REQUIRE(words.size() == 3);
    CHECK(words[0] == words[1]);
    CHECK(words[2] == "error:store_unavailable");
    CHECK(waited >= std::chrono::milliseconds(300));
    CHECK(waited < std::chrono::seconds(3));
  }
  close(silent);
}

TEST_CASE("Lane: Redis down fails at once, and the lane reconnects when it is back", "[store][integration]") {
  RedisServer redis;
  LaneServer lane(redis.url());
  HttpClient client;
  REQUIRE(Words(client.Request("POST", lane.url(), "SET k v").body).back() == "OK");
  redis.Stop();
  auto down = client.Request("POST", lane.url(), "GET k");
  REQUIRE(down.status == 200);
  CHECK(Words(down.body).back() == "error:store_unavailable");
  redis.Start();
  // Within the reconnect back-off after a failure commands fail fast; then the lane connects again.
  std::string last;
  CHECK(WaitUntil([&] {
    last = Words(client.Request("POST", lane.url(), "SET k v").body).back();
    return last == "OK";
  }));
  CHECK(last == "OK");
}
