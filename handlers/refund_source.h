// Turning what a storefront says into transactions: a Shopify refunds/create event, or the refunds of an eBay
// order (read from the Fulfillment API, since eBay has no refund notification).
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/transaction.h"
#include "core/webhook_event.h"
#include "handlers/ebay_storefront.h"
#include "handlers/shopify_storefront.h"

namespace refundsync {

// The source record of a Shopify refund: this prefix and its numeric id.
inline constexpr std::string_view kShopifyRefundPrefix = "shopify:refund:";
// How a refund we post to a storefront names its NetSuite record: the Shopify refund's note, the eBay refund's
// comment ("NetSuite netsuite:creditmemo:1015").
inline constexpr std::string_view kStorefrontNotePrefix = "NetSuite ";

// A new transaction (status imported) for a storefront refund.
Transaction TransactionFromShopifyRefund(const AccountConfig& account, const WebhookEvent& event, std::int64_t now_ms);

// A Shopify refund known only by its ids (what listing an order's refunds gives), before it is read.
Transaction TransactionFromShopifyRef(const AccountConfig& account, const ShopifyRefundRef& ref, std::int64_t now_ms);

// The same, for a refund read from Shopify over GraphQL (webhook trigger, reconciliation, retrieve).
Transaction TransactionFromShopifyRecord(const AccountConfig& account, const ShopifyRefundRecord& refund,
                                         std::int64_t now_ms);

// One transaction per completed (REFUNDED) refund of the order. Line-item refunds become lines by SKU (whole
// units when the amount is a multiple of the unit price, else one unit at the refunded amount); order-level
// refunds have no lines and go to the generic adjustment item.
std::vector<Transaction> TransactionsFromEbayOrder(const AccountConfig& account, const EbayOrder& order,
                                                   std::int64_t now_ms);

// Reads a queued event (ToJson(WebhookEvent)) back.
Result<WebhookEvent> WebhookEventFromJson(const std::string& json);

}  // namespace refundsync
