// The sync engine wired to in-memory NetSuite, Shopify, eBay and store, for the refund rules' unit tests: every
// Shopify account of `config` posts through `shopify`, every eBay account through `ebay` (as cli/sync_engine wires
// the real clients).
#pragma once

#include <map>
#include <string>

#include "core/clock.h"
#include "core/metrics.h"
#include "handlers/refund_processor.h"
#include "store/memory_sync_store.h"
#include "tests/support/fake_netsuite_ledger.h"
#include "tests/support/fake_storefronts.h"
#include "tests/support/refund_scenes.h"

namespace refundsync::testing {

struct FakeSyncEngine {
  FakeSyncEngine(Config config_in, std::int64_t now_ms)
      : config(std::move(config_in)),
        clock(now_ms),
        shopify_by_account(ClientsOf<ShopifyStorefront>(config, Channel::kShopify, shopify)),
        ebay_by_account(ClientsOf<EbayStorefront>(config, Channel::kEbay, ebay)) {}

  template <typename Client>
  static std::map<std::string, Client*> ClientsOf(const Config& config, Channel channel, Client& client) {
    std::map<std::string, Client*> clients;
    for (const auto& account : config.accounts) {
      if (account.channel == channel) clients[account.id] = &client;
    }
    return clients;
  }

  Config config;
  FixedClock clock;
  MetricsRegistry metrics;
  FakeNetSuiteLedger ledger;
  FakeShopify shopify;
  FakeEbay ebay;
  MemorySyncStore store;
  std::map<std::string, ShopifyStorefront*> shopify_by_account;
  std::map<std::string, EbayStorefront*> ebay_by_account;
  ToNetSuiteHandler to_netsuite{config.netsuite, ledger, clock};
  FromNetSuiteHandler from_netsuite{config, ledger, shopify_by_account, ebay_by_account};
  RefundProcessor processor{config, to_netsuite, from_netsuite, ebay_by_account, shopify_by_account, clock, metrics};
};

// Shopify order `numeric_id`, paid `paid` by one successful sale, nothing refunded yet.
inline ShopifyOrder PaidShopifyOrder(const std::string& numeric_id, Money paid) {
  ShopifyOrder order;
  order.id = "gid://shopify/Order/" + numeric_id;
  order.currency = paid.currency;
  order.refunded = Money{0, paid.currency};
  order.transactions = {{"gid://shopify/OrderTransaction/7", "SALE", "SUCCESS", "manual", paid}};
  return order;
}

// The accounts the processor's and the echo rules' tests share: "ebay-us" syncs to NetSuite (orders
// "ebay-<id>"); Shopify account "shop" ("shop-<id>") and eBay account "ebay-de" ("ebde-<id>") sync from NetSuite;
// every cut-over at `cutover_ms`.
inline Config ThreeDirectedAccounts(std::int64_t cutover_ms) {
  Config config;
  config.accounts = {Account("ebay-us", Channel::kEbay, Direction::kToNetSuite, "ebay-{order_id}", cutover_ms),
                     Account("shop", Channel::kShopify, Direction::kFromNetSuite, "shop-{order_id}", cutover_ms),
                     Account("ebay-de", Channel::kEbay, Direction::kFromNetSuite, "ebde-{order_id}", cutover_ms)};
  config.netsuite.generic_items.adjustment = "999";
  return config;
}

// Their orders: NetSuite holds eBay order 100 (cash sale 20), Shopify order 1001 (invoice 21) and eBay order 5
// (invoice 22), each 55.00; Shopify order 1001 is paid 55.00 and eBay order 5 has no refund yet.
inline void SeedThreeOrders(FakeSyncEngine& engine) {
  engine.ledger.SyncOrder("ebay-100", "10");
  engine.ledger.Bill("ebay-100", "cashSale", "20", Usd(5500), {});
  engine.ledger.SyncOrder("shop-1001", "11");
  engine.ledger.Bill("shop-1001", "invoice", "21", Usd(5500), {});
  engine.ledger.SyncOrder("ebde-5", "12");
  engine.ledger.Bill("ebde-5", "invoice", "22", Usd(5500), {});
  engine.ebay.orders["5"] = EbayOrder{"5", "", "USD", Usd(5500), {}, {}};
  engine.shopify.orders["1001"] = PaidShopifyOrder("1001", Usd(5500));
}

}  // namespace refundsync::testing
