#include "cli/sync_engine.h"

#include <unistd.h>

#include <cstdlib>

#include "core/log.h"

namespace refundsync {

SyncEngine::SyncEngine(const Config& config, const Clock& clock, MetricsRegistry& metrics)
    : config(config),
      netsuite_http(http, metrics, "netsuite"),
      shopify_http(http, metrics, "shopify"),
      ebay_http(http, metrics, "ebay"),
      gate(RedisLocator(config.redis), config.netsuite.max_concurrency),
      netsuite(config.netsuite, netsuite_http, gate, clock),
      ledger(netsuite),
      to_netsuite(config.netsuite, ledger, clock) {
  for (const auto& account : config.accounts) {
    if (!account.ebay) continue;
    ebay_clients.push_back(std::make_unique<EbayRestClient>(*account.ebay, ebay_http, clock));
    ebay_by_account[account.id] = ebay_clients.back().get();
  }
  for (const auto& account : config.accounts) {
    if (!account.shopify) continue;
    shopify_clients.push_back(std::make_unique<ShopifyGraphQlClient>(*account.shopify, shopify_http));
    shopify_by_account[account.id] = shopify_clients.back().get();
  }
  from_netsuite = std::make_unique<FromNetSuiteHandler>(config, ledger, shopify_by_account, ebay_by_account);
  processor = std::make_unique<RefundProcessor>(config, to_netsuite, *from_netsuite, ebay_by_account,
                                                shopify_by_account, clock, metrics);
  reconciler = std::make_unique<EbayReconciler>(*processor, clock);
  netsuite_reconciler = std::make_unique<NetSuiteReconciler>(*processor, ledger, clock);
  shopify_reconciler = std::make_unique<ShopifyReconciler>(*processor, shopify_by_account, clock);
  metrics.GaugeCallback("refundsync_netsuite_calls_total", "NetSuite requests made by this process",
                        [this] { return netsuite.calls(); });
}

Result<ReconcileReport> ReconcileAccount(const SyncEngine& engine, const AccountConfig& account, SyncStore& store,
                                         const std::string& holder, std::int64_t now_ms) {
  if (account.direction == Direction::kToNetSuite && account.channel == Channel::kEbay) {
    return engine.reconciler->RunOnce(account, store, holder);
  }
  if (account.direction == Direction::kToNetSuite && account.channel == Channel::kShopify) {
    return engine.shopify_reconciler->RunOnce(account, store, holder);
  }
  if (account.direction == Direction::kFromNetSuite) {
    std::int64_t since = 0;
    if (account.sync_since_ms) {
      since = *account.sync_since_ms;
    } else {
      auto first_seen = store.FirstSeen(account.id, now_ms);
      if (!first_seen) return first_seen.error();
      since = *first_seen;
    }
    return engine.netsuite_reconciler->RunOnce(account.id, since, store, holder);
  }
  return MakeError("direction_mismatch", "reconciliation of " + std::string(ChannelName(account.channel)) +
                                             " accounts syncing " + std::string(DirectionName(account.direction)) +
                                             " is not built yet");
}

void ReconcileAll(const SyncEngine& engine, const StoreConnector& connector, std::unique_ptr<StoreSession>& session,
                  const std::string& holder, const Clock& clock) {
  if (!session || session->broken()) {
    auto connected = connector.Connect(std::chrono::seconds(1));
    if (!connected) {
      session.reset();
      log::Warn("reconcile_failed", {{"reason", connected.error().message}});
      return;
    }
    session = std::move(*connected);
  }
  for (const auto& account : engine.config.accounts) {
    if (account.direction == Direction::kOff) continue;
    // Nothing one account's pass throws may end the reconciler's thread: the next pass tries again.
    try {
      auto report = ReconcileAccount(engine, account, session->store(), holder, clock.NowMs());
      if (!report) log::Warn("reconcile_failed", {{"account", account.id}, {"reason", report.error().message}});
    } catch (const std::exception& error) {
      log::Error("reconcile_threw", {{"account", account.id}, {"reason", error.what()}});
      session.reset();
      return;
    }
  }
  // One line per pass, whatever each account's outcome: tests (and operators reading logs) know the pass is over.
  log::Info("reconcile_pass_done", {{"accounts", engine.config.accounts.size()}});
}

std::string ConsumerPrefix() {
  char host[256] = {0};
  const char* pod = std::getenv("HOSTNAME");
  if (pod == nullptr || *pod == '\0') {
    gethostname(host, sizeof(host) - 1);
    pod = host;
  }
  return std::string(pod) + "-" + std::to_string(getpid());
}

}  // namespace refundsync
