// The composition of the sync machinery (clients, handler, processor) from the configuration, shared by
// `serve` (worker role) and `reconcile`.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "clients/counted_http_client.h"
#include "clients/ebay_client.h"
#include "clients/http_client.h"
#include "clients/netsuite_client.h"
#include "clients/netsuite_rest_ledger.h"
#include "clients/shopify_client.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "handlers/ebay_reconciler.h"
#include "handlers/from_netsuite_handler.h"
#include "handlers/netsuite_reconciler.h"
#include "handlers/refund_processor.h"
#include "handlers/shopify_reconciler.h"
#include "handlers/to_netsuite_handler.h"
#include "store/redis_concurrency_gate.h"
#include "store/store_session.h"

namespace refundsync {

struct SyncEngine {
  SyncEngine(const Config& config, const Clock& clock, MetricsRegistry& metrics);
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  const Config& config;
  CurlHttpClient http;
  // The clients' calls, counted by target (refundsync_upstream_calls_total).
  CountedHttpClient netsuite_http;
  CountedHttpClient shopify_http;
  CountedHttpClient ebay_http;
  RedisConcurrencyGate gate;
  NetSuiteRestClient netsuite;
  NetSuiteRestLedger ledger;
  ToNetSuiteHandler to_netsuite;
  std::vector<std::unique_ptr<EbayRestClient>> ebay_clients;
  std::vector<std::unique_ptr<ShopifyGraphQlClient>> shopify_clients;
  std::unique_ptr<FromNetSuiteHandler> from_netsuite;
  std::unique_ptr<RefundProcessor> processor;
  std::unique_ptr<EbayReconciler> reconciler;
  std::unique_ptr<NetSuiteReconciler> netsuite_reconciler;
  std::unique_ptr<ShopifyReconciler> shopify_reconciler;
  std::map<std::string, ShopifyStorefront*> shopify_by_account;
  std::map<std::string, EbayStorefront*> ebay_by_account;
};

// One reconciliation pass for an account: the storefront's orders for accounts syncing to NetSuite (eBay order
// search, Shopify orders query), NetSuite SuiteQL for accounts syncing from NetSuite.
Result<ReconcileReport> ReconcileAccount(const SyncEngine& engine, const AccountConfig& account, SyncStore& store,
                                         const std::string& holder, std::int64_t now_ms);

// One reconciliation pass over every account that syncs in some direction, on `session` (connected again when it
// broke); failures are logged, the next pass tries again.
void ReconcileAll(const SyncEngine& engine, const StoreConnector& connector, std::unique_ptr<StoreSession>& session,
                  const std::string& holder, const Clock& clock);

// A name unique per process: the pod name (HOSTNAME) and the pid.
std::string ConsumerPrefix();

}  // namespace refundsync
