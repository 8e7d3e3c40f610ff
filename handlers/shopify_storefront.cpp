#include "handlers/shopify_storefront.h"

#include <algorithm>

namespace refundsync {

RefundMoney RefundMoneyOf(const std::vector<std::string>& refund_statuses, bool money_due) {
  bool pending = false;
  for (const auto& status : refund_statuses) {
    if (status == "SUCCESS") return RefundMoney::kSent;
    if (status != "FAILURE" && status != "ERROR") pending = true;  // PENDING, AWAITING_RESPONSE, UNKNOWN
  }
  if (pending) return RefundMoney::kPending;
  if (refund_statuses.empty()) return money_due ? RefundMoney::kUnknown : RefundMoney::kSent;
  return RefundMoney::kFailed;
}

std::string MissingOrderScopeHint(ShopifyStorefront& client) {
  auto scopes = client.GrantedScopes();
  if (!scopes || std::find(scopes->begin(), scopes->end(), "read_all_orders") != scopes->end()) return "";
  return "the app's access token lacks the read_all_orders scope, so Shopify shows it only orders of the last 60 "
         "days; request read_all_orders for the app (docs/vendor-setup.md)";
}

}  // namespace refundsync
