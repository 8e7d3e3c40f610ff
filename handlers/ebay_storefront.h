// The eBay storefront port, in our words: an order with its line items and refunds, orders modified since a time,
// and issuing an order-level refund. Owned by the refund rules (handlers/); the REST calls live behind it in
// clients/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/result.h"
#include "handlers/orders_read.h"

namespace refundsync {

struct EbayRefund {
  std::string refund_id;
  std::string status;  // PENDING | REFUNDED | FAILED
  Money amount;
  std::string date;          // RFC 3339
  std::string amount_error;  // the amount as eBay wrote it is not a refund amount (invalid_amount): why
  // eBay lists a line's refund without an amount until the buyer is due one (LineItemRefund.amount: "only returned
  // if the buyer is due a refund"): not imported yet, as if pending.
  bool amount_missing = false;
};

struct EbayLineItem {
  std::string line_item_id;
  std::string sku;
  std::int64_t quantity = 0;
  Money line_cost;   // lineItemCost: unit price x quantity, before discounts (eBay OAS, LineItem.lineItemCost)
  Money unit_price;  // line_cost / quantity
  std::vector<std::string> refund_ids;  // refunds of this line item
  // Refunds of this line item as the line lists them (refundId, amount, refundDate; no status). eBay lists a
  // line-item refund here, and not in paymentSummary.refunds (Fulfillment OAS, OrderRefund.refundId).
  std::vector<EbayRefund> refunds;
};

struct EbayOrder {
  std::string order_id;
  std::string last_modified;
  std::string currency;
  Money total;  // pricingSummary.total: items, shipping and tax
  std::vector<EbayLineItem> line_items;
  std::vector<EbayRefund> refunds;  // paymentSummary.refunds
};

// eBay's errorId for an issue_refund refused because an earlier refund of the order is still processing.
inline constexpr std::int64_t kEbayRefundInProgress = 34922;
// issue_refund refusals that eBay's specification says to try again later (Fulfillment OAS, issueRefund, 409):
// the buyer's payment is not processed yet; the default payment method's limit is exceeded.
inline constexpr std::int64_t kEbayBuyerPaymentNotProcessed = 34929;
inline constexpr std::int64_t kEbayPaymentMethodLimitExceeded = 34930;

struct EbayRefundRequest {
  std::string order_id;
  std::string comment;
  Money amount;  // always an order-level refund (see FromNetSuiteHandler::PostToEbay)
};

struct EbayIssuedRefund {
  std::string refund_id;
  std::string status;  // PENDING, REFUNDED or FAILED
};

// An eBay seller account, in the calls the refund rules make. clients/ebay_client.h implements it on the Sell
// Fulfillment API; tests/support/fake_storefronts.h in memory.
class EbayStorefront {
 public:
  virtual ~EbayStorefront() = default;
  // POST /sell/fulfillment/v1/order/{id}/issue_refund, signed with the account's signing key when it has one (eBay
  // requires digital signatures for sellers domiciled in the EU or the UK). eBay has no idempotency key for it:
  // callers re-read the order before and after (see FromNetSuiteHandler). An error's outcome_unknown says the
  // request went out and no clear answer came back (none, or a 5xx); without it eBay made nothing (the token could
  // not be had, a 4xx, a 429).
  virtual Result<EbayIssuedRefund> IssueRefund(const EbayRefundRequest& request) = 0;
  virtual Result<std::optional<EbayOrder>> GetOrder(const std::string& order_id) = 0;
  // Every order whose lastmodifieddate is at or after `since` (RFC 3339, ms, UTC), all pages; `on_page` hears of
  // each page read.
  virtual Result<std::vector<EbayOrder>> OrdersModifiedSince(const std::string& since,
                                                             const OrdersReadSoFar& on_page) = 0;
};

}  // namespace refundsync
