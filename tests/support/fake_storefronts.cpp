#include "tests/support/fake_storefronts.h"

namespace refundsync::testing {

Result<std::vector<ShopifyRefundRef>> FakeShopify::RefundIdsOfOrdersUpdatedSince(const std::string& /*since*/) {
  std::vector<ShopifyRefundRef> refs;
  for (const auto& [id, order] : orders) {
    for (const auto& refund : order.refunds) refs.push_back({id, refund.id.substr(refund.id.rfind('/') + 1)});
  }
  return refs;
}

Result<std::optional<std::vector<ShopifyRefundRef>>> FakeShopify::RefundIdsOfOrder(
    const std::string& numeric_order_id) {
  auto it = orders.find(numeric_order_id);
  if (it == orders.end()) return std::optional<std::vector<ShopifyRefundRef>>();
  std::vector<ShopifyRefundRef> refs;
  for (const auto& refund : it->second.refunds)
    refs.push_back({numeric_order_id, refund.id.substr(refund.id.rfind('/') + 1)});
  return std::make_optional(refs);
}

Result<std::optional<ShopifyRefundRecord>> FakeShopify::GetRefund(const std::string& numeric_refund_id) {
  auto it = refund_records.find(numeric_refund_id);
  return it == refund_records.end() ? std::optional<ShopifyRefundRecord>() : std::make_optional(it->second);
}

Result<std::optional<ShopifyOrder>> FakeShopify::GetOrder(const std::string& numeric_order_id) {
  auto it = orders.find(numeric_order_id);
  if (it == orders.end()) return std::optional<ShopifyOrder>();
  return std::make_optional(it->second);
}

Result<ShopifyOrderRefund> FakeShopify::CreateRefund(const ShopifyRefundRequest& request,
                                                     const std::string& idempotency_key) {
  requests.push_back(request);
  std::optional<Error> failure;
  std::swap(failure, fail_create);
  if (failure) return *failure;
  const std::string numeric = request.order_id.substr(request.order_id.rfind('/') + 1);
  ShopifyOrder& order = orders.at(numeric);
  if (auto made = idempotency.find(idempotency_key); made != idempotency.end()) {
    for (const auto& refund : order.refunds) {
      if (refund.id == made->second) return refund;
    }
  }
  ShopifyOrderRefund refund{"gid://shopify/Refund/" + std::to_string(9000 + order.refunds.size()), request.note,
                            new_refund_statuses};
  order.refunds.push_back(refund);
  order.refunded.minor_units += request.amount.minor_units;
  for (const auto& [line_id, quantity] : request.lines) {
    for (auto& item : order.line_items) {
      if (item.id == line_id) item.refundable_quantity -= quantity;
    }
  }
  idempotency[idempotency_key] = refund.id;
  return refund;
}

Result<EbayIssuedRefund> FakeEbay::IssueRefund(const EbayRefundRequest& request) {
  requests.push_back(request);
  std::optional<Error> failure;
  std::swap(failure, fail_issue);
  if (failure && !issue_anyway) return *failure;
  EbayOrder& order = orders.at(request.order_id);
  EbayRefund refund{
      "R" + std::to_string(next_refund_++), new_refund_status, request.amount, "2026-12-01T10:00:00.000Z", "", false};
  order.refunds.push_back(refund);
  if (failure) return *failure;
  return EbayIssuedRefund{refund.refund_id, refund.status};
}

Result<std::optional<EbayOrder>> FakeEbay::GetOrder(const std::string& order_id) {
  auto it = orders.find(order_id);
  if (it == orders.end()) return std::optional<EbayOrder>();
  return std::make_optional(it->second);
}

Result<std::vector<EbayOrder>> FakeEbay::OrdersModifiedSince(const std::string& /*since*/,
                                                             const OrdersReadSoFar& on_page) {
  std::vector<EbayOrder> all;
  for (const auto& [id, order] : orders) {
    all.push_back(order);
    const bool page_full = all.size() % static_cast<std::size_t>(listing_page_size) == 0;
    if (on_page && (page_full || all.size() == orders.size())) on_page(static_cast<int>(all.size()));
  }
  return all;
}

}  // namespace refundsync::testing
