// The operator's retrieve and post (AdminActions, contract section 6) through in-memory NetSuite, eBay, Shopify and
// store: what each refuses and why, what it imports, and that it ignores the cut-over.
#include <catch2/catch.hpp>

#include "handlers/admin_actions.h"
#include "tests/support/fake_sync_engine.h"
#include "tests/support/refund_scenes.h"

using namespace refundsync;
using namespace refundsync::testing;

namespace {

constexpr std::int64_t kNow = 1'780'000'000'000;

// Every account's cut-over is now: everything below is older, so only an operator brings it in.
// eBay account "ebay-us" syncs to NetSuite ("ebay-<id>"), Shopify account "shop" from NetSuite ("shop-<id>"), and
// "paused" syncs nothing. eBay order 100 has one REFUNDED refund of 15.00 (cash sale 20 in NetSuite); Shopify order
// 1001 (invoice 21) has a credit memo of 10.00 entered in NetSuite.
Config ThreeAccounts() {
  Config config;
  config.accounts = {Account("ebay-us", Channel::kEbay, Direction::kToNetSuite, "ebay-{order_id}", kNow),
                     Account("shop", Channel::kShopify, Direction::kFromNetSuite, "shop-{order_id}", kNow),
                     Account("paused", Channel::kEbay, Direction::kOff, "paused-{order_id}", kNow)};
  config.netsuite.generic_items.adjustment = "999";
  return config;
}

struct Operator : FakeSyncEngine {
  Operator() : FakeSyncEngine(ThreeAccounts(), kNow) {
    ledger.SyncOrder("ebay-100", "10");
    ledger.Bill("ebay-100", "cashSale", "20", Usd(5500), {});
    ledger.SyncOrder("shop-1001", "11");
    ledger.Bill("shop-1001", "invoice", "21", Usd(5500), {});
    ledger.EnterRefund("21", Usd(1000));
    ebay.orders["100"] =
        EbayOrder{"100",     "", "USD",
                  Usd(5500), {}, {EbayRefund{"R9", "REFUNDED", Usd(1500), "2026-05-01T10:00:00.000Z", "", false}}};
    shopify.orders["1001"] = PaidShopifyOrder("1001", Usd(5500));
  }

  Result<RetrieveResult> Retrieve(const std::string& account, const std::string& source, const std::string& order) {
    return actions.Retrieve(account, source, order, store);
  }

  AdminActions actions{config, processor, ledger, shopify_by_account, ebay_by_account, clock};
};

}  // namespace

TEST_CASE("Retrieve: direction_mismatch when the source contradicts the account, or it syncs nothing", "[rules]") {
  Operator o;
  auto wrong_side = o.Retrieve("ebay-us", "netsuite", "100");
  REQUIRE_FALSE(wrong_side);
  CHECK(wrong_side.error().code == "direction_mismatch");
  CHECK(wrong_side.error().message.find("to_netsuite") != std::string::npos);
  auto other_side = o.Retrieve("shop", "storefront", "1001");
  REQUIRE_FALSE(other_side);
  CHECK(other_side.error().code == "direction_mismatch");
  auto off = o.Retrieve("paused", "storefront", "100");
  REQUIRE_FALSE(off);
  CHECK(off.error().code == "direction_mismatch");
  CHECK(o.store.transactions.empty());  // nothing is stored when nothing can be imported

  auto unknown = o.Retrieve("nobody", "storefront", "100");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == "unknown_account");
  auto bad = o.Retrieve("ebay-us", "elsewhere", "100");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::kInvalidArgument);
}

TEST_CASE("Retrieve: order_not_synced, order_not_billed and no_refund_record, with nothing stored", "[rules]") {
  Operator o;
  auto never = o.Retrieve("ebay-us", "storefront", "404");
  REQUIRE_FALSE(never);
  CHECK(never.error().code == "order_not_synced");
  o.ledger.SyncOrder("ebay-300", "12");
  auto unbilled = o.Retrieve("ebay-us", "storefront", "300");
  REQUIRE_FALSE(unbilled);
  CHECK(unbilled.error().code == "order_not_billed");
  o.ledger.SyncOrder("shop-2002", "13");
  o.ledger.Bill("shop-2002", "invoice", "23", Usd(1000), {});
  o.ledger.EnterReturnRefund("shop-2002", Usd(500));  // issued from a return: not one to sync
  auto nothing = o.Retrieve("shop", "netsuite", "2002");
  REQUIRE_FALSE(nothing);
  CHECK(nothing.error().code == "no_refund_record");
  CHECK(nothing.error().message.find("invoice 23") != std::string::npos);
  CHECK(o.store.transactions.empty());
}

TEST_CASE("Retrieve: imports despite the cut-over and posts once, a second retrieve finds it known", "[rules]") {
  Operator o;
  auto from_ebay = o.Retrieve("ebay-us", "storefront", "100");
  REQUIRE(from_ebay);
  REQUIRE(from_ebay->imported.size() == 1);
  CHECK(from_ebay->imported[0].status == TxStatus::kPosted);
  CHECK(o.ledger.RefundsFrom("20").size() == 1);

  // A refund issued from a return authorization is not synced to the storefront: retrieve leaves it out.
  o.ledger.EnterReturnRefund("shop-1001", Usd(700));
  auto from_netsuite = o.Retrieve("shop", "netsuite", "1001");
  REQUIRE(from_netsuite);
  REQUIRE(from_netsuite->imported.size() == 1);
  CHECK(from_netsuite->imported[0].status == TxStatus::kPosted);
  CHECK(o.shopify.requests.size() == 1);

  auto again = o.Retrieve("ebay-us", "storefront", "100");
  REQUIRE(again);
  CHECK(again->imported.empty());
  CHECK(again->already_known.size() == 1);
  CHECK(o.ledger.RefundsFrom("20").size() == 1);
}

TEST_CASE("Post now: a posted transaction answers without an upstream call, a skipped one says why", "[rules]") {
  Operator o;
  auto retrieved = o.Retrieve("ebay-us", "storefront", "100");
  REQUIRE(retrieved);
  const int reads = o.ledger.Count("context");
  bool already_posted = false;
  auto posted = o.actions.PostNow(retrieved->imported[0].id, o.store, already_posted);
  REQUIRE(posted);
  CHECK(already_posted);
  CHECK(o.ledger.Count("context") == reads);

  Transaction skipped = retrieved->imported[0];
  skipped.id = "tx_skipped";
  skipped.status = TxStatus::kSkipped;
  skipped.history.clear();
  o.store.transactions[skipped.id] = skipped;
  auto refused = o.actions.PostNow(skipped.id, o.store, already_posted);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == "direction_mismatch");
  auto missing = o.actions.PostNow("tx_none", o.store, already_posted);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::kNotFound);
}
