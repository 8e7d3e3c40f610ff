// Redis high availability through Sentinel: a primary, two replicas and a Sentinel on loopback, the service
// configured with `redis.sentinel` and `min_replicas_ack: 1`. A refund is posted; then the primary dies, or a
// switchover leaves it up; either way the service must find the new master by itself, accept the next refund (a
// sender re-sends what was refused with 503 meanwhile) and post it, each refund exactly once in NetSuite.
#include <catch2/catch.hpp>

#include "tests/support/sentinel_process.h"
#include "tests/support/sync_harness.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

std::string Info(int port, const std::string& section) {
  auto connection = ConnectLocal(port);
  if (!connection) return "";
  auto reply = (*connection)->Command({"INFO", section});
  return reply && (*reply)->type == REDIS_REPLY_STRING ? std::string((*reply)->str, (*reply)->len) : "";
}

template <typename Condition>
bool WaitFor(Condition condition, int max_ms) {
  for (int waited = 0; waited < max_ms; waited += 20) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

// A primary (the harness's Redis), two replicas and a Sentinel; the service configured with `redis.sentinel`
// and `min_replicas_ack: 1`, one refund posted before anything fails.
struct SentinelCluster {
  SyncHarness& h;
  // Two replicas: with min_replicas_ack 1 the new master needs one at once, and Sentinel re-points the other
  // replica during the failover (the demoted primary rejoins only later).
  RedisServer replica;
  RedisServer second_replica;
  std::unique_ptr<SentinelProcess> sentinel;

  explicit SentinelCluster(SyncHarness& harness) : h(harness) {
    {
      auto primary = Connect(h.redis.port());
      // Start the replicas' first sync at once rather than after the default 5 s wait for more replicas.
      REQUIRE(primary->Command({"CONFIG", "SET", "repl-diskless-sync-delay", "0"}));
    }
    for (const RedisServer* server : {&replica, &second_replica}) {
      auto connection = Connect(server->port());
      REQUIRE(connection->Command({"CONFIG", "SET", "repl-diskless-sync-delay", "0"}));
      REQUIRE(connection->Command({"REPLICAOF", "127.0.0.1", std::to_string(h.redis.port())}));
    }
    // Which replica Sentinel promotes is then known: the second one is never a candidate.
    REQUIRE(Connect(second_replica.port())->Command({"CONFIG", "SET", "replica-priority", "0"}));
    for (const RedisServer* server : {&replica, &second_replica}) {
      REQUIRE(WaitFor(
          [&] { return Info(server->port(), "replication").find("master_link_status:up") != std::string::npos; },
          10000));
    }
    sentinel = std::make_unique<SentinelProcess>(h.redis.port(),
                                                 std::vector<int>{replica.port(), second_replica.port()}, h.dir);
    REQUIRE(WaitFor(
        [&] {
          auto replicas = sentinel->Command({"SENTINEL", "replicas", "m1"});
          return replicas && (*replicas)->type == REDIS_REPLY_ARRAY && (*replicas)->elements == 2;
        },
        15000));
    REQUIRE(sentinel->MasterPort() == h.redis.port());

    h.EditConfig([&](std::string& yaml) {
      const std::string from = "redis: {url: \"" + h.redis.url() + "\"}";
      const auto at = yaml.find(from);
      REQUIRE(at != std::string::npos);
      yaml.replace(at, from.size(),
                   "redis:\n  sentinel: {addresses: [\"127.0.0.1:" + std::to_string(sentinel->port()) +
                       "\"], master_name: m1}\n  min_replicas_ack: 1");
    });
    h.StartServer();
    h.SeedNetSuiteOrder("shop-eu-500", "invoice", R"([{"sku":"PEN","quantity":2,"rate":"10.00"}])");
    REQUIRE(h.PostShopifyRefund("shop-eu", ShopifyRefund("5001", "500", "10.00", "[]"), "before-failover") == 200);
    REQUIRE(h.WaitSettled("shop-eu", "shopify:refund:5001").status == TxStatus::kPosted);
    // Until the replicas have everything (WAIT counts what this connection wrote, hence the write first).
    auto primary = Connect(h.redis.port());
    REQUIRE(primary->Command({"INCR", "test:replication-marker"}));
    auto waited = primary->Command({"WAIT", "2", "5000"});
    REQUIRE(waited);
    REQUIRE((*waited)->integer == 2);
  }

  static std::unique_ptr<RedisConnection> Connect(int port) {
    auto connection = ConnectLocal(port);
    REQUIRE(connection);
    return std::move(*connection);
  }

  // After the switch: the next refund (re-sent while refused with 503, as senders do) lands on the new master
  // and is posted; the first is still known there; NetSuite holds each refund once.
  void CheckRefundsAfterFailover() {
    REQUIRE(WaitFor(
        [&] {
          return h.PostShopifyRefund("shop-eu", ShopifyRefund("5002", "500", "10.00", "[]"), "after-failover") == 200;
        },
        15000));
    h.inspect_port = replica.port();
    CHECK(h.WaitSettled("shop-eu", "shopify:refund:5002").status == TxStatus::kPosted);
    CHECK(h.LoadTx("shop-eu", "shopify:refund:5001")->status == TxStatus::kPosted);  // replicated before the switch
    // The delivery before the failover is still known as one: its dedupe key moved with the data.
    auto redelivered =
        h.DeliverShopifyRefund("shop-eu", ShopifyRefund("5001", "500", "10.00", "[]"), "before-failover");
    CHECK(redelivered.status == 200);
    CHECK(redelivered.body.find("\"status\":\"duplicate\"") != std::string::npos);
    CHECK(h.Records("creditMemo").size() == 2);
    CHECK(h.client.Get(h.server->BaseUrl() + "/readyz").status == 200);
  }
};

TEST_CASE("Sentinel failover: the primary dies, the service follows the new master and posts every refund once",
          "[sentinel][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  SentinelCluster cluster(h);
  h.redis.Stop();  // Sentinel sees it down after a second and promotes the replica
  REQUIRE(WaitFor([&] { return cluster.sentinel->MasterPort() == cluster.replica.port(); }, 20000));
  REQUIRE(WaitFor([&] { return Info(cluster.replica.port(), "replication").find("role:master") != std::string::npos; },
                  10000));
  cluster.CheckRefundsAfterFailover();
}

TEST_CASE("Sentinel switchover: the old primary still answers, the service leaves it as soon as Sentinel names another",
          "[sentinel][integration]") {
  HarnessOptions options;
  options.start_server = false;
  SyncHarness h(options);
  SentinelCluster cluster(h);
  // The old primary stays up and keeps accepting writes until Sentinel demotes it (at its next poll, seconds
  // later); connections that stayed on it would write into data the demotion throws away.
  REQUIRE(cluster.sentinel->Command({"SENTINEL", "FAILOVER", "m1"}));
  REQUIRE(WaitFor([&] { return cluster.sentinel->MasterPort() == cluster.replica.port(); }, 20000));
  REQUIRE(WaitFor([&] { return h.server->Log().find("event=redis_master_changed") != std::string::npos; }, 5000));
  cluster.CheckRefundsAfterFailover();
}
