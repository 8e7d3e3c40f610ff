// The storefront side of the refund audit, read through the storefront ports.
#include <set>

#include "core/log.h"
#include "core/time.h"
#include "handlers/refund_audit.h"

namespace refundsync {

namespace {

// Orders are listed by their last change, which a refund makes (at least) when it is created: a day's margin
// before the period covers clocks and time zones. Shopify's refunds can be backdated (processedAt), but their
// creation still changes the order after the period started.
constexpr std::int64_t kListingMarginMs = 24LL * 3600 * 1000;

bool InPeriod(std::optional<std::int64_t> at_ms, std::int64_t start_ms, std::int64_t end_ms) {
  return at_ms && *at_ms >= start_ms && *at_ms < end_ms;
}

}  // namespace

Result<std::vector<StorefrontRefundSeen>> ShopifyRefundsBetween(ShopifyStorefront& shop, std::int64_t start_ms,
                                                                std::int64_t end_ms, const OrdersReadSoFar& on_page) {
  auto refunds = shop.RefundSummariesOfOrdersUpdatedSince(FormatRfc3339Ms(start_ms - kListingMarginMs), on_page);
  if (!refunds) return refunds.error();
  std::vector<StorefrontRefundSeen> seen;
  std::set<std::string> read;  // an order updated while the listing pages moves past the cursor: read twice
  for (const auto& refund : *refunds) {
    const auto at_ms = ParseRfc3339Ms(refund.processed_at);
    if (!InPeriod(at_ms, start_ms, end_ms) || !read.insert(refund.refund_id).second) continue;
    Money returned = refund.returned;
    if (!refund.transactions_complete) {
      // More refund transactions than the listing shows: the refund read whole says what went back.
      auto whole = shop.GetRefund(refund.refund_id);
      if (!whole) return whole.error();
      if (!*whole) continue;
      returned = (*whole)->money == RefundMoney::kSent ? (*whole)->amount : Money{0, returned.currency};
    }
    if (returned.minor_units == 0) continue;  // nothing went back (restock only, or not settled)
    seen.push_back({refund.order_id, refund.refund_id, returned, *at_ms});
  }
  return seen;
}

Result<std::vector<StorefrontRefundSeen>> EbayRefundsBetween(EbayStorefront& ebay, std::int64_t start_ms,
                                                             std::int64_t end_ms, const OrdersReadSoFar& on_page) {
  auto orders = ebay.OrdersModifiedSince(FormatRfc3339Ms(start_ms - kListingMarginMs), on_page);
  if (!orders) return orders.error();
  std::vector<StorefrontRefundSeen> seen;
  const auto keep = [&](const EbayOrder& order, const EbayRefund& refund) {
    const auto at_ms = ParseRfc3339Ms(refund.date);
    if (!InPeriod(at_ms, start_ms, end_ms) || !refund.amount_error.empty() || refund.amount_missing) return;
    seen.push_back({order.order_id, refund.refund_id, refund.amount, *at_ms});
  };
  std::set<std::string> read;  // offset paging over a changing list can show an order twice
  for (const auto& order : *orders) {
    if (!read.insert(order.order_id).second) continue;
    // Order-level refunds list their status; only REFUNDED ones returned money. Line refunds have none: eBay lists
    // one with its amount once the buyer is due it.
    for (const auto& refund : order.refunds) {
      if (refund.status == "REFUNDED") keep(order, refund);
    }
    for (const auto& line : order.line_items) {
      for (const auto& refund : line.refunds) keep(order, refund);
    }
  }
  return seen;
}

}  // namespace refundsync
