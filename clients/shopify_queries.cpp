#include "clients/shopify_queries.h"

#include <fmt/format.h>

namespace refundsync::shopify_queries {

const char* const kOrderForRefund = R"(query OrderForRefund($id: ID!) {
  order(id: $id) {
    id
    currencyCode
    totalRefundedSet { shopMoney { amount currencyCode } }
    lineItems(first: 250) { pageInfo { hasNextPage endCursor } nodes { id sku quantity refundableQuantity } }
    transactions(first: 20) { id kind status gateway amountSet { shopMoney { amount currencyCode } } }
    refunds(first: 50) { id note transactions(first: 3) { nodes { kind status } } }
  }
})";

const char* const kOrderLineItemsPage = R"(query OrderLineItemsPage($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 250, after: $after) { pageInfo { hasNextPage endCursor } nodes { id sku quantity refundableQuantity } }
  }
})";

const char* const kRefund = R"(query RefundForSync($id: ID!, $after: String) {
  refund(id: $id) {
    legacyResourceId
    createdAt
    order { legacyResourceId }
    totalRefundedSet { shopMoney { amount currencyCode } }
    refundLineItems(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        quantity
        lineItem { id sku }
        subtotalSet { shopMoney { amount currencyCode } }
        totalTaxSet { shopMoney { amount currencyCode } }
      }
    }
    refundShippingLines(first: 5) {
      pageInfo { hasNextPage }
      nodes { subtotalAmountSet { shopMoney { amount currencyCode } } taxAmountSet { shopMoney { amount currencyCode } } }
    }
    transactions(first: 10) { pageInfo { hasNextPage } nodes { kind status amountSet { shopMoney { amount currencyCode } } } }
  }
})";

const char* const kRefundIdsOfOrders = R"(query RefundIdsOfOrders($after: String, $query: String!) {
  orders(first: 15, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { legacyResourceId refunds(first: 50) { legacyResourceId } }
  }
})";

const char* const kRefundIdsOfOrder = R"(query RefundIdsOfOrder($id: ID!) {
  order(id: $id) { refunds(first: 250) { legacyResourceId } }
})";

namespace {
const char* const kAuditRefundFields =
    "legacyResourceId {} transactions(first: 3) {{ pageInfo {{ hasNextPage }} "
    "nodes {{ kind status amountSet {{ shopMoney {{ amount currencyCode }} }} }} }}";
}  // namespace

std::string AuditRefundsOfOrders(const char* date_field) {
  return fmt::format(
      "query AuditRefundsOfOrders($after: String, $query: String!) {{\n"
      "  orders(first: 12, after: $after, query: $query, sortKey: UPDATED_AT) {{\n"
      "    pageInfo {{ hasNextPage endCursor }}\n"
      "    nodes {{ legacyResourceId refunds(first: 5) {{ {} }} }}\n"
      "  }}\n}}",
      fmt::format(fmt::runtime(kAuditRefundFields), date_field));
}

std::string AuditRefundsOfOrder(const char* date_field) {
  return fmt::format(
      "query AuditRefundsOfOrder($id: ID!) {{\n  order(id: $id) {{ legacyResourceId refunds(first: 50) {{ {} }} }}\n}}",
      fmt::format(fmt::runtime(kAuditRefundFields), date_field));
}

const char* const kRefundCreate = R"(mutation RefundCreate($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount currencyCode } } transactions(first: 20) { nodes { kind status } } }
    userErrors { field message }
  }
})";

const char* const kAccessScopes = R"(query AccessScopes {
  currentAppInstallation { accessScopes { handle } }
})";

const char* const kWebhookSubscriptions = R"(query Subscriptions($topics: [WebhookSubscriptionTopic!]) {
  webhookSubscriptions(first: 100, topics: $topics) { nodes { id topic uri } }
})";

const char* const kWebhookSubscriptionCreate =
    R"(mutation Subscribe($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id }
    userErrors { field message }
  }
})";

}  // namespace refundsync::shopify_queries
