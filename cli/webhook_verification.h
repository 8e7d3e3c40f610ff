// The webhook verifiers and eBay's signing-key caches, built from the configuration: what `serve` verifies live
// webhooks with and `replay --dry-run` verifies captures with.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "clients/ebay_public_keys.h"
#include "clients/http_client.h"
#include "core/clock.h"
#include "core/config.h"
#include "ingress/webhook_sources.h"

namespace refundsync {

struct WebhookVerification {
  // `http` fetches eBay's signing keys only (a read, once an hour per key).
  WebhookVerification(const Config& config, HttpClient& http, const Clock& clock);
  WebhookVerification(const WebhookVerification&) = delete;
  WebhookVerification& operator=(const WebhookVerification&) = delete;

  std::vector<std::unique_ptr<EbayApiKeyFetcher>> ebay_fetchers;
  std::vector<std::unique_ptr<EbayPublicKeyCache>> ebay_key_caches;
  // eBay's call quota is per application keyset: the accounts of one keyset share one key-fetch budget.
  std::map<std::string, std::shared_ptr<KeyFetchBudget>> ebay_budgets_by_keyset;
  const ShopifyVerifier shopify;
  const EbayVerifier ebay;
  const NetSuiteVerifier netsuite;
  const WebhookSources sources;

 private:
  std::map<std::string, EbayPublicKeyCache*> CachesByAccount(const Config& config, HttpClient& http,
                                                             const Clock& clock);
};

}  // namespace refundsync
