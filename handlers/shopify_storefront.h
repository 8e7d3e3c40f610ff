// The Shopify storefront port, in our words: an order with its line items, payment transactions and refunds, a
// refund read whole, issuing a refund with an idempotency key, and which orders have refunds. Owned by the refund
// rules (handlers/); the GraphQL documents live behind it in clients/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/money.h"
#include "core/result.h"
#include "core/webhook_event.h"
#include "handlers/orders_read.h"

namespace refundsync {

struct ShopifyLineItem {
  std::string id;  // gid://shopify/LineItem/...
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t refundable_quantity = 0;
};

struct ShopifyTransaction {
  std::string id;    // gid://shopify/OrderTransaction/...
  std::string kind;  // SALE, CAPTURE, REFUND, ...
  std::string status;
  std::string gateway;
  Money amount;
};

struct ShopifyOrderRefund {
  std::string id;                            // gid://shopify/Refund/...
  std::string note;                          // ours say which NetSuite record they come from
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

// A refund as Shopify holds it, read over GraphQL (a refunds/create webhook only says which one), in the shape of a
// refunds/create event.
struct ShopifyRefundRecord {
  std::string order_id;   // numeric
  std::string refund_id;  // numeric
  std::string created_at;
  // Whether its money went back (a Refund existing does not say so: its REFUND transactions do). kSent: `amount`
  // is what the successful ones returned (or the refund's total when it has none, e.g. restock only: then 0);
  // kPending: one is still with the payment gateway; kFailed: every one failed, nothing went back.
  RefundMoney money = RefundMoney::kSent;
  Money amount;
  std::optional<Money> shipping;  // refunded shipping, before its tax
  std::vector<RefundLine> lines;
};

// Which refund of which order (numeric ids): what listing an order's refunds gives before each is read.
struct ShopifyRefundRef {
  std::string order_id;
  std::string refund_id;
};

// A refund as the audit reads it: when it was processed and what its successful refund transactions returned.
struct ShopifyRefundSummary {
  std::string order_id;      // numeric
  std::string refund_id;     // numeric
  std::string processed_at;  // RFC 3339: processedAt (API 2026-01 and later; it can be backdated), else createdAt
  Money returned;            // the sum of its SUCCESS refund transactions, in the shop's currency
  bool transactions_complete = true;  // false when the refund lists more transactions than were read
};

// A Shopify store, in the calls the refund rules make. clients/shopify_client.h implements it on the Admin GraphQL
// API; tests/support/fake_storefronts.h in memory.
class ShopifyStorefront {
 public:
  virtual ~ShopifyStorefront() = default;
  // The refunds of every order updated at or after `since` (RFC 3339), all pages, ids only.
  virtual Result<std::vector<ShopifyRefundRef>> RefundIdsOfOrdersUpdatedSince(const std::string& since) = 0;
  // The audit: every refund of every order updated at or after `since` (RFC 3339), all pages. Shopify has no
  // filter on a refund's own date: callers keep the refunds processed in their period. Not filtered by financial
  // status: it may not follow the transactions (OrderCreateFinancialStatus: a status "that doesn't match the given
  // transactions ... will persist"), and a later payment changes it, which would hide a refund. `on_page` hears
  // of each page read.
  virtual Result<std::vector<ShopifyRefundSummary>> RefundSummariesOfOrdersUpdatedSince(
      const std::string& since, const OrdersReadSoFar& on_page) = 0;
  // The refunds of one order (numeric id), ids only; nullopt when the token cannot see the order.
  virtual Result<std::optional<std::vector<ShopifyRefundRef>>> RefundIdsOfOrder(
      const std::string& numeric_order_id) = 0;
  // One refund (numeric id), every line page; nullopt when it does not exist or its order is not visible.
  virtual Result<std::optional<ShopifyRefundRecord>> GetRefund(const std::string& numeric_refund_id) = 0;
  virtual Result<std::optional<ShopifyOrder>> GetOrder(const std::string& numeric_order_id) = 0;
  // The refund's gid. userErrors are "upstream_rejected" with Shopify's messages; throttling is retryable.
  // The refund made (or, for a key used before, the one made then), with its transactions' statuses.
  virtual Result<ShopifyOrderRefund> CreateRefund(const ShopifyRefundRequest& request,
                                                  const std::string& idempotency_key) = 0;
  // The access scopes the app's token holds (e.g. read_orders, read_all_orders, write_orders).
  virtual Result<std::vector<std::string>> GrantedScopes() = 0;
};

// Why Shopify may not show an order or refund it has: without read_all_orders only the last 60 days of orders are
// visible. Returns a sentence naming the missing scope, or "" when the token has it (or its scopes cannot be read).
std::string MissingOrderScopeHint(ShopifyStorefront& client);

}  // namespace refundsync
