// Several replicas on one Redis, under faults: three refundsync processes (ingress and worker roles mixed), a
// persistent Redis and the sandbox. Hundreds of signed refunds go in through two ingresses, each delivered twice;
// meanwhile a worker is SIGKILLed and restarted and Redis restarts once. Every refund must exist exactly once in
// NetSuite, every transaction must end posted, and nothing answered 200 may be lost.
#include <catch2/catch.hpp>
#include <csignal>
#include <set>

#include "tests/support/sync_harness.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr int kRefunds = 300;

std::string ConfigFor(const std::string& base_yaml, int port) {
  std::string yaml = base_yaml;
  const std::string from = "listen: \"127.0.0.1:";
  const auto at = yaml.find(from);
  const auto end = yaml.find('"', at + from.size());
  yaml.replace(at, end - at + 1, from + std::to_string(port) + "\"");
  return yaml;
}

}  // namespace

TEST_CASE("Three replicas, a killed worker and a Redis restart: every refund once, none lost", "[scale][integration]") {
  HarnessOptions options;
  options.start_server = false;
  options.netsuite_timeout = "500ms";  // the short order lease below outlasts six of them
  SyncHarness h(options);
  // h.redis is not persistent: use a persistent one for this test and point the configs at it.
  RedisServer redis(/*persistent=*/true);
  h.inspect_port = redis.port();
  std::string base;
  {
    std::ifstream in(h.config_path);
    base.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    base.replace(base.find(h.redis.url()), h.redis.url().size(), redis.url());
    const std::string from = "worker: {backoff_initial: 50ms, backoff_max: 200ms, max_attempts: 4}";
    base.replace(
        base.find(from), from.size(),
        "worker: {backoff_initial: 100ms, backoff_max: 1s, max_attempts: 20, claim_idle: 2s, order_lease: 3s}");
  }
  const int port_a = h.port, port_b = FreePort(), port_c = FreePort();
  ServerProcess a(h.dir.Write("a.yaml", ConfigFor(base, port_a)), port_a);  // ingress + worker
  ServerProcess b(h.dir.Write("b.yaml", ConfigFor(base, port_b)), port_b, {"--role", "ingress"});
  auto c = std::make_unique<ServerProcess>(h.dir.Write("c.yaml", ConfigFor(base, port_c)), port_c,
                                           std::vector<std::string>{"--role", "worker"});
  a.StartAndWaitReady();
  b.StartAndWaitReady();
  c->StartAndWaitReady();

  for (int i = 0; i < kRefunds; ++i) {
    h.SeedNetSuiteOrder("shop-eu-9" + std::to_string(i), "invoice", R"([{"sku":"PEN","quantity":3,"rate":"10.00"}])");
  }
  // A sender that retries until it gets a 200, as Shopify does.
  HttpClient client;
  int answered_200 = 0, retried = 0;
  auto deliver = [&](int port, int i, const std::string& delivery) {
    const std::string body = ShopifyRefund("8" + std::to_string(i), "9" + std::to_string(i), "10.00", "[]");
    h.SeedShopifyRefund("shop-eu", body);
    for (int attempt = 0; attempt < 400; ++attempt) {
      auto headers = ShopifyRefundHeaders(body, "scale-" + std::to_string(i));
      headers["X-Shopify-Webhook-Id"] = delivery;
      auto response = client.Request("POST", "http://127.0.0.1:" + std::to_string(port) + "/webhooks/shopify/shop-eu",
                                     body, headers);
      if (response.status == 200) {
        ++answered_200;
        return;
      }
      ++retried;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("delivery " << delivery << " was never accepted");
  };
  for (int i = 0; i < kRefunds; ++i) {
    if (i == kRefunds / 3) {
      CHECK(c->Stop(SIGKILL) != 0);  // a worker dies without warning...
      c = std::make_unique<ServerProcess>(h.dir.path().string() + "/c.yaml", port_c,
                                          std::vector<std::string>{"--role", "worker"});
    }
    if (i == kRefunds / 3 + 10) c->StartAndWaitReady();  // ...and comes back
    if (i == 2 * kRefunds / 3) {
      redis.Stop();   // a clean shutdown: the AOF is flushed
      redis.Start();  // senders see 503 meanwhile and retry
    }
    deliver(i % 2 == 0 ? port_a : port_b, i, "d1-" + std::to_string(i));
    deliver(i % 2 == 0 ? port_b : port_a, i, "d2-" + std::to_string(i));  // the same event, redelivered
  }
  CHECK(answered_200 == 2 * kRefunds);

  for (int i = 0; i < kRefunds; ++i) {
    const Transaction tx = h.WaitTx(
        "shop-eu", "shopify:refund:8" + std::to_string(i),
        [](const Transaction& t) { return t.status == TxStatus::kPosted; }, 120000);
    REQUIRE(tx.status == TxStatus::kPosted);
  }
  // Exactly once upstream: one credit memo per refund, no more.
  const auto memos = h.Records("creditMemo");
  CHECK(memos.size() == static_cast<std::size_t>(kRefunds));
  std::set<std::string> markers;
  for (const auto& memo : memos) markers.insert(memo.at("marker"));
  CHECK(markers.size() == static_cast<std::size_t>(kRefunds));
  INFO("re-sent after a 503 or a lost connection: " << retried);
}
