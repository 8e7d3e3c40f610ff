// In-memory Shopify and eBay behind their client ports, for the rules of refunds from NetSuite: orders with
// their lines, payments and refunds; a refund made by a request; failures, and answers lost after the refund
// was made.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "handlers/ebay_storefront.h"
#include "handlers/shopify_storefront.h"

namespace refundsync::testing {

class FakeShopify : public ShopifyStorefront {
 public:
  std::map<std::string, ShopifyOrder> orders;  // by numeric id
  std::vector<std::string> scopes{"read_orders", "read_all_orders", "write_orders"};
  // The REFUND transaction statuses of the refunds it makes (SUCCESS; PENDING while the gateway decides).
  std::vector<std::string> new_refund_statuses{"SUCCESS"};
  std::optional<Error> fail_create;                // the next create fails with this
  std::vector<ShopifyRefundRequest> requests;      // creates received
  std::map<std::string, std::string> idempotency;  // key -> refund gid

  // What the audit's listing answers, as given; and refunds read whole by id (GetRefund), by numeric id.
  std::vector<ShopifyRefundSummary> refund_summaries;
  std::map<std::string, ShopifyRefundRecord> refund_records;

  Result<std::vector<ShopifyRefundRef>> RefundIdsOfOrdersUpdatedSince(const std::string& since) override;
  // One page of the listing: every summary, told as one page of the orders they name.
  Result<std::vector<ShopifyRefundSummary>> RefundSummariesOfOrdersUpdatedSince(
      const std::string&, const OrdersReadSoFar& on_page) override {
    std::set<std::string> orders;
    for (const auto& summary : refund_summaries) orders.insert(summary.order_id);
    if (on_page) on_page(static_cast<int>(orders.size()));
    return refund_summaries;
  }
  Result<std::optional<std::vector<ShopifyRefundRef>>> RefundIdsOfOrder(const std::string& numeric_order_id) override;
  Result<std::optional<ShopifyRefundRecord>> GetRefund(const std::string& numeric_refund_id) override;
  Result<std::optional<ShopifyOrder>> GetOrder(const std::string& numeric_order_id) override;
  Result<ShopifyOrderRefund> CreateRefund(const ShopifyRefundRequest& request,
                                          const std::string& idempotency_key) override;
  Result<std::vector<std::string>> GrantedScopes() override { return scopes; }
};

class FakeEbay : public EbayStorefront {
 public:
  std::map<std::string, EbayOrder> orders;  // by order id
  std::string new_refund_status = "PENDING";
  // The next issue_refund fails with this error; with `issue_anyway` the refund is made all the same.
  std::optional<Error> fail_issue;
  bool issue_anyway = false;
  std::vector<EbayRefundRequest> requests;
  int listing_page_size = 200;  // OrdersModifiedSince tells of a page after this many orders

  Result<EbayIssuedRefund> IssueRefund(const EbayRefundRequest& request) override;
  Result<std::optional<EbayOrder>> GetOrder(const std::string& order_id) override;
  Result<std::vector<EbayOrder>> OrdersModifiedSince(const std::string& since, const OrdersReadSoFar& on_page) override;

 private:
  int next_refund_ = 1;
};

}  // namespace refundsync::testing
