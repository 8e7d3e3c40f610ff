// The service under attack, as the hardening review tried it: the real binary, Redis and the sandbox. Pipelined
// floods closed early, forged large bodies, oversized signed captures and slow readers of large answers, then:
// the process still serves, Redis grew within the bound docs/reliability.md computes from captures.max_bytes,
// and a signed refund sent at the end is posted once.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto.h"
#include "tests/support/loopback_socket.h"
#include "tests/support/sync_harness.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr std::int64_t kMaxBytes = 16 << 20;  // captures.max_bytes of this test

// Sends what it can of `bytes` (the server may stop reading), reads about `read_bytes` of the answers, and
// closes, with a reset when `reset`.
void SendReadClose(int port, const std::string& bytes, std::size_t read_bytes, bool reset) {
  const int fd = ConnectLoopback(port);
  std::size_t sent = 0;
  std::size_t received = 0;
  char buffer[16384];
  while (sent < bytes.size() || received < read_bytes) {
    pollfd entry{fd, static_cast<short>(POLLIN | (sent < bytes.size() ? POLLOUT : 0)), 0};
    if (poll(&entry, 1, 2000) <= 0) break;
    if ((entry.revents & POLLOUT) != 0) {
      const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN) break;
      if (n > 0) sent += static_cast<std::size_t>(n);
    }
    if ((entry.revents & POLLIN) != 0) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN)) break;
      if (n > 0) received += static_cast<std::size_t>(n);
    }
    if ((entry.revents & (POLLERR | POLLHUP)) != 0) break;
  }
  if (reset) {
    const linger hard{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  close(fd);
}

std::string Repeat(const std::string& request, int times) {
  std::string out;
  out.reserve(request.size() * static_cast<std::size_t>(times));
  for (int i = 0; i < times; ++i) out += request;
  return out;
}

std::int64_t UsedMemory(int redis_port) {
  auto connection = ConnectLocal(redis_port);
  REQUIRE(connection);
  auto info = (*connection)->Command({"INFO", "memory"});
  REQUIRE(info);
  const std::string text((*info)->str, (*info)->len);
  const auto at = text.find("used_memory:");
  REQUIRE(at != std::string::npos);
  return std::stoll(text.substr(at + 12));
}

}  // namespace

TEST_CASE("A hostile client: the process keeps serving, Redis stays within its bound, a refund posts once",
          "[ingress][hostile][integration]") {
  HarnessOptions options;
  options.start_server = false;
  options.extra = "captures: {max_bytes: 16MiB}\n";
  SyncHarness h(options);
  h.AddAdminTokens({{"view", "viewer", "viewer-token-value"}});
  h.StartServer();
  const int port = h.port;
  const std::int64_t memory_before = UsedMemory(h.redis.port());

  // 1. Pipelined floods closed early: 300 page requests, 40 000 health checks (1 MB), 8 clients at a time.
  const std::string page = Repeat("GET /ui/app.js HTTP/1.1\r\nHost: a\r\n\r\n", 300);
  const std::string health = Repeat("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n", 40'000);
  for (int round = 0; round < 4; ++round) {
    std::vector<std::thread> clients;
    for (int client = 0; client < 8; ++client) {
      clients.emplace_back([&, client] {
        SendReadClose(port, client == 0 ? health : page, client % 3 == 0 ? 0 : 4096, client % 2 == 1);
      });
    }
    for (auto& client : clients) client.join();
  }

  // 2. Forged webhooks with 1 MB bodies: 200 of them, 200 MB that must not reach Redis.
  const std::string forged_body =
      R"({"metadata":{"topic":"ORDER_CONFIRMATION"},"pad":")" + std::string(999'000, 'f') + "\"}";
  for (int i = 0; i < 200; ++i) {
    CHECK(h.client
              .Request("POST", h.server->BaseUrl() + "/webhooks/ebay/ebay-us", forged_body,
                       {{"X-EBAY-SIGNATURE", "!!"}, {"Content-Type", "application/json"}})
              .status == 401);
  }
  // 3. Signed webhooks of a topic we ignore, 900 kB each: captured, within nine tenths of max_bytes.
  for (int i = 0; i < 40; ++i) {
    std::string body = R"({"id":)" + std::to_string(i) + R"(,"pad":")" + std::string(900'000, 'p') + "\"}";
    auto headers = ShopifyRefundHeaders(body, "pad" + std::to_string(i));
    headers["X-Shopify-Topic"] = "products/update";
    CHECK(h.client.Request("POST", h.server->BaseUrl() + "/webhooks/shopify/shop-eu", body, headers).status == 200);
  }
  // 4. Slow readers of the largest admin answers: read 64 KB, then go.
  const std::string events =
      "GET /api/events?verdict=rejected&limit=500 HTTP/1.1\r\nHost: a\r\n"
      "Authorization: Bearer viewer-token-value\r\n\r\n";
  for (int i = 0; i < 10; ++i) SendReadClose(port, Repeat(events, 5), 64 * 1024, i % 2 == 0);

  // Alive and ready.
  CHECK(h.client.Get(h.server->BaseUrl() + "/healthz").status == 200);
  CHECK(h.client.Get(h.server->BaseUrl() + "/readyz").status == 200);
  // Redis grew by at most what docs/reliability.md computes: captures.max_bytes of captures, with Redis's own
  // overhead on them (stream nodes, allocator size classes) at most a quarter more, plus 4 MiB for the rest.
  const std::int64_t grown = UsedMemory(h.redis.port()) - memory_before;
  INFO("Redis grew by " << grown << " bytes");
  CHECK(grown <= kMaxBytes + kMaxBytes / 4 + (4 << 20));

  // A signed refund sent now is posted once.
  h.SeedNetSuiteOrder("shop-eu-900", "invoice", R"([{"sku":"PEN","quantity":2,"rate":"10.00"}])");
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("9001", "900", "10.00", "[]"), "after-attack") == 200);
  CHECK(h.WaitSettled("shop-eu", "shopify:refund:9001").status == TxStatus::kPosted);
  REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("9001", "900", "10.00", "[]"), "after-attack") == 200);
  CHECK(h.Records("creditMemo").size() == 1);
}
