// The eBay storefront port (handlers/ebay_storefront.h) on the Sell Fulfillment API: an order with its refunds,
// orders modified since a time, and issue_refund. Seller calls use a user token from the account's refresh token
// (cached until shortly before it expires).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clients/ebay_oauth.h"
#include "clients/http_client.h"
#include "core/clock.h"
#include "core/config.h"
#include "handlers/ebay_storefront.h"

namespace refundsync {

class EbayRestClient : public EbayStorefront {
 public:
  EbayRestClient(const EbayAccountConfig& config, HttpClient& http, const Clock& clock)
      : config_(config),
        http_(http),
        clock_(clock),
        tokens_(config, http, clock, EbayGrant::kUser),
        refund_tokens_(config, http, clock, EbayGrant::kUserRefunds) {}

  Result<std::optional<EbayOrder>> GetOrder(const std::string& order_id) override;
  Result<std::vector<EbayOrder>> OrdersModifiedSince(const std::string& since, const OrdersReadSoFar& on_page) override;
  Result<EbayIssuedRefund> IssueRefund(const EbayRefundRequest& request) override;

 private:
  Result<OutboundResponse> Get(const std::string& path_and_query);

  const EbayAccountConfig& config_;
  HttpClient& http_;
  const Clock& clock_;
  EbayTokenProvider tokens_;         // orders (sell.fulfillment)
  EbayTokenProvider refund_tokens_;  // issue_refund (sell.fulfillment and sell.finances)
};

Result<EbayOrder> ParseEbayOrder(std::string_view json);

}  // namespace refundsync
