// The transaction store against a real Redis: what a worker that dies between two writes leaves behind must
// still be loadable and listed once the refund arrives again (a redelivery, a reclaim, a reconciliation).
#include "store/redis_sync_store.h"

#include <catch2/catch.hpp>

#include "store/key_layout.h"
#include "tests/support/redis_server.h"

using namespace refundsync;
using refundsync::testing::ConnectLocal;
using refundsync::testing::RedisServer;

namespace {

Transaction ImportedRefund(const std::string& refund_id) {
  Transaction tx;
  tx.account = "shop-eu";
  tx.direction = "to_netsuite";
  tx.source_record = "shopify:refund:" + refund_id;
  tx.id = TransactionId(tx.account, tx.source_record);
  tx.order_id = "9" + refund_id;
  tx.amount = Money{1000, "USD"};
  tx.created_ms = 1'795'000'000'000;
  tx.Record(tx.created_ms, TxStatus::kImported, "imported from " + tx.source_record);
  return tx;
}

bool Listed(SyncStore& store, const std::string& id) {
  auto ids = store.ListIds({}, 0, 100);
  REQUIRE(ids);
  return std::find(ids->begin(), ids->end(), id) != ids->end();
}

}  // namespace

TEST_CASE("A transaction whose first store was cut short is completed when the refund arrives again",
          "[store][integration]") {
  RedisServer redis;
  auto connection = ConnectLocal(redis.port());
  REQUIRE(connection);
  RedisSyncStore store(**connection);

  SECTION("the record was written, its locator and index entry were not") {
    const Transaction tx = ImportedRefund("8181");
    REQUIRE((*connection)->Command({"SET", TxKey(tx), ToJson(tx)}));
    auto again = store.CreateIfAbsent(tx);
    REQUIRE(again);
    CHECK_FALSE(again->created);
    auto loaded = store.Load(tx.id);
    REQUIRE(loaded);
    REQUIRE(loaded->has_value());
    CHECK((*loaded)->source_record == "shopify:refund:8181");
    CHECK(Listed(store, tx.id));
  }
  SECTION("the locator and the record were written, the index entry was not") {
    const Transaction tx = ImportedRefund("8182");
    REQUIRE((*connection)->Command({"SET", keys::TransactionLocator(tx.id), TxKey(tx)}));
    REQUIRE((*connection)->Command({"SET", TxKey(tx), ToJson(tx)}));
    CHECK_FALSE(Listed(store, tx.id));
    auto again = store.CreateIfAbsent(tx);
    REQUIRE(again);
    CHECK_FALSE(again->created);
    CHECK(Listed(store, tx.id));
  }
  SECTION("only the locator was written: the transaction does not exist yet, and is created") {
    const Transaction tx = ImportedRefund("8183");
    REQUIRE((*connection)->Command({"SET", keys::TransactionLocator(tx.id), TxKey(tx)}));
    auto missing = store.Load(tx.id);
    REQUIRE(missing);
    CHECK_FALSE(missing->has_value());
    auto created = store.CreateIfAbsent(tx);
    REQUIRE(created);
    CHECK(created->created);
    auto loaded = store.Load(tx.id);
    REQUIRE(loaded);
    CHECK(loaded->has_value());
    CHECK(Listed(store, tx.id));
  }
}
