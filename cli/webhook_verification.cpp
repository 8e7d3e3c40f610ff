#include "cli/webhook_verification.h"

namespace refundsync {

WebhookVerification::WebhookVerification(const Config& config, HttpClient& http, const Clock& clock)
    : shopify(),
      ebay(CachesByAccount(config, http, clock)),
      netsuite(config.netsuite.webhook, clock),
      sources(shopify, ebay, netsuite) {}

std::map<std::string, EbayPublicKeyCache*> WebhookVerification::CachesByAccount(const Config& config, HttpClient& http,
                                                                                const Clock& clock) {
  std::map<std::string, EbayPublicKeyCache*> by_account;
  for (const auto& account : config.accounts) {
    if (!account.ebay) continue;
    auto& budget = ebay_budgets_by_keyset[account.ebay->api_base_url + " " + account.ebay->client_id.reveal()];
    if (!budget) budget = std::make_shared<KeyFetchBudget>(clock);
    ebay_fetchers.push_back(std::make_unique<EbayApiKeyFetcher>(*account.ebay, http, clock));
    ebay_key_caches.push_back(std::make_unique<EbayPublicKeyCache>(*ebay_fetchers.back(), clock, budget));
    by_account[account.id] = ebay_key_caches.back().get();
  }
  return by_account;
}

}  // namespace refundsync
