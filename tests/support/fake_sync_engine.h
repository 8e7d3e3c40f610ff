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

}  // namespace refundsync::testing
