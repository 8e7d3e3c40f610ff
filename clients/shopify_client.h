// The Shopify storefront port (handlers/shopify_storefront.h) on Shopify Admin GraphQL, in what the service needs: read
// a refund (a refunds/create webhook is only its trigger), list the refunds of orders (reconciliation, retrieve), read
// an order (line items by SKU, payment transactions) and refundCreate with the @idempotent directive (API 2026-01+),
// keyed on our NetSuite record, so a retry after an unclear outcome returns the first refund instead of making a
// second. Every document and its cost budget is in clients/shopify_queries.h.
#pragma once

#include <string>
#include <vector>

#include "clients/http_client.h"
#include "core/config.h"
#include "handlers/shopify_storefront.h"

namespace refundsync {

class ShopifyGraphQlClient : public ShopifyStorefront {
 public:
  ShopifyGraphQlClient(const ShopifyAccountConfig& config, HttpClient& http) : config_(config), http_(http) {}

  Result<std::optional<ShopifyOrder>> GetOrder(const std::string& numeric_order_id) override;
  Result<ShopifyOrderRefund> CreateRefund(const ShopifyRefundRequest& request,
                                          const std::string& idempotency_key) override;
  Result<std::vector<ShopifyRefundRef>> RefundIdsOfOrdersUpdatedSince(const std::string& since) override;
  Result<std::vector<ShopifyRefundSummary>> RefundSummariesOfOrdersUpdatedSince(
      const std::string& since, const OrdersReadSoFar& on_page) override;
  Result<std::optional<std::vector<ShopifyRefundRef>>> RefundIdsOfOrder(const std::string& numeric_order_id) override;
  Result<std::optional<ShopifyRefundRecord>> GetRefund(const std::string& numeric_refund_id) override;
  Result<std::vector<std::string>> GrantedScopes() override;

  // Webhook subscriptions (for `refundsync subscribe`): the URIs registered for a topic, and registering one.
  Result<std::vector<std::string>> WebhookSubscriptionUris(const std::string& topic);
  Result<void> CreateWebhookSubscription(const std::string& topic, const std::string& uri);

  // Sends one GraphQL document with its variables (a JSON object); the `data` JSON of a successful answer.
  // Throttled requests wait as long as Shopify's throttleStatus says the bucket needs, a few times, then fail
  // retryable; a query over Shopify's cost limit fails "upstream_rejected" (a bug of ours: a query too large).
  Result<std::string> Execute(const std::string& query, const std::string& variables_json);

 private:
  const ShopifyAccountConfig& config_;
  HttpClient& http_;
};

}  // namespace refundsync
