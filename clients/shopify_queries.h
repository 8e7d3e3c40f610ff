// Every GraphQL document the service sends to Shopify's Admin API, in one place, with its requested cost.
//
// Shopify computes a query's requested cost before running it (objects 1, scalars 0, a connection 2 + first x the
// cost of one node, nested connections multiply, a mutation 10) and refuses any single query over 1000 points
// (MAX_COST_EXCEEDED), whatever the bucket holds. Each query here stays at or under kShopifyMaxQueryCost at its
// largest page size; where a page can hold less than the whole, the caller pages with `after`. The integration
// test "Every Shopify query stays inside the cost budget" sends each one to the sandbox, which computes the cost by
// those rules, and asserts the figure written next to it.
#pragma once

#include <cstddef>
#include <string>

namespace refundsync::shopify_queries {

// Our own ceiling, below Shopify's 1000: room for a field Shopify costs more than the documented defaults.
constexpr int kShopifyMaxQueryCost = 800;

// Page sizes are written in the documents (chosen so each stays under the ceiling). The one the client acts on:
constexpr int kOrderRefundsShown = 50;  // order.refunds in the orders listing (a plain list: no second page)

// The order a NetSuite refund is posted to: line items by SKU, payments, refunds with our note.
// Cost 616 = 1 order + 2 totalRefundedSet + (2 + 1 pageInfo + 250 x 1) lineItems + 20 x 3 transactions
//            + 50 x (1 + 2 + 3 x 1) refunds.
extern const char* const kOrderForRefund;
constexpr int kOrderForRefundCost = 616;

// The next page of an order's line items (orders with more than 250 lines).
// Cost 254 = 1 order + 2 + 1 + 250 x 1.
extern const char* const kOrderLineItemsPage;
constexpr int kOrderLineItemsPageCost = 254;

// A refund as Shopify holds it (a refunds/create webhook is only its trigger): lines, shipping, transactions.
// Cost 668 = 1 refund + 1 order + 2 totalRefundedSet + (2 + 1 + 100 x 6) refundLineItems
//            + (2 + 1 + 5 x 5) refundShippingLines + (2 + 1 + 10 x 3) transactions.
extern const char* const kRefund;
constexpr int kRefundCost = 668;

// The refunds (ids only) of orders updated since a time: reconciliation reads each unknown one with kRefund.
// Cost 768 = 2 + 1 pageInfo + 15 x (1 order + 50 x 1 refund).
extern const char* const kRefundIdsOfOrders;
constexpr int kRefundIdsOfOrdersCost = 768;

// The refunds (ids only) of one order: an operator's retrieve, and an order whose refunds filled
// kOrderRefundsShown in the listing above. Cost 251 = 1 + 250 x 1.
extern const char* const kRefundIdsOfOrder;
constexpr int kRefundIdsOfOrderCost = 251;

// The audit: orders updated since a time, with their refunds' dates and refund transactions. `date_field` is
// processedAt (API 2026-01+) or createdAt (before). An order that fills kAuditRefundsShown is read again alone with
// kAuditRefundsOfOrder. Cost 795 = 2 + 1 pageInfo + 12 x (1 order + 5 x (1 refund + 2 + 1 pageInfo + 3 x 3
// transactions)).
std::string AuditRefundsOfOrders(const char* date_field);
constexpr int kAuditRefundsOfOrdersCost = 795;
constexpr int kAuditRefundsShown = 5;
// One order's refunds for the audit. Cost 651 = 1 order + 50 x 13.
std::string AuditRefundsOfOrder(const char* date_field);
constexpr int kAuditRefundsOfOrderCost = 651;
constexpr std::size_t kAuditRefundsOfOrderShown = 50;

// refundCreate with @idempotent (API 2026-01+; mandatory from 2026-04). Cost 37 = 10 + 1 payload + 1 refund
// + 2 totalRefundedSet + (2 + 20 x 1) transactions + 1 userErrors.
extern const char* const kRefundCreate;
constexpr int kRefundCreateCost = 37;

// The app's granted access scopes. Cost 2.
extern const char* const kAccessScopes;
constexpr int kAccessScopesCost = 2;

// Webhook subscriptions of a topic (uri: API 2025-10+). Cost 102 = 2 + 100 x 1.
extern const char* const kWebhookSubscriptions;
constexpr int kWebhookSubscriptionsCost = 102;

// webhookSubscriptionCreate with `uri` (API 2025-10+; `callbackUrl` before). Cost 13 = 10 + 1 + 1 + 1.
extern const char* const kWebhookSubscriptionCreate;
constexpr int kWebhookSubscriptionCreateCost = 13;

}  // namespace refundsync::shopify_queries
