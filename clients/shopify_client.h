// Shopify Admin GraphQL, in what posting a NetSuite refund needs: read an order (line items by SKU, payment
// transactions) and refundCreate with the @idempotent directive (API 2026-01+), keyed on our NetSuite record, so
// a retry after an unclear outcome returns the first refund instead of making a second.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clients/http_client.h"
#include "core/config.h"
#include "core/money.h"
#include "core/webhook_event.h"

namespace refundsync {

struct ShopifyLineItem {
  std::string id;  // gid://shopify/LineItem/...
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t refundable_quantity = 0;
};

struct ShopifyTransaction {
  std::string id;  // gid://shopify/OrderTransaction/...
  std::string kind;  // SALE, CAPTURE, REFUND, ...
  std::string status;
  std::string gateway;
  Money amount;
};

struct ShopifyOrderRefund {
  std::string id;    // gid://shopify/Refund/...
  std::string note;  // ours say which NetSuite record they come from
  std::vector<std::string> refund_statuses;  // of its REFUND transactions: SUCCESS, PENDING, FAILURE, ERROR, ...
};

// Whether a refund's money went back, from its REFUND transactions (ours have exactly one): sent (one
// succeeded, or none was due), pending (the gateway has not settled it: PENDING, AWAITING_RESPONSE, UNKNOWN),
// failed (all FAILURE or ERROR), or unknown (money was due and there is no refund transaction at all).
enum class RefundMoney { kSent, kPending, kFailed, kUnknown };
RefundMoney RefundMoneyOf(const std::vector<std::string>& refund_statuses, bool money_due);

struct ShopifyOrder {
  std::string id;  // gid://shopify/Order/...
  std::string currency;
  Money refunded;
  std::vector<ShopifyLineItem> line_items;
  std::vector<ShopifyTransaction> transactions;
  std::vector<ShopifyOrderRefund> refunds;
};

struct ShopifyRefundRequest {
  std::string order_id;  // gid
  std::string note;
  std::vector<std::pair<std::string, std::int64_t>> lines;  // line item gid, quantity
  std::string parent_transaction;                           // gid of the SALE/CAPTURE refunded against
  std::string gateway;
  Money amount;
};

// A refund as the order query shows it (for reconciliation), in the shape of a refunds/create event.
struct ShopifyRefundRecord {
  std::string order_id;   // numeric
  std::string refund_id;  // numeric
  std::string created_at;
  Money amount;
  std::optional<Money> shipping;
  std::vector<RefundLine> lines;
};

class ShopifyClient {
 public:
  virtual ~ShopifyClient() = default;
  // Refunds of every order updated at or after `since` (RFC 3339), all pages.
  virtual Result<std::vector<ShopifyRefundRecord>> RefundsOfOrdersUpdatedSince(const std::string& since) = 0;
  // Refunds of one order (numeric id).
  virtual Result<std::vector<ShopifyRefundRecord>> RefundsOfOrder(const std::string& numeric_order_id) = 0;
  virtual Result<std::optional<ShopifyOrder>> GetOrder(const std::string& numeric_order_id) = 0;
  // The refund's gid. userErrors are "upstream_rejected" with Shopify's messages; throttling is retryable.
  // The refund made (or, for a key used before, the one made then), with its transactions' statuses.
  virtual Result<ShopifyOrderRefund> CreateRefund(const ShopifyRefundRequest& request,
                                                  const std::string& idempotency_key) = 0;
};

class ShopifyGraphQlClient : public ShopifyClient {
 public:
  ShopifyGraphQlClient(const ShopifyAccountConfig& config, HttpClient& http) : config_(config), http_(http) {}

  Result<std::optional<ShopifyOrder>> GetOrder(const std::string& numeric_order_id) override;
  Result<ShopifyOrderRefund> CreateRefund(const ShopifyRefundRequest& request,
                                          const std::string& idempotency_key) override;
  Result<std::vector<ShopifyRefundRecord>> RefundsOfOrdersUpdatedSince(const std::string& since) override;
  Result<std::vector<ShopifyRefundRecord>> RefundsOfOrder(const std::string& numeric_order_id) override;

  // Webhook subscriptions (for `refundsync subscribe`): the URIs registered for a topic, and registering one.
  Result<std::vector<std::string>> WebhookSubscriptionUris(const std::string& topic);
  Result<void> CreateWebhookSubscription(const std::string& topic, const std::string& uri);

 private:
  Result<std::vector<ShopifyRefundRecord>> RefundsOfOrders(const std::string& search);
  Result<std::string> Execute(const std::string& body);  // the data JSON of a successful answer

  const ShopifyAccountConfig& config_;
  HttpClient& http_;
};

}  // namespace refundsync
