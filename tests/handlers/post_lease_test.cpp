// RefundProcessor::Post against the sandbox, driven directly: what it does with a transaction it was handed
// stale (read by one worker just before another posted it).
#include <catch2/catch.hpp>

#include "cli/sync_engine.h"
#include "config/config_loader.h"
#include "store/redis_sync_store.h"
#include "tests/support/sync_harness.h"

using namespace refundsync;
using refundsync::testing::ConnectLocal;
using refundsync::testing::IsEchoNote;
using refundsync::testing::ShopifyRefund;
using refundsync::testing::SyncHarness;

TEST_CASE("Post re-reads the transaction under the order lease: a stale copy of a posted refund calls nobody",
          "[sync][integration]") {
  SyncHarness h;
  h.SeedNetSuiteOrder("shop-eu-9400", "invoice", R"([{"sku":"PEN","quantity":1,"rate":"10.00"}])");
  const std::string refund =
      ShopifyRefund("7400", "9400", "10.00",
                    R"([{"line_item_id":1,"quantity":1,"subtotal":10.00,"total_tax":0,"line_item":{"sku":"PEN"}}])");
  REQUIRE(h.PostShopifyRefund("shop-eu", refund, "ev-7400") == 200);
  Transaction posted = h.WaitSettled("shop-eu", "shopify:refund:7400");
  REQUIRE(posted.status == TxStatus::kPosted);
  // Our credit memo comes back as a NetSuite event, noted under the order's lease: let that be done first, so the
  // lease is free for the Post below.
  posted = h.WaitTx("shop-eu", "shopify:refund:7400", [](const Transaction& t) {
    return std::any_of(t.history.begin(), t.history.end(), [](const auto& entry) { return IsEchoNote(entry); });
  });
  // What a second worker holds when it read the transaction just before the first one posted it.
  Transaction stale = posted;
  stale.status = TxStatus::kImported;
  stale.target_record.clear();
  stale.history.resize(stale.history.size() - 2);  // before its post and its echo

  const LoadedConfig loaded = LoadConfigFile(h.config_path);
  REQUIRE(loaded.ok());
  SystemClock clock;
  MetricsRegistry metrics;
  SyncEngine engine(loaded.config, clock, metrics);
  auto redis = ConnectLocal(h.redis.port());
  REQUIRE(redis);
  RedisSyncStore store(**redis);
  // Records made (transforms) only: the server's own reconciliation pass, at start-up, reads NetSuite meanwhile.
  const std::size_t calls_before = h.SandboxTransforms();
  auto result = engine.processor->Post(*loaded.config.FindAccount("shop-eu"), stale, store);
  REQUIRE(result);
  CHECK(result->status == TxStatus::kPosted);
  CHECK(result->target_record == posted.target_record);
  CHECK(result->attempts == posted.attempts);  // not an attempt: what was stored is the answer
  CHECK(h.SandboxTransforms() == calls_before);
  CHECK(h.Records("creditMemo").size() == 1);
}
